"""The search index of the publish build holds whole stories in both languages.

Pagefind's fragments (pagefind/fragment/*.pf_fragment) are gzip: a 12-byte
``pagefind_dcd`` signature, then the JSON of one page: its URL, the indexed
text (``content``), ``word_count`` and metadata.  The publish build's pages
are minified; a minifier may leave out end tags the HTML standard lets it
omit (``</p>``, ``</li>``…), which Pagefind's streaming parser does not infer:
an element marked ``data-pagefind-ignore`` whose end tag was gone hid the
rest of the page from the index (the Urdu story was indexed as its headline
alone: 16 words), and a byline run into the next element became one word
("Omar SampleCorrection").  The build keeps end tags (plugins/minify_site.py)
and the templates mark only elements whose end tag is never optional.
"""

import gzip
import json
import re
import shutil
import subprocess
import sys
import threading
import time

import pytest

from sitebuild import ARTICLE_SLUG, SCALE_CHUNK_STORIES

# Elements whose end tag an HTML minifier may leave out (HTML standard, "Optional tags").
OPTIONAL_END_TAGS = {"p", "li", "dt", "dd", "rt", "rp", "optgroup", "option", "colgroup", "caption",
                     "thead", "tbody", "tfoot", "tr", "td", "th", "html", "head", "body"}
PAGEFIND_ATTRIBUTE = re.compile(r"<([a-zA-Z][a-zA-Z0-9]*)\b[^>]*\bdata-pagefind-[a-z-]+")


def fragments(root, folder="pagefind/*/*/fragment"):
    """{URL: fragment} of every chunk's Pagefind bundle; `lang` is the
    language of the index the fragment is in."""
    found = {}
    for path in sorted(root.glob(f"{folder}/*.pf_fragment")):
        data = gzip.decompress(path.read_bytes())
        assert data[:12] == b"pagefind_dcd", path
        fragment = json.loads(data[12:])
        fragment["lang"] = path.name.split("_", 1)[0]
        assert fragment["url"] not in found, f"{fragment['url']} is in two chunks"
        found[fragment["url"]] = fragment
    assert found, f"no fragment in {root}/{folder}"
    return found


def chunk_entries(root):
    """{(edition, chunk): Pagefind's entry file} of every chunk the editions' lists name."""
    entries = {}
    for manifest in sorted(root.glob("pagefind/*/chunks.json")):
        for chunk in json.loads(manifest.read_text(encoding="utf-8"))["chunks"]:
            entry = manifest.parent / chunk / "pagefind-entry.json"
            entries[manifest.parent.name, chunk] = json.loads(entry.read_text(encoding="utf-8"))
    return entries


ENGLISH = f"/2018/05/02/{ARTICLE_SLUG}/"
URDU = f"/ur/2018/05/02/{ARTICLE_SLUG}/"


@pytest.mark.parametrize("url, words, minimum", [
    (ENGLISH, ["Observatory", "Deir Ezzor", "jihadists", "Yarmuk"], 350),
    (URDU, ["دیر الزور", "آبزرویٹری", "جہادی", "یرموک"], 480),
])
def test_the_publish_build_indexes_the_whole_story(published, site, url, words, minimum):
    shipped = fragments(published.root)[url]
    assert shipped["word_count"] >= minimum, f"{url}: {shipped['word_count']} words indexed"
    for word in words:
        assert word in shipped["content"], word
    # The same words as the preview build, which is not minified.
    assert shipped["word_count"] == fragments(site.root)[url]["word_count"]
    # Not the interface around the story: the translation note, the meta line, the printed URL.
    for interface in ("ترجمہ", "پڑھنے کا وقت", "min read", "lantern-gazette.example", "Read the original"):
        assert interface not in shipped["content"], interface


