"""Preview server with live reload: `make serve`.

    python tools/serve.py [--host 127.0.0.1] [--port 8000] [--content content] [--output output]

Serves output/ at http://127.0.0.1:8000 (tools/preview_server.py).  Changes in
content/, theme/, plugins/ or pelicanconf.py are seen at once (watchfiles:
inotify, FSEvents or ReadDirectoryChangesW) and rebuilt in this process by
tools/incremental.py: only changed files are read again and only the pages
that show them are rendered, the open ones first; then every open page
reloads itself while the others are written (a request for one of those is
held until it is, and it comes next).

Saves: editors save in many ways (truncate and write, write in chunks, write
a temporary file and rename it, delete and create again, several saves in a
burst).  A batch of changes is taken once the changed files have stopped
changing (SETTLE_SECONDS without a new size or mtime), temporary files of
editors are left out, and the content cache trusts no file stamp that may
predate a save (tools/incremental.py), so the page always ends up showing the
last save, as a full build would.

Mistakes: a problem in a story, a template or the settings is printed as one
line, ``path:line: message`` (tools/problems.py), and shown in an overlay in
every open page until a save fixes it; the site stays as it was, the last
good version.  Only a crash in our own code prints a traceback.

A change to the settings or a plugin needs a new process: the settings are
first tried in a separate process; if they load, this process ends and the
supervising process (the one `make serve` started) starts a new one, which
the open pages reconnect to; if they do not, the problem is shown and the
server carries on with the settings it has.  A deleted story is rebuilt in
this process too (its pages are removed before the search index sees them);
any other deleted source file (a photo, a folder) triggers a full atomic
build (tools/build.py), which also removes what it published; a changed photo
makes every story be read again (their pages name the photo's variants).
An edited template renders the pages again without running Pelican; the
template of photos in story bodies (``partials/photo.html``) makes every story
be read again too, since bodies are written with it when they are read.

The preview shows drafts too (``Status: draft``, listed at /drafts/; see
plugins/drafts.py), which ``make publish`` leaves out.

The CMS at /admin/ saves through Decap's local backend (decap-server), which
this server starts beside the site and answers for at /admin/api/v1
(tools/cms_backend.py); the backend stops with the server process.
"""

import argparse
import json
import logging
import os
import queue
import signal
import socket
import subprocess
import sys
import threading
import time
import traceback
from pathlib import Path

TOOLS = Path(__file__).resolve().parent
sys.path.insert(0, str(TOOLS))
from cms_backend import LocalBackend, admin_handlers  # noqa: E402
from incremental import ROOT, Session, theme_folder_of  # noqa: E402
from preview_server import PreviewServer  # noqa: E402
import problems as problem_reports  # noqa: E402

SETTINGS = ROOT / "pelicanconf.py"
# Exit status of a server process that wants to be started again (settings or
# plugins changed); the supervising process does so.
RESTART = 3
CHILD = "LANTERN_SERVE_CHILD"
# Editors' temporary and backup files (vim, emacs, JetBrains, sed -i, ...).
# Python's bytecode (.pyc) and the compiled catalogs (.mo) are the build's own.
IGNORED_SUFFIXES = (".mo", ".pyc", ".tmp", "~", ".swp", ".swx", ".swo", "___jb_tmp___", "___jb_old___", ".crswap",
                    ".part", ".kate-swp")
# A batch of changes is rebuilt once the changed files kept their size and
# mtime this long (an editor writing in chunks is done), at most SETTLE_LIMIT.
SETTLE_SECONDS = 0.05
SETTLE_LIMIT = 2.0


def say(line, error=False):
    """One line on the terminal, at once."""
    print(line, file=sys.stderr if error else sys.stdout, flush=True)


def is_within(path, folder):
    return Path(path).resolve().is_relative_to(Path(folder).resolve())


def is_temporary(path):
    name = os.path.basename(path)
    return (name.endswith(IGNORED_SUFFIXES) or name.startswith((".", "#")) or "." not in name)


class OneLineLog(logging.Handler):
    """Pelican's and the plugins' log records as single lines.  Errors logged
    during a rebuild are kept for its report (Pelican raises after logging
    one), not printed here."""

    def __init__(self):
        super().__init__(logging.WARNING)
        self.errors = []
        self.rebuilding = False

    def emit(self, record):
        message = " | ".join(line.strip() for line in record.getMessage().splitlines() if line.strip())
        if record.levelno >= logging.ERROR and self.rebuilding:
            self.errors.append(record.getMessage())
        else:
            say(f"{'error' if record.levelno >= logging.ERROR else 'warning'}: {message}", error=True)


