"""The Urdu edition at /ur/: right to left, Urdu interface, paired with English."""

import json
import re
import xml.etree.ElementTree as ET
from datetime import datetime
from pathlib import PurePosixPath

import pytest
from babel.messages.pofile import read_po

from sitebuild import ARTICLE_SLUG, ROOT
from test_translations import extract_template_messages

URDU_ARTICLE = f"ur/2018/05/02/{ARTICLE_SLUG}/index.html"
ENGLISH_ARTICLE = f"2018/05/02/{ARTICLE_SLUG}/index.html"
ATOM = "{http://www.w3.org/2005/Atom}"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
XHTML = "{http://www.w3.org/1999/xhtml}"
URDU_LETTERS = re.compile(r"[\u0600-\u06FF]")


def english_interface_strings(folder):
    """Every interface string of the theme, freshly extracted from the templates."""
    strings = set()
    for message in extract_template_messages(folder):
        for msgid in message.id if isinstance(message.id, tuple) else (message.id,):
            strings.update(part.strip() for part in re.split(r"%\(\w+\)s", msgid) if len(part.strip()) > 2)
    return sorted(strings)


def urdu_pages(site):
    return [page for page in site.pages() if page.startswith("ur/")]


def english_pages(site):
    return [page for page in site.pages() if not page.startswith("ur/")]


def file_for(site, url):
    """The built file a root-relative URL serves."""
    path = url.split("#")[0].lstrip("/")
    return site.path(path + "index.html" if path.endswith("/") or not path else path)


def text_outside_english(html):
    for element in html.body.select('[lang="en"]'):
        element.decompose()
    return html.body.get_text(" ")


def test_every_page_declares_its_language_and_direction(site):
    for page in urdu_pages(site):
        html = site.html(page).html
        assert (html["lang"], html["dir"]) == ("ur", "rtl"), page
    for page in english_pages(site):
        html = site.html(page).html
        assert (html["lang"], html["dir"]) == ("en", "ltr"), page
    assert len(urdu_pages(site)) >= 10


def test_no_english_interface_words_on_urdu_pages(site, tmp_path):
    strings = english_interface_strings(tmp_path)
    assert "Today's Paper" in strings and "Archive" in strings
    for page in urdu_pages(site):
        text = text_outside_english(site.html(page))
        for english in strings:
            assert english not in text, f"{page}: {english!r}"
        assert not re.search(r"\b(min read|January|February|March|April|May|June|July|August|September|October|November|December|Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)\b", text), page


def test_urdu_article_is_the_translation_under_the_syria_section(site):
    page = site.html(URDU_ARTICLE)
    headline = page.find("h1").get_text().replace("\xa0", " ")
    # Urdu quotation marks: ’ opens and ‘ closes (plugins/edition_typography.py).
    assert headline == "امریکی حمایت یافتہ اتحاد نے شام میں داعش کے خلاف ’حتمی‘ جنگ کا آغاز کر دیا"
    paragraphs = page.select(".story-body > p")
    assert len(paragraphs) == len(site.html(ENGLISH_ARTICLE).select(".story-body > p")) == 7
    assert all(URDU_LETTERS.search(p.get_text()) for p in paragraphs)
    assert paragraphs[0].find("strong").get_text() == "التنک:"
    section = page.select_one(".story-meta a.story-section")
    assert section.get_text() == "شام" and section["href"] == "/ur/section/syria/"
    note = page.select_one(".translation-note")
    assert "ترجمہ" in note.get_text()
    assert note.find("a")["href"] == f"/2018/05/02/{ARTICLE_SLUG}/"


