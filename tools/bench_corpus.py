"""Write a synthetic corpus of N articles for benchmarks and tests.

    python tools/bench_corpus.py --articles 1000 --seed 1 /tmp/corpus

Never writes into content/.  The text is lorem-ipsum word salad from a fixed
vocabulary (English edition) and a fixed list of common Urdu words (Urdu
edition), so nobody can take it for news.  Each article has about 530 words,
a title, a summary, a date in three years, one of the configured SECTIONS and
two to four tags; 30 % have an Urdu translation (same Slug, ``Lang: ur``,
``Translated_From: en``, the section's Urdu name, Urdu tags).  The same seed
gives the same files, byte for byte.
"""

import argparse
import random
import shutil
import sys
from datetime import datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

LATIN = (
    "lorem ipsum dolor sit amet consectetur adipiscing elit sed do eiusmod tempor incididunt ut labore et dolore "
    "magna aliqua enim ad minim veniam quis nostrud exercitation ullamco laboris nisi aliquip ex ea commodo "
    "consequat duis aute irure in reprehenderit voluptate velit esse cillum fugiat nulla pariatur excepteur sint "
    "occaecat cupidatat non proident sunt culpa qui officia deserunt mollit anim id est laborum curabitur pretium "
    "tincidunt lacus nunc pulvinar sapien ligula aliquam faucibus purus viverra accumsan lectus mauris vitae "
    "ultricies leo integer malesuada fames turpis egestas pharetra convallis posuere morbi vivamus arcu felis "
    "bibendum tellus elementum sagittis eu volutpat odio facilisis"
).split()
# Upper-case "acronyms" and figures so that typogrify has caps and numbers to mark up.
LATIN_EXTRAS = ["LOREM", "QX", "ZRT-9", "1,250", "37", "2.5", "12 %", "VEL-IX"]
URDU = (
    "اور کے کی میں سے کو نے پر ہے ہیں تھا تھی تھے یہ وہ اس ان ایک دو تین کچھ سب بہت کم زیادہ نیا پرانا بڑا "
    "چھوٹا شہر گاؤں دریا پہاڑ سڑک دروازہ کھڑکی کتاب قلم کاغذ رنگ نیلا سبز سرخ پیلا سفید روشنی سایہ ہوا پانی "
    "مٹی پتھر درخت پھول پتا شاخ صبح شام رات دن ہفتہ مہینہ سال وقت جگہ راستہ گھر باغ میدان بازار"
).split()
URDU_EXTRAS = ["۱۲", "۳۷", "۲۰۲۴", "۵۰"]
LATIN_TAGS = [" ".join(pair).title() for pair in zip(LATIN[0:80:2], LATIN[1:80:2])]
URDU_TAGS = [" ".join(pair) for pair in zip(URDU[20:100:2], URDU[21:100:2])]
# Three years that end before 19 April 2024, the tests' SOURCE_DATE_EPOCH, so
# no story is in the future for the content validation.
START = datetime(2021, 4, 1, 6, 0)
DAYS = 3 * 365
WORDS_PER_ARTICLE = 530
TRANSLATED_SHARE = 0.3


def sections():
    from pelicanconf import SECTIONS
    return SECTIONS


def word_salad(rng, vocabulary, extras, count):
    words = [rng.choice(extras) if rng.random() < 0.03 else rng.choice(vocabulary) for _ in range(count)]
    return words


def sentences(rng, words, stop="."):
    out, start = [], 0
    while start < len(words):
        length = rng.randint(8, 18)
        chunk = words[start:start + length]
        chunk[0] = chunk[0][:1].upper() + chunk[0][1:]
        if stop == "." and rng.random() < 0.15 and len(chunk) > 4:
            chunk[1] = "“" + chunk[1]
            chunk[3] = chunk[3] + "”"
        if stop == "." and rng.random() < 0.1:
            chunk[-1] = chunk[-1] + "’s"
        out.append(" ".join(chunk) + stop)
        start += length
    return out


def paragraphs(rng, vocabulary, extras, stop):
    words = word_salad(rng, vocabulary, extras, WORDS_PER_ARTICLE)
    text = sentences(rng, words, stop)
    result, index = [], 0
    while index < len(text):
        take = rng.randint(3, 6)
        result.append(" ".join(text[index:index + take]))
        index += take
    result[0] = f"**{result[0].split(' ', 1)[0].upper()}:** " + result[0].split(" ", 1)[1]
    return result


def title(rng, vocabulary, count=(5, 10)):
    words = [rng.choice(vocabulary) for _ in range(rng.randint(*count))]
    return " ".join(words).capitalize()


def shorten(summary, limit=150):
    """A summary within the meta-description length the validation warns about."""
    if len(summary) <= limit:
        return summary
    return summary[:limit].rsplit(" ", 1)[0]


def english_article(rng, number, section, date):
    slug = f"{title(rng, LATIN, (3, 5)).lower().replace(' ', '-')}-{number}"
    headline = title(rng, LATIN)
    tags = rng.sample(LATIN_TAGS, rng.randint(2, 4))
    summary = shorten(" ".join(sentences(rng, word_salad(rng, LATIN, LATIN_EXTRAS, 30))[:2]))
    body = "\n\n".join(paragraphs(rng, LATIN, LATIN_EXTRAS, "."))
    return slug, tags, (
        f"Title: {headline}\nDate: {date:%Y-%m-%d %H:%M}\nCategory: {section['en']}\n"
        f"Tags: {', '.join(tags)}\nSlug: {slug}\nSummary: {summary}\n\n{body}\n"
    )


def urdu_article(rng, slug, section, date, tag_count):
    headline = title(rng, URDU)
    tags = rng.sample(URDU_TAGS, tag_count)
    summary = shorten(" ".join(sentences(rng, word_salad(rng, URDU, URDU_EXTRAS, 30), "۔")[:2]))
    body = "\n\n".join(paragraphs(rng, URDU, URDU_EXTRAS, "۔"))
    return (
        f"Title: {headline}\nDate: {date:%Y-%m-%d %H:%M}\nCategory: {section['ur']}\n"
        f"Tags: {', '.join(tags)}\nSlug: {slug}\nLang: ur\nTranslated_From: en\nSummary: {summary}\n\n{body}\n"
    )


def write_corpus(folder, articles, seed=1, translated_share=TRANSLATED_SHARE):
    """Write `articles` English stories (and their Urdu translations) under
    folder/articles/YYYY/; returns the list of written paths."""
    folder = Path(folder)
    rng = random.Random(seed)
    configured = sections()
    written = []
    for number in range(articles):
        section = rng.choice(configured)
        date = START + timedelta(days=rng.randrange(DAYS), minutes=rng.randrange(16 * 60))
        slug, tags, text = english_article(rng, number, section, date)
        path = folder / "articles" / f"{date:%Y}" / f"{slug}.md"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        written.append(path)
        if rng.random() < translated_share:
            urdu = path.with_suffix(".ur.md")
            urdu.write_text(urdu_article(rng, slug, section, date, len(tags)), encoding="utf-8")
            written.append(urdu)
    shutil.copytree(ROOT / "content" / "extra", folder / "extra", dirs_exist_ok=True)
    return written


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder")
    parser.add_argument("--articles", type=int, default=100)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    if Path(args.folder).resolve().is_relative_to(ROOT / "content"):
        parser.error("the corpus never goes into content/")
    written = write_corpus(args.folder, args.articles, args.seed)
    print(f"{len(written)} files in {args.folder}")


if __name__ == "__main__":
    main()
