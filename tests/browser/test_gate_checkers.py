"""The browser gates of `make check` see what they are for (tools/gates/)."""

import pytest

from gates.accessibility import AXE, axe_violations
from gates.server import SiteServer
from gates.weight import measure

DARK_ONLY_PROBLEM = """<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Contrast</title><link rel="icon" href="data:,">
<style>p { color: #222; background: #fff } @media (prefers-color-scheme: dark) { p { color: #333; background: #222 } }</style>
</head><body><main><h1>Heading</h1><p>Grey on grey once the reader prefers dark.</p><img src="dot.svg" alt="dot"></main></body></html>"""
DOT = '<svg xmlns="http://www.w3.org/2000/svg" width="4" height="4"><circle cx="2" cy="2" r="2"/></svg>'


@pytest.fixture(scope="module")
def problem_page(tmp_path_factory):
    folder = tmp_path_factory.mktemp("problem")
    (folder / "index.html").write_text(DARK_ONLY_PROBLEM, encoding="utf-8")
    (folder / "dot.svg").write_text(DOT, encoding="utf-8")
    with SiteServer() as server:
        server.serve(folder)
        yield server.url


@pytest.mark.skipif(not AXE.exists(), reason="axe-core is installed by `make test` (npm ci)")
def test_axe_finds_a_contrast_problem_only_in_the_dark_scheme(browser, problem_page):
    assert [v["id"] for v in axe_violations(browser, f"{problem_page}/", "light")] == []
    assert [v["id"] for v in axe_violations(browser, f"{problem_page}/", "dark")] == ["color-contrast"]


def test_weight_counts_every_request_and_images_without_size(browser, problem_page):
    requests, images_without_size, has_lead_photo = measure(browser, f"{problem_page}/")
    assert sorted(request["url"].removeprefix(problem_page) for request in requests) == ["/", "/dot.svg"]
    assert all(request["decoded"] > 0 for request in requests)
    assert images_without_size == ["dot.svg"]
    assert has_lead_photo is False


HEAVY_LEAD_PHOTO = """<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Photo</title><link rel="icon" href="data:,">
</head><body><main><figure class="photo lead-photo"><img src="heavy.png" width="600" height="400" alt="noise" fetchpriority="high"></figure>
<img src="second.png" width="60" height="40" alt="also eager" fetchpriority="high"></main></body></html>"""


def test_weight_gate_holds_a_lead_photo_to_its_budget_and_allows_one_eager_image(browser, tmp_path):
    from PIL import Image

    from gates.weight import LEAD_PHOTO_BUDGET, check_weight

    (tmp_path / "index.html").write_text(HEAVY_LEAD_PHOTO, encoding="utf-8")
    Image.effect_noise((600, 400), 120).convert("RGB").save(tmp_path / "heavy.png")  # noise does not compress
    Image.new("RGB", (60, 40), "red").save(tmp_path / "second.png")
    assert (tmp_path / "heavy.png").stat().st_size > LEAD_PHOTO_BUDGET
    with SiteServer() as server:
        server.serve(tmp_path)
        failures = check_weight(browser, tmp_path, server.url, [("en", "")]).failures
    assert any(f"images loaded with the page are " in failure and f"> {LEAD_PHOTO_BUDGET}" in failure for failure in failures)
    assert [failure for failure in failures if "not lazy" in failure] == [
        "/: image without width and height, or not lazy though not the lead photo: heavy.png",
        "/: image without width and height, or not lazy though not the lead photo: second.png",
    ], "two images that both claim to be the lead: neither is"


KEYBOARD_PROBLEMS = """<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Keys</title>
<style>.quiet:focus { outline: none }</style></head><body>
<a href="#main" class="skip">Skip to content</a>
<nav class="language-switch"><a href="/ur/" hreflang="ur" class="quiet">اردو</a></nav>
<main id="main" tabindex="-1"><p><a href="/one/">One</a> <span tabindex="-1">not a stop</span></p></main>
</body></html>"""


def test_keyboard_gate_names_a_missing_focus_ring(browser, tmp_path):
    from gates.keyboard import tab_through

    (tmp_path / "index.html").write_text(KEYBOARD_PROBLEMS, encoding="utf-8")
    with SiteServer() as server:
        server.serve(tmp_path)
        problems, stops = tab_through(browser, f"{server.url}/")
    assert stops == 3
    assert problems == ['no visible focus indicator on a "اردو" (outline/box-shadow unchanged)']


REFERENCE_PAGE = """<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Story</title>
<style>body {{ font: 18px/1.5 serif; margin: 24px; }} .box {{ width: 4px; height: 1px; }} {extra_css}</style>
</head><body><h1>US-backed alliance launches final battle against IS in Syria</h1>
<form><input name="q" value="Syria" autofocus></form>
<p>DEIR EZZOR: The alliance said on Tuesday it had begun the last phase of its campaign.</p>
<div class="box"></div>{extra_html}</body></html>"""

SAME_BUT_NOISE = {
    # Not defects: a one-pixel caret-like line, a 4x1-pixel edge like the one
    # that failed CI at the search field's focus ring, colour noise of 2/255.
    "caret line": ("", '<div style="position:absolute; left:40px; top:90px; width:1px; height:18px; background:#000"></div>'),
    "4x1 focus edge": (".box { background: #1d4ed8 }", ""),
    "colour noise": ("p { color: rgb(2 2 2) }", ""),
}
DEFECTS = {
    "one letter": ("", "", ("in Syria</h1>", "in Syrla</h1>")),
    "missing space": ("", "", ("the last phase", "the lastphase")),
    "two pixels lower": ("h1 { margin-top: 2.2em }", "", None),
    "another colour": ("h1 { color: #444 }", "", None),
}


def serve_page(tmp_path, name, extra_css="", extra_html="", replace=None):
    folder = tmp_path / name
    folder.mkdir()
    html = REFERENCE_PAGE.format(extra_css=extra_css, extra_html=extra_html)
    if replace:
        html = html.replace(*replace)
    (folder / "index.html").write_text(html, encoding="utf-8")
    return folder


@pytest.fixture
def pair(tmp_path):
    """check(extra...) -> the minified gate's result for the reference page
    against a variant of it."""
    from gates.minified import check_minified_rendering

    servers = []

    def check(browser, **variant):
        plain, changed = SiteServer(), SiteServer()
        servers.extend([plain, changed])
        plain.serve(serve_page(tmp_path, f"plain-{len(servers)}"))
        changed.serve(serve_page(tmp_path, f"changed-{len(servers)}", **variant))
        return check_minified_rendering(browser, changed.url, plain.url, [("", "story", "")], attempts=1)

    yield check
    for server in servers:
        server.__exit__()


@pytest.mark.parametrize("noise", list(SAME_BUT_NOISE))
def test_minified_gate_ignores_caret_focus_edge_and_colour_noise(browser, pair, noise):
    extra_css, extra_html = SAME_BUT_NOISE[noise]
    assert pair(browser, extra_css=extra_css, extra_html=extra_html).failures == []


@pytest.mark.parametrize("defect", list(DEFECTS))
def test_minified_gate_catches_a_real_rendering_change(browser, pair, defect):
    extra_css, extra_html, replace = DEFECTS[defect]
    failures = pair(browser, extra_css=extra_css, extra_html=extra_html, replace=replace).failures
    assert len(failures) == 1 and "renders differently" in failures[0]