def test_urdu_dates_and_reading_time(site):
    page = site.html(URDU_ARTICLE)
    assert page.select_one(".edition-date time").get_text() == "جمعہ، 19 اپریل، 2024"
    assert page.select_one("time.published").get_text() == "2 مئی، 2018"
    words = len(page.select_one(".story-body").get_text().replace("\xa0", " ").split())
    assert words == 486  # 486 / 265 = 1.83 minutes
    minutes = 2
    # "Reading time: 2 minutes", never "2 minutes" alone (which reads as "2 minutes ago").
    assert page.select_one(".reading-time").get_text() == f"پڑھنے کا وقت: {minutes} منٹ"


def test_translated_pairs_have_hreflang_both_ways_and_x_default(site):
    for page, other in ((ENGLISH_ARTICLE, URDU_ARTICLE), (URDU_ARTICLE, ENGLISH_ARTICLE), ("index.html", "ur/index.html")):
        links = {link["hreflang"]: link["href"] for link in site.html(page).head.find_all("link", rel="alternate", hreflang=True)}
        assert set(links) == {"en", "ur", "x-default"}, page
        assert file_for(site, links["ur" if other.startswith("ur/") else "en"]) == site.path(other)
        assert file_for(site, links["x-default"]) == site.path(other if not other.startswith("ur/") else page)


def test_every_hreflang_target_exists(site):
    for page in site.pages():
        for link in site.html(page).head.find_all("link", hreflang=True):
            assert file_for(site, link["href"]).is_file(), f"{page}: {link['href']}"


def test_language_switch_round_trips_from_every_page(site):
    for page in site.pages():
        html = site.html(page)
        switch = html.select_one("nav.language-switch a[hreflang]")
        assert "/../" not in switch["href"], page
        target = file_for(site, switch["href"])
        assert target.is_file(), f"{page}: {switch['href']}"
        back = site.html(target.relative_to(site.root).as_posix()).select_one("nav.language-switch a[hreflang]")
        back_target = file_for(site, back["href"])
        other = "" if page.startswith("ur/") else "ur/"
        # Without a counterpart the switch leads to the other edition's home
        # page, or from a topic to its topics index; otherwise it comes back.
        fallbacks = {site.path(f"{other}index.html"), site.path(f"{other}tag/index.html")}
        if target not in fallbacks:
            assert back_target == site.path(page), f"{page} -> {switch['href']} -> {back['href']}"
        if "/tag/" in f"/{page}" and not page.endswith("tag/index.html") and target in fallbacks:
            assert target == site.path(f"{other}tag/index.html"), f"{page}: a topic without a counterpart leads to the topics index"


def test_subsite_links_the_stylesheet_and_no_url_climbs_out_of_ur(site):
    for page in urdu_pages(site):
        html = site.html(page)
        stylesheet = html.head.find("link", rel="stylesheet")["href"]
        assert site.path(stylesheet.lstrip("/")).is_file(), page
        for element in html.find_all(href=True):
            assert "/ur/../" not in element["href"] and "../" not in element["href"], page


def test_per_language_feeds_with_their_own_self_links(published):
    for feed_path, lang, expected_self in (
        ("feeds/all.atom.xml", "en", "https://lantern-gazette.example/feeds/all.atom.xml"),
        ("ur/feeds/all.atom.xml", "ur", "https://lantern-gazette.example/ur/feeds/all.atom.xml"),
        ("ur/feeds/section/syria.atom.xml", "ur", "https://lantern-gazette.example/ur/feeds/section/syria.atom.xml"),
    ):
        feed = ET.parse(published.path(feed_path)).getroot()
        assert feed.get("{http://www.w3.org/XML/1998/namespace}lang") == lang, feed_path
        self_link = next(link.get("href") for link in feed.findall(f"{ATOM}link") if link.get("rel") == "self")
        assert self_link == expected_self
        entry_links = [link.get("href") for link in feed.findall(f"{ATOM}entry/{ATOM}link")]
        assert entry_links and all(link.startswith("https://lantern-gazette.example/ur/") == (lang == "ur")
                                   for link in entry_links)
    urdu_title = ET.parse(published.path("ur/feeds/all.atom.xml")).getroot().find(f"{ATOM}title").text
    assert URDU_LETTERS.search(urdu_title)


