"""Today's Paper: one page per day in Asia/Karachi, sections in paper order."""

import re
from datetime import datetime

import pytest

import pelicanconf
from newsroom import BUILD_DATE, KARACHI, SITEURL, STORIES, date_of, paper_day, published_stories, section, url_of
from sitebuild import ARTICLE_SLUG

BY_SLUG = {story["slug"]: story for story in STORIES}


def text(element):
    return re.sub(r"\s+", " ", element.get_text().replace("\xa0", " ")).strip()


def paper_days(site, prefix=""):
    folder = site.path(f"{prefix}paper")
    return sorted(p.name for p in folder.iterdir() if re.fullmatch(r"\d{4}-\d{2}-\d{2}", p.name))


def stories_of(page):
    return [a["href"] for a in page.select(".paper-section .story-card-headline a")]


def days_of(lang="en"):
    """{day: [stories]} of the published stories of an edition."""
    days = {}
    for story in published_stories(lang):
        days.setdefault(paper_day(story, lang), []).append(story)
    return days


def busiest_day():
    return max(days_of(), key=lambda day: (len(days_of()[day]), day))


def test_the_fixture_crosses_midnight_in_karachi_and_differs_from_utc():
    """The fixture itself: without these, the tests below could not fail."""
    late, early = BY_SLUG["fixture-late-evening"], BY_SLUG["fixture-just-after-midnight"]
    assert paper_day(late) != paper_day(early) and (date_of(early) - date_of(late)).total_seconds() == 40 * 60
    utc = datetime.fromisoformat(BY_SLUG["fixture-filed-in-utc"]["date"])
    assert utc.date() != utc.astimezone(KARACHI).date()
    assert len(days_of()[busiest_day()]) > 2 and len({s["category"] for s in days_of()[busiest_day()]}) > 1


def test_one_paper_per_karachi_day_with_that_days_stories(published):
    assert paper_days(published) == sorted(days_of())
    for day, stories in days_of().items():
        page = published.html(f"paper/{day}/index.html")
        assert sorted(stories_of(page)) == sorted(url_of(story, site=SITEURL) for story in stories), day
        assert page.select_one("h1 time")["datetime"] == day


def test_stories_are_grouped_by_section_in_paper_order(published):
    day = busiest_day()
    page = published.html(f"paper/{day}/index.html")
    headings = [text(h) for h in page.select(".paper-section > h2")]
    sections_of_day = {s["category"] for s in days_of()[day]}
    assert headings == [s["en"] for s in pelicanconf.SECTIONS if s["en"] in sections_of_day]
    for block in page.select(".paper-section"):
        name = text(block.find("h2"))
        expected = {url_of(s, site=SITEURL) for s in days_of()[day] if s["category"] == name}
        assert {a["href"] for a in block.select(".story-card-headline a")} == expected


def test_each_story_has_headline_summary_byline_and_reading_time(published):
    day = busiest_day()
    cards = published.html(f"paper/{day}/index.html").select(".paper-story")
    assert len(cards) == len(days_of()[day])
    for card in cards:
        slug = card.find("a")["href"].rstrip("/").rsplit("/", 1)[1]
        story = BY_SLUG[slug]
        assert text(card.find("h3")) == story["title"]
        assert text(card.select_one(".story-card-summary")) == f"Summary of the generated fixture {slug}."
        assert text(card.select_one(".reading-time")) == "1 min read"
        byline = card.select_one(".story-card-byline")
        if story.get("authors"):
            assert text(byline).startswith("By ") and all(author[0] in text(byline) for author in story["authors"])
        else:
            assert byline is None


def test_previous_and_next_editions(published):
    days = paper_days(published)
    for index, day in enumerate(days):
        page = published.html(f"paper/{day}/index.html")
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


def test_paper_is_the_latest_edition_and_says_so_when_it_is_not_today(published):
    latest = published.html("paper/index.html")
    newest_day = max(days_of())
    assert newest_day != BUILD_DATE.date().isoformat()  # the fixture's newest story is from the day before
    assert latest.find("link", rel="canonical")["href"] == f"{SITEURL}/paper/"
    assert stories_of(latest) == stories_of(published.html(f"paper/{newest_day}/index.html"))
    assert text(latest.select_one(".page-heading-label")) == "Latest edition"
    assert text(published.html(f"paper/{newest_day}/index.html").select_one(".page-heading-label")) == "The day's paper"


