"""Today's Paper: one page per day in Asia/Karachi, sections in paper order."""

import re
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

import pelicanconf
from sitebuild import ARTICLE_SLUG, FIXTURE_STORIES, FIXTURE_TRANSLATION, Site, build_site, write_fixture_content

SITEURL = "https://lantern-gazette.example"
KARACHI = ZoneInfo(pelicanconf.TIMEZONE)


def text(element):
    return re.sub(r"\s+", " ", element.get_text().replace("\xa0", " ")).strip()


def story_url(story, lang="en"):
    prefix = "/ur" if lang == "ur" else ""
    day = story["paper_day"].replace("-", "/")
    return f"{SITEURL}{prefix}/{day}/{story['slug']}/"


def paper_days(site, prefix=""):
    folder = site.path(f"{prefix}paper")
    return sorted(p.name for p in folder.iterdir() if re.fullmatch(r"\d{4}-\d{2}-\d{2}", p.name))


def stories_of(page):
    return [a["href"] for a in page.select(".paper-section .story-card-headline a")]


def test_the_fixture_crosses_midnight_in_karachi_and_differs_from_utc():
    """The fixture itself: without these, the tests below could not fail."""
    late, early = (datetime.strptime(FIXTURE_STORIES[i]["date"], "%Y-%m-%d %H:%M %z") for i in (0, 1))
    assert late.date() != early.date() and (early - late).total_seconds() == 40 * 60
    utc = datetime.fromisoformat(next(s for s in FIXTURE_STORIES if s["slug"] == "fixture-filed-in-utc")["date"])
    assert utc.date() != utc.astimezone(KARACHI).date()


def test_one_paper_per_karachi_day_with_that_days_stories(fixture_site):
    expected_days = sorted({story["paper_day"] for story in FIXTURE_STORIES})
    assert paper_days(fixture_site) == expected_days
    for day in expected_days:
        page = fixture_site.html(f"paper/{day}/index.html")
        expected = {story_url(story) for story in FIXTURE_STORIES if story["paper_day"] == day}
        assert sorted(stories_of(page)) == sorted(expected), day
        assert page.select_one("h1 time")["datetime"] == day


def test_stories_are_grouped_by_section_in_paper_order(fixture_site):
    page = fixture_site.html("paper/2024-03-02/index.html")
    headings = [text(h) for h in page.select(".paper-section > h2")]
    sections_of_day = {s["category"] for s in FIXTURE_STORIES if s["paper_day"] == "2024-03-02"}
    assert headings == [s["en"] for s in pelicanconf.SECTIONS if s["en"] in sections_of_day]
    assert len(headings) == len(sections_of_day) > 1
    for section in page.select(".paper-section"):
        name = text(section.find("h2"))
        expected = {story_url(s) for s in FIXTURE_STORIES if s["paper_day"] == "2024-03-02" and s["category"] == name}
        assert {a["href"] for a in section.select(".story-card-headline a")} == expected


def test_each_story_has_headline_summary_and_reading_time(fixture_site):
    page = fixture_site.html("paper/2024-03-02/index.html")
    cards = page.select(".paper-story")
    assert len(cards) == 4
    for card in cards:
        slug = card.find("a")["href"].rstrip("/").rsplit("/", 1)[1]
        story = next(s for s in FIXTURE_STORIES if s["slug"] == slug)
        assert text(card.find("h3")) == story["title"]
        assert text(card.select_one(".story-card-summary")) == f"Summary of the generated fixture {slug}."
        assert text(card.select_one(".reading-time")) == "1 min read"


def test_previous_and_next_editions(fixture_site):
    days = paper_days(fixture_site)
    for index, day in enumerate(days):
        page = fixture_site.html(f"paper/{day}/index.html")
        previous = page.find("a", rel="prev")
        following = page.find("a", rel="next")
        if index == 0:
            assert previous is None
        else:
            assert previous["href"] == f"{SITEURL}/paper/{days[index - 1]}/"
        if index == len(days) - 1:
            assert following is None
        else:
            assert following["href"] == f"{SITEURL}/paper/{days[index + 1]}/"


def test_paper_is_the_latest_edition_and_says_so_when_it_is_not_today(fixture_site):
    latest = fixture_site.html("paper/index.html")
    newest_day = max(story["paper_day"] for story in FIXTURE_STORIES)
    assert latest.find("link", rel="canonical")["href"] == f"{SITEURL}/paper/"
    assert stories_of(latest) == stories_of(fixture_site.html(f"paper/{newest_day}/index.html"))
    # The fixture's newest day is weeks before the build's date (19 April 2024).
    assert text(latest.select_one(".page-heading-label")) == "Latest edition"
    assert text(fixture_site.html(f"paper/{newest_day}/index.html").select_one(".page-heading-label")) == "The day's paper"


