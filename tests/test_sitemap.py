"""The sitemap: one file up to the protocol's 50,000 URLs, else a sitemap
index over parts of at most SITEMAP_MAX_URLS (plugins/sitemap.py)."""

from pathlib import Path
from xml.etree import ElementTree as ET

import pytest

import sitemap
from gates.feeds import check_feeds
from sitebuild import build_site, built

SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
SITEURL = "https://lantern-gazette.example"  # publishconf.py's, when the environment gives none


def entries(path):
    """Every <url> of a sitemap file, as text (location, date, alternates)."""
    return [ET.tostring(url, encoding="unicode").strip() for url in ET.parse(path).getroot()]


def test_a_paper_with_more_urls_than_a_sitemap_holds_gets_an_index_of_parts(published, tmp_path, newsroom):
    whole = entries(published.path("sitemap.xml"))
    limit = len(whole) // 3 + 1  # three parts, the last one shorter

    split = Path(built(tmp_path / "output", content=newsroom, settings="publishconf.py",
                       extra_settings=[f"SITEMAP_MAX_URLS={limit}"]))

    index = ET.parse(split / "sitemap.xml").getroot()
    assert index.tag == f"{SITEMAP}sitemapindex"
    locations = [sitemap_entry.findtext(f"{SITEMAP}loc") for sitemap_entry in index]
    assert locations == [f"{SITEURL}/sitemap-{number}.xml" for number in (1, 2, 3)]
    parts = [entries(split / f"sitemap-{number}.xml") for number in (1, 2, 3)]
    assert [len(part) for part in parts] == [limit, limit, len(whole) - 2 * limit]
    assert [url for part in parts for url in part] == whole  # every URL once, in the same order
    assert (split / "robots.txt").read_text(encoding="utf-8").count(f"Sitemap: {SITEURL}/sitemap.xml") == 1
    assert check_feeds(split, SITEURL).failures == []  # the crawlers' gate: parts listed, each a sitemap, within limits


def test_a_paper_within_the_limit_keeps_one_sitemap(published):
    root = ET.parse(published.path("sitemap.xml")).getroot()
    assert root.tag == f"{SITEMAP}urlset" and len(root) > 20
    assert not list(Path(published.root).glob("sitemap-*.xml"))


@pytest.mark.parametrize("wrong", [0, 50_001, True, "100", 2.5])
def test_a_wrong_limit_is_refused(wrong):
    with pytest.raises(ValueError, match=r"SITEMAP_MAX_URLS is .*: it must be a whole number of URLs from 1 to 50,000"):
        sitemap.max_urls({"SITEMAP_MAX_URLS": wrong})


def test_a_wrong_limit_is_checked_when_pelican_starts():
    class Site:
        settings = {"SITEMAP_MAX_URLS": 0, "DEFAULT_LANG": "en", "EDITIONS": {"en": {"path": ""}, "ur": {"path": "ur"}}}

    with pytest.raises(ValueError, match="SITEMAP_MAX_URLS is 0"):
        sitemap.check_settings(Site())


def test_a_wrong_limit_fails_the_build_naming_the_setting_and_keeps_the_output(newsroom, tmp_path):
    output = tmp_path / "output"
    output.mkdir()
    (output / "index.html").write_text("the site as it was", encoding="utf-8")
    result = build_site(output, content=newsroom, settings="publishconf.py", extra_settings=["SITEMAP_MAX_URLS=0"])
    assert result.returncode != 0
    assert "SITEMAP_MAX_URLS is 0" in result.stdout + result.stderr
    assert [path.name for path in output.iterdir()] == ["index.html"]
    assert (output / "index.html").read_text(encoding="utf-8") == "the site as it was"


def test_parts_of_an_earlier_build_in_the_same_folder_are_removed(tmp_path, monkeypatch):
    """make serve builds in place: a paper that shrank keeps no part its index no longer lists."""
    settings = {"DEFAULT_LANG": "en", "EDITIONS": {"en": {"path": ""}, "ur": {"path": "ur"}},
                "MAIN_SITEURL": SITEURL, "OUTPUT_PATH": str(tmp_path), "SITEMAP_MAX_URLS": 2}

    class Site:
        pass
    site = Site()
    site.settings = settings
    urls = {f"{SITEURL}/story-{number}/": {"lastmod": None, "alternates": {}} for number in range(3)}
    monkeypatch.setattr(sitemap, "_ENTRIES", {"en": urls})
    for number in (1, 2, 3, 4):
        (tmp_path / f"sitemap-{number}.xml").write_text("an earlier part", encoding="utf-8")
    (tmp_path / "sitemap-notes.xml").write_text("not a part", encoding="utf-8")

    sitemap.write_sitemap(site)
    assert sorted(path.name for path in tmp_path.glob("sitemap*.xml")) == [
        "sitemap-1.xml", "sitemap-2.xml", "sitemap-notes.xml", "sitemap.xml"]
    assert [len(entries(tmp_path / f"sitemap-{number}.xml")) for number in (1, 2)] == [2, 1]

    settings["SITEMAP_MAX_URLS"] = 50_000
    sitemap.write_sitemap(site)
    assert sorted(path.name for path in tmp_path.glob("sitemap*.xml")) == ["sitemap-notes.xml", "sitemap.xml"]
    assert len(entries(tmp_path / "sitemap.xml")) == 3
