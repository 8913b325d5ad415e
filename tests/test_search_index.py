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

import pytest

from sitebuild import ARTICLE_SLUG

# Elements whose end tag an HTML minifier may leave out (HTML standard, "Optional tags").
OPTIONAL_END_TAGS = {"p", "li", "dt", "dd", "rt", "rp", "optgroup", "option", "colgroup", "caption",
                     "thead", "tbody", "tfoot", "tr", "td", "th", "html", "head", "body"}
PAGEFIND_ATTRIBUTE = re.compile(r"<([a-zA-Z][a-zA-Z0-9]*)\b[^>]*\bdata-pagefind-[a-z-]+")


def fragments(root):
    """{URL: fragment} of a Pagefind bundle."""
    found = {}
    for path in sorted((root / "pagefind" / "fragment").glob("*.pf_fragment")):
        data = gzip.decompress(path.read_bytes())
        assert data[:12] == b"pagefind_dcd", path
        fragment = json.loads(data[12:])
        fragment["lang"] = path.name.split("_", 1)[0]
        found[fragment["url"]] = fragment
    return found


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
    again = fragments(copy)
    shipped = fragments(published.root)
    assert {url: f["word_count"] for url, f in again.items()} == {url: f["word_count"] for url, f in shipped.items()}


def test_each_language_has_its_own_index(scale_site):
    found = fragments(scale_site.root)
    entry = json.loads(scale_site.text("pagefind/pagefind-entry.json"))
    counts = {lang: info["page_count"] for lang, info in entry["languages"].items()}
    assert counts == {"en": sum(1 for f in found.values() if f["lang"] == "en"),
                      "ur": sum(1 for f in found.values() if f["lang"] == "ur")}
    for url, fragment in found.items():
        assert url.startswith("/ur/") == (fragment["lang"] == "ur"), url
    story = re.compile(r"^(ur/)?\d{4}/\d\d/\d\d/[^/]+/index\.html$")
    assert counts["en"] + counts["ur"] == sum(1 for page in scale_site.pages() if story.match(page))


def test_pagefind_reads_the_article_pages_of_each_edition_only():
    """Listings, tags and archives carry no data-pagefind-body: Pagefind is not
    given them to read (test_each_language_has_its_own_index: every story is
    still indexed)."""
    import search_index

    settings = {"ARTICLE_SAVE_AS": "{date:%Y}/{date:%m}/{date:%d}/{slug}/index.html",
                "ARTICLE_LANG_SAVE_AS": "{date:%Y}/{date:%m}/{date:%d}/{slug}/index.html",
                "EDITIONS": {"en": {"path": ""}, "ur": {"path": "ur"}}}
    glob = search_index.article_glob(settings)
    assert glob == "{*/*/*/*/index.html,ur/*/*/*/*/index.html}"
    stories = ["2018/05/02/a-story/index.html", "ur/2018/05/02/a-story/index.html"]
    assert search_index.glob_for(stories, glob) == glob
    assert not search_index.glob_matches(glob, "index.html")
    assert not search_index.glob_matches(glob, "tag/rivers/index.html")


def test_a_story_the_glob_would_miss_means_pagefind_reads_every_page():
    import search_index

    candidate = "{*/*/*/*/index.html,ur/*/*/*/*/index.html}"
    assert search_index.glob_for(["2018/05/02/a/index.html", "news/b.html"], candidate) == "**/*.{html}"
    # A site without stories yet: Pagefind indexes whole pages, as it always did.
    assert search_index.glob_for([], candidate) == "**/*.{html}"
    # Anything but plain names and `*` is not trusted to mean the same to Pagefind.
    assert search_index.glob_for(["a[1].html"], "a[1].html") == "**/*.{html}"


def test_the_glob_follows_each_editions_own_settings():
    import search_index

    settings = {"ARTICLE_SAVE_AS": "{date:%Y/%m/%d}/{slug}.html", "ARTICLE_LANG_SAVE_AS": "x{slug}{lang}.html",
                "EDITIONS": {"en": {"path": ""}, "ur": {"path": "ur/"}},
                "I18N_SUBSITES": {"ur": {"ARTICLE_SAVE_AS": "stories/{slug}/"}}}
    assert search_index.glob_alternatives(search_index.article_glob(settings)) == \
        ["*/*/*/*.html", "ur/stories/*/", "ur/x*.html", "x*.html"]


def test_a_paper_without_stories_yet_publishes_with_a_search_index(tmp_path):
    from sitebuild import build_site

    pages = tmp_path / "content" / "pages"
    pages.mkdir(parents=True)
    (pages / "about.md").write_text("Title: About\nSlug: about\n\nA generated fixture page.\n", encoding="utf-8")
    result = build_site(tmp_path / "output", content=tmp_path / "content", settings="publishconf.py")
    assert result.returncode == 0, result.stdout + result.stderr
    assert (tmp_path / "output" / "pagefind" / "pagefind-entry.json").is_file()
