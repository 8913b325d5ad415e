"""`make serve`: whatever way a story is saved, the page shows the last save,
byte for byte as a full build writes it; mistakes are one line each; the
terminal stays quiet; nothing of the preview reaches a publish build."""

import filecmp
import os
import re
from pathlib import Path

import pytest

STORY = "fixture-morning-syria"
PAGE = f"2024/03/02/{STORY}/"


def differences(served, full):
    """Files that differ between the served output and a full build, less
    Pagefind's index (rebuilt in the background from these same pages)."""
    def files(root):
        root, found = Path(root), set()
        for top in root.iterdir():
            if top.name.startswith(("pagefind", ".pagefind")):
                continue  # not walked either: the background index makes and removes its folders meanwhile
            found |= {p.relative_to(root).as_posix() for p in ([top] if top.is_file() else top.rglob("*"))
                      if p.is_file()}
        return found
    left, right = files(served), files(full)
    different = left ^ right
    different |= {name for name in left & right
                  if not filecmp.cmp(Path(served) / name, Path(full) / name, shallow=False)}
    return sorted(different)


def story_text(marker):
    """The fixture story without a Summary, so that its page's description
    comes from the body (Pelican's memoized summary: the bug of issue 13)."""
    return (f"Title: Fixture: ‘quoted’ words & an ampersand <b>not bold</b>\nDate: 2024-03-02 09:00\n"
            f"Category: Syria\nTags: Fixture roads\nSlug: {STORY}\n\n"
            f"{marker} opens this story.\n\nSecond paragraph of the generated fixture, written for tests.\n")


def truncate_and_write(path, text):
    with open(path, "w", encoding="utf-8") as file:
        file.write(text)


def in_chunks(path, text):
    data = text.encode("utf-8")
    with open(path, "wb") as file:
        for start in range(0, len(data), 16):
            file.write(data[start:start + 16])
            file.flush()
            os.fsync(file.fileno())


def atomic_rename(path, text):
    temporary = path.with_name(f".{path.name}.saving")
    temporary.write_text(text, encoding="utf-8")
    os.replace(temporary, path)


def delete_and_recreate(path, text):
    path.unlink()
    path.write_text(text, encoding="utf-8")


def burst(path, text):
    for number in range(5):
        path.write_text(text.replace("opens this story", f"opens this story (draft {number})"), encoding="utf-8")
    path.write_text(text, encoding="utf-8")


SAVES = [truncate_and_write, in_chunks, atomic_rename, delete_and_recreate, burst]


@pytest.mark.parametrize("save", SAVES, ids=[save.__name__ for save in SAVES])
def test_every_way_of_saving_shows_the_last_save_as_a_full_build_would(preview, save):
    path = preview.story(STORY)
    for number, marker in enumerate((f"FIRST{save.__name__.upper()}", f"SECOND{save.__name__.upper()}")):
        before = preview.status()["rebuilds"]
        save(path, story_text(marker))
        preview.wait_for_rebuild(before, f"{marker} on the page",
                                 lambda: marker in preview.get(PAGE)[1] and f'content="{marker} opens' in preview.get(PAGE)[1])
    assert preview.status()["problems"] == []
    assert differences(preview.output, preview.full_build(f"full-{save.__name__}")) == []


HOLD_FIRST_BUILD = """\
\"\"\"A test's plugin: the server's first build waits, once its stories are read,
until the test has saved (the file HOLD_UNTIL exists).\"\"\"
import os
import time

from pelican import signals

HELD = []


def hold(generators):
    if HELD:
        return
    HELD.append(True)
    open(os.environ["HOLD_STARTED"], "w").close()
    while not os.path.exists(os.environ["HOLD_UNTIL"]):
        time.sleep(0.05)


def register():
    signals.all_generators_finalized.connect(hold)
"""


def test_a_save_made_while_the_server_reads_the_site_is_shown(tmp_path, monkeypatch):
    """An editor who saves while `make serve` is still reading the site (about
    20 s at 5,000 stories) sees the save once the server is up, not the
    version it read."""
    import threading

    from serving import Preview, wait_until

    plugins = tmp_path / "held"
    plugins.mkdir()
    (plugins / "hold_first_build.py").write_text(HOLD_FIRST_BUILD, encoding="utf-8")
    started, until = tmp_path / "hold-started", tmp_path / "hold-until"
    monkeypatch.setenv("HOLD_STARTED", str(started))
    monkeypatch.setenv("HOLD_UNTIL", str(until))
    preview = Preview(tmp_path / "preview")
    preview.settings.write_text(preview.settings_text + f"PLUGIN_PATHS = PLUGIN_PATHS + [{str(plugins)!r}]\n"
                                'PLUGINS = PLUGINS + ["hold_first_build"]\n', encoding="utf-8")

    def save_during_the_read():
        wait_until(started.exists, "the first build to read the stories")
        truncate_and_write(preview.story(STORY), story_text("SAVEDWHILEREADING"))
        until.touch()

    saving = threading.Thread(target=save_during_the_read)
    saving.start()
    try:
        preview.start()
        saving.join(timeout=120)
        preview.wait_for_rebuild(0, "the save made during the read",
                                 lambda: "SAVEDWHILEREADING" in preview.get(PAGE)[1])
    finally:
        until.touch()
        preview.stop()