def test_urdu_pages_link_the_urdu_feed(site):
    feed = site.html("ur/index.html").head.find("link", type="application/atom+xml")["href"]
    assert feed == "/ur/feeds/all.atom.xml" and site.path(feed.lstrip("/")).is_file()


def test_sitemap_lists_both_editions_with_alternates(published):
    root = ET.parse(published.path("sitemap.xml")).getroot()
    entries = {url.find(f"{SITEMAP}loc").text: url for url in root}
    base = "https://lantern-gazette.example"
    for loc in (f"{base}/2018/05/02/{ARTICLE_SLUG}/", f"{base}/ur/2018/05/02/{ARTICLE_SLUG}/"):
        alternates = {link.get("hreflang"): link.get("href") for link in entries[loc].findall(f"{XHTML}link")}
        assert alternates == {
            "en": f"{base}/2018/05/02/{ARTICLE_SLUG}/",
            "ur": f"{base}/ur/2018/05/02/{ARTICLE_SLUG}/",
            "x-default": f"{base}/2018/05/02/{ARTICLE_SLUG}/",
        }
    assert f"{base}/ur/" in entries and f"{base}/ur/section/syria/" in entries


@pytest.mark.parametrize("page", ["ur/index.html", "ur/section/syria/index.html", "ur/archive/index.html", "ur/tag/index.html",
                                  "ur/author/index.html", "ur/author/omar-sample/index.html", "ur/404.html"])
def test_urdu_listing_pages_exist_and_are_in_urdu(site, page):
    html = site.html(page)
    heading = html.find("h1").get_text()
    assert URDU_LETTERS.search(heading), page
    assert URDU_LETTERS.search(html.select_one(".site-footer").get_text())


def test_urdu_font_is_subset_and_small(site):
    [font] = site.path("theme/fonts").glob("noto-nastaliq-urdu.*.woff2")
    assert font.read_bytes()[:4] == b"wOF2"
    assert 20_000 < font.stat().st_size < (ROOT / "theme/fonts/NotoNastaliqUrdu-Regular.ttf").stat().st_size / 4
    from fontTools.ttLib import TTFont

    cmap = TTFont(font).getBestCmap()
    used = set(site.html(URDU_ARTICLE).select_one("main").get_text()) - set("\n\t")
    missing = {char for char in used if ord(char) > 0x7F and ord(char) not in cmap and URDU_LETTERS.match(char)}
    assert not missing
    assert ord(" ") in cmap and all(ord(digit) in cmap for digit in "۰۱۲۳۴۵۶۷۸۹")


def test_stylesheet_mirrors_with_logical_properties_only():
    css = (ROOT / "theme/static/css/site.css").read_text()
    assert not re.search(r"\[dir=.?rtl|:dir\(rtl\)", css), "no RTL-only copies of rules"
    physical = re.findall(r"(?<![-\w])(margin|padding|border)-(left|right)\b|(?<![-\w])(left|right)\s*:|text-align:\s*(left|right)|float:\s*(left|right)", css)
    assert physical == []
    assert "font-display: swap" in css



# The Urdu alphabet, typed out here (not taken from the plugin, so that the test
# fails if the plugin's list shrinks), with the letters Urdu text borrows from
# Arabic, the diacritics, punctuation and digits.
URDU_ALPHABET = "ا آ ب پ ت ٹ ث ج چ ح خ د ڈ ذ ر ڑ ز ژ س ش ص ض ط ظ ع غ ف ق ک گ ل م ن ں و ہ ھ ء ی ے".split()
URDU_EXTRA_LETTERS = "أ إ ؤ ئ ۂ ۃ ۓ ة ك ي ه ى".split()
URDU_MARKS = ["\u064b", "\u064e", "\u064f", "\u0650", "\u0651", "\u0652", "\u0654", "\u0670", "\u0610", "\u0612", "\u0613"]
URDU_PUNCTUATION_AND_DIGITS = list("،؛؟۔٪٫٬«»‘’“”()-:.!") + list("۰۱۲۳۴۵۶۷۸۹") + list("0123456789")


