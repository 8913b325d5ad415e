"""`make serve` in Chromium: a mistake shows in the open page as an overlay
naming the file, the line and the fix, over the last good version of the
page, and goes away by itself when the file is mended; likewise for a
template and for the settings (which restart the server)."""

import pytest

from serving import DEADLINE

STORY = "fixture-just-after-midnight"  # has an Urdu translation
PAGE = f"2024/03/02/{STORY}/"


@pytest.fixture
def page(browser, preview):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.set_default_timeout(DEADLINE * 1000)
    opened = context.new_page()
    yield opened
    context.close()


@pytest.fixture
def restore(preview):
    """remember(path) -> its text now; at the end of the test the file gets it
    back (and the server has rebuilt), whatever happened in between."""
    saved = {}

    def remember(path):
        saved[path] = path.read_text(encoding="utf-8")
        return saved[path]

    yield remember
    for path, text in saved.items():
        if path.read_text(encoding="utf-8") != text:
            save(preview, path, text, f"{path.name} as it was")


def new_lines(preview, seen):
    return preview.log().splitlines()[seen:]


def overlay_text(page, expected):
    """The overlay's text, once it shows `expected`."""
    # Playwright's CSS selectors pierce the overlay's shadow root.
    panel = page.locator("#lantern-preview-errors .panel", has_text=expected)
    panel.wait_for(state="visible")
    return panel.inner_text()


def save(preview, path, text, what):
    """Write `text` into `path` and wait until the server has rebuilt after it."""
    before = preview.status()["rebuilds"]
    path.write_text(text, encoding="utf-8")
    preview.wait_for_rebuild(before, what)


def break_and_mend(preview, page, path, broken, what, expected):
    """Save `broken` into `path`; returns (overlay text, new terminal lines) and
    leaves the file broken (the caller mends it)."""
    seen = len(preview.log().splitlines())
    save(preview, path, broken, what)
    return overlay_text(page, expected), new_lines(preview, seen)


def shoot(page, screenshots_dir, name):
    for width in (375, 1280):
        page.set_viewport_size({"width": width, "height": 900})
        page.screenshot(path=str(screenshots_dir / f"serve-error-{name}-{width}.png"))


@pytest.mark.parametrize("lang", ["en", "ur"])
def test_a_story_mistake_is_one_terminal_line_and_an_overlay_until_mended(preview, page, restore, screenshots_dir,
                                                                          lang):
    path = preview.story(STORY, lang)
    good = restore(path)
    url = f"{preview.url}/{'ur/' if lang == 'ur' else ''}{PAGE}"
    page.goto(url)
    headline = page.locator("h1").inner_text()
    assert page.locator("#lantern-preview-errors").count() == 0

    shown = f"content/{path.relative_to(preview.content).as_posix()}"
    text, lines = break_and_mend(preview, page, path, good.replace("Date: 2024-03-02 00:10", "Date: 2024-03-32 00:10"),
                                 "the broken date", f"{shown}:2")
    assert lines == [f'{shown}:2: Date "2024-03-32 00:10 +05:00" is not a date; write it as YYYY-MM-DD or YYYY-MM-DD HH:MM']
    assert f"{shown}:2" in text and 'Date "2024-03-32 00:10 +05:00" is not a date' in text
    assert "Fix: write it as YYYY-MM-DD or YYYY-MM-DD HH:MM" in text
    assert "last good version" in text
    # Underneath, and for every new visitor, the site is the last good one.
    assert page.locator("h1").inner_text() == headline
    status, html = preview.get(url.removeprefix(preview.url))
    assert status == 200 and "2024-03-32" not in html
    shoot(page, screenshots_dir, lang)

    seen = len(preview.log().splitlines())
    save(preview, path, good.replace("\n\n", "\n\nMENDED paragraph.\n\n", 1), "the mended story")
    page.locator("#lantern-preview-errors").wait_for(state="detached")
    page.get_by_text("MENDED paragraph.").wait_for()  # the page reloaded by itself
    assert preview.status()["problems"] == []
    mended = new_lines(preview, seen)
    assert len(mended) == 1 and mended[0].startswith("fixed: rebuilt in "), mended


def test_a_template_mistake_names_the_template_and_its_line(preview, page, restore):
    footer = preview.theme / "templates" / "partials" / "footer.html"
    good = restore(footer)
    line = next(number for number, text in enumerate(good.splitlines(), 1) if "{{ SITENAME }}" in text)
    page.goto(f"{preview.url}/{PAGE}")

    text, lines = break_and_mend(preview, page, footer, good.replace("{{ SITENAME }}", "{{ SITENAME }"),
                                 "the template", f"footer.html:{line}")
    assert len(lines) == 1 and lines[0].startswith(f"{footer.as_posix()}:{line}: ") and "TemplateSyntaxError" in lines[0]
    assert "template" in text

    save(preview, footer, good, "the mended template")
    page.locator("#lantern-preview-errors").wait_for(state="detached")


def test_a_settings_mistake_is_shown_and_mending_it_restarts_the_server(preview, page, restore):
    restore(preview.settings)
    page.goto(f"{preview.url}/{PAGE}")
    broken = preview.settings_text + 'SITENAME = "The Lantern Gazette\n'
    line = broken.count("\n")
    seen = len(preview.log().splitlines())
    save(preview, preview.settings, broken, "the broken settings")
    text = overlay_text(page, f"settings.py:{line}")
    assert "SyntaxError" in text
    lines = new_lines(preview, seen)
    assert len(lines) == 1 and lines[0].startswith(f"{preview.settings.as_posix()}:{line}: "), lines

    preview.settings.write_text(preview.settings_text, encoding="utf-8")
    page.locator("#lantern-preview-errors").wait_for(state="detached")  # reconnected to the new server, reloaded
    assert "settings or plugins changed: restarting" in new_lines(preview, seen)
    preview.wait_for_rebuild(0, "the restarted server's first build")
    page.locator("h1").wait_for()
