"""Editing in the browser, end to end: `make serve`'s CMS writes our story files.

tools/serve.py starts on a free port with a fixture content folder (one
English story); it starts Decap's local backend (decap-server).  Headless
Chromium opens /admin/, logs in (the local backend needs no account), writes
an English story with a lead photo and its
Urdu translation through the form, and publishes both.  Then:

* the files are exactly what an editor would write by hand (TEAM.md's contract);
* `make serve` rebuilt the site: both pages exist and the language switch
  pairs them;
* a publish build of that content passes make check's gates on the two pages
  (links of the whole build, vnu, axe, weight, keyboard);
* the CMS ran under /admin/'s Content-Security-Policy (served by make serve
  from the built _headers) with no violation and no request to another host.

Everything waits by polling with generous deadlines (the machine may be busy).
"""

import base64
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path
from urllib.request import urlopen

import pytest
from bs4 import BeautifulSoup
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from cms_backend import free_port
from gates.accessibility import check_accessibility
from gates.keyboard import check_keyboard
from gates.links import check_links
from gates.server import SiteServer
from gates.validity import check_validity
from gates.weight import check_weight
from sitebuild import ROOT, built

DEADLINE = 240  # seconds for any one wait: builds on a loaded 2-core machine
SLUG = "fixture-ferry-resumes"
TITLE = "Fixture: ferry service resumes after the storm"
URDU_TITLE = "آزمائشی خبر: طوفان کے بعد فیری سروس بحال"
DATE = "2024-03-05T10:30"  # what the editor types in the date field (Karachi time)
ENGLISH_BODY = ("KARACHI:", " The fixture ferry sailed again on Tuesday, the port said.")
URDU_BODY = ("کراچی:", " بندرگاہ کے مطابق آزمائشی فیری منگل کو دوبارہ روانہ ہوئی۔")


def markdown(body):
    return f"**{body[0]}**{body[1]}"

FAVICON = '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 16 16"><rect width="16" height="16"/></svg>\n'
ORIGINAL = """Title: Fixture story already in the paper
Date: 2024-03-01 09:00
Category: Pakistan
Tags: Fixture roads
Slug: fixture-story-already-in-the-paper
Summary: A story that exists before the editor opens the CMS.

**LAHORE:** The first paragraph of a fixture story.
"""

RECORD = """
window.__violations = [];
document.addEventListener('securitypolicyviolation',
    (event) => window.__violations.push(event.violatedDirective + ' ' + event.blockedURI));
"""


def metadata_keys():
    sys.path.insert(0, str(ROOT))
    import pelicanconf

    return {key.lower() for key in pelicanconf.METADATA_KEYS}


def wait_for(condition, what, deadline=DEADLINE, toasts=None):
    """Poll `condition`; on time-out, say what the CMS last told the editor."""
    end = time.monotonic() + deadline
    while time.monotonic() < end:
        result = condition()
        if result:
            return result
        if toasts is not None:
            toasts.wait_for_timeout(500)
        else:
            time.sleep(0.5)
    told = toasts.locator("[role=alert], [class*=toast]").all_text_contents() if toasts is not None else []
    raise AssertionError(f"timed out after {deadline} s waiting for {what}; the CMS said: {told}")


DRAW_PHOTO = """() => {
  const canvas = document.createElement('canvas');
  canvas.width = 1200; canvas.height = 800;
  const context = canvas.getContext('2d');
  const gradient = context.createLinearGradient(0, 0, 1200, 800);
  gradient.addColorStop(0, '#1d4e89'); gradient.addColorStop(1, '#f2c14e');
  context.fillStyle = gradient; context.fillRect(0, 0, 1200, 800);
  context.fillStyle = '#ffffff'; context.fillRect(300, 420, 600, 120);
  return canvas.toDataURL('image/jpeg', 0.8).split(',')[1];
}"""


def make_photo(page, path):
    """A 1200×800 JPEG drawn by Chromium (no image library needed)."""
    path.write_bytes(base64.b64decode(page.evaluate(DRAW_PHOTO)))
    return path


def http_ok(url):
    try:
        with urlopen(url, timeout=5) as response:
            return response.status == 200
    except OSError:
        return False