def test_results_carry_the_date_and_section_of_the_story(published):
    found = fragments(published.root)
    assert {key: found[ENGLISH]["meta"][key] for key in ("date", "date_iso", "section")} == \
        {"date": "2 May 2018", "date_iso": "2018-05-02", "section": "Syria"}
    assert {key: found[URDU]["meta"][key] for key in ("date", "date_iso", "section")} == \
        {"date": "2 مئی، 2018", "date_iso": "2018-05-02", "section": "شام"}
    # The story's text starts at an anchor, so a result's excerpt can leave out the headline.
    for url in (ENGLISH, URDU):
        [anchor] = [a for a in found[url]["anchors"] if a["id"] == "story-text"]
        words = found[url]["content"].split()
        assert words[anchor["location"]] in ("AL", "التنک:")


def test_pagefind_attributes_sit_on_elements_whose_end_tag_is_kept(published):
    """The rule that keeps the index whole whatever the minifier omits."""
    checked = 0
    for page in published.pages():
        html = published.text(page)
        for match in PAGEFIND_ATTRIBUTE.finditer(html):
            tag = match[1].lower()
            assert tag not in OPTIONAL_END_TAGS, f"{page}: <{tag}> carries {match[0][-30:]}"
            assert f"</{tag}>" in html[match.end():], f"{page}: <{tag}> is not closed"
            checked += 1
    assert checked > 10


def test_pagefind_reads_the_minified_pages_whole(published, tmp_path):
    """Pagefind run on the shipped (minified) pages finds as many words as the
    shipped index, whichever of indexing and minifying the build does first."""
    copy = tmp_path / "site"
    for page in published.pages():
        target = copy / page
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(published.path(page), target)
    shipped_page = published.text(URDU.strip("/") + "/index.html")
    assert "\n  <" not in shipped_page, "the shipped pages are minified"
    # ... and keep their end tags (plugins/minify_site.py).
    assert shipped_page.count("</p>") == len(re.findall(r"<p[ >]", shipped_page))
    subprocess.run([sys.executable, "-m", "pagefind", "--site", str(copy), "--output-subdir", "pagefind", "--silent"],
                   check=True, capture_output=True)
    again = fragments(copy, "pagefind/fragment")
    shipped = fragments(published.root)
    assert {url: f["word_count"] for url, f in again.items()} == {url: f["word_count"] for url, f in shipped.items()}


def test_each_edition_has_its_own_indexes_in_chunks_of_months(scale_site):
    """The scale fixture is built with chunks of at most SCALE_CHUNK_STORIES stories
    (a paper bigger than one chunk, scaled down)."""
    found = fragments(scale_site.root)
    entries = chunk_entries(scale_site.root)
    counts = {"en": 0, "ur": 0}
    for (edition, chunk), entry in entries.items():
        # One language per chunk: the edition's.
        [(lang, info)] = entry["languages"].items()
        assert lang == edition, (edition, chunk)
        assert 0 < info["page_count"] <= SCALE_CHUNK_STORIES
        counts[lang] += info["page_count"]
    assert counts == {"en": sum(1 for f in found.values() if f["lang"] == "en"),
                      "ur": sum(1 for f in found.values() if f["lang"] == "ur")}
    for url, fragment in found.items():
        assert url.startswith("/ur/") == (fragment["lang"] == "ur"), url
    story = re.compile(r"^(ur/)?\d{4}/\d\d/\d\d/[^/]+/index\.html$")
    assert counts["en"] + counts["ur"] == sum(1 for page in scale_site.pages() if story.match(page))
    # Several chunks per edition, newest first, each of consecutive months after the next one's.
    for edition in ("en", "ur"):
        chunks = json.loads(scale_site.text(f"pagefind/{edition}/chunks.json"))["chunks"]
        assert len(chunks) > 1 and chunks == sorted(chunks, reverse=True), chunks
        months = [{fragment["meta"]["date_iso"][:7] for fragment in fragments(scale_site.root, f"pagefind/{edition}/{chunk}/fragment").values()}
                  for chunk in chunks]
        for chunk, newer, older in zip(chunks, months, months[1:]):
            assert min(newer) > max(older)
        assert [min(chunk_months) for chunk_months in months] == chunks, "a chunk is named by its first month"