def shipped_font(site):
    [font] = site.path("theme/fonts").glob("noto-nastaliq-urdu.*.woff2")
    return font


def test_the_font_subset_holds_the_whole_alphabet_its_punctuation_and_digits(site):
    from fontTools.ttLib import TTFont

    cmap = TTFont(shipped_font(site)).getBestCmap()
    wanted = URDU_ALPHABET + URDU_EXTRA_LETTERS + URDU_MARKS + URDU_PUNCTUATION_AND_DIGITS + [" ", "\u00a0", "\u200c"]
    missing = [f"{char} U+{ord(char):04X}" for char in wanted if ord(char) not in cmap]
    assert missing == []
    # ث ژ ظ ۓ: letters the reference story never uses.
    assert not set("ثژظۓ") & set(site.text(URDU_ARTICLE))


def test_the_font_subset_does_not_depend_on_the_days_stories(site, scale_site):
    """Two newsrooms, two sets of stories, the same font file: nothing to
    re-subset when a story is added (and `make serve` takes it from the cache)."""
    assert shipped_font(site).read_bytes() == shipped_font(scale_site).read_bytes()


def test_the_sources_foretell_the_characters_of_the_urdu_pages(site, newsroom):
    """A build starts subsetting the font while Pelican makes the editions,
    to the characters its Urdu stories' files foretell (their text, entities
    and dashes as typogrify makes them; not their dates): on the fixture
    newsroom, exactly those of its Urdu pages, so the font is subset once."""
    from urdu_font import URDU_CHARACTERS, characters_of, guessed_characters, in_font_ranges

    pages = sorted(site.path("ur").rglob("*.html"))
    shown = {char for char in characters_of(pages) if in_font_ranges(char)} | set(URDU_CHARACTERS)
    assert guessed_characters(newsroom) == shown


def test_a_character_the_sources_did_not_foretell_is_in_the_subset(tmp_path, newsroom):
    """The guessing process, handed Urdu pages with a character (٭, and an
    em dash from "--") that no Urdu story's file has, subsets the font again
    to the pages' characters."""
    import subprocess
    import sys

    from fontTools.ttLib import TTFont

    from urdu_font import DASHES, guessed_characters

    assert not {"٭", DASHES["default"][0]} & guessed_characters(newsroom)
    pages = tmp_path / "اردو" / "ur"  # a folder name the process reads as UTF-8, whatever the locale
    pages.mkdir(parents=True)
    (pages / "index.html").write_text("<html><body><p>لالٹین ٭ — ۲۰۱۸</p></body></html>", encoding="utf-8")
    cache = tmp_path / "cache"
    source = ROOT / "theme" / "fonts" / "NotoNastaliqUrdu-Regular.ttf"
    done = subprocess.run([sys.executable, str(ROOT / "plugins" / "urdu_font.py"), "--guess", str(newsroom),
                           str(source), str(cache), "default"], input=f"{pages}\n", capture_output=True,
                          text=True, encoding="utf-8", check=True)
    font = done.stdout.splitlines()[-1]
    cmap = TTFont(font).getBestCmap()
    assert ord("٭") in cmap and 0x2014 in cmap
    assert len(list((cache / "fonts").glob("*.woff2"))) == 2  # the guess, then the pages'


def test_the_urdu_article_page_is_light_with_its_font(published):
    font = shipped_font(published).stat().st_size
    assert font < 100_000, f"{font} bytes"
    page = published.path(f"{URDU_ARTICLE}.br")
    [stylesheet] = published.path("theme/css").glob("site.*.css.br")
    total = font + page.stat().st_size + stylesheet.stat().st_size
    assert total < 115_000, f"{total} bytes over the wire (brotli) with the font"