LINE_FORMS = [
    r"read in [\d.]+ s( \(\d+ files? as the last start read them\))?: \d+ stor(y|ies) in \d editions, \d+ pages? to write",
    r"built in [\d.]+ s: \d+ stor(y|ies) in \d editions, \d+ pages written",
    r"Serving \S+ at http://\S+/ \(Ctrl-C to stop\)",
    r"(fixed: )?rebuilt in [\d.]+ s: \d+ pages rendered(, the (\d+ )?open pages? first)?, \d+ unchanged",
    r"settings or plugins changed: restarting",
    r"[^\s:][^:]*:\d+: \S.*",  # a problem: path:line: message
    r"(warning|error): \S.*",  # a log record of Pelican or a plugin
]
# Said once at start, before "read in": where the CMS saves, each story held for later.
START_FORMS = [
    r"CMS: http://\S+/ saves into \S+ \(decap-server on http://\S+\)",
    r"scheduled: \S+ appears at \S+ \(Asia/Karachi\)(, with its translation \S+)?",
]


def test_the_terminal_says_each_thing_once_on_a_line_of_its_own(preview):
    seen = len(preview.log().splitlines())
    before = preview.status()["rebuilds"]
    truncate_and_write(preview.story(STORY), story_text("QUIETLY"))
    preview.wait_for_rebuild(before, "the edit", lambda: "QUIETLY" in preview.get(PAGE)[1])
    log = preview.log()
    assert "Traceback" not in log
    assert not re.search(r"Done: Processed|SITEURL|Docutils|waiters", log), log
    lines = log.splitlines()
    # A restart (earlier tests of the session may change the settings) is a
    # new start: it says its start lines again, once.
    restarts = [index + 1 for index, line in enumerate(lines) if line == "settings or plugins changed: restarting"]
    for begin, end in zip([0, *restarts], [*restarts, len(lines)]):
        run = lines[begin:end]
        start = next((index for index, line in enumerate(run) if line.startswith("read in ")), None)
        if start is None:  # a start that failed: its problems, then "Serving"
            assert all(any(re.fullmatch(form, line) for form in START_FORMS + LINE_FORMS) for line in run), run
            continue
        assert all(any(re.fullmatch(form, line) for form in START_FORMS) for line in run[:start]), run[:start]
        assert len(set(run[:start])) == start, f"a start line said twice: {run[:start]}"
        # Serving once the site is read; its pages are written after (or their problems said).
        assert run[start + 1].startswith("Serving "), run[start:start + 2]
        assert re.match(r"built in |[^\s:][^:]*:\d+: |(warning|error): ", run[start + 2]), run[start:start + 3]
        for line in run[start:]:
            assert any(re.fullmatch(form, line) for form in LINE_FORMS), f"not a line of its own: {line!r}"
    new = lines[seen:]
    assert len(new) == 1 and re.match(r"rebuilt in ", new[0]), new


def test_nothing_of_the_preview_server_reaches_a_build(published, site):
    """The overlay and live reload exist only in the preview server's
    responses: no built file names them, in the publish or the preview build."""
    for built_site in (published, site):
        for path in built_site.root.rglob("*"):
            if path.is_file() and path.suffix in (".html", ".js", ".css", ".json", ".xml", ".txt", ""):
                text = path.read_text(encoding="utf-8", errors="replace")
                assert "__preview__" not in text and "lantern-preview-errors" not in text, path
        assert not list(built_site.root.rglob("overlay.js"))


def test_the_preview_server_adds_its_script_only_to_what_it_sends(preview):
    status, html = preview.get(PAGE)
    assert status == 200 and '<script src="/__preview__/overlay.js" defer></script></head>' in html
    on_disk = (preview.output / PAGE / "index.html").read_text(encoding="utf-8")
    assert "__preview__" not in on_disk
    status, missing = preview.get("ur/no-such-page/")
    assert status == 404 and 'lang="ur"' in missing and "__preview__/overlay.js" in missing


def last_rebuild(preview):
    return [line for line in preview.log().splitlines() if re.match(r"(fixed: )?rebuilt in ", line)][-1]


