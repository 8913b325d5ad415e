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
"""

import argparse
import os
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


def watch(session, loop, stop):
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
    args = parser.parse_args(argv)
    session = Session(args.output, args.content, SETTINGS, theme=args.theme)
    started = time.perf_counter()
    session.build(catalogs=True, fresh=True)
    session.remember_urdu_characters()
    print(f"built in {time.perf_counter() - started:.1f} s", flush=True)

    server = Server()
    # livereload polls its own watch list; ours is watchfiles.  One
    # never-reloading entry keeps it from watching the working directory.
    server.watch(str(SETTINGS), delay="forever")
    stop = threading.Event()
    loop = ioloop.IOLoop.current()
    threading.Thread(target=watch, args=(session, loop, stop), daemon=True).start()
    print(f"Serving {session.output} at http://{args.host}:{args.port}/ (Ctrl-C to stop)", flush=True)
    try:
        server.serve(root=str(session.output), host=args.host, port=args.port, open_url_delay=None, restart_delay=0)
    finally:
        stop.set()


if __name__ == "__main__":
    main()
