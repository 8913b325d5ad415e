"""Keyboard: tabbing through a page in Chromium reaches the skip link first,
then every visible interactive element, each with a visible focus indicator
(its computed outline or box-shadow changes when it has focus), and the
language switch.  Following the skip link moves focus to its target."""

from urllib.parse import quote

from . import GateResult

INTERACTIVE = (
    "a[href], area[href], button:not([disabled]), input:not([type=hidden]):not([disabled]), "
    "select:not([disabled]), textarea:not([disabled]), summary, iframe, [tabindex]:not([tabindex='-1'])"
)
LANGUAGE_SWITCH = ".language-switch a, nav a[hreflang]"

MARK_INTERACTIVE = """([selector, switchSelector]) => {
  const switchLinks = new Set(document.querySelectorAll(switchSelector));
  return Array.from(document.querySelectorAll(selector)).map((element, index) => {
    element.dataset.gateIndex = index;
    const style = getComputedStyle(element);
    const visible = element.getClientRects().length > 0 && style.visibility !== 'hidden';
    return {index, visible, languageSwitch: switchLinks.has(element),
            label: `${element.tagName.toLowerCase()} "${(element.textContent || element.getAttribute('aria-label') || '').trim().slice(0, 40)}"`,
            ring: [style.outlineStyle, style.outlineWidth, style.outlineColor, style.boxShadow].join(' ')};
  });
}"""

FOCUSED = """() => {
  const element = document.activeElement;
  if (!element || element === document.body) return null;
  const style = getComputedStyle(element);
  const box = element.getBoundingClientRect();
  const href = element.getAttribute('href') || '';
  const target = href.startsWith('#') ? document.getElementById(decodeURIComponent(href.slice(1))) : null;
  return {index: element.dataset.gateIndex === undefined ? null : Number(element.dataset.gateIndex),
          ring: [style.outlineStyle, style.outlineWidth, style.outlineColor, style.boxShadow].join(' '),
          onScreen: box.width > 0 && box.height > 0 && box.bottom > 0 && box.right > 0
                    && box.top < innerHeight && box.left < innerWidth,
          skipTarget: target ? (target.matches('main') || !!target.querySelector('main') ? 'main' : target.tagName) : null,
          tag: element.tagName.toLowerCase()};
}"""


def tab_through(browser, url):
    """Problems found tabbing through `url`, and how many stops it had."""
    problems = []
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    try:
        page = context.new_page()
        page.goto(url, wait_until="load")
        elements = page.evaluate(MARK_INTERACTIVE, [INTERACTIVE, LANGUAGE_SWITCH])
        reached = []
        for _ in range(len(elements) + 3):
            page.keyboard.press("Tab")
            focused = page.evaluate(FOCUSED)
            if focused is None or focused["index"] is None or (reached and focused["index"] == reached[0]["index"]):
                break
            reached.append(focused)
        if not reached:
            return ["Tab reaches nothing"], 0
        first = reached[0]
        if first["skipTarget"] != "main":
            problems.append(f"first Tab stop is {elements[first['index']]['label']}, not a skip link to the main content")
        for stop in reached:
            element = elements[stop["index"]]
            if stop["ring"] == element["ring"]:
                problems.append(f"no visible focus indicator on {element['label']} (outline/box-shadow unchanged)")
            if not stop["onScreen"]:
                problems.append(f"{element['label']} is off screen when focused")
        reached_indexes = {stop["index"] for stop in reached}
        for element in elements:
            if element["visible"] and element["index"] not in reached_indexes:
                problems.append(f"{element['label']} cannot be reached with Tab")
        if not any(elements[index]["languageSwitch"] for index in reached_indexes):
            problems.append("the language switch cannot be reached with Tab")
        # Following the skip link puts focus on the main content.
        page.goto(url, wait_until="load")
        page.keyboard.press("Tab")
        page.keyboard.press("Enter")
        if not page.evaluate("document.activeElement.matches('main, main *') || !!document.activeElement.querySelector('main')"):
            problems.append("following the skip link does not move focus to the main content")
        return problems, len(reached)
    finally:
        context.close()


def check_keyboard(browser, site_url, url_paths, name="keyboard"):
    result = GateResult(name)
    for url_path in url_paths:
        result.checked += 1
        problems, stops = tab_through(browser, f"{site_url}/{quote(url_path)}")
        result.failures.extend(f"/{url_path}: {problem}" for problem in problems)
        result.notes.append(f"/{url_path}: {stops} Tab stops")
    return result
