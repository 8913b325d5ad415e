"""Two builds of the same sources are byte-identical.

Both builds run with the same SOURCE_DATE_EPOCH into two different temporary
folders; every file is hashed.  Nothing may depend on the build's wall-clock
time, its output path or the order a file system lists files in.
"""

import hashlib
import json
import os
from datetime import datetime
from pathlib import Path
from xml.etree import ElementTree as ET

import pytest

from newsroom import last_change, published_stories
from sitebuild import ROOT, Site, built

ATOM = "{http://www.w3.org/2005/Atom}"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


def tree_hashes(root):
    return {p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(Path(root).rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def two_builds(tmp_path_factory, published, newsroom):
    """The session's publish build of the fixture newsroom and a second one,
    elsewhere, with empty caches: Pagefind, the font subset and the compressed
    copies run again, and must write what the first build wrote or took
    from its cache."""
    folder = tmp_path_factory.mktemp("second-with-another-name")
    second = built(folder / "public", settings="publishconf.py", content=newsroom,
                   extra_settings=[f"CACHE_PATH={json.dumps(str(folder / 'cache'))}"])
    return published, Site(second)


def test_two_builds_are_byte_identical(two_builds):
    first, second = two_builds
    hashes = tree_hashes(first.root)
    assert len(hashes) > 20
    assert hashes == tree_hashes(second.root)


def test_no_build_path_or_machine_detail_leaks_into_the_output(two_builds):
    first, _ = two_builds
    leaks = [str(ROOT), str(first.root), str(first.root.parent), ".staging-", os.environ.get("HOME", "/root")]
    for file in sorted(first.root.rglob("*")):
        if file.is_file():
            data = file.read_bytes()
            for leak in leaks:
                assert leak.encode() not in data, f"{file.relative_to(first.root)} contains {leak!r}"


def test_feed_and_sitemap_dates_come_from_the_stories(two_builds):
    first, _ = two_builds
    changes = {lang: {story["slug"]: last_change(story, lang).isoformat() for story in published_stories(lang)}
               for lang in ("en", "ur")}
    for feed_path in sorted(first.root.glob("**/feeds/**/*.atom.xml")):
        feed = ET.parse(feed_path).getroot()
        entries = feed.findall(f"{ATOM}entry")
        assert entries, feed_path
        newest = max(entry.findtext(f"{ATOM}updated") for entry in entries)
        assert feed.findtext(f"{ATOM}updated") == newest, feed_path
        lang = "ur" if "/ur/" in feed_path.as_posix() else "en"
        for entry in entries:
            slug = entry.find(f"{ATOM}link").get("href").rstrip("/").rsplit("/", 1)[1]
            assert datetime.fromisoformat(entry.findtext(f"{ATOM}updated")) == datetime.fromisoformat(changes[lang][slug])
    sitemap = ET.parse(first.path("sitemap.xml")).getroot()
    lastmods = [url.findtext(f"{SITEMAP}lastmod") for url in sitemap.findall(f"{SITEMAP}url")]
    assert {lastmod for lastmod in lastmods if lastmod} == set(changes["en"].values()) | set(changes["ur"].values())
    locs = [url.findtext(f"{SITEMAP}loc") for url in sitemap.findall(f"{SITEMAP}url")]
    assert locs == sorted(locs, key=lambda loc: ("/ur/" in loc, loc))


def test_urdu_font_subset_does_not_depend_on_when_it_is_made(tmp_path, monkeypatch):
    import urdu_font

    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    source = ROOT / "theme" / "fonts" / "NotoNastaliqUrdu-Regular.ttf"
    characters = set("لالٹین گزٹ ") | set(urdu_font.URDU_DIGITS)
    urdu_font.write_subset(source, tmp_path / "a.woff2", characters)
    monkeypatch.setattr("time.time", lambda: 2_000_000_000.0)
    urdu_font.write_subset(source, tmp_path / "b.woff2", characters)
    assert (tmp_path / "a.woff2").read_bytes() == (tmp_path / "b.woff2").read_bytes()


def same_day_stories(folder):
    """Stories that share one date: only a full sort key orders them the same way every time."""
    articles = folder / "articles"
    articles.mkdir(parents=True)
    sections = ["Pakistan", "World", "Syria", "Business", "Sport", "Opinion"]
    for number in range(12):
        (articles / f"story-{number:02d}.md").write_text(
            f"Title: Story number {number}\nDate: 2018-05-02\nCategory: {sections[number % 6]}\n"
            f"Tags: Tag {number % 3}\n\n**KARACHI:** Text of story {number}.\n", encoding="utf-8")
    return folder


def test_stories_of_the_same_day_are_ordered_the_same_way_in_every_build(tmp_path):
    content = same_day_stories(tmp_path / "content")
    builds = [Site(built(tmp_path / f"build-{seed}" / "output", content=content, env={"PYTHONHASHSEED": seed}))
              for seed in ("1", "2", "3")]
    first = tree_hashes(builds[0].root)
    for other in builds[1:]:
        assert tree_hashes(other.root) == first
    archive = [a.get_text().replace("\xa0", " ")
               for a in builds[0].html("archive/index.html").select("main a[href*='/2018/05/02/']")]
    assert archive == [f"Story number {n}" for n in sorted(range(12), key=lambda n: f"story-number-{n}")]
    # The Urdu edition has no story yet: its empty feed is dated by the edition's day, not the clock.
    feed = ET.parse(builds[0].path("ur/feeds/all.atom.xml")).getroot()
    assert feed.findtext(f"{ATOM}updated") == "2024-04-19T00:00:00+05:00"