def test_a_stylesheet_edit_is_served_without_rendering_a_page(preview):
    stylesheet = preview.theme / "static" / "css" / "site.css"
    original = stylesheet.read_text(encoding="utf-8")
    before = preview.status()["rebuilds"]
    stylesheet.write_text(original + "\n.fixture-rule { color: rebeccapurple; }\n", encoding="utf-8")
    try:
        preview.wait_for_rebuild(before, "the stylesheet", lambda: "rebeccapurple" in preview.get("theme/css/site.css")[1])
        assert re.fullmatch(r"rebuilt in [\d.]+ s: 0 pages rendered, [1-9]\d* unchanged", last_rebuild(preview))
        assert differences(preview.output, preview.full_build("full-stylesheet")) == []
    finally:
        before = preview.status()["rebuilds"]
        stylesheet.write_text(original, encoding="utf-8")
        preview.wait_for_rebuild(before, "the stylesheet as it was",
                                 lambda: "rebeccapurple" not in preview.get("theme/css/site.css")[1])


def test_a_deleted_story_is_gone_from_the_preview_as_from_a_full_build(preview):
    slug = "fixture-short-lived"
    path = preview.story(STORY).with_name(f"{slug}.md")
    before = preview.status()["rebuilds"]
    path.write_text(f"Title: A short-lived fixture story\nDate: 2024-03-02 09:30\nCategory: Syria\nSlug: {slug}\n\n"
                    "Written for a test, then deleted.\n", encoding="utf-8")
    preview.wait_for_rebuild(before, "the new story", lambda: preview.get(f"2024/03/02/{slug}/")[0] == 200)
    assert "A short-lived fixture story" in preview.get("")[1]

    before = preview.status()["rebuilds"]
    path.unlink()
    preview.wait_for_rebuild(before, "the story gone", lambda: preview.get(f"2024/03/02/{slug}/")[0] == 404)

    assert "A short-lived fixture story" not in preview.get("")[1]
    assert not (preview.output / "2024" / "03" / "02" / slug).exists()
    # Rebuilt in this process (pages kept), not by a full build in another one.
    assert re.fullmatch(r"rebuilt in [\d.]+ s: \d+ pages rendered, [1-9]\d* unchanged", last_rebuild(preview))
    assert preview.status()["problems"] == []
    assert differences(preview.output, preview.full_build("full-deleted")) == []


def test_a_template_edit_reloads_the_open_page_first_and_holds_a_page_until_it_is_rendered(preview):
    """After a template edit the server renders the open page, reloads it,
    then renders the others; a page asked for meanwhile is sent once it is
    rendered again, never as it was before the edit."""
    import asyncio
    import concurrent.futures
    import json
    from urllib.parse import quote

    from tornado.websocket import websocket_connect

    from serving import DEADLINE, wait_until

    footer = preview.theme / "templates" / "partials" / "footer.html"
    original = footer.read_text(encoding="utf-8")
    wait_until(lambda: not preview.status()["busy"], "the server idle")
    before = preview.status()["rebuilds"]

    async def edit_and_read_after_the_reload():
        socket = f"{preview.url.replace('http://', 'ws://')}/__preview__/socket?page={quote('/' + PAGE, safe='')}"
        connection = await websocket_connect(socket)
        await connection.read_message()  # the state
        footer.write_text(original.replace("©", "© Lorem-first"), encoding="utf-8")
        try:
            while json.loads(await asyncio.wait_for(connection.read_message(), DEADLINE))["type"] != "reload":
                pass
            # As a browser does at once: the open page, then another one.
            return preview.get(PAGE)[1], preview.get("ur/")[1]
        finally:
            connection.close()

    try:
        # In a thread of its own: Playwright's sync API may hold this thread's event loop.
        with concurrent.futures.ThreadPoolExecutor(1) as thread:
            open_page, other_page = thread.submit(asyncio.run, edit_and_read_after_the_reload()).result()
        assert "© Lorem-first" in open_page and "© Lorem-first" in other_page
        preview.wait_for_rebuild(before, "the template edit")
        assert re.fullmatch(r"rebuilt in [\d.]+ s: \d+ pages rendered, the open page first, \d+ unchanged",
                            last_rebuild(preview))
        assert differences(preview.output, preview.full_build("full-template")) == []
    finally:
        before = preview.status()["rebuilds"]
        footer.write_text(original, encoding="utf-8")
        preview.wait_for_rebuild(before, "the template as it was", lambda: "Lorem-first" not in preview.get("ur/")[1])


def preview_server_in_a_thread(root, pages):
    """A `PreviewServer` of `root` running in a thread of its own, with `pages`
    as the rebuild that says which pages are still to render."""
    import asyncio
    import queue
    import threading

    from preview_server import PreviewServer

    started = queue.Queue()

    def serve():  # a server binds to the event loop of the thread that makes it
        asyncio.set_event_loop(asyncio.new_event_loop())
        server = PreviewServer(root, port=0)
        server.pages = pages
        started.put(server)
        server.run()

    threading.Thread(target=serve, daemon=True).start()
    return started.get(timeout=120)