def story_page(date):
    return (f'<html lang="en"><body><article data-pagefind-body data-pagefind-sort="date:{date}T09:00:00+05:00">'
            "<h1>A generated fixture story</h1></article></body></html>")


def test_chunks_follow_the_months_and_the_editions(tmp_path):
    import search_index

    pages = {"2024/01/02/a/index.html": "2024-01-02", "2024/01/09/b/index.html": "2024-01-09",
             "2024/02/01/c/index.html": "2024-02-01", "2023/12/31/d/index.html": "2023-12-31",
             "news/e.html": "2024-03-05", "ur/2024/01/02/a/index.html": "2024-01-02", "old/f.html": None}
    for page, date in pages.items():
        (tmp_path / page).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / page).write_text(story_page(date) if date else
                                     '<html><body><article data-pagefind-body>An undated fixture page</article></body></html>')
    (tmp_path / "index.html").write_text("<html><body>A listing, no story</body></html>")
    (tmp_path / "pagefind").mkdir()
    (tmp_path / "pagefind" / "old.html").write_text(story_page("2020-01-01"))
    settings = {"EDITIONS": {"en": {"path": ""}, "ur": {"path": "ur"}}, "PAGEFIND_CHUNK_STORIES": 2}
    chunks = search_index.story_chunks(tmp_path, "pagefind", settings)
    assert {lang: [(chunk.name, chunk.pages) for chunk in found] for lang, found in chunks.items()} == {
        # Months never split; a month that would take a chunk over the limit starts the next one.
        "en": [("2024-02", ["2024/02/01/c/index.html", "news/e.html"]),
               ("2024-01", ["2024/01/02/a/index.html", "2024/01/09/b/index.html"]),
               ("2023-12", ["2023/12/31/d/index.html"]),
               ("undated", ["old/f.html"])],
        "ur": [("2024-01", ["ur/2024/01/02/a/index.html"])],
    }
    # The key follows the pages' bytes, and only its own chunk's.
    before = {chunk.folder: chunk.key() for found in chunks.values() for chunk in found}
    (tmp_path / "2024/01/09/b/index.html").write_text(story_page("2024-01-09") + " ")
    after = {chunk.folder: chunk.key() for found in search_index.story_chunks(tmp_path, "pagefind", settings).values()
             for chunk in found}
    assert {folder for folder in before if before[folder] != after[folder]} == {"en/2024-01"}
    for wrong in (0, "100", 2.5, True):
        with pytest.raises(ValueError, match=f"PAGEFIND_CHUNK_STORIES is {wrong!r}: it must be a whole number"):
            search_index.story_chunks(tmp_path, "pagefind", {**settings, "PAGEFIND_CHUNK_STORIES": wrong})
    # The default: one chunk per edition.
    del settings["PAGEFIND_CHUNK_STORIES"]
    assert [chunk.name for chunk in search_index.story_chunks(tmp_path, "pagefind", settings)["en"]] == ["2023-12", "undated"]


def test_a_paper_without_stories_yet_publishes_with_a_search_index(tmp_path):
    from sitebuild import build_site

    pages = tmp_path / "content" / "pages"
    pages.mkdir(parents=True)
    (pages / "about.md").write_text("Title: About\nSlug: about\n\nA generated fixture page.\n", encoding="utf-8")
    result = build_site(tmp_path / "output", content=tmp_path / "content", settings="publishconf.py")
    assert result.returncode == 0, result.stdout + result.stderr
    # No chunk to search: the search page finds nothing, and says so.
    for edition in ("en", "ur"):
        assert json.loads((tmp_path / "output" / "pagefind" / edition / "chunks.json").read_text()) == {"chunks": []}


def inodes(folder):
    return {path.relative_to(folder).as_posix(): path.stat().st_ino for path in folder.rglob("*") if path.is_file()}


