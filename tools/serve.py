"""Preview server with live reload: `make serve`.

Serves output/ at http://127.0.0.1:8000.  Changes in content/, theme/,
plugins/ or the settings are seen at once (inotify, through watchfiles) and
rebuilt in this process by tools/incremental.py: only changed files are read
again and only the pages that show them are rendered; then the browser reloads
itself (the livereload script is injected by the server only, never written
into output/).  A settings or plugin change restarts the server; a deleted
source file triggers a full atomic build (tools/build.py); a changed photo
makes every story be read again (their pages name the photo's variants).
The preview shows drafts too (``Status: draft``, listed at /drafts/; see
plugins/drafts.py), which ``make publish`` leaves out.

The CMS at /admin/ saves through Decap's local backend, which this server
starts beside the site and proxies (tools/cms_backend.py); it stops with it.
"""

import argparse
import atexit
import os
import signal
import sys
import threading
import time
import traceback
from pathlib import Path

import watchfiles
from livereload import Server
from livereload.handlers import LiveReloadHandler
from tornado import ioloop

sys.path.insert(0, str(Path(__file__).resolve().parent))
from cms_backend import LocalBackend, admin_handlers  # noqa: E402
from incremental import ROOT, Session  # noqa: E402

SETTINGS = ROOT / "pelicanconf.py"
IGNORED_SUFFIXES = (".mo", ".mo.tmp", ".tmp", "~", ".swp", ".swx")


def watched_paths(session):
    return [session.content, session.theme_folder, ROOT / "plugins", SETTINGS]


def is_within(path, folder):
    return Path(path).resolve().is_relative_to(Path(folder).resolve())


def is_temporary(path):
    name = os.path.basename(path)
    return name.endswith(IGNORED_SUFFIXES) or name.startswith(".") or "." not in name


def rebuild(session, changes):
    """Rebuild after `changes` (watchfiles' set of (Change, path)); returns
    False when the server must restart."""
    paths = {path for _, path in changes}
    if any(is_within(path, ROOT / "plugins") or Path(path) == SETTINGS for path in paths):
        return False
    # Editors (and sed -i) save through a temporary file: a path is gone
    # only if it still does not exist once the batch of changes is over.
    if any(change == watchfiles.Change.deleted and is_within(path, session.content) and not os.path.exists(path)
           and not is_temporary(path) for change, path in changes):
        if session.full_build() != 0:
            print("build failed; still serving the previous output", file=sys.stderr)
        return True
    from photos import is_photo_path  # plugins/ is on sys.path once the settings are read

    if any(is_within(path, session.content) and is_photo_path(path) for path in paths):
        # A story names its photos' variants by the photo's content: a changed
        # photo means reading the stories again (the story files did not change).
        session.forget_content()
    catalogs = any(path.endswith(".po") for path in paths)
    if catalogs or any(is_within(path, session.theme_folder / "templates") for path in paths):
        session.forget_pages()
    elif all(is_within(path, session.content) for path in paths) and session.quick_update(paths):
        return True
    session.build(catalogs=catalogs)
    return True


class PreviewServer(Server):
    """livereload's server, with the CMS's /admin/ routes first."""

    def __init__(self, extra_handlers):
        super().__init__()
        self.extra_handlers = extra_handlers

    def get_web_handlers(self, script):
        return self.extra_handlers + super().get_web_handlers(script)


def start_cms_backend(session, port, site_url):
    """decap-server for the CMS at /admin/ (None when the site has no CMS)."""
    settings = session.main_settings or {}
    if not settings.get("CMS_PATH") or not settings.get("CMS_LOCAL_BACKEND"):
        return None
    backend = LocalBackend(session.content.parent, port=port)
    if not backend.start():
        return None
    print(f"CMS: {site_url}/{settings['CMS_PATH']}/ saves into {session.content} "
          f"(decap-server on {backend.url})", flush=True)
    return backend


def watch(session, loop, stop, backend=None):
    for changes in watchfiles.watch(*watched_paths(session), step=20, stop_event=stop,
                                    watch_filter=lambda change, path: not path.endswith(IGNORED_SUFFIXES)):
        started = time.perf_counter()
        if os.environ.get("SERVE_DEBUG"):
            print(sorted(changes), flush=True)
        try:
            keep_running = rebuild(session, changes)
        except (Exception, SystemExit):  # a broken edit (or a content error) must not stop the preview
            traceback.print_exc()
            print("build failed; still serving the previous output", file=sys.stderr)
            continue
        if not keep_running:
            print("settings or plugins changed: restarting", flush=True)
            session.stop_search_index()  # exec skips atexit handlers
            if backend is not None:
                backend.stop()  # the restarted server starts its own
            os.execv(sys.executable, [sys.executable, *sys.argv])
        changed = sorted(path for _, path in changes)[0]
        loop.add_callback(LiveReloadHandler.reload_waiters, changed)
        print(f"rebuilt in {time.perf_counter() - started:.2f} s: {session.stats['rendered']} pages rendered, "
              f"{session.stats['kept']} unchanged", flush=True)


def main(argv=None):
    parser = argparse.ArgumentParser()
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--output", default=str(ROOT / "output"))
    parser.add_argument("--content", default=str(ROOT / "content"))
    parser.add_argument("--theme", default=None, help="another copy of theme/ (the benchmark edits one)")
    parser.add_argument("--cms-port", type=int, default=int(os.environ.get("CMS_BACKEND_PORT") or 0),
                        help="port of the CMS's local backend on 127.0.0.1 (default: a free one; CMS_BACKEND_PORT)")
    args = parser.parse_args(argv)
    session = Session(args.output, args.content, SETTINGS, theme=args.theme)
    started = time.perf_counter()
    session.build(catalogs=True, fresh=True)
    session.remember_urdu_characters()
    print(f"built in {time.perf_counter() - started:.1f} s", flush=True)

    backend = start_cms_backend(session, args.cms_port, f"http://{args.host}:{args.port}")
    if backend is not None:
        atexit.register(backend.stop)
    # A terminated server (a test, a closed terminal) still stops the backend.
    for name in ("SIGTERM", "SIGHUP"):
        if hasattr(signal, name):
            signal.signal(getattr(signal, name), lambda number, frame: sys.exit(0))
    settings = session.main_settings or {}
    extra = admin_handlers(session.output, settings["CMS_PATH"], backend) if settings.get("CMS_PATH") else []
    server = PreviewServer(extra)
    # livereload polls its own watch list; ours is watchfiles.  One
    # never-reloading entry keeps it from watching the working directory.
    server.watch(str(SETTINGS), delay="forever")
    stop = threading.Event()
    loop = ioloop.IOLoop.current()
    threading.Thread(target=watch, args=(session, loop, stop, backend), daemon=True).start()
    print(f"Serving {session.output} at http://{args.host}:{args.port}/ (Ctrl-C to stop)", flush=True)
    try:
        server.serve(root=str(session.output), host=args.host, port=args.port, open_url_delay=None, restart_delay=0)
    finally:
        stop.set()
        if backend is not None:
            backend.stop()


if __name__ == "__main__":
    main()