@pytest.fixture(scope="module")
def serve(tmp_path_factory):
    """`make serve` of a fixture newsroom, with its CMS backend."""
    folder = tmp_path_factory.mktemp("cms")
    content = folder / "content"
    (content / "articles" / "2024").mkdir(parents=True)
    (content / "extra").mkdir()
    (content / "extra" / "favicon.svg").write_text(FAVICON, encoding="utf-8")
    (content / "articles" / "2024" / "fixture-story-already-in-the-paper.md").write_text(ORIGINAL, encoding="utf-8")
    port = free_port()
    log = (folder / "serve.log").open("w")
    process = subprocess.Popen(
        [sys.executable, str(ROOT / "tools" / "serve.py"), "--host", "127.0.0.1", "--port", str(port),
         "--content", str(content), "--output", str(folder / "output")],
        cwd=ROOT, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    try:
        wait_for(lambda: process.poll() is not None or http_ok(f"{url}/admin/"), "make serve to start")
        assert process.poll() is None, (folder / "serve.log").read_text()
        yield {"url": url, "content": content, "output": folder / "output", "folder": folder, "process": process}
    finally:
        process.terminate()  # serve.py stops its CMS backend on SIGTERM
        try:
            process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
        log.close()


def choose(page, label, option_text, search=None):
    """Pick an option in a Decap select or relation widget (react-select):
    type `search` (default: the option's text) until the option shows (a
    relation widget queries the backend as the editor types)."""
    field = page.get_by_label(label, exact=True)
    option = page.get_by_role("option", name=re.compile(re.escape(option_text))).first
    end = time.monotonic() + DEADLINE
    while True:
        field.click()
        field.fill("")
        field.press_sequentially(search or option_text, delay=30)
        try:
            option.wait_for(timeout=20_000)
            break
        except PlaywrightTimeout:
            if time.monotonic() > end:
                raise
            page.keyboard.press("Escape")
    option.click()


# The editor's visible text and the part of it drawn bold (Slate's own
# zero-width and placeholder nodes left out).
EDITOR_TEXT = """editor => {
    const walker = document.createTreeWalker(editor, NodeFilter.SHOW_TEXT);
    let all = "", bold = "";
    while (walker.nextNode()) {
        const parent = walker.currentNode.parentElement;
        if (parent.closest("[data-slate-zero-width], [contenteditable='false']")) continue;
        all += walker.currentNode.textContent;
        if (parseInt(getComputedStyle(parent).fontWeight, 10) >= 600) bold += walker.currentNode.textContent;
    }
    return [all, bold];
}"""


def write_body(page, dateline, text, attempts=3):
    """Type the story in the rich-text editor: the dateline in bold (Ctrl+B),
    as an editor would, checking what the editor shows.  A Ctrl+B pressed
    before the editor has taken the caret is lost (seen once in CI: the bold
    went to the wrong words); then, as an editor would, clear it and type again.
    Text cleared keeps its marks for what is typed next (the empty line stays
    bold): each attempt first types a letter to see whether it comes out bold,
    and presses Ctrl+B before the dateline only if it does not."""
    editor = page.locator("[data-slate-editor='true']").last
    handle = editor.element_handle()
    shown = []
    for _ in range(attempts):
        editor.click()
        page.wait_for_function("editor => editor.contains(document.activeElement) && "
                               "editor.contains(document.getSelection().anchorNode)", arg=handle)
        page.keyboard.type("x")
        page.wait_for_function(f"editor => ({EDITOR_TEXT})(editor)[0] === 'x'", arg=handle)
        typed_bold = editor.evaluate(EDITOR_TEXT)[1] == "x"
        page.keyboard.press("Backspace")
        page.wait_for_function(f"editor => ({EDITOR_TEXT})(editor)[0] === ''", arg=handle)
        if not typed_bold:
            page.keyboard.press("Control+b")
        page.keyboard.type(dateline)
        page.keyboard.press("Control+b")
        page.keyboard.type(text)
        page.wait_for_function(f"editor => ({EDITOR_TEXT})(editor)[0] === {json.dumps(dateline + text)}", arg=handle)
        shown.append(editor.evaluate(EDITOR_TEXT))
        if shown[-1] == [dateline + text, dateline]:
            return
        page.keyboard.press("Control+a")
        page.keyboard.press("Backspace")
        page.wait_for_function(f"editor => ({EDITOR_TEXT})(editor)[0] === ''", arg=handle)
    raise AssertionError(f"the editor showed [text, bold text] = {shown} in {attempts} attempts")


def publish(page):
    """Publish now (the local backend's simple mode), then wait until the CMS
    says the entry is saved: leaving it earlier would ask to drop changes."""
    page.get_by_text(re.compile(r"^unsaved changes$", re.I)).wait_for()
    page.get_by_role("button", name="Publish", exact=True).click()
    page.get_by_text("Publish now", exact=True).click()
    page.get_by_text(re.compile(r"^changes saved$", re.I)).wait_for()


@pytest.fixture(scope="module")
def edited(serve, browser, screenshots_dir):
    """Write the English story and its Urdu translation through the CMS."""
    with_photo = True
    assert "image" in metadata_keys(), "the CMS offers the lead photo only when the build accepts Image"
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.add_init_script(RECORD)
    page = context.new_page()
    photo = make_photo(page, serve["folder"] / "ferry.jpg") if with_photo else None
    page.set_default_timeout(DEADLINE * 1000)
    problems, foreign = [], []
    page.on("console", lambda message: message.type == "error" and problems.append(message.text))
    page.on("pageerror", lambda error: problems.append(str(error)))
    context.on("request", lambda request: not request.url.startswith((serve["url"], "data:", "blob:"))
            and foreign.append(request.url))
    try:
        page.goto(f"{serve['url']}/admin/", wait_until="load")
        page.get_by_role("button", name="Login").click()
        page.get_by_text("Fixture story already in the paper").wait_for()
        page.screenshot(path=str(screenshots_dir / "cms-collection-1280.png"))

        page.goto(f"{serve['url']}/admin/#/collections/en/new")
        page.get_by_label("Title", exact=True).fill(TITLE)
        page.get_by_label("Slug", exact=True).fill(SLUG)
        page.get_by_label("Date", exact=True).fill(DATE)
        choose(page, "Section", "World")
        page.get_by_label("Summary", exact=False).first.fill("The fixture ferry sails again.")
        page.get_by_label("Tags", exact=False).first.fill("Fixture weather, Fixture harbour")
        if with_photo:
            page.get_by_role("button", name=re.compile("Choose an image", re.I)).click()
            page.locator("input[type=file]").set_input_files(str(photo))
            page.get_by_role("button", name=re.compile("Choose selected", re.I)).click()
            page.get_by_label("Photo description", exact=False).first.fill("The ferry at the quay")
        write_body(page, *ENGLISH_BODY)
        page.screenshot(path=str(screenshots_dir / "cms-english-story-1280.png"))
        publish(page)
        english = serve["content"] / "articles" / "2024" / f"{SLUG}.md"
        wait_for(english.exists, f"{english} to be saved", toasts=page)

        # A new tab, as a translator would open: nothing left of the first form.
        page = context.new_page()
        page.set_default_timeout(DEADLINE * 1000)
        page.on("console", lambda message: message.type == "error" and problems.append(message.text))
        page.on("pageerror", lambda error: problems.append(str(error)))
        page.goto(f"{serve['url']}/admin/#/collections/ur/new")
        page.get_by_label("Title", exact=True).fill(URDU_TITLE)
        choose(page, "Translation of", TITLE, search=SLUG)
        page.get_by_label("Date", exact=True).fill(DATE)
        choose(page, "Section", "دنیا")
        page.get_by_label("Summary", exact=False).first.fill("آزمائشی فیری دوبارہ روانہ۔")
        write_body(page, *URDU_BODY)
        page.screenshot(path=str(screenshots_dir / "cms-urdu-translation-1280.png"))
        publish(page)
        urdu = serve["content"] / "articles" / "2024" / f"{SLUG}.ur.md"
        wait_for(urdu.exists, f"{urdu} to be saved", toasts=page)
        if with_photo:
            # Once saved, the translation's media folder is the original's:
            # the translator picks the same photo and describes it in Urdu.
            page.get_by_role("button", name=re.compile("Choose an image", re.I)).click()
            page.get_by_text("ferry.jpg", exact=True).click()
            page.get_by_role("button", name=re.compile("Choose selected", re.I)).click()
            page.get_by_label("Photo description", exact=False).first.fill("بندرگاہ پر فیری")
            publish(page)
            wait_for(lambda: "Image: ferry.jpg" in urdu.read_text(encoding="utf-8"), "the photo in the translation",
                     toasts=page)
        direction = page.evaluate("""() => getComputedStyle(document.querySelector("[data-slate-editor='true']")).direction""")
        violations = page.evaluate("window.__violations")
    finally:
        context.close()
    return {"english": english, "urdu": urdu, "problems": problems, "foreign": foreign, "photo": with_photo,
            "violations": violations, "direction": direction}


def test_the_cms_writes_our_file_format(edited):
    english = edited["english"].read_text(encoding="utf-8")
    urdu = edited["urdu"].read_text(encoding="utf-8")
    photo_lines = "Image: ferry.jpg\nImage_Alt: The ferry at the quay\n" if edited["photo"] else ""
    assert english == (
        f"Title: {TITLE}\nDate: 2024-03-05 10:30\nCategory: World\nTags: Fixture weather, Fixture harbour\n"
        f"Slug: {SLUG}\nSummary: The fixture ferry sails again.\n{photo_lines}\n{markdown(ENGLISH_BODY)}\n")
    urdu_photo = "Image: ferry.jpg\nImage_Alt: بندرگاہ پر فیری\n" if edited["photo"] else ""
    assert urdu == (
        f"Title: {URDU_TITLE}\nDate: 2024-03-05 10:30\nCategory: دنیا\nSlug: {SLUG}\nLang: ur\n"
        f"Translated_From: en\nSummary: آزمائشی فیری دوبارہ روانہ۔\n{urdu_photo}\n{markdown(URDU_BODY)}\n")
    if edited["photo"]:
        assert (edited["english"].parent / "ferry.jpg").is_file()


def test_urdu_is_typed_right_to_left(edited):
    assert edited["direction"] == "rtl"


def test_the_cms_runs_under_its_policy_without_other_hosts(edited):
    assert edited["violations"] == []
    assert edited["foreign"] == []
    assert edited["problems"] == [], "\n".join(problem[:300] for problem in edited["problems"])


def page_of(output, edition=""):
    return output / edition / "2024" / "03" / "05" / SLUG / "index.html"


def test_make_serve_rebuilt_both_pages_paired_by_the_language_switch(edited, serve):
    english, urdu = page_of(serve["output"]), page_of(serve["output"], "ur")
    wait_for(lambda: english.exists() and urdu.exists(), "make serve to build both pages")
    english_html = BeautifulSoup(english.read_text(encoding="utf-8"), "html5lib")
    urdu_html = BeautifulSoup(urdu.read_text(encoding="utf-8"), "html5lib")
    assert english_html.h1.get_text(" ", strip=True).replace("\xa0", " ") == TITLE
    assert urdu_html.h1.get_text(" ", strip=True).replace("\xa0", " ") == URDU_TITLE
    assert urdu_html.html["lang"] == "ur" and urdu_html.html["dir"] == "rtl"
    to_urdu = english_html.select_one('a[hreflang="ur"]')
    to_english = urdu_html.select_one('a[hreflang="en"]')
    assert to_urdu and to_urdu["href"].rstrip("/").endswith(f"ur/2024/03/05/{SLUG}")
    assert to_english and to_english["href"].rstrip("/").endswith(f"2024/03/05/{SLUG}")


def test_the_saved_stories_pass_the_gates_of_make_check(edited, serve, browser, tmp_path_factory):
    content = tmp_path_factory.mktemp("cms-publish") / "content"
    shutil.copytree(serve["content"], content)
    with SiteServer() as server:
        root = built(content.parent / "output", settings="publishconf.py", content=content,
                     env={"SITEURL": server.url, "SOURCE_DATE_EPOCH": "1713484800"})
        server.serve(root)
        pages = [("en", f"2024/03/05/{SLUG}/"), ("ur", f"ur/2024/03/05/{SLUG}/")]
        samples = [(lang, "article", path) for lang, path in pages]
        results = [check_links(root, server.url),
                   check_accessibility(browser, server.url, samples),
                   check_keyboard(browser, server.url, [path for _, path in pages]),
                   check_weight(browser, root, server.url, pages)]
        for _, path in pages:
            single = root.parent / "vnu" / path
            single.mkdir(parents=True)
            shutil.copyfile(root / path / "index.html", single / "index.html")
        results.append(check_validity(root.parent / "vnu"))
    failures = [f"{result.name}: {failure}" for result in results for failure in result.failures]
    assert failures == []
    assert all(result.checked for result in results)
