"""Drafts: seen in `make serve` (clearly marked, noindex), never in `make publish`."""

import shutil
import xml.etree.ElementTree as ET

import pytest

from incremental import Session
from newsroom import DRAFT, author_slug, path_of, url_of
from sitebuild import REFERENCE_EPOCH, Site

SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


def files_naming(root, text):
    return sorted(path.relative_to(root).as_posix() for path in root.rglob("*")
                  if path.is_file() and text.encode() in path.read_bytes())


@pytest.fixture(scope="module")
def served(tmp_path_factory, newsroom):
    """What `make serve` builds (tools/incremental.py, in this process) from a copy of the newsroom."""
    folder = tmp_path_factory.mktemp("serve")
    content = folder / "content"
    shutil.copytree(newsroom, content)
    patch = pytest.MonkeyPatch()
    patch.setenv("SOURCE_DATE_EPOCH", REFERENCE_EPOCH)
    session = Session(folder / "output", content)
    session.build(catalogs=True, fresh=True)
    yield session
    session.stop_search_index()
    patch.undo()


@pytest.mark.parametrize("build", ["site", "published"])
def test_publish_and_html_builds_leave_drafts_out(request, build):
    site = request.getfixturevalue(build)
    for lang in ("en", "ur"):
        assert not site.path(path_of(DRAFT, lang)).exists()
    assert not site.path("drafts").exists() and not site.path("ur/drafts").exists()
    assert files_naming(site.root, DRAFT["slug"]) == []
    assert not site.path(f"author/{author_slug(DRAFT['authors'][0])}").exists()


@pytest.mark.parametrize("lang, label", [("en", "Draft"), ("ur", "مسودہ")])
def test_make_serve_shows_a_draft_at_its_url_marked_and_noindex(served, lang, label):
    site = Site(served.output)
    page = site.html(path_of(DRAFT, lang))
    notice = page.select_one(".draft-notice")
    assert notice.find("strong").get_text() == label
    assert page.find("meta", attrs={"name": "robots"})["content"] == "noindex"
    assert page.select_one("[data-pagefind-body]") is None, "kept out of the preview's search too"
    assert page.find("h1").get_text().replace("\xa0", " ") == (DRAFT["title"] if lang == "en" else DRAFT["urdu"]["title"])
    other = "ur" if lang == "en" else "en"
    assert page.select_one(f"nav.language-switch a[hreflang={other}]")["href"] == url_of(DRAFT, other)
    assert page.select_one(".byline a") is None, "its author has no page yet"


@pytest.mark.parametrize("prefix", ["", "ur/"])
def test_make_serve_lists_drafts_and_nowhere_else(served, prefix):
    site = Site(served.output)
    lang = "ur" if prefix else "en"
    listing = site.html(f"{prefix}drafts/index.html")
    assert listing.find("meta", attrs={"name": "robots"})["content"] == "noindex"
    assert [a["href"] for a in listing.select(".story-card-headline a")] == [url_of(DRAFT, lang)]
    draft_pages = {path_of(DRAFT, lang), f"{prefix}drafts/index.html"}
    naming = set(files_naming(site.root, f'"{url_of(DRAFT, lang)}"'))
    assert naming - draft_pages <= {path_of(DRAFT, "ur" if lang == "en" else "en")}, "only the drafts link drafts"
    sitemap = {url.findtext(f"{SITEMAP}loc") for url in ET.parse(site.path("sitemap.xml")).getroot()}
    assert url_of(DRAFT, lang) not in sitemap


def test_make_serve_renders_an_edited_draft_again(served):
    source = next(served.content.rglob(f"{DRAFT['slug']}.md"))
    text = source.read_text(encoding="utf-8")
    source.write_text(text.replace("Paragraph 1 of", "Paragraph one, edited, of"), encoding="utf-8")
    assert served.quick_update([source])
    page = Site(served.output).html(path_of(DRAFT))
    assert "Paragraph one, edited, of" in page.select_one(".story-body").get_text()
    assert served.stats["rendered"] >= 2  # the draft and the drafts listing