def test_make_serve_indexes_in_the_background_and_links_the_chunks_that_did_not_change(site, tmp_path, monkeypatch):
    import search_index

    output = shutil.copytree(site.root, tmp_path / "served")
    shutil.rmtree(output / "pagefind")
    settings = {"EDITIONS": {"en": {"path": ""}, "ur": {"path": "ur"}}, "CACHE_PATH": str(tmp_path / "cache"),
                "PAGEFIND_OUTPUT_SUBDIR": "pagefind"}
    search_index.start_in_background(output, settings, delay=0)
    search_index.wait_for_background()
    assert fragments(output).keys() == fragments(site.root).keys()
    [urdu_chunk] = json.loads((output / "pagefind" / "ur" / "chunks.json").read_text(encoding="utf-8"))["chunks"]
    english, urdu = inodes(output / "pagefind" / "en"), inodes(output / "pagefind" / "ur" / urdu_chunk)
    # An edit to the English story: its chunk is indexed again, the Urdu one linked from the served index.
    page = output / ENGLISH.strip("/") / "index.html"
    page.write_text(page.read_text(encoding="utf-8").replace("jihadists", "zinnias", 1), encoding="utf-8")
    search_index.start_in_background(output, settings, delay=0)
    search_index.wait_for_background()
    assert inodes(output / "pagefind" / "ur" / urdu_chunk) == urdu
    assert inodes(output / "pagefind" / "en").keys() != english.keys()  # Pagefind names its files by content
    assert "zinnias" in fragments(output)[ENGLISH]["content"]
    # A run stopped by the next rebuild, while Pagefind runs, leaves the served
    # index as it was and nothing beside it.
    served = inodes(output / "pagefind")
    page.write_text(page.read_text(encoding="utf-8").replace("zinnias", "marigolds", 1), encoding="utf-8")
    started = threading.Event()

    def slow_pagefind(site, bundle):
        started.set()
        return [sys.executable, "-c", "import time; time.sleep(60)"]
    monkeypatch.setattr(search_index, "pagefind_command", slow_pagefind)
    search_index.start_in_background(output, settings, delay=0)
    run = search_index._BACKGROUND["timer"]
    assert started.wait(30)
    wait_for(lambda: search_index._BACKGROUND["process"] is not None)
    search_index.cancel_background()
    run.join(30)
    assert not run.is_alive()
    assert inodes(output / "pagefind") == served
    assert not [path.name for path in output.iterdir() if path.name.startswith(".pagefind")]
    assert not list((tmp_path / "cache" / "pagefind" / ".scratch").iterdir())
    assert "marigolds" not in fragments(output)[ENGLISH]["content"]


def wait_for(condition, timeout=30):
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)


def test_a_bundle_another_build_wrote_is_not_taken_for_the_one_indexed_here(site, tmp_path):
    """make serve's full builds write the served output's index in another
    process: a chunk whose pages came back to what this process indexed
    before is indexed again, not linked from that other bundle."""
    import search_index

    output = shutil.copytree(site.root, tmp_path / "served")
    settings = {"EDITIONS": {"en": {"path": ""}, "ur": {"path": "ur"}}, "CACHE_PATH": str(tmp_path / "cache"),
                "PAGEFIND_OUTPUT_SUBDIR": "pagefind"}
    search_index.start_in_background(output, settings, delay=0)
    search_index.wait_for_background()
    [chunk] = json.loads((output / "pagefind" / "en" / "chunks.json").read_text(encoding="utf-8"))["chunks"]
    ours = output / "pagefind" / "en" / chunk
    # Another build's bundle, under the same name, with other contents.
    other = tmp_path / "other"
    shutil.copytree(ours, other)
    (other / "pagefind-entry.json").write_text((ours / "pagefind-entry.json").read_text(encoding="utf-8") + " ",
                                               encoding="utf-8")
    shutil.rmtree(ours)
    shutil.copytree(other, ours)
    search_index.start_in_background(output, settings, delay=0)
    search_index.wait_for_background()
    assert json.loads((output / "pagefind" / "en" / chunk / "pagefind-entry.json").read_text(encoding="utf-8"))
    assert not (output / "pagefind" / "en" / chunk / "pagefind-entry.json").read_text(encoding="utf-8").endswith(" ")
