"""The rest of the English site: front page, listings, feeds, sitemap, robots, 404."""

import xml.etree.ElementTree as ET

import pelicanconf
from newsroom import SITEURL, authors, published_stories, section_slug, url_of
from sitebuild import ARTICLE_SLUG

ATOM = "{http://www.w3.org/2005/Atom}"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
ARTICLE_URL = f"/2018/05/02/{ARTICLE_SLUG}/"


def test_front_page_leads_with_the_newest_story(site):
    newest = published_stories()[0]
    home = site.html("index.html")
    lead = home.select_one(".lead-story")
    assert lead.find("h2").find("a")["href"] == url_of(newest)
    assert lead.select_one(".story-card-summary").get_text(strip=True)
    assert lead.select_one(".kicker a")["href"] == f"/section/{section_slug(newest)}/"
    assert lead.select_one(".story-card-byline").get_text(" ", strip=True) == f"By {' and '.join(authors(newest))}"


def test_every_section_with_stories_is_in_the_navigation(site):
    nav = site.html("index.html").select_one("nav.section-nav")
    with_stories = {story["category"] for story in published_stories()}
    assert [a.get_text(strip=True) for a in nav.find_all("a")] == [
        s["en"] for s in pelicanconf.SECTIONS if s["en"] in with_stories]


def test_tag_pages_list_the_story(site):
    for tag in ("islamic-state", "syrian-democratic-forces", "deir-ezzor"):
        page = site.html(f"tag/{tag}/index.html")
        assert page.find("a", href=ARTICLE_URL), tag
    topics = site.html("tag/index.html")
    assert len(topics.select(".term-list a")) == len({tag for story in published_stories() for tag in story["tags"]})


def test_archive_by_date(site):
    archive = site.html("archive/index.html")
    months = archive.select(".archive-month")
    assert [m.find("h2").get_text(strip=True) for m in months][-1] == "May 2018"
    month = months[-1]
    assert month.find("a", href=ARTICLE_URL)
    assert site.html("archive/2018/05/index.html").find("a", href=ARTICLE_URL)
    assert site.html("archive/2018/index.html").find("a", href=ARTICLE_URL)


def test_site_and_section_atom_feeds(published):
    stories = published_stories()
    for feed_path, expected in (("feeds/all.atom.xml", stories),
                                ("feeds/section/syria.atom.xml", [s for s in stories if s["category"] == "Syria"])):
        feed = ET.parse(published.path(feed_path)).getroot()
        assert feed.tag == f"{ATOM}feed"
        entries = feed.findall(f"{ATOM}entry")
        assert [entry.find(f"{ATOM}title").text for entry in entries] == [s["title"] for s in expected], feed_path
        assert [entry.find(f"{ATOM}link").get("href") for entry in entries] == [url_of(s, site=SITEURL) for s in expected]


def test_sitemap_lists_every_page_with_absolute_urls(published):
    root = ET.parse(published.path("sitemap.xml")).getroot()
    locations = [url.find(f"{SITEMAP}loc").text for url in root]
    assert f"https://lantern-gazette.example{ARTICLE_URL}" in locations
    assert "https://lantern-gazette.example/section/syria/" in locations
    assert all(loc.startswith("https://lantern-gazette.example/") for loc in locations)
    assert locations == sorted(set(locations), key=locations.index)


def test_robots_txt_points_at_the_sitemap(published):
    assert "Sitemap: https://lantern-gazette.example/sitemap.xml" in published.text("robots.txt").splitlines()


def test_404_page_offers_a_way_back(site):
    page = site.html("404.html")
    assert page.find("h1").get_text(strip=True) == "Page not found"
    assert page.find("a", href="/")
    assert page.find("meta", attrs={"name": "robots"})["content"] == "noindex"