def calendar_links(page):
    return [a["href"] for a in page.select("table.calendar td a")]


def test_archive_is_month_calendars_with_every_edition_a_link(published):
    import calendar as calendars_module
    from datetime import date

    archive = published.html("paper/archive/index.html")
    days = days_of()
    latest_year = max(days)[:4]
    months = sorted({day[:7] for day in days if day.startswith(latest_year)}, reverse=True)
    tables = archive.select("table.calendar")
    assert [" ".join(text(t.caption).split()[:2]) for t in tables] == [
        datetime.strptime(month, "%Y-%m").strftime("%B %Y") for month in months]
    for table, month in zip(tables, months):
        year, number = int(month[:4]), int(month[5:])
        assert [text(th) for th in table.select("thead th")] == ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
        assert all(len(row.find_all("td")) == 7 for row in table.select("tbody tr"))
        cells = [cell.find("time") for row in table.select("tbody tr") for cell in row.find_all("td")]
        shown = [int(text(time)) for time in cells if time]
        assert shown == list(range(1, calendars_module.monthrange(year, number)[1] + 1)), month
        # Weeks start on Sunday (en_US): the first day sits under its weekday.
        first = (date(year, number, 1).weekday() + 1) % 7
        assert cells[:first] == [None] * first and text(cells[first]) == "1"
        with_paper = [day for day in days if day.startswith(month)]
        assert f"{len(with_paper)} edition" in text(table.caption)
        for link in table.select("td a"):
            day = link.find("time")["datetime"]
            count = len(days[day])
            assert text(link) == f"{int(day[-2:])} {datetime.strptime(month, '%Y-%m').strftime('%B %Y')}: " \
                                 f"{count} {'story' if count == 1 else 'stories'}"
    assert calendar_links(archive) == [f"{SITEURL}/paper/{day}/"
                                       for month in months for day in sorted(d for d in days if d.startswith(month))]
    # The latest year's own page is the same calendar; the years bar links every year.
    year_page = published.html(f"paper/archive/{latest_year}/index.html")
    assert calendar_links(year_page) == calendar_links(archive)
    years = sorted({day[:4] for day in days}, reverse=True)
    assert [a["href"] for a in archive.select(".archive-jump a")] == [f"{SITEURL}/paper/archive/{y}/" for y in years]


def test_urdu_paper_lists_only_urdu_stories(published):
    urdu_days = days_of("ur")
    assert paper_days(published, "ur/") == sorted(urdu_days)
    for day, stories in urdu_days.items():
        page = published.html(f"ur/paper/{day}/index.html")
        assert page.html["lang"] == "ur" and page.html["dir"] == "rtl"
        assert sorted(stories_of(page)) == sorted(url_of(story, "ur", site=SITEURL) for story in stories)
        assert {text(h) for h in page.select(".paper-section h2")} == {section(story, "ur") for story in stories}
        english = published.html(f"paper/{day}/index.html")
        assert not [href for href in stories_of(english) if "/ur/" in href]


def test_a_story_filed_in_utc_is_dated_by_its_karachi_day(published):
    story = BY_SLUG["fixture-filed-in-utc"]
    page = published.html(url_of(story).lstrip("/") + "index.html")
    assert page.select_one(".story-meta time.published")["datetime"] == paper_day(story)


@pytest.mark.parametrize("prefix, label, switch_lang", [("", "Today's Paper", "ur"), ("ur/", "آج کا اخبار", "en")])
def test_masthead_links_to_the_paper_and_the_switch_keeps_it(site, prefix, label, switch_lang):
    home = site.html(f"{prefix}index.html")
    link = home.select_one(".masthead a.todays-paper")
    assert text(link) == label and link["href"] == f"/{prefix}paper/"
    paper = site.html(f"{prefix}paper/index.html")
    newest = published_stories("ur" if prefix else "en")[0]
    assert paper.find("a", href=url_of(newest, "ur" if prefix else "en"))
    other = paper.select_one(f"nav.language-switch a[hreflang={switch_lang}]")
    other_prefix = "ur/" if switch_lang == "ur" else ""
    assert other["href"] == f"/{other_prefix}paper/"


def test_reference_article_is_in_its_days_paper_in_both_editions(site):
    for prefix in ("", "ur/"):
        page = site.html(f"{prefix}paper/2018-05-02/index.html")
        assert stories_of(page) == [f"/{prefix}2018/05/02/{ARTICLE_SLUG}/"]
