"""Titles, summaries and tags that look like markup are printed as text.

The fixture (tests/hostile.py) puts <script>, <img onerror>, quotes,
`javascript:` links and markup-breaking end tags in every metadata field an
editor types; the built pages, feeds and sitemap must carry them as text only.
Control characters and bidi overrides are refused by validation instead
(tests/test_validation.py).
"""

import json
from xml.etree import ElementTree as ET

from bs4 import BeautifulSoup

from hostile import BODY_SLUG, LANGUAGE_TAGS, LONG_TITLE, SLUG, SUMMARY, TAGS, TITLE, URDU_TITLE

ATOM = "{http://www.w3.org/2005/Atom}"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
ARTICLE = f"2018/05/02/{SLUG}/index.html"
URDU_ARTICLE = f"ur/{ARTICLE}"


def injected(soup):
    """Elements or attributes that only injected markup would create."""
    found = [str(tag)[:80] for tag in soup.find_all(["script", "plaintext", "textarea", "img"])
             if tag.get("type") != "application/ld+json" and not tag.get("src", "").startswith(("/theme/js/search.", "/theme/js/today."))]
    for tag in soup.find_all(True):
        for name, value in tag.attrs.items():
            values = value if isinstance(value, list) else [value]
            is_url = name in ("href", "src", "action", "formaction", "data", "poster", "srcset")
            if name.startswith("on") or (is_url and any(str(v).strip().lower().startswith("javascript:") for v in values)):
                found.append(f"{tag.name}[{name}]")
    return found


def test_no_page_carries_injected_markup(hostile_site):
    pages = hostile_site.pages()
    assert ARTICLE in pages and URDU_ARTICLE in pages
    for page in pages:
        if f"/{BODY_SLUG}/" not in page:  # its body has images of its own: tests/test_hostile_body.py
            assert injected(hostile_site.html(page)) == [], page


def test_title_is_printed_as_typed(hostile_site):
    page = hostile_site.html(ARTICLE)
    assert page.title.string == f"{TITLE} — The Lantern Gazette"
    headline = page.select_one("h1.headline").get_text()
    assert "<script>window.__pwned=1</script>" in headline and "<img src=x onerror=window.__pwned=1>" in headline
    assert headline.endswith("</title><plaintext>")
    urdu = hostile_site.html(URDU_ARTICLE)
    # As typed, with Urdu quotation marks (”…“: plugins/edition_typography.py).
    assert urdu.title.string == f"{URDU_TITLE.translate(str.maketrans('“”', '”“'))} — لالٹین گزٹ"
    home = hostile_site.html("index.html")
    assert any("<script>window.__pwned=1</script>" in a.get_text() for a in home.select(".story-card-headline a"))


def test_titles_stay_as_typed_through_typography(hostile_site):
    """typogrify would make "--" an em dash, "..." an ellipsis and straight
    quotes curly; a title is printed exactly as the editor typed it."""
    for page in (ARTICLE, "index.html", "2018/05/02/hostile-body/index.html"):
        soup = hostile_site.html(page)
        titles = [a.get_text() for a in soup.select("a") if "dashes" in a.get_text()]
        if page == ARTICLE:
            titles.append(soup.select_one("h1.headline").get_text())
        assert titles and all(title == TITLE for title in titles), (page, titles)


def test_c_cpp_and_csharp_tags_have_pages_of_their_own(hostile_site):
    links = {a.get_text(): a["href"] for a in hostile_site.html("2018/05/02/hostile-body/index.html").select(".tag-list a")}
    assert links == {name: f"/tag/{slug}/" for name, slug in LANGUAGE_TAGS.items()}
    headings = {name: hostile_site.html(f"tag/{slug}/index.html").select_one("h1").get_text(" ", strip=True)
                for name, slug in LANGUAGE_TAGS.items()}
    assert all(heading.endswith(name) for name, heading in headings.items()), headings
    assert len(set(headings.values())) == 3


def test_summary_is_text_everywhere(hostile_site):
    page = hostile_site.html(ARTICLE)
    description = page.select_one('meta[name="description"]')["content"]
    assert description.startswith("<img src=x onerror=window.__pwned=1> [click me](javascript:window.__pwned=1)")
    assert "<b>bold</b>" in description
    feed = ET.parse(hostile_site.path("feeds/all.atom.xml")).getroot()
    entry = next(e for e in feed.findall(f"{ATOM}entry") if e.findtext(f"{ATOM}title") == TITLE)
    summary_html = BeautifulSoup(entry.findtext(f"{ATOM}summary"), "html5lib")
    assert injected(summary_html) == [] and summary_html.find("b") is None and summary_html.find("a") is None
    assert summary_html.get_text().startswith("<img src=x onerror=window.__pwned=1> [click me]")


def test_tags_are_text_and_their_urls_are_slugs(hostile_site):
    page = hostile_site.html(ARTICLE)
    links = page.select(".tag-list a")
    assert [a.get_text() for a in links] == TAGS
    for link in links:
        assert link["href"].startswith("/tag/") and link["href"] != "/tag//"
        assert hostile_site.path(link["href"].lstrip("/") + "index.html").is_file()
    feed = ET.parse(hostile_site.path("feeds/all.atom.xml")).getroot()
    entry = next(e for e in feed.findall(f"{ATOM}entry") if e.findtext(f"{ATOM}title") == TITLE)
    assert [c.get("term") for c in entry.findall(f"{ATOM}category")] == ["World", *TAGS]


def test_sitemap_parses_and_lists_only_site_urls(hostile_site):
    sitemap = ET.parse(hostile_site.path("sitemap.xml")).getroot()
    locs = [url.findtext(f"{SITEMAP}loc") for url in sitemap.findall(f"{SITEMAP}url")]
    assert f"/{ARTICLE.removesuffix('index.html')}" in locs
    assert all(loc.startswith("/") and "<" not in loc and '"' not in loc for loc in locs)


def test_a_very_long_title_builds_a_readable_page(hostile_site):
    page = hostile_site.html("2018/05/01/long-headline/index.html")
    assert page.select_one("h1.headline").get_text().replace("\xa0", " ") == LONG_TITLE
    assert len(LONG_TITLE) > 2000


def test_structured_data_carries_the_values_as_json_strings(hostile_site):
    page = hostile_site.html(ARTICLE)
    blocks = page.find_all("script", type="application/ld+json")
    assert blocks
    article = next(data for data in map(lambda b: json.loads(b.string), blocks) if data.get("@type") == "NewsArticle")
    assert article["headline"] == TITLE
    assert article["description"] == page.find("meta", attrs={"name": "description"})["content"]
    assert "</script" not in "".join(block.string for block in blocks).lower()
