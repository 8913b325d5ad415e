"""Minification changes bytes, not pages: each sampled page of the publish
build looks like the same page built without minification (Chromium, web
fonts loaded), in both editions.

What "looks like" means, so that the gate fails on a real defect and only
then:

* Both screenshots are taken the same settled way: the page loaded, its
  scripts done (network idle), its fonts ready, CSS animations and
  transitions stopped, the text caret hidden and the focus taken off
  whatever a script focused (the search page focuses its field; whether the
  focus ring is drawn yet depends on timing).  Focus rings have a gate of
  their own (keyboard).
* The two images are compared in the browser (the same Chromium decodes
  them; no image library needed): a pixel differs when one of its colour
  channels differs by more than CHANNEL_TOLERANCE (anti-aliasing and
  sub-pixel noise stay below it); a difference counts only where it covers a
  2x2 block of pixels, so a stray pixel or a one-pixel line (the edge of a
  focus ring, a caret) does not.  A changed word, a moved block or a changed
  colour covers far more than that.
* A page whose screenshots differ is taken again (up to `attempts` times):
  a real difference shows every time.

On a failure, both screenshots and an image of the counted differences (in
red) are written to screenshots/minified/.
"""

import base64
from pathlib import Path
from urllib.parse import quote

from . import GateResult

ROOT = Path(__file__).resolve().parents[2]
DIFFERENCES = ROOT / "screenshots" / "minified"
CHANNEL_TOLERANCE = 24  # of 255

SETTLE = """() => {
  const style = document.createElement("style");
  style.textContent = "*, *::before, *::after { animation: none !important; transition: none !important;"
                    + " caret-color: transparent !important; }";
  document.head.append(style);
  if (document.activeElement && document.activeElement !== document.body) document.activeElement.blur();
}"""

COMPARE = """async ([first, second, tolerance]) => {
  const load = (data) => new Promise((resolve, reject) => {
    const image = new Image();
    image.onload = () => resolve(image);
    image.onerror = () => reject(new Error("not a PNG"));
    image.src = "data:image/png;base64," + data;
  });
  const [a, b] = await Promise.all([load(first), load(second)]);
  if (a.width !== b.width || a.height !== b.height) {
    return { sizes: [[a.width, a.height], [b.width, b.height]], counted: a.width * a.height };
  }
  const { width, height } = a;
  const pixels = (image) => {
    const canvas = new OffscreenCanvas(width, height);
    const context = canvas.getContext("2d", { willReadFrequently: true });
    context.drawImage(image, 0, 0);
    return context.getImageData(0, 0, width, height).data;
  };
  const pa = pixels(a), pb = pixels(b);
  const differs = new Uint8Array(width * height);
  for (let i = 0, p = 0; i < differs.length; i++, p += 4) {
    differs[i] = Math.abs(pa[p] - pb[p]) > tolerance || Math.abs(pa[p + 1] - pb[p + 1]) > tolerance
              || Math.abs(pa[p + 2] - pb[p + 2]) > tolerance ? 1 : 0;
  }
  const canvas = new OffscreenCanvas(width, height);
  const context = canvas.getContext("2d");
  context.drawImage(b, 0, 0);
  context.fillStyle = "rgb(255 255 255 / 0.7)";
  context.fillRect(0, 0, width, height);
  context.fillStyle = "rgb(220 0 0)";
  let counted = 0, noise = 0, box = null;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = y * width + x;
      if (!differs[i]) continue;
      // Part of a 2x2 block of differing pixels?
      let block = false;
      for (const [dx, dy] of [[0, 0], [-1, 0], [0, -1], [-1, -1]]) {
        const x0 = x + dx, y0 = y + dy;
        if (x0 < 0 || y0 < 0 || x0 + 1 >= width || y0 + 1 >= height) continue;
        const j = y0 * width + x0;
        if (differs[j] && differs[j + 1] && differs[j + width] && differs[j + width + 1]) { block = true; break; }
      }
      if (!block) { noise++; continue; }
      counted++;
      context.fillRect(x, y, 1, 1);
      box = box ? [Math.min(box[0], x), Math.min(box[1], y), Math.max(box[2], x), Math.max(box[3], y)] : [x, y, x, y];
    }
  }
  let image = null;
  if (counted) {
    const blob = await canvas.convertToBlob({ type: "image/png" });
    const bytes = new Uint8Array(await blob.arrayBuffer());
    let text = "";
    for (let i = 0; i < bytes.length; i += 0x8000) text += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
    image = btoa(text);
  }
  return { counted, noise, box, image, size: [width, height] };
}"""


def screenshot(browser, url, width):
    context = browser.new_context(viewport={"width": width, "height": 900})
    try:
        page = context.new_page()
        page.goto(url, wait_until="load")
        if page.evaluate("document.scripts.length"):
            # A page that fills itself in with JavaScript (search) has done so.
            page.wait_for_load_state("networkidle")
        page.evaluate("document.fonts.ready")
        page.evaluate(SETTLE)
        return page.screenshot(full_page=True, animations="disabled", caret="hide")
    finally:
        context.close()


def compare(browser, first, second, tolerance=CHANNEL_TOLERANCE):
    """{"counted": pixels in 2x2 blocks of differences, "noise": other differing
    pixels, "box": [x0, y0, x1, y1] of the counted ones, "image": PNG (bytes) of
    them in red, or None}."""
    if first == second:
        return {"counted": 0, "noise": 0, "box": None, "image": None}
    context = browser.new_context()
    try:
        page = context.new_page()
        found = page.evaluate(COMPARE, [base64.b64encode(first).decode(), base64.b64encode(second).decode(), tolerance])
    finally:
        context.close()
    if found.get("image"):
        found["image"] = base64.b64decode(found["image"])
    return found


def check_minified_rendering(browser, minified_url, plain_url, samples, width=375, name="minified looks the same",
                             attempts=3):
    result = GateResult(name)
    for edition, page_type, url_path in samples:
        result.checked += 1
        for _ in range(attempts):
            minified = screenshot(browser, f"{minified_url}/{quote(url_path)}", width)
            plain = screenshot(browser, f"{plain_url}/{quote(url_path)}", width)
            found = compare(browser, minified, plain)
            if not found["counted"]:
                break
        if found["noise"] and not found["counted"]:
            result.notes.append(f"/{url_path}: {found['noise']} pixels of anti-aliasing or focus-edge noise ignored")
        if found["counted"]:
            DIFFERENCES.mkdir(parents=True, exist_ok=True)
            stem = f"{edition or 'main'}-{page_type}-{width}"
            (DIFFERENCES / f"{stem}-minified.png").write_bytes(minified)
            (DIFFERENCES / f"{stem}-plain.png").write_bytes(plain)
            where = f"sizes {found['sizes']}" if "sizes" in found else f"{found['counted']} pixels in {found['box']}"
            if found.get("image"):
                (DIFFERENCES / f"{stem}-differences.png").write_bytes(found["image"])
            result.failures.append(f"/{url_path}: minified page renders differently ({where}; see {DIFFERENCES}/{stem}-*.png)")
    result.notes.append(f"screenshots at {width} px compared with a build without minification "
                        f"(channel tolerance {CHANNEL_TOLERANCE}/255, differences counted in 2x2 blocks)")
    return result