def test_the_stylesheet_sends_the_font_the_characters_the_subset_covers():
    from urdu_font import URDU_CHARACTERS, URDU_FONT_RANGES, in_font_ranges

    css = (ROOT / "theme/static/css/site.css").read_text(encoding="utf-8")
    declared = re.search(r"unicode-range:\s*([^;]+);", css)[1]
    ranges = []
    for part in declared.split(","):
        low, _, high = part.strip().removeprefix("U+").partition("-")
        ranges.append((int(low, 16), int(high or low, 16)))
    assert ranges == sorted(URDU_FONT_RANGES)
    assert all(in_font_ranges(char) for char in URDU_CHARACTERS)


def test_urdu_quotation_marks_open_with_the_mirrored_mark(site, published):
    page = site.html(URDU_ARTICLE)
    body = page.select_one(".story-body").get_text()
    # ”…“ around a quotation, ’…‘ around a word: the English marks mirrored.
    assert "کہا: ”ہماری فورسز" in body and "آغاز کر دیا ہے۔“" in body.replace("\xa0", " ")
    assert not re.search(r"(^|\s)[“‘]", body), "no English opening mark before an Urdu word"
    assert not re.search(r"[”’](\s|$)", body), "no English closing mark after an Urdu word"
    assert "’حتمی‘" in page.title.get_text()
    [data] = [json.loads(s.string) for s in published.html(URDU_ARTICLE).find_all("script", type="application/ld+json")
              if json.loads(s.string).get("@type") == "NewsArticle"]
    assert "’حتمی‘" in data["headline"]
    # The English edition keeps its own marks.
    assert "‘final’" in site.html(ENGLISH_ARTICLE).find("h1").get_text()


@pytest.mark.parametrize("typed, printed", [
    ("اس نے ‘حتمی’ کہا", "اس نے ’حتمی‘ کہا"),  # English curly marks
    ("اس نے 'حتمی' کہا", "اس نے ’حتمی‘ کہا"),  # straight marks
    ("اس نے ’حتمی‘ کہا", "اس نے ’حتمی‘ کہا"),  # already Urdu: unchanged
    ("<p>کہا: “<strong>ہم</strong> آئیں گے۔”</p>", "<p>کہا: ”<strong>ہم</strong> آئیں گے۔“</p>"),
    ("SDF’s اتحاد", "SDF’s اتحاد"),  # an apostrophe in a Latin word
    ("<code>'x'</code> 'ی'", "<code>'x'</code> ’ی‘"),
])
def test_quotation_marks_take_the_urdu_form_by_their_place(typed, printed):
    from edition_typography import convert

    assert convert(typed, "’‘”“", "latn") == printed


def test_digits_are_a_setting_western_by_default():
    import pelicanconf
    from dates import in_edition_digits, long_date, number
    from edition_typography import convert

    assert pelicanconf.EDITIONS["ur"]["digits"] == "latn"
    urdu_digits = {"ur": {"digits": "arabext"}}
    assert in_edition_digits(long_date, urdu_digits)(datetime(2018, 5, 2), "ur") == "۲ مئی، ۲۰۱۸"
    assert in_edition_digits(long_date, {"ur": {"digits": "latn"}})(datetime(2018, 5, 2), "ur") == "2 مئی، 2018"
    assert in_edition_digits(number, urdu_digits)(1250, "ur") == "۱,۲۵۰"
    assert convert("23 شہری، COVID-19 اور F16 میں 10-12", "’‘”“", "arabext") == "۲۳ شہری، COVID-19 اور F16 میں ۱۰-۱۲"


def test_dates_and_counts_print_the_editions_digits(site):
    page = site.html(URDU_ARTICLE)
    assert page.select_one(".reading-time").get_text() == "پڑھنے کا وقت: 2 منٹ"
    assert site.html("ur/paper/index.html").select_one(".paper-count").get_text() == "1 خبر"
