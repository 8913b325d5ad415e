"""The HTTP side of `make serve`: the preview site, live reload and the error overlay.

Serves the output folder on the given host and port (tornado, which is pinned
in requirements.txt).  Into every HTML page it sends, it adds one script tag,
``/__preview__/overlay.js`` (tools/preview/overlay.js); the pages in the
output folder are never changed, so nothing of this can reach `make publish`.
The script keeps a WebSocket open to ``/__preview__/socket`` and

* reloads the page when the server says a rebuild is done;
* shows an error overlay, naming the file, the line and the fix of each
  problem, while the last rebuild failed, and removes it by itself once a
  rebuild succeeds (the page underneath is the last good version);
* reconnects when the server restarts (a settings change) and reloads then.

The socket's URL names the open page (``?page=/2024/03/02/slug/``):
`PreviewServer.open_files` gives the files of the pages open now, which a
rebuild may render first (tools/incremental.py, after a template edit).  While
such a rebuild renders the other pages, or the first build writes its pages
once the server answers, a request for one of them waits until it is rendered
(``PreviewServer.pages``), at most ``PENDING_PAGE_WAIT`` seconds, and asks for
it to be rendered next.

Responses are never cached by the browser; a missing page gets the edition's
404.html with status 404 (as nginx serves the published site).
"""

import asyncio
import json
import logging
import mimetypes
import os
import posixpath
import signal
import threading
import time
from pathlib import Path
from urllib.parse import unquote

from tornado import ioloop, web, websocket
from tornado.httpserver import HTTPServer
from tornado.netutil import bind_sockets
from tornado.routing import PathMatches, Rule

OVERLAY_SCRIPT = Path(__file__).resolve().parent / "preview" / "overlay.js"
PREFIX = "/__preview__"
SCRIPT_TAG = f'<script src="{PREFIX}/overlay.js" defer></script>'.encode()
NOT_BUILT = (
    '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Not built yet</title></head>'
    "<body><h1>The preview has not been built yet</h1><p>{reason}</p></body></html>"
)
mimetypes.add_type("font/woff2", ".woff2")
mimetypes.add_type("application/atom+xml", ".atom")
mimetypes.add_type("image/svg+xml", ".svg")
mimetypes.add_type("text/javascript", ".js")
mimetypes.add_type("application/wasm", ".wasm")


# How long a request waits for its page to be rendered (a rebuild that failed
# or stalled: then it gets the file as it is).
PENDING_PAGE_WAIT = 300


def relative_path(url_path):
    """`url_path` as a path relative to the output folder, never outside it."""
    relative = posixpath.normpath(unquote(url_path)).lstrip("/")
    return "" if relative.startswith("..") or relative == "." else relative


def file_for(root, url_path):
    """(the file `url_path` names under `root`, or None; the URL to redirect to,
    or None): index.html for folders."""
    candidate = root / relative_path(url_path)
    if candidate.is_dir():
        if url_path and not url_path.endswith("/"):
            return None, url_path + "/"
        candidate = candidate / "index.html"
    return (candidate if candidate.is_file() else None), None


def pages_for(root, url_path):
    """The files `file_for` may answer `url_path` with, written yet or not."""
    relative = relative_path(url_path)
    return [root / relative, root / relative / "index.html"]


def not_found_pages(root, url_path):
    """The edition's 404.html for `url_path`, then the site's, written yet or not."""
    first = unquote(url_path).strip("/").split("/")[0]
    return [*([root / first / "404.html"] if first else []), root / "404.html"]


def not_found_page(root, url_path):
    """The edition's 404.html for a missing `url_path` (the site's by default)."""
    return next((candidate for candidate in not_found_pages(root, url_path) if candidate.is_file()), None)


def with_overlay_script(html):
    """`html` (bytes) with the overlay's script tag, before </head> (or first)."""
    lowered = html.lower()
    at = lowered.find(b"</head>")
    if at < 0:
        at = 0
    return html[:at] + SCRIPT_TAG + html[at:]


