"""Start a story: write a ready-to-edit article file with every key it needs.

    python tools/new_story.py SLUG [--section SECTION] [--lang ur] [--content content]
    make new SLUG=the-slug [SECTION=world] [LANG=ur]

English (the default): writes ``content/articles/YYYY/SLUG.md`` dated now in
the paper's time zone (``TIMEZONE``), in the section ``SECTION`` (a slug or
English name of ``SECTIONS``; the first section when not given).

``--lang ur``: writes the Urdu translation of the English story whose Slug is
``SLUG``, beside it: ``SLUG.ur.md`` with the same Slug and Date, ``Lang: ur``,
``Translated_From: en``, the section's Urdu name and the English byline
(to be written in Urdu script, in the same order).

The file starts as ``Status: draft``: ``make serve`` shows it (at its URL and
at /drafts/), ``make publish`` leaves it out.  What the editor has to write
says ``TO WRITE:``; validation refuses a story that still says so once its
``Status: draft`` line is deleted.  Never overwrites: a story of that
language with that slug (its Slug or its file name) is an error.

Plain Python (no shell), so it works the same on Linux, macOS and Windows.
"""

import argparse
import re
import sys
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "plugins")]

import pelicanconf  # noqa: E402
from validation import PLACEHOLDER, parse_markdown  # noqa: E402

SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")

ENGLISH = """\
Title: {todo} the headline, as readers will see it
Date: {date}
Category: {section}
Tags:
Slug: {slug}
Summary: {todo} one or two sentences for the front page and search results (under 160 characters)
Authors:
Status: draft

**{todo}** start with the dateline in bold (**KARACHI:**), then the first paragraph.

The next paragraphs, separated by blank lines.
"""

URDU = """\
Title: {todo} the headline in Urdu
Date: {date}
Category: {section}
Tags:
Slug: {slug}
Lang: ur
Translated_From: en
Summary: {todo} the summary in Urdu (under 160 characters)
Authors: {authors}
Status: draft

**{todo}** the dateline in bold (**کراچی:**), then the Urdu text.
"""


class Refused(Exception):
    """Nothing was written, for the reason given."""


def read_metadata(path):
    metadata, _, _, _ = parse_markdown(path.read_text(encoding="utf-8-sig"))
    return {key: value for key, (_, value) in metadata.items()}


def stories(content):
    """(path, metadata, lang, slug) of every story in the content folder."""
    for path in sorted((content / "articles").rglob("*.md")):
        metadata = read_metadata(path)
        lang = (metadata.get("lang") or pelicanconf.DEFAULT_LANG).strip()
        slug = (metadata.get("slug") or "").strip() or path.name.split(".")[0]
        yield path, metadata, lang, slug


def find_section(name):
    for section in pelicanconf.SECTIONS:
        if name.strip().lower() in (section["slug"], section["en"].lower()):
            return section
    names = ", ".join(section["slug"] for section in pelicanconf.SECTIONS)
    raise Refused(f'unknown section "{name}"; use one of: {names} (SECTIONS in pelicanconf.py)')


def new_story(slug, section=None, lang="en", content=ROOT / "content", now=None):
    """Write the file; returns its path.  Raises Refused."""
    content = Path(content)
    if not SLUG.match(slug or ""):
        raise Refused(f'"{slug}" is not a slug: use lower-case letters, digits and hyphens (e.g. budget-vote-delayed)')
    if lang not in pelicanconf.EDITIONS:
        raise Refused(f'unknown language "{lang}"; use one of: {", ".join(pelicanconf.EDITIONS)}')
    existing = list(stories(content))
    for path, _, story_lang, story_slug in existing:
        if story_lang == lang and story_slug == slug:
            raise Refused(f"{path.relative_to(content.parent).as_posix()} already has the slug {slug} ({lang}); "
                          "edit that file, or choose another SLUG")
    if lang == pelicanconf.DEFAULT_LANG:
        zone = ZoneInfo(pelicanconf.TIMEZONE)
        now = (now or datetime.now(zone)).astimezone(zone)
        chosen = find_section(section) if section else pelicanconf.SECTIONS[0]
        path = content / "articles" / f"{now:%Y}" / f"{slug}.md"
        text = ENGLISH.format(todo=PLACEHOLDER, date=f"{now:%Y-%m-%d %H:%M}", section=chosen["en"], slug=slug)
    else:
        originals = [(path, metadata) for path, metadata, story_lang, story_slug in existing
                     if story_lang == pelicanconf.DEFAULT_LANG and story_slug == slug]
        if not originals:
            raise Refused(f"no {pelicanconf.DEFAULT_LANG} story has the slug {slug}: write the original first "
                          f"(make new SLUG={slug})")
        original_path, original = originals[0]
        category = (original.get("category") or "").strip()
        chosen = next((s for s in pelicanconf.SECTIONS if s[pelicanconf.DEFAULT_LANG] == category), None)
        if chosen is None or lang not in chosen:
            raise Refused(f'{original_path.relative_to(content.parent).as_posix()}: its Category "{category}" is not '
                          "a section of SECTIONS; correct it first")
        path = original_path.with_name(f"{slug}.{lang}.md")
        authors = (original.get("authors") or original.get("author") or "").strip()
        text = URDU.format(todo=PLACEHOLDER, date=(original.get("date") or "").strip(), section=chosen[lang],
                           slug=slug, authors=authors)
    text = "".join(line.rstrip() + "\n" for line in text.splitlines())
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        with path.open("x", encoding="utf-8", newline="\n") as file:  # "x": never overwrite
            file.write(text)
    except FileExistsError:
        raise Refused(f"{path.relative_to(content.parent).as_posix()} exists already; edit it, or choose another SLUG")
    return path


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("slug", help="short English words for the URL, e.g. budget-vote-delayed")
    parser.add_argument("--section", help="a section's slug or English name (default: the first of SECTIONS)")
    parser.add_argument("--lang", default=pelicanconf.DEFAULT_LANG,
                        help=f"{'/'.join(pelicanconf.EDITIONS)}: another language writes the translation of the "
                             "story with that slug")
    parser.add_argument("--content", default=str(ROOT / "content"), help="content folder (tests use fixtures)")
    args = parser.parse_args(argv)
    try:
        path = new_story(args.slug, args.section, args.lang or pelicanconf.DEFAULT_LANG, Path(args.content))
    except Refused as refusal:
        print(f"make new: {refusal}", file=sys.stderr)
        return 1
    shown = path.relative_to(Path(args.content).parent).as_posix()
    print(f"wrote {shown}\n"
          f"  Write what says \"{PLACEHOLDER}\", then delete the line \"Status: draft\" to publish it.\n"
          "  Until then `make serve` shows it (listed at /drafts/) and `make publish` leaves it out.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