def quiet_pelican():
    """Pelican prints "Done: Processed N articles ..." once per edition and
    run; make serve prints one line of its own per rebuild instead."""
    import pelican

    class Silent:
        def print(self, *args, **kwargs):
            pass

    pelican.console = Silent()


# -- watching ------------------------------------------------------------

def snapshot(paths):
    found = {}
    for path in paths:
        try:
            status = os.stat(path)
            found[path] = (status.st_mtime_ns, status.st_size)
        except OSError:
            found[path] = None
    return found


def settle(paths, quiet=SETTLE_SECONDS, limit=SETTLE_LIMIT):
    """Wait until the files at `paths` stop changing (a save in chunks, a
    delete then a create), at most `limit` seconds."""
    deadline = time.monotonic() + limit
    before = snapshot(paths)
    while time.monotonic() < deadline:
        time.sleep(quiet)
        after = snapshot(paths)
        if after == before:
            return
        before = after


def changes_of(folders, files, stop):
    """Batches of changed paths ({(Change, path)}) under `folders` (recursive)
    and of `files`, each batch once its files settled.  A single file is
    watched through its folder: an editor that saves by renaming a new file
    into place would leave a watch on the file itself with the old one."""
    import watchfiles

    batches = queue.Queue()
    parents = sorted({str(Path(file).parent) for file in files})
    wanted = {str(Path(file)) for file in files}

    def feed(paths, recursive, keep):
        try:
            for changes in watchfiles.watch(*paths, step=20, debounce=1600, stop_event=stop, recursive=recursive,
                                            watch_filter=lambda change, path: keep(path)):
                batches.put(changes)
        except Exception as error:  # noqa: BLE001: told to the loop below
            batches.put(error)

    threading.Thread(target=feed, args=(folders, True, lambda path: not is_temporary(path)), daemon=True).start()
    if parents:
        threading.Thread(target=feed, args=(parents, False, lambda path: path in wanted), daemon=True).start()
    return settled_batches(batches, stop)  # watching from now, before the first batch is asked for


def settled_batches(batches, stop):
    while not stop.is_set():
        try:
            changes = batches.get(timeout=0.5)
        except queue.Empty:
            continue
        if isinstance(changes, Exception):
            raise changes
        changes = set(changes)
        settle({path for _, path in changes})
        while not batches.empty():  # what came in while the files settled
            more = batches.get()
            if isinstance(more, Exception):
                raise more
            changes |= more
        yield changes


# -- rebuilding ----------------------------------------------------------

class Restart(Exception):
    """Settings or plugins changed: a new process must take over."""


def needs_restart(path, settings_file):
    """Whether a change at `path` (the settings file, a plugin) takes a new process."""
    return is_within(path, ROOT / "plugins") or Path(path).resolve() == settings_file


def rebuild(session, changes):
    """Rebuild after `changes`; raises Restart for settings or plugin changes."""
    paths = {path for _, path in changes}
    if any(needs_restart(path, session.settings_file) for path in paths):
        raise Restart()
    # A path is gone only if it is still missing once the batch settled
    # (editors and `sed -i` save through a temporary file and a rename).
    gone = [path for path in paths if is_within(path, session.content) and not os.path.exists(path)]
    if gone and not session.can_remove_in_place(gone):
        session.full_build()
        return
    from photos import READ_TIME_TEMPLATES, forget_templates, is_photo_path  # plugins/ is on sys.path once the settings are read

    if any(is_within(path, session.content) and is_photo_path(path) for path in paths):
        # A story names its photos' variants by the photo's content: a changed
        # photo means reading the stories again (the story files did not change).
        session.forget_content()
    if session.quick_theme_update(paths):
        return
    catalogs = any(path.endswith(".po") for path in paths)
    templates = Path(session.theme_folder, "templates").resolve()
    edited_templates = {Path(path).resolve().relative_to(templates).as_posix()
                        for path in paths if is_within(path, templates)}
    if edited_templates & set(READ_TIME_TEMPLATES):
        # Story bodies carry that template's markup from the time they were read.
        forget_templates()
        session.forget_content()
    elif not catalogs and session.quick_template_update(paths):
        return
    if catalogs or edited_templates:
        session.forget_pages()
    elif all(is_within(path, session.content) for path in paths) and session.quick_update(paths):
        return
    # The pages that changed are written after the build: the open ones first
    # (then the browser reloads), each page a browser asks for before the others.
    session.build(catalogs=catalogs, pages_after_serving=True)
    session.write_pages_left()