def test_at_start_a_request_for_a_page_not_written_yet_is_held_until_it_is(tmp_path):
    """At start the server answers before the first build has written its
    pages: a request for one of them, or for a missing page while the
    edition's 404 page is still to write, is held until that page is
    written (not answered "Nothing here"), and asks for it first.  A page
    open in a browser is one to write first although it is not written yet."""
    import threading
    import urllib.error
    import urllib.request

    root = tmp_path.resolve()
    story = root / "2024" / "lorem" / "index.html"
    not_found = root / "ur" / "404.html"
    (root / "ur").mkdir()

    class Pages:
        written = set()
        wanted = []

        def is_pending(self, path):
            return Path(path) in {story, not_found} - self.written

        def want(self, path):
            self.wanted.append(Path(path))

    server = preview_server_in_a_thread(root, Pages())
    server.open_urls = frozenset({"/2024/lorem/"})  # a tab left open: its page is written first
    assert server.open_files() == {str(story)}
    answers = {}

    def fetch(path):
        try:
            with urllib.request.urlopen(f"{server.url}{path}", timeout=120) as response:
                answers[path] = (response.status, response.read().decode("utf-8"))
        except urllib.error.HTTPError as error:
            answers[path] = (error.code, error.read().decode("utf-8"))

    try:
        asking = [threading.Thread(target=fetch, args=(path,)) for path in ("2024/lorem/", "ur/lorem-missing/")]
        for thread in asking:
            thread.start()
        for thread in asking:
            thread.join(timeout=1.0)
        assert all(thread.is_alive() for thread in asking) and answers == {}  # held
        for page, text in ((story, "the story"), (not_found, "صفحہ نہیں ملا")):
            page.parent.mkdir(parents=True, exist_ok=True)
            page.write_text(f"<html><head></head><body>{text}</body></html>", encoding="utf-8")
            Pages.written.add(page)
        for thread in asking:
            thread.join(timeout=120)
        assert answers["2024/lorem/"][0] == 200 and "the story" in answers["2024/lorem/"][1]
        assert answers["ur/lorem-missing/"][0] == 404 and "صفحہ نہیں ملا" in answers["ur/lorem-missing/"][1]
        assert story in Pages.wanted and not_found in Pages.wanted
    finally:
        server.stop()


def test_a_page_open_as_not_found_is_the_new_page_once_a_rebuild_is_to_write_it(tmp_path):
    """A browser left at a story's address before the story was saved shows
    "not found"; once a rebuild has that page to write, it is an open page:
    rendered first, then reloaded."""
    root = tmp_path.resolve()
    story = root / "2024" / "lorem" / "index.html"
    (root / "404.html").write_text("<html><head></head><body>Nothing here</body></html>", encoding="utf-8")

    class Pages:
        pending = set()

        def is_pending(self, path):
            return Path(path) in self.pending

    server = preview_server_in_a_thread(root, Pages())
    try:
        server.open_urls = frozenset({"/2024/lorem/"})
        assert server.open_files() == {str(root / "404.html")}
        Pages.pending = {story}
        assert server.open_files() == {str(story)}
    finally:
        server.stop()


def test_the_preview_server_holds_a_request_for_a_page_until_it_is_rendered(tmp_path):
    """`PreviewServer.pages` says which pages a rebuild has yet to render: a
    request for one is answered once it is, with the new page, and asks for it
    first; other files are sent at once."""
    import threading
    import urllib.request

    page = tmp_path / "2024" / "index.html"
    page.parent.mkdir()
    page.write_text("<html><head></head><body>before the edit</body></html>", encoding="utf-8")
    (tmp_path / "site.css").write_text("body {}", encoding="utf-8")

    class Pages:
        released = threading.Event()
        wanted = []

        def is_pending(self, path):
            return Path(path) == page.resolve() and not self.released.is_set()

        def want(self, path):
            self.wanted.append(Path(path))

    server = preview_server_in_a_thread(tmp_path, Pages())
    answers = {}

    def fetch(path):
        with urllib.request.urlopen(f"{server.url}{path}", timeout=120) as response:
            answers[path] = response.read().decode("utf-8")

    try:
        asking = threading.Thread(target=fetch, args=("2024/",))
        asking.start()
        fetch("site.css")  # not pending: at once
        asking.join(timeout=1.0)
        assert asking.is_alive() and "2024/" not in answers  # held
        page.write_text("<html><head></head><body>after the edit</body></html>", encoding="utf-8")
        Pages.released.set()
        asking.join(timeout=120)
        assert "after the edit" in answers["2024/"] and answers["site.css"] == "body {}"
        assert Pages.wanted == [page.resolve()]
    finally:
        server.stop()