def test_favicon_and_stylesheet_are_linked_and_exist(site):
    for relative in site.pages():
        head = site.html(relative).head
        for link in head.find_all("link", rel=["icon", "stylesheet"]):
            assert site.path(link["href"].lstrip("/")).is_file(), f"{relative}: {link['href']}"
    assert site.html("index.html").head.find("link", rel="icon")


def test_publish_build_uses_absolute_urls(published):
    page = published.html(f"{ARTICLE_URL.strip('/')}/index.html")
    stylesheet = page.head.find("link", rel="stylesheet")["href"]
    assert stylesheet.startswith("https://lantern-gazette.example/")
    feed = page.head.find("link", type="application/atom+xml")["href"]
    assert feed == "https://lantern-gazette.example/feeds/all.atom.xml"


def test_output_is_not_committed():
    import subprocess

    from sitebuild import ROOT

    tracked = subprocess.run(["git", "ls-files", "output", "node_modules", ".venv"], cwd=ROOT, capture_output=True, text=True)
    assert tracked.returncode == 0 and tracked.stdout == ""
    ignored = subprocess.run(["git", "check-ignore", "-q", "output/index.html"], cwd=ROOT)
    assert ignored.returncode == 0, "output/ is git-ignored"


def test_sitemap_lists_the_papers_days(published):
    root = ET.parse(published.path("sitemap.xml")).getroot()
    locations = {url.find(f"{SITEMAP}loc").text for url in root}
    assert {"https://lantern-gazette.example/paper/2018-05-02/", "https://lantern-gazette.example/ur/paper/2018-05-02/"} <= locations


def test_section_navigation_marks_only_the_section_page_as_current(site):
    section_page = site.html("section/syria/index.html").select("nav.section-nav a[aria-current]")
    assert [link.get_text() for link in section_page] == ["Syria"]
    assert site.html(f"{ARTICLE_URL.strip('/')}/index.html").select("nav.section-nav a[aria-current]") == []
    assert site.html("index.html").select("nav.section-nav a[aria-current]") == []


def test_atom_entries_name_their_authors_or_the_paper(published):
    for lang, feed_path, paper in (("en", "feeds/all.atom.xml", "The Lantern Gazette"),
                                   ("ur", "ur/feeds/all.atom.xml", "لالٹین گزٹ")):
        entries = ET.parse(published.path(feed_path)).getroot().findall(f"{ATOM}entry")
        stories = published_stories(lang)
        assert len(entries) == len(stories) and any(s.get("authors") for s in stories)
        assert any(not s.get("authors") for s in stories)
        for entry, story in zip(entries, stories):
            names = [author.findtext(f"{ATOM}name") for author in entry.findall(f"{ATOM}author")]
            uris = [author.findtext(f"{ATOM}uri") for author in entry.findall(f"{ATOM}author")]
            if story.get("authors"):
                assert names == authors(story, lang)
                prefix = "ur/" if lang == "ur" else ""
                assert uris == [f"{SITEURL}/{prefix}author/{'-'.join(a[0].lower().split())}/" for a in story["authors"]]
                assert all(published.path(uri[len(SITEURL) + 1:] + "index.html").is_file() for uri in uris)
            else:
                assert names == [paper] and uris == [None]


def test_sitemap_locations_are_percent_encoded_uris(published):
    """The sitemap protocol wants URIs: Urdu tag pages are written %D8%..., and
    each location decodes to a page of the build."""
    from urllib.parse import unquote, urlsplit
    from xml.etree import ElementTree as ET

    namespace = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
    locs = [url.findtext(f"{namespace}loc") for url in ET.parse(published.path("sitemap.xml")).getroot()]
    assert locs and all(loc.isascii() and " " not in loc for loc in locs)
    encoded = [loc for loc in locs if "%" in loc]
    assert any("/ur/tag/" in loc for loc in encoded), "the Urdu edition's tags have Urdu slugs"
    for loc in locs:
        path = unquote(urlsplit(loc).path).lstrip("/")
        assert published.path(path + "index.html" if path.endswith("/") or not path else path).is_file(), loc