def settings_problems(settings_file):
    """Load the settings and plugins in a new process: [] if they work."""
    run = subprocess.run([sys.executable, str(Path(__file__).resolve()), "--check-settings",
                          "--settings", str(settings_file)], cwd=ROOT, capture_output=True, text=True)
    if run.returncode == 0:
        return []
    try:
        return [problem_reports.Problem(**found) for found in json.loads(run.stdout)]
    except (ValueError, TypeError):
        return [problem_reports.Problem("pelicanconf.py", 1, "the settings could not be loaded", "",
                                        "crash", run.stdout + run.stderr)]


def check_settings(settings_file):
    """`--check-settings`: exit 0 if the settings and their plugins load,
    else print the problems as JSON and exit 1."""
    from pelican.plugins._utils import load_plugins
    from pelican.settings import read_settings

    os.chdir(ROOT)
    try:
        settings = read_settings(str(settings_file))
        load_plugins(settings)
    except Exception as error:  # noqa: BLE001: any error is the settings' or a plugin's
        found = problem_reports.classify(error, settings_files=[settings_file])
        print(json.dumps([{**problem.for_browser(), "details": problem.details} for problem in found]))
        return 1
    return 0


class Preview:
    """The server process: one Session, one HTTP server, one watcher."""

    def __init__(self, args):
        self.args = args
        self.settings_file = Path(args.settings).resolve()
        self.log = OneLineLog()
        self.session = None
        self.server = PreviewServer(args.output, args.host, args.port)
        self.failed = False  # the current rebuild failed
        self.problems_shown = False  # the open pages show problems
        self.cms_backend = None
        self.cms_launched = None  # decap-server launched, not yet known to answer (start_cms)
        self.cms_launch_tried = False

    def report(self, error, printed_by_plugin=False):
        """Print `error`'s problems (one line each) and show them in the pages."""
        templates = [self.session.theme_folder / "templates"] if self.session else []
        found = problem_reports.classify(error, templates=templates, settings_files=[self.settings_file],
                                         content=self.session.content if self.session else None,
                                         logged_errors=self.log.errors)
        for problem in found:
            if problem.kind == "crash":
                say(problem.details.rstrip(), error=True)
            if not (printed_by_plugin and problem.kind == "content"):
                say(str(problem), error=True)
        self.server.show_problems(found)
        self.failed = self.problems_shown = True
        return found

    def succeeded(self, message, reload=True):
        say(("fixed: " if self.problems_shown else "") + message)
        self.problems_shown = False
        self.server.show_problems([])
        if reload:
            self.server.reload()

    def open_pages_rendered(self):
        """A template edit rendered the open pages before the others: show them."""
        self.server.show_problems([])
        self.server.reload()

    def first_build(self):
        """Read the site and record its pages; they are written once the
        server answers (`write_pages_left`)."""
        self.started = started = time.perf_counter()
        try:
            self.session = Session(self.args.output, self.args.content, self.settings_file, theme=self.args.theme,
                                   log_handler=self.log)
        except Exception as error:  # noqa: BLE001: broken settings at start
            self.report(error)
            return False
        self.session.open_pages = self.server.open_files
        self.session.on_open_pages_rendered = self.open_pages_rendered
        self.launch_cms_backend(self.session.initial_settings)  # node starts while the site is read
        self.server.pages = self.session
        self.log.errors.clear()
        self.log.rebuilding = True
        try:
            self.session.build(catalogs=True, fresh=True, pages_after_serving=True)
        except (Exception, SystemExit) as error:
            self.report(error, printed_by_plugin=isinstance(error, SystemExit))
            return True
        finally:
            self.log.rebuilding = False
            self.start_cms()  # the settings are known once the build has begun, even a failed one
        pages = self.session.pages_left_to_write()
        kept = self.session.reads_taken_back
        kept = f" ({kept} {'file' if kept == 1 else 'files'} as the last start read them)" if kept else ""
        say(f"read in {time.perf_counter() - started:.1f} s{kept}: {self.session.summary(written=False)}, "
            f"{pages} {'page' if pages == 1 else 'pages'} to write")
        return True

    def write_pages_left(self):
        """The first build's pages, written while the server answers (a page
        a browser asks for first), and the steps after them."""
        self.log.rebuilding = True
        try:
            self.session.write_pages_left()
            self.session.remember_urdu_font()
        except (Exception, SystemExit) as error:
            self.report(error, printed_by_plugin=isinstance(error, SystemExit))
        else:
            # The pages a browser got meanwhile did not have the font and the search yet.
            self.succeeded(f"built in {time.perf_counter() - self.started:.1f} s: {self.session.summary()}")
            try:
                self.session.keep_reads()  # the next start reads only what changed (tools/kept_reads.py)
            except Exception as error:  # noqa: BLE001: only the next start's speed is at stake
                say(f"warning: what was read could not be kept for the next start ({error})", error=True)
        finally:
            self.log.rebuilding = False

    def start_cms(self):
        """Answer for the CMS at /<CMS_PATH>/: its files as a host serves them
        and, with CMS_LOCAL_BACKEND, decap-server saving into the content
        folder (none of it when the site has no CMS)."""
        settings = self.session.main_settings or {}  # None: the settings did not load
        admin = settings.get("CMS_PATH")
        wanted = bool(admin and settings.get("CMS_LOCAL_BACKEND"))
        if self.cms_launched is not None and not wanted:
            self.cms_launched.stop()  # launched from settings the build did not keep
            self.cms_launched = None
        if wanted and not self.cms_launch_tried:
            self.launch_cms_backend(settings)
        backend = self.cms_launched  # until it answers, `run` stops it if the server stops
        if backend is not None:
            if backend.wait_until_ready():
                self.cms_backend = backend
                say(f"CMS: {self.server.url}{admin}/ saves into {self.session.content} (decap-server on {backend.url})")
            self.cms_launched = None
        if admin:
            self.server.add_routes(admin_handlers(self.session.output, admin, self.cms_backend))

    def launch_cms_backend(self, settings):
        """With the settings' CMS_LOCAL_BACKEND, launch decap-server, once
        (`start_cms` waits for it to answer)."""
        if self.cms_launch_tried or not (settings.get("CMS_PATH") and settings.get("CMS_LOCAL_BACKEND")):
            return
        self.cms_launch_tried = True
        backend = LocalBackend(self.session.content.parent, port=self.args.cms_port)
        if backend.launch():
            self.cms_launched = backend

    def watched(self):
        """(folders, single files) to watch: the session's, as the arguments
        name them (known before the session is made)."""
        return ([Path(self.args.content).resolve(), theme_folder_of(self.args.theme), ROOT / "plugins"],
                [self.settings_file])

    def on_changes(self, changes):
        self.server.rebuilding()
        self.failed = False
        self.log.rebuilding = True
        try:
            return self._rebuild(changes)
        finally:
            self.log.rebuilding = False
            self.server.rebuilt(failed=self.failed)

    def _rebuild(self, changes):
        started = time.perf_counter()
        if os.environ.get("SERVE_DEBUG"):
            say(str(sorted(changes)))
        self.log.errors.clear()
        try:
            if self.session is None:
                raise Restart()
            rebuild(self.session, changes)
        except Restart:
            found = settings_problems(self.settings_file)
            if not found:
                say("settings or plugins changed: restarting")
                return RESTART
            for problem in found:
                if problem.kind == "crash":
                    say(problem.details.rstrip(), error=True)
                say(str(problem), error=True)
            self.server.show_problems(found)
            self.failed = self.problems_shown = True
            return None
        except (Exception, SystemExit) as error:  # an editor's mistake must not stop the preview
            self.report(error, printed_by_plugin=isinstance(error, SystemExit))
            return None
        stats = self.session.stats
        early = (f", the {stats['reloaded']} open pages first" if stats.get("reloaded", 0) > 1
                 else ", the open page first" if stats.get("reloaded") else "")
        self.succeeded(f"rebuilt in {time.perf_counter() - started:.2f} s: {stats.get('rendered', 0)} pages rendered"
                       f"{early}, {stats.get('kept', 0)} unchanged", reload=not stats.get("reloaded"))
        return None

    def watch(self, batches):
        try:
            if self.session is not None and self.session.pages_left is not None:
                self.write_pages_left()
                self.server.rebuilt(failed=self.failed)
            for changes in batches:
                if self.session is None:  # the settings did not load: only mending them (or a plugin) counts
                    changes = {(change, path) for change, path in changes if needs_restart(path, self.settings_file)}
                    if not changes:
                        continue
                if self.on_changes(changes) == RESTART:
                    self.exit_status = RESTART
                    break
        except Exception:  # noqa: BLE001: the watcher itself failed
            traceback.print_exc()
            self.exit_status = 1
        self.server.stop()

    def run(self):
        self.exit_status = 0
        stop_with_parent(self.server)
        if hasattr(signal, "SIGTERM"):  # stop as after Ctrl-C: no Pagefind left running
            signal.signal(signal.SIGTERM, stop_on_signal(self.server))
        stop = threading.Event()
        try:
            batches = changes_of(*self.watched(), stop)  # a save made while the site is read is rebuilt after it
            self.first_build()
            if self.session is None or self.session.pages_left is None:
                self.server.rebuilt(failed=self.failed)  # else once they are written (watch)
            say(f"Serving {Path(self.args.output).resolve()} at {self.server.url} (Ctrl-C to stop)")
            watcher = threading.Thread(target=self.watch, args=(batches,), daemon=True)
            watcher.start()
            self.server.run()
        except KeyboardInterrupt:
            pass
        finally:
            stop.set()
            if self.session is not None:
                self.session.stop_search_index()
            for backend in (self.cms_backend, self.cms_launched):
                if backend is not None:
                    backend.stop()  # a restarted server starts its own
        return self.exit_status


