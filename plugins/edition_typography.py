"""Quotation marks and digits as each edition prints them.

typogrify (smartypants) curls quotes the English way: ‘opening’ U+2018 and
“opening” U+201C, closing U+2019 and U+201D.  Drawn right to left these
glyphs face the wrong way, and in Nastaliq an opening ‘ looks like the Urdu
comma ،.  Urdu publishers online (BBC Urdu, Dawn News, ARY) open a quotation
with ’ (U+2019) and close it with ‘ (U+2018), ” and “ for double marks: the
English marks mirrored.  This plugin rewrites the quotation marks of every
story and page of an edition whose ``quotes`` differ from the English ones:
each mark gets the edition's opening or closing form from its place (after
a space or at the start of a text: opening; after a letter or punctuation:
closing), so a story typed with English curly quotes, straight quotes or
already in the Urdu style comes out the same.  An apostrophe between two
Latin letters (``SDF’s`` in an Urdu story) is left alone.

Digits: an edition's ``digits`` is a CLDR numbering system, ``latn``
(0123…) or ``arabext`` (۰۱۲۳…, Extended Arabic-Indic).  With ``arabext`` the
digits of the story text become Urdu digits, except where they belong to a
Latin word (``F16``, ``COVID-19``); the ``dates`` plugin prints dates and
counts in the same digits.

The title (and ``plain_title``), summary and body of each article and page
are rewritten when the content object is made (``content_object_init``),
outside ``<code>``, ``<pre>``, ``<script>``, ``<style>`` and tags.

Settings read: ``EDITIONS`` (``quotes``: four characters, opening and
closing single then double marks, default ``‘’“”``; ``digits``, default
``latn``).
"""

import re
from functools import lru_cache

from pelican import signals

ENGLISH_QUOTES = "‘’“”"
SINGLE_MARKS = "‘’'"
DOUBLE_MARKS = "“”\""
QUOTE_MARK = re.compile("[‘’“”'\"]")
TAG = re.compile(r"(<[^>]*>)")
VERBATIM = {"code", "pre", "script", "style", "kbd", "samp"}
# After one of these (or at the start of a text) a quotation mark opens.
OPENS_AFTER = set(" \t\n\u00a0([{«—–-/") | {""}
ARABIC_INDIC_DIGITS = str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")
# A run of Latin letters, digits and hyphens: its digits become Urdu digits
# unless it has a letter (F16, COVID-19, 3G).
LATIN_TOKEN = re.compile(r"[A-Za-z0-9]+(?:-[A-Za-z0-9]+)*")
SPACE_ENTITIES = ("&nbsp;", "&#160;", "&#xa0;", "&#xA0;")


def is_latin_letter(character):
    return character.isascii() and character.isalpha()


def edition_conventions(settings, lang):
    edition = settings.get("EDITIONS", {}).get(lang, {})
    return edition.get("quotes", ENGLISH_QUOTES), edition.get("digits", "latn")


def _texts(html):
    """The HTML split into tags and texts, and the indexes of the texts that
    are not verbatim (inside <code>, <pre>…)."""
    parts = TAG.split(html)
    texts, verbatim = [], 0
    for index, part in enumerate(parts):
        if index % 2:  # a tag
            name = re.match(r"</?\s*([a-zA-Z0-9]+)", part)
            if name and name[1].lower() in VERBATIM:
                verbatim += -1 if part.startswith("</") else 1
                verbatim = max(verbatim, 0)
        elif not verbatim:
            texts.append(index)
    return parts, texts


@lru_cache(maxsize=4096)
def convert(html, quotes=ENGLISH_QUOTES, digits="latn", markup=True):
    """`html` with quotation marks and digits in the edition's style (`markup`
    false: `html` is plain text, where `<` is a character, not a tag)."""
    if quotes == ENGLISH_QUOTES and digits == "latn":
        return html
    rewrite_quotes = quotes != ENGLISH_QUOTES and QUOTE_MARK.search(html)
    if not rewrite_quotes and not (digits == "arabext" and re.search("[0-9]", html)):
        return html
    parts, texts = _texts(html) if markup else ([html], [0])
    stream = "".join(parts[index] for index in texts)  # the text as read, tags left out
    if rewrite_quotes:
        characters = list(stream)
        for match in QUOTE_MARK.finditer(stream):
            position, mark = match.start(), match[0]
            before = stream[position - 1] if position else ""
            after = stream[position + 1] if position + 1 < len(stream) else ""
            if stream.endswith(SPACE_ENTITIES, 0, position):
                before = " "  # typogrify's no-break space before a title's last word
            if stream.startswith(SPACE_ENTITIES, position + 1):
                after = " "
            single = mark in SINGLE_MARKS
            if single and is_latin_letter(before) and is_latin_letter(after):
                continue  # an apostrophe
            opening = before in OPENS_AFTER or (before in SINGLE_MARKS + DOUBLE_MARKS and after not in OPENS_AFTER)
            characters[position] = quotes[(0 if single else 2) + (0 if opening else 1)]
        stream = "".join(characters)
    if digits == "arabext":
        stream = LATIN_TOKEN.sub(lambda match: match[0] if re.search("[A-Za-z]", match[0])
                                 else match[0].translate(ARABIC_INDIC_DIGITS), stream)
    start = 0
    for index in texts:
        length = len(parts[index])
        parts[index] = stream[start:start + length]
        start += length
    return "".join(parts)


def typeset(content):
    quotes, digits = edition_conventions(content.settings, getattr(content, "lang", None))
    if quotes == ENGLISH_QUOTES and digits == "latn":
        return
    if getattr(content, "_content", None):
        content._content = convert(content._content, quotes, digits)
    for name, markup in (("title", True), ("plain_title", False)):
        if getattr(content, name, None):
            setattr(content, name, convert(getattr(content, name), quotes, digits, markup))
            content.metadata[name] = getattr(content, name)
    if getattr(content, "_summary", None):
        content._summary = content.metadata["summary"] = convert(content._summary, quotes, digits)


def register():
    signals.content_object_init.connect(typeset)