class SiteHandler(web.RequestHandler):
    """The output folder: index.html for folders, the edition's 404.html for
    what is missing, the overlay script in every HTML response."""

    def initialize(self, preview):
        self.preview = preview

    def set_default_headers(self):
        self.set_header("Cache-Control", "no-store")

    async def _rendered(self, path):
        """Wait while a rebuild has yet to render the page `path`, asking it
        to render that one next."""
        pages = self.preview.pages
        if pages is None or not pages.is_pending(str(path)):
            return
        pages.want(str(path))
        deadline = time.monotonic() + PENDING_PAGE_WAIT
        while pages.is_pending(str(path)) and time.monotonic() < deadline:
            await asyncio.sleep(0.02)

    async def _send(self, path, status, head_only):
        await self._rendered(path)
        self.set_status(status)
        content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        if content_type.startswith("text/") or content_type.endswith(("+xml", "/json", "/javascript")):
            content_type += "; charset=utf-8"
        self.set_header("Content-Type", content_type)
        try:
            body = path.read_bytes()
        except OSError:  # replaced while we read it: the next reload gets it
            body = b""
        if content_type.startswith("text/html"):
            body = with_overlay_script(body)
        if not head_only:
            self.write(body)
        else:
            self.set_header("Content-Length", str(len(body)))

    async def get(self, url_path, head_only=False):
        url_path = "/" + url_path
        for page in pages_for(self.preview.root, url_path):  # a page not written yet (make serve's start)
            await self._rendered(page)
        path, redirect = file_for(self.preview.root, url_path)
        if redirect:
            self.redirect(redirect, permanent=False)
            return
        if path is not None:
            await self._send(path, 200, head_only)
            return
        for page in not_found_pages(self.preview.root, url_path):
            await self._rendered(page)
        page = not_found_page(self.preview.root, url_path)
        if page is not None:
            await self._send(page, 404, head_only)
            return
        self.set_status(404)
        self.set_header("Content-Type", "text/html; charset=utf-8")
        reason = "The first build failed: see the error." if self.preview.problems else "Nothing here."
        self.write(with_overlay_script(NOT_BUILT.format(reason=reason).encode()))

    async def head(self, url_path):
        await self.get(url_path, head_only=True)


class OverlayScriptHandler(web.RequestHandler):
    def get(self):
        self.set_header("Content-Type", "text/javascript; charset=utf-8")
        self.set_header("Cache-Control", "no-store")
        self.write(OVERLAY_SCRIPT.read_bytes())


class StatusHandler(web.RequestHandler):
    """For tests and tools: rebuilds done, whether one is running, the problems."""

    def initialize(self, preview):
        self.preview = preview

    def get(self):
        self.set_header("Cache-Control", "no-store")
        self.write({"rebuilds": self.preview.rebuilds, "failed": self.preview.failed, "busy": self.preview.busy,
                    "pid": os.getpid(),
                    "problems": [problem.for_browser() for problem in self.preview.problems]})


class SocketHandler(websocket.WebSocketHandler):
    """One open page: told the current problems at once, then every change."""

    def initialize(self, preview):
        self.preview = preview

    def open(self):
        self.page = self.get_argument("page", "")
        self.preview.sockets.add(self)
        self.preview.sockets_changed()
        self.write_message(self.preview.state_message())

    def on_message(self, message):
        pass

    def on_close(self):
        self.preview.sockets.discard(self)
        self.preview.sockets_changed()