def free_port(host):
    with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as probe:
        probe.bind((host, 0))
        return probe.getsockname()[1]


def supervise(args, argv):
    """Run the server in a child process and start it again when it asks
    (exit status RESTART): a portable restart (no exec, which Windows lacks).
    The child's standard input is a pipe from this process: if this process
    ends in any way, the child sees the pipe close and stops too."""
    port = args.port or free_port(args.host)
    command = [sys.executable, str(Path(__file__).resolve()), *argv, "--port", str(port)]
    environment = {**os.environ, CHILD: "1"}
    stopping = []
    child = None

    def stop(signum, frame):
        stopping.append(signum)
        if child is not None and child.poll() is None:
            child.terminate()

    for name in ("SIGTERM", "SIGHUP"):
        if hasattr(signal, name):
            signal.signal(getattr(signal, name), stop)
    while not stopping:
        child = subprocess.Popen(command, env=environment, stdin=subprocess.PIPE)
        if stopping:  # a signal came while the child was starting
            child.terminate()
        try:
            status = child.wait()
        except KeyboardInterrupt:  # Ctrl-C reaches the child as well
            try:
                child.wait(timeout=10)
            except subprocess.TimeoutExpired:
                child.kill()
            return 0
        if stopping:
            return 0
        if status != RESTART:
            return status
    return 0


