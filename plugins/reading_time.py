"""Reading time computed from the body of every article and page.

Adds ``reading_time`` (whole minutes, at least 1) to each content object:
the words of the rendered body divided by ``READING_SPEED_WPM`` (default
265), rounded half up.

Why our own: pelican-readtime 0.2.1 floors at 200 words a minute and can say
"0 min", which a newspaper never prints.

Settings read: ``READING_SPEED_WPM``.
"""

import re
from html import unescape

from pelican import signals

# Block boundaries separate words; inline tags (typogrify's <span class="caps">
# inside "US-backed") do not.
BLOCK_TAG = re.compile(r"</?(?:p|br|li|ul|ol|h[1-6]|div|blockquote|tr|td|th|figure|figcaption)\b[^>]*>", re.I)
ANY_TAG = re.compile(r"<[^>]+>")
DEFAULT_WPM = 265


def count_words(html):
    text = ANY_TAG.sub("", BLOCK_TAG.sub(" ", html))
    return len(unescape(text).split())


def minutes_to_read(words, words_per_minute=DEFAULT_WPM):
    return max(1, int(words / words_per_minute + 0.5))


def add_reading_time(content):
    body = getattr(content, "_content", None) or ""
    wpm = content.settings.get("READING_SPEED_WPM", DEFAULT_WPM)
    content.word_count = count_words(body)
    content.reading_time = minutes_to_read(content.word_count, wpm)


def register():
    signals.content_object_init.connect(add_reading_time)
