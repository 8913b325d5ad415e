"""Archives at scale, on the generated newsroom of some 300 stories
(sitebuild.write_scale_content): /archive/ in pages of 50, a page per year and
month with a jump bar of years and months, the years in every footer, all of
it in the sitemap; Today's Paper's editions as month calendars, a page a year."""

import math
import re
import xml.etree.ElementTree as ET
from collections import Counter
from urllib.parse import unquote

import pytest

import pelicanconf

SITEURL = "https://lantern-gazette.example"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
PER_PAGE = pelicanconf.PAGINATED_TEMPLATES["archives"]
STORY = re.compile(r"^(ur/)?(\d{4})/(\d\d)/(\d\d)/([^/]+)/index\.html$")


def stories(site, lang):
    """{URL: (year, month, day)} of every story page of an edition."""
    found = {}
    for page in site.pages():
        match = STORY.match(page)
        if match and bool(match[1]) == (lang == "ur"):
            found[f"{SITEURL}/{page.removesuffix('index.html')}"] = (int(match[2]), int(match[3]), int(match[4]))
    return found


def listing_pages(site, first):
    """The pages of a paginated listing, following rel=next from `first`."""
    pages, relative = [], first
    while relative:
        html = site.html(relative)
        pages.append((relative, html))
        following = html.find("a", rel="next")
        relative = following["href"].removeprefix(SITEURL + "/") + "index.html" if following else None
        assert len(pages) < 100
    return pages


def archive_links(html):
    return [a["href"] for a in html.select(".archive-list .archive-headline")]


@pytest.mark.parametrize("lang", ["en", "ur"])
def test_the_archive_is_paginated_and_lists_every_story_once_newest_first(scale_site, lang):
    prefix = "ur/" if lang == "ur" else ""
    expected = stories(scale_site, lang)
    assert len(expected) > (200 if lang == "en" else 60)
    pages = listing_pages(scale_site, f"{prefix}archive/index.html")
    assert len(pages) == math.ceil(len(expected) / PER_PAGE)
    listed = []
    for number, (relative, html) in enumerate(pages, start=1):
        links = archive_links(html)
        assert len(links) == (PER_PAGE if number < len(pages) else len(expected) - PER_PAGE * (len(pages) - 1))
        listed += links
        if number > 1:
            assert relative == f"{prefix}archive/page/{number}/index.html"
            assert html.find("a", rel="prev")
        # Every page number is one click away from the first, last and neighbouring pages.
        numbers = [a.get_text() for a in html.select(".pagination-pages a")]
        current = html.select_one(".pagination-pages [aria-current=page]").get_text()
        assert current == str(number) and "1" in numbers + [current] and str(len(pages)) in numbers + [current]
    assert sorted(listed) == sorted(expected), "every story once"
    days = [expected[url] for url in listed]
    assert days == sorted(days, reverse=True), "newest first across the pages"


def test_archive_rows_keep_the_section_apart_from_the_headline(scale_site):
    html = scale_site.html("archive/index.html")
    rows = html.select(".archive-item")
    assert len(rows) == PER_PAGE
    sections = {section["en"] for section in pelicanconf.SECTIONS}
    for row in rows:
        section = row.select_one(".archive-section").get_text(strip=True)
        headline = row.select_one(".archive-headline")
        assert section in sections
        page = scale_site.html(headline["href"].removeprefix(SITEURL + "/") + "index.html")
        assert headline.get_text() == page.find("h1").get_text(), "the headline alone, no section run into it"
        assert row.select_one(".archive-section").find_parent() != headline
        assert row.select_one("time.archive-date")["datetime"]


@pytest.mark.parametrize("lang", ["en", "ur"])
def test_every_year_and_month_has_its_page_linked_from_the_jump_bar(scale_site, lang):
    prefix = "ur/" if lang == "ur" else ""
    expected = stories(scale_site, lang)
    months = Counter((year, month) for year, month, _ in expected.values())
    years = sorted({year for year, _ in months}, reverse=True)
    archive = scale_site.html(f"{prefix}archive/index.html")
    assert [a["href"] for a in archive.select(".archive-jump .archive-year")] == [
        f"{SITEURL}/{prefix}archive/{year}/" for year in years]
    for year in years:
        page = scale_site.html(f"{prefix}archive/{year}/index.html")
        assert page.select_one(".archive-jump [aria-current=page]")["href"] == f"{SITEURL}/{prefix}archive/{year}/"
        # The year's months, in calendar order, each to its page.
        month_links = [a["href"] for a in page.select(".archive-jump .archive-months a")]
        assert month_links == [f"{SITEURL}/{prefix}archive/{year}/{month:02d}/"
                               for month in sorted(m for y, m in months if y == year)]
        listed = [link for relative, html in listing_pages(scale_site, f"{prefix}archive/{year}/index.html")
                  for link in archive_links(html)]
        assert sorted(listed) == sorted(url for url, day in expected.items() if day[0] == year)
        for (month_year, month), count in months.items():
            if month_year == year:
                month_page = scale_site.html(f"{prefix}archive/{year}/{month:02d}/index.html")
                assert len(archive_links(month_page)) == min(count, PER_PAGE)