def stop_on_signal(server):
    """SIGTERM: stop the loop if it runs, else the first build (as Ctrl-C)."""
    def handler(signum, frame):
        if server.loop is None:
            raise KeyboardInterrupt
        server.stop()
    return handler


def stop_with_parent(server):
    """In the child: stop when the supervising process's pipe closes."""
    def wait_for_end_of_input():
        try:
            descriptor = sys.stdin.fileno()
            while os.read(descriptor, 1024):  # unbuffered: no lock held at interpreter exit
                pass
        except (OSError, ValueError):
            pass
        server.stop()  # or, during the first build, right after it

    threading.Thread(target=wait_for_end_of_input, daemon=True).start()


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000, help="0: any free port")
    parser.add_argument("--output", default=str(ROOT / "output"))
    parser.add_argument("--content", default=str(ROOT / "content"))
    parser.add_argument("--theme", default=None, help="another copy of theme/ (the benchmark edits one)")
    parser.add_argument("--settings", default=str(SETTINGS), help="the settings file (default pelicanconf.py)")
    parser.add_argument("--cms-port", type=int, default=int(os.environ.get("CMS_BACKEND_PORT") or 0),
                        help="port of the CMS's local backend on 127.0.0.1 (default: a free one; CMS_BACKEND_PORT)")
    parser.add_argument("--check-settings", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.check_settings:
        return check_settings(Path(args.settings).resolve())
    if os.environ.get(CHILD) != "1":
        return supervise(args, argv)
    quiet_pelican()
    return Preview(args).run()


if __name__ == "__main__":
    sys.exit(main())
