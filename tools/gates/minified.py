"""Minification changes bytes, not pages: each sampled page of the publish
build looks exactly like the same page built without minification (the same
pixels in Chromium, web fonts loaded), in both editions."""

from pathlib import Path
from urllib.parse import quote

from . import GateResult

ROOT = Path(__file__).resolve().parents[2]
DIFFERENCES = ROOT / "screenshots" / "minified"


def screenshot(browser, url, width):
    context = browser.new_context(viewport={"width": width, "height": 900})
    try:
        page = context.new_page()
        page.goto(url, wait_until="load")
        if page.evaluate("document.scripts.length"):
            # A page that fills itself in with JavaScript (search) has done so.
            page.wait_for_load_state("networkidle")
        page.evaluate("document.fonts.ready")
        return page.screenshot(full_page=True)
    finally:
        context.close()


def check_minified_rendering(browser, minified_url, plain_url, samples, width=375, name="minified looks the same",
                             attempts=3):
    result = GateResult(name)
    for edition, page_type, url_path in samples:
        result.checked += 1
        # A page that sets itself up with a script (search focuses its field,
        # loads its index) may be caught mid-way once; a real difference
        # shows on every attempt.
        for _ in range(attempts):
            minified = screenshot(browser, f"{minified_url}/{quote(url_path)}", width)
            plain = screenshot(browser, f"{plain_url}/{quote(url_path)}", width)
            if minified == plain:
                break
        if minified != plain:
            DIFFERENCES.mkdir(parents=True, exist_ok=True)
            stem = f"{edition or 'main'}-{page_type}-{width}"
            (DIFFERENCES / f"{stem}-minified.png").write_bytes(minified)
            (DIFFERENCES / f"{stem}-plain.png").write_bytes(plain)
            result.failures.append(f"/{url_path}: minified page renders differently (see {DIFFERENCES}/{stem}-*.png)")
    result.notes.append(f"screenshots at {width} px compared with a build without minification")
    return result
