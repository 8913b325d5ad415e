"""A story's body cannot run code or reach another site, and the build says so with path:line.

`hostile_site` (tests/conftest.py) is the publish build of tests/hostile.py with
BODY_HTML_UNSAFE="warning": what the body may not contain is removed and each
removal is a `path:line: warning:` line.  With the default ("error") the same
content stops the build before anything is written.  tests/test_body_html.py
tests the policy itself on strings; tests/browser/test_hostile_body_in_chromium.py
opens the page.
"""

import re
from xml.etree import ElementTree as ET

from bs4 import BeautifulSoup

from hostile import BODY_SLUG, write_hostile_content
from sitebuild import build_site

ATOM = "{http://www.w3.org/2005/Atom}"
BODY_PAGE = f"2018/05/02/{BODY_SLUG}/index.html"
SOURCE = "content/articles/hostile-body.md"
# Every removal the build reports for the hostile body: (line, start of the message).
EXPECTED_PROBLEMS = [
    (10, "<script> is not allowed in a story's body: scripts would run in readers' browsers"),
    (12, "the onerror= attribute on <img> is not allowed: event handlers run scripts; remove it"),
    (12, "the onload= attribute on <img> is not allowed: event handlers run scripts; remove it"),
    (14, "the link javascript:window.__pwned=1;console.log( runs a script; link to a page (http:, https:, mailto:) "
         "instead"),
    (16, "the link JaVaScRiPt:window.__pwned=1;console.log('PWNED');alert('PWN… runs a script; link to a page "
         "(http:, https:, mailto:) instead"),
    (18, "data: URLs are not allowed; put the file beside the story and link it by name"),
    (20, "the image {attacker}/remote-image.png is on another site: readers' browsers would request it from there; "
         "put the image file beside the story and give its name"),
    (22, "the image //{host}/protocol-relative.png is on another site: readers' browsers would request it from "
         "there; put the image file beside the story and give its name"),
    (24, "the srcset= attribute on <img> is not allowed: give one image file in src (the site makes the sizes)"),
    (26, "the style= attribute on <p> is not allowed: styles can load files from other sites and restyle the page; "
         "remove it (the site's stylesheet styles the story)"),
    (28, "<iframe> is not allowed in a story's body: it loads another site into the page; link to it instead"),
    (30, "<embed> is not allowed in a story's body: it loads a plugin or another site into the page; link to it "
         "instead"),
    (30, "<object> is not allowed in a story's body: it loads a plugin or another site into the page; link to it "
         "instead"),
    (32, "<button> is not allowed in a story's body: forms send readers' input elsewhere"),
    (32, "<form> is not allowed in a story's body: forms send readers' input elsewhere"),
    (32, "<input> is not allowed in a story's body: forms send readers' input elsewhere"),
    (34, "<script> is not allowed in a story's body: scripts would run in readers' browsers"),
    (34, "<svg> is not allowed in a story's body: SVG markup can carry scripts; use an image file (img) instead"),
    (36, "<style> is not allowed in a story's body: it would restyle the whole page"),
    (38, "<link> is not allowed in a story's body: it loads files from elsewhere"),
    (38, "<meta> is not allowed in a story's body: it changes how the page behaves"),
    (40, "<base> is not allowed in a story's body: it changes where every link of the page goes"),
    (42, "the ontoggle= attribute on <details> is not allowed: event handlers run scripts; remove it"),
    (44, "<audio> is not allowed in a story's body: players load their media from elsewhere; link to the recording "
         "instead"),
    (44, "<video> is not allowed in a story's body: players load their media from elsewhere; link to the video "
         "instead"),
    (47, "the onclick= attribute on <p> is not allowed: event handlers run scripts; remove it"),
    (47, "the style= attribute on <p> is not allowed: styles can load files from other sites and restyle the page; "
         "remove it (the site's stylesheet styles the story)"),
    (49, "the ping= attribute on <a> is not allowed in a story's body; remove it"),
    (49, "the target= attribute on <a> is not allowed in a story's body; remove it"),
]
URL_ATTRIBUTES = ("href", "src", "srcset", "action", "formaction", "data", "poster", "cite", "background", "ping")


def expected_lines(attacker, warning):
    host = attacker.url.removeprefix("http://")
    suffix = " (left out of the published page)" if warning else ""
    prefix = "warning: " if warning else ""
    return [f"{SOURCE}:{line}: {prefix}{message.format(attacker=attacker.url, host=host)}{suffix}"
            for line, message in EXPECTED_PROBLEMS]


