"""Accessibility: axe-core (npm, pinned) injected into each sampled page in
Chromium, WCAG 2.0/2.1/2.2 A and AA rules, in light and dark colour schemes."""

from pathlib import Path
from urllib.parse import quote

from . import GateResult

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
COLOR_SCHEMES = ("light", "dark")


def axe_violations(browser, url, color_scheme, width=1280, height=900):
    # bypass_csp: axe is injected as an inline script, which a page's CSP may forbid.
    context = browser.new_context(viewport={"width": width, "height": height}, color_scheme=color_scheme, bypass_csp=True)
    try:
        page = context.new_page()
        page.goto(url, wait_until="load")
        page.evaluate("document.fonts.ready")
        page.add_script_tag(path=str(AXE))
        results = page.evaluate(
            "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})",
            AXE_TAGS,
        )
        return results["violations"]
    finally:
        context.close()


def check_accessibility(browser, site_url, samples, name="accessible (axe)"):
    result = GateResult(name)
    if not AXE.exists():
        result.failures.append(f"{AXE} is missing (run `make test`)")
        return result
    for _edition, page_type, url_path in samples:
        result.checked += 1
        for scheme in COLOR_SCHEMES:
            for violation in axe_violations(browser, f"{site_url}/{quote(url_path)}", scheme):
                targets = ", ".join(" ".join(node["target"]) if isinstance(node["target"], list) else str(node["target"])
                                    for node in violation["nodes"][:5])
                result.failures.append(
                    f"/{url_path} ({page_type}, {scheme}): {violation['id']} [{violation['impact']}] "
                    f"{violation['help']} — {targets}"
                )
    result.notes.append(f"{len(COLOR_SCHEMES)} colour schemes each; tags {', '.join(AXE_TAGS)}")
    return result