@pytest.mark.parametrize("page", ["index.html", "2024/04/10/fixture-river-story-0/index.html", "ur/index.html",
                                  "ur/paper/archive/index.html", "404.html"])
def test_every_footer_links_the_years_of_its_edition(scale_site, page):
    prefix = "ur/" if page.startswith("ur/") else ""
    years = sorted({year for year, _, _ in stories(scale_site, "ur" if prefix else "en").values()}, reverse=True)
    links = [a["href"] for a in scale_site.html(page).select(".site-footer .footer-years a")]
    assert links == [f"{SITEURL}/{prefix}archive/{year}/" for year in years]


def test_the_sitemap_lists_the_year_month_and_calendar_pages(scale_site):
    root = ET.parse(scale_site.path("sitemap.xml")).getroot()
    locations = {url.find(f"{SITEMAP}loc").text for url in root}
    for lang, prefix in (("en", ""), ("ur", "ur/")):
        for year, month, _ in stories(scale_site, lang).values():
            assert f"{SITEURL}/{prefix}archive/{year}/" in locations
            assert f"{SITEURL}/{prefix}archive/{year}/{month:02d}/" in locations
            assert f"{SITEURL}/{prefix}paper/archive/{year}/" in locations
        assert f"{SITEURL}/{prefix}paper/archive/" in locations
    for location in locations:
        path = unquote(location.removeprefix(SITEURL + "/"))  # locations are percent-encoded
        assert scale_site.path(path + "index.html").is_file() or scale_site.path(path).is_file(), location


@pytest.mark.parametrize("lang", ["en", "ur"])
def test_the_papers_calendars_link_every_edition_a_year_a_page(scale_site, lang):
    prefix = "ur/" if lang == "ur" else ""
    days = {f"{year}-{month:02d}-{day:02d}" for year, month, day in stories(scale_site, lang).values()}
    editions = sorted(p.name for p in scale_site.path(f"{prefix}paper").iterdir()
                      if re.fullmatch(r"\d{4}-\d\d-\d\d", p.name))
    # A story's day is its day in Karachi, which its URL carries.
    assert set(editions) == days
    years = sorted({day[:4] for day in days}, reverse=True)
    latest = scale_site.html(f"{prefix}paper/archive/index.html")
    assert [a["href"] for a in latest.select(".archive-jump a")] == [
        f"{SITEURL}/{prefix}paper/archive/{year}/" for year in years]
    linked = []
    for year in years:
        page = scale_site.html(f"{prefix}paper/archive/{year}/index.html")
        for calendar in page.select("table.calendar"):
            assert len(calendar.select("thead th")) == 7
            assert all(len(row.find_all("td")) == 7 for row in calendar.select("tbody tr"))
            for cell in calendar.select("tbody td"):
                time = cell.find("time")
                link = cell.find("a")
                if time and time["datetime"] in days:
                    assert link["href"] == f"{SITEURL}/{prefix}paper/{time['datetime']}/"
                    linked.append(time["datetime"])
                else:
                    assert link is None, "a day without a paper is no link"
        if year == years[0]:
            assert [a["href"] for a in page.select("table.calendar a")] == \
                [a["href"] for a in latest.select("table.calendar a")]
    assert sorted(linked) == editions


def test_topics_pair_across_the_editions_or_lead_to_the_topics_index(scale_site):
    from sitebuild import SCALE_PAIRED_TAGS

    def switch(page):
        return scale_site.html(page).select_one("nav.language-switch a[hreflang]")["href"]

    english = "tag/fixture-rivers/index.html"
    urdu_url = switch(english)
    assert urdu_url.startswith(f"{SITEURL}/ur/tag/") and urdu_url != f"{SITEURL}/ur/tag/"
    urdu = urdu_url.removeprefix(SITEURL + "/") + "index.html"
    assert scale_site.html(urdu).find("h1").get_text(" ", strip=True).endswith(SCALE_PAIRED_TAGS["ur"])
    assert switch(urdu) == f"{SITEURL}/tag/fixture-rivers/"
    # Both name each other as alternates.
    alternates = {link["hreflang"]: link["href"] for link in scale_site.html(english).find_all("link", hreflang=True)}
    assert alternates["ur"] == urdu_url
    # A generated topic whose stories have no Urdu translation leads to the Urdu topics index.
    lonely = next(page for page in scale_site.pages() if page.startswith("tag/") and page.count("/") == 2
                  and not scale_site.html(page).find("link", hreflang="ur"))
    assert switch(lonely) == f"{SITEURL}/ur/tag/"