def body_of(site):
    return site.html(BODY_PAGE).select_one(".story-body")


def test_every_removal_is_reported_with_its_line(hostile_site, attacker):
    reported = [line for line in hostile_site.log.splitlines() if line.startswith(SOURCE)]
    assert reported == expected_lines(attacker, warning=True)


def test_the_published_body_runs_nothing_and_loads_nothing_from_elsewhere(hostile_site, attacker):
    body = body_of(hostile_site)
    forbidden = ["script", "style", "iframe", "object", "embed", "form", "input", "button", "svg", "math", "link",
                 "meta", "base", "video", "audio", "source", "template"]
    assert [tag.name for tag in body.find_all(forbidden)] == []
    for tag in body.find_all(True):
        for name, value in tag.attrs.items():
            value = " ".join(value) if isinstance(value, list) else value
            assert not name.startswith("on") and name not in ("style", "srcset", "ping", "target"), (tag.name, name)
            if name in URL_ATTRIBUTES:
                url = re.sub(r"\s", "", value).lower()
                assert not url.startswith(("javascript:", "data:", "vbscript:")), (tag.name, value)
                if tag.name == "img":
                    assert value.startswith("/") and not value.startswith("//"), value
    # The one reference to the other host left is a plain link to one of its pages.
    assert attacker.url.removeprefix("http://") not in str(body).replace(f'href="{attacker.url}/page"', "")


def test_what_news_needs_is_kept(hostile_site):
    body = body_of(hostile_site)
    assert [[cell.get_text() for cell in row.find_all(["th", "td"])] for row in body.select("table tr")] == \
        [["Party", "Seats"], ["Blue", "12"], ["Green", "9"]]
    assert body.select_one("blockquote")["cite"] == "https://example.org/speech"
    figure = body.select_one("figure")
    assert figure.img["src"] == "/favicon.svg" and figure.img["alt"] == "The paper's icon"
    assert figure.figcaption.get_text() == "A local image with a caption."
    links = {a.get_text(): a.get("href") for a in body.select("a")}
    assert links["the desk"] == "mailto:desk@example.org"
    assert links["the report"] == "https://example.org/report"
    assert body.select_one("abbr")["title"] == "Pakistan Meteorological Department"
    assert body.select_one("code").get_text() == "<script>alert(1)</script>"
    assert body.select_one("details").get_text(" ", strip=True) == "More Text behind a summary."
    assert "A paragraph with a style attribute." in body.get_text().replace("\xa0", " ")


def test_the_feed_carries_the_sanitized_body(hostile_site):
    feed = ET.parse(hostile_site.path("feeds/all.atom.xml")).getroot()
    entry = next(e for e in feed.findall(f"{ATOM}entry") if f"/{BODY_SLUG}/" in e.find(f"{ATOM}link").get("href"))
    content = BeautifulSoup(entry.findtext(f"{ATOM}content"), "html5lib")
    assert content.select_one("table") is not None
    assert content.find_all(["script", "iframe", "form", "svg", "style"]) == []
    assert not any(name.startswith("on") for tag in content.find_all(True) for name in tag.attrs)


def test_by_default_an_unsafe_body_stops_the_build_before_anything_is_written(tmp_path, attacker):
    content = write_hostile_content(tmp_path / "content", attacker.url)
    # A body Markdown takes minutes over, though it passes the checks on the text:
    (content / "articles" / "slow.md").write_text(
        "Title: Slow\nDate: 2018-05-02\nCategory: World\nSlug: slow\n\n" + "[" * 20000 + "\n", encoding="utf-8")
    output = tmp_path / "output"

    result = build_site(output, content=content, extra_settings=["MAX_CONVERSION_SECONDS=1"])

    assert result.returncode != 0
    lines = [line for line in result.stderr.splitlines() if line.startswith("content/")]
    assert [line for line in lines if line.startswith(SOURCE)] == expected_lines(attacker, warning=False)
    assert "content/articles/slow.md:1: Markdown did not finish converting this file in 1 s " \
           "(MAX_CONVERSION_SECONDS); look for long runs of brackets, asterisks or deeply nested lists and " \
           "simplify them" in lines
    assert re.search(r"^build stopped before writing: \d+ errors above$", result.stderr, re.M)
    assert "Traceback" not in result.stderr
    assert not output.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["content"]