class PreviewServer:
    """`PreviewServer(root, host, port)` binds at once; `run()` serves until
    `stop()`.  `show_problems()` and `reload()` may be called from any thread."""

    def __init__(self, root, host="127.0.0.1", port=8000):
        self.root = Path(root).resolve()
        self.open_urls = frozenset()  # URL paths of the open pages (replaced whole: read from any thread)
        self.pages = None  # what a rebuild has yet to render: is_pending(path), want(path) (tools/incremental.py)
        self.problems = []
        self.stopped = False
        self.rebuilds = 0  # finished, failed or not (the first build too)
        self.failed = 0
        self.busy = True  # a (re)build is under way
        self.sockets = set()
        self.loop = None
        self._started = threading.Event()
        logging.getLogger("tornado.access").setLevel(logging.ERROR)
        self.application = web.Application([
            (rf"{PREFIX}/socket", SocketHandler, {"preview": self}),
            (rf"{PREFIX}/overlay\.js", OverlayScriptHandler),
            (rf"{PREFIX}/status", StatusHandler, {"preview": self}),
            (r"/(.*)", SiteHandler, {"preview": self}),
        ], log_function=lambda handler: None, websocket_ping_interval=20)
        sockets = bind_sockets(port, address=host)
        self.host = host
        self.port = sockets[0].getsockname()[1]
        self.http = HTTPServer(self.application)
        self.http.add_sockets(sockets)

    @property
    def url(self):
        return f"http://{self.host}:{self.port}/"

    def add_routes(self, handlers):
        """Answer `handlers` ((pattern, handler class, arguments), as tornado
        takes them) before the site: the CMS at /admin/ (tools/cms_backend.py).
        Before run(), or from the loop's thread."""
        router = self.application.wildcard_router
        router.rules[:0] = [router.process_rule(Rule(PathMatches(pattern), handler, arguments))
                            for pattern, handler, arguments in handlers]

    def sockets_changed(self):
        self.open_urls = frozenset(socket.page for socket in self.sockets if socket.page)

    def open_files(self):
        """The files of the pages open in a browser now (any thread), or the
        pages they will be once written (at start, or a new story's page
        open as "not found" before it was saved)."""
        found = set()
        for url_path in self.open_urls:
            path, _ = file_for(self.root, url_path)
            if path is None and self.pages is not None:
                path = next((page for page in pages_for(self.root, url_path) if self.pages.is_pending(str(page))),
                            None)
            path = path or not_found_page(self.root, url_path)
            if path is not None:
                found.add(str(path))
        return found

    def state_message(self):
        return json.dumps({"type": "state", "problems": [problem.for_browser() for problem in self.problems]})

    def _broadcast(self, message):
        for socket in list(self.sockets):
            try:
                socket.write_message(message)
            except websocket.WebSocketClosedError:
                self.sockets.discard(socket)
                self.sockets_changed()

    def _call(self, function, *args):
        if self.loop is None:
            function(*args)
        else:
            self.loop.add_callback(function, *args)

    def rebuilding(self):
        self._call(setattr, self, "busy", True)

    def rebuilt(self, failed=False):
        def update():
            self.rebuilds += 1
            self.failed += bool(failed)
            self.busy = False
        self._call(update)

    def show_problems(self, problems):
        """Show `problems` in every open page (none: remove the overlay)."""
        def update():
            changed = [p.for_browser() for p in problems] != [p.for_browser() for p in self.problems]
            self.problems = list(problems)
            if changed:
                self._broadcast(self.state_message())
        self._call(update)

    def reload(self, path=""):
        self._call(self._broadcast, json.dumps({"type": "reload", "path": path}))

    def run(self):
        self.loop = ioloop.IOLoop.current()
        self._started.set()
        if self.stopped:  # asked to stop before it ran
            self.http.stop()
            return
        # A signal may reach any thread; asyncio's handler wakes the loop
        # (a plain Python handler would wait for the loop's next event).
        if hasattr(signal, "SIGTERM"):
            try:
                self.loop.asyncio_loop.add_signal_handler(signal.SIGTERM, self.stop)
            except (NotImplementedError, RuntimeError, AttributeError):
                pass  # Windows: no SIGTERM from outside anyway
        try:
            self.loop.start()
        finally:
            self.http.stop()

    def stop(self):
        self.stopped = True
        if self.loop is not None:
            self.loop.add_callback(self.loop.stop)