def test_paper_built_on_its_day_is_todays_paper(tmp_path):
    newest_day = max(story["paper_day"] for story in FIXTURE_STORIES)
    noon = datetime.fromisoformat(f"{newest_day}T12:00:00").replace(tzinfo=ZoneInfo("Asia/Karachi"))
    content = write_fixture_content(tmp_path / "content")
    result = build_site(tmp_path / "output", content=content, env={"SOURCE_DATE_EPOCH": str(int(noon.timestamp()))})
    assert result.returncode == 0, result.stderr
    latest = Site(tmp_path / "output").html("paper/index.html")
    assert text(latest.select_one(".page-heading-label")) == "Today's Paper"


def calendar_links(page):
    return [a["href"] for a in page.select("table.calendar td a")]


def test_archive_is_a_month_calendar_with_every_edition_a_link(fixture_site):
    archive = fixture_site.html("paper/archive/index.html")
    calendars = archive.select("table.calendar")
    assert [text(c.caption).split(" ", 2)[:2] for c in calendars] == [["March", "2024"]]
    [march] = calendars
    assert [text(th) for th in march.select("thead th")] == ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
    assert all(len(row.find_all("td")) == 7 for row in march.select("tbody tr"))
    days = [int(text(cell.find("time"))) for cell in march.select("tbody td") if cell.find("time")]
    assert days == list(range(1, 32)), "every day of March 2024, in order"
    # 1 March 2024 was a Friday: the first row starts with five empty cells.
    first_row = march.select("tbody tr")[0].find_all("td")
    assert [text(cell.find("time")) if cell.find("time") else "" for cell in first_row][:6] == ["", "", "", "", "", "1"]
    edition_days = paper_days(fixture_site)
    assert calendar_links(archive) == [f"{SITEURL}/paper/{day}/" for day in edition_days]
    for link in march.select("td a"):
        day = link.find("time")["datetime"]
        stories = sum(1 for story in FIXTURE_STORIES if story["paper_day"] == day)
        assert text(link) == f"{int(day[-2:])} March 2024: {stories} {'story' if stories == 1 else 'stories'}"
    assert "3 editions" in text(march.caption)
    # The year's page is the same calendar; the years bar links it.
    year = fixture_site.html("paper/archive/2024/index.html")
    assert calendar_links(year) == calendar_links(archive)
    assert [a["href"] for a in archive.select(".archive-jump a")] == [f"{SITEURL}/paper/archive/2024/"]


def test_urdu_paper_lists_only_urdu_stories(fixture_site):
    assert paper_days(fixture_site, "ur/") == [FIXTURE_TRANSLATION["paper_day"]]
    page = fixture_site.html(f"ur/paper/{FIXTURE_TRANSLATION['paper_day']}/index.html")
    assert page.html["lang"] == "ur" and page.html["dir"] == "rtl"
    assert stories_of(page) == [story_url(FIXTURE_TRANSLATION, "ur")]
    assert text(page.select_one(".paper-section h2")) == FIXTURE_TRANSLATION["category"]
    english = fixture_site.html(f"paper/{FIXTURE_TRANSLATION['paper_day']}/index.html")
    assert not [href for href in stories_of(english) if "/ur/" in href]


def test_a_story_filed_in_utc_is_dated_by_its_karachi_day(fixture_site):
    story = next(s for s in FIXTURE_STORIES if s["slug"] == "fixture-filed-in-utc")
    page = fixture_site.html(f"{story['paper_day'].replace('-', '/')}/{story['slug']}/index.html")
    assert page.select_one(".story-meta time.published")["datetime"] == story["paper_day"]


@pytest.mark.parametrize("prefix, label, switch_lang", [("", "Today's Paper", "ur"), ("ur/", "آج کا اخبار", "en")])
def test_masthead_links_to_the_paper_and_the_switch_keeps_it(site, prefix, label, switch_lang):
    home = site.html(f"{prefix}index.html")
    link = home.select_one(".masthead a.todays-paper")
    assert text(link) == label and link["href"] == f"/{prefix}paper/"
    paper = site.html(f"{prefix}paper/index.html")
    assert paper.find("a", href=f"/{prefix}2018/05/02/{ARTICLE_SLUG}/")
    other = paper.select_one(f"nav.language-switch a[hreflang={switch_lang}]")
    other_prefix = "ur/" if switch_lang == "ur" else ""
    assert other["href"] == f"/{other_prefix}paper/"


def test_reference_article_is_in_its_days_paper_in_both_editions(site):
    for prefix in ("", "ur/"):
        page = site.html(f"{prefix}paper/2018-05-02/index.html")
        assert stories_of(page) == [f"/{prefix}2018/05/02/{ARTICLE_SLUG}/"]

