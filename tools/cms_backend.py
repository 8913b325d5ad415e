"""The CMS of `make serve`: Decap's local backend, proxied at /admin/api/v1.

`make serve` (tools/serve.py) starts decap-server (npm, pinned in
admin/package-lock.json) on 127.0.0.1 and a free port (``CMS_BACKEND_PORT``
chooses one), in its file-system mode: the CMS at http://127.0.0.1:8000/admin/
reads and writes the content folder's parent directly, with no git and no
login, and the preview rebuilds and reloads like after any other edit.

The preview server answers the CMS on its own origin:

* ``POST /admin/api/v1`` is forwarded to decap-server, so the CMS needs no
  cross-origin request and /admin/'s Content-Security-Policy
  (``connect-src 'self' https://api.github.com``) is the production one;
* ``/admin/...`` files are served with the headers the built ``_headers``
  gives them (the CSP, noindex), and without the preview's reload and
  overlay script (tools/preview_server.py adds it to the site's pages only):
  saving a story must not reload the editor.

The backend stops with the server (and before it restarts itself after a
settings change).  Without Node.js or admin/node_modules the site is still
served, with a warning: `make serve` installs both (npm ci --prefix admin).
"""

import json
import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

from tornado import httpclient, web

sys.path.insert(0, str(Path(__file__).resolve().parent))
from gates.server import read_headers_file  # noqa: E402  (the hosts' reading of _headers)

ROOT = Path(__file__).resolve().parent.parent
SERVER_SCRIPT = ROOT / "admin" / "node_modules" / "decap-server" / "dist" / "index.js"
API_PATH = "api/v1"
START_DEADLINE = 60  # seconds; node starts in about one on a quiet laptop


def free_port(host="127.0.0.1"):
    with socket.socket() as probe:
        probe.bind((host, 0))
        return probe.getsockname()[1]


def answers(host, port):
    try:
        with socket.create_connection((host, port), timeout=1):
            return True
    except OSError:
        return False


class LocalBackend:
    """decap-server serving `repository` (the folder that holds content/) on 127.0.0.1."""

    def __init__(self, repository, port=None, host="127.0.0.1"):
        self.repository = Path(repository).resolve()
        self.host = host
        self.port = int(port) if port else free_port(host)
        self.process = None
        self.launched = None

    @property
    def url(self):
        return f"http://{self.host}:{self.port}/{API_PATH}"

    def start(self):
        """Start decap-server; False (with a warning) when it cannot run."""
        return self.launch() and self.wait_until_ready()

    def launch(self):
        """Start decap-server's process, without waiting for it to answer
        (`wait_until_ready`); False (with a warning) when it cannot run."""
        node = shutil.which("node")
        if not node or not SERVER_SCRIPT.is_file():
            print(f"warning: the CMS at /admin/ cannot save: {'Node.js is not installed' if not node else f'{SERVER_SCRIPT} is missing'} "
                  "(run `npm ci --prefix admin`, as make serve does)", file=sys.stderr)
            return False
        if answers(self.host, self.port):
            print(f"warning: port {self.port} is taken; set CMS_BACKEND_PORT to a free one", file=sys.stderr)
            return False
        environment = {**os.environ, "PORT": str(self.port), "BIND_HOST": self.host, "MODE": "fs",
                       "GIT_REPO_DIRECTORY": str(self.repository), "LOG_LEVEL": os.environ.get("CMS_LOG_LEVEL", "warn")}
        self.process = subprocess.Popen([node, str(SERVER_SCRIPT)], cwd=self.repository, env=environment)
        self.launched = time.monotonic()
        return True

    def wait_until_ready(self):
        """Whether the launched decap-server answers within START_DEADLINE of its launch."""
        deadline = self.launched + START_DEADLINE
        while True:  # asked at least once: the site may have taken longer to read than this deadline
            if self.process.poll() is not None:
                print(f"warning: the CMS backend exited ({self.process.returncode})", file=sys.stderr)
                return False
            if answers(self.host, self.port):
                return True
            if time.monotonic() >= deadline:
                break
            time.sleep(0.1)
        print("warning: the CMS backend did not start in time", file=sys.stderr)
        self.stop()
        return False

    def stop(self):
        process, self.process = self.process, None
        if process is None or process.poll() is not None:
            return
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


class BackendProxy(web.RequestHandler):
    """POST /admin/api/v1 → decap-server (same origin for the CMS)."""

    def initialize(self, backend):
        self.backend = backend

    def check_xsrf_cookie(self):
        pass

    async def post(self):
        request = httpclient.HTTPRequest(
            self.backend.url, method="POST", body=self.request.body,
            headers={"Content-Type": self.request.headers.get("Content-Type", "application/json")},
            request_timeout=300)
        try:
            response = await httpclient.AsyncHTTPClient(max_body_size=512 * 1024 * 1024).fetch(request, raise_error=False)
        except OSError as error:
            self.set_status(502)
            self.set_header("Content-Type", "application/json")
            self.finish(json.dumps({"error": f"the CMS backend is not running: {error}"}))
            return
        self.set_status(response.code)
        self.set_header("Content-Type", response.headers.get("Content-Type", "application/json"))
        self.finish(response.body or b"")


class AdminFiles(web.StaticFileHandler):
    """/admin/ as a host serves it: the built _headers' headers, no live reload."""

    def initialize(self, path, output, default_filename=None):
        super().initialize(path, default_filename)
        self.output = Path(output)

    def set_extra_headers(self, path):
        url_path = self.request.path
        for pattern, headers in read_headers_file(self.output / "_headers"):
            if pattern.match(url_path):
                for name, value in headers:
                    self.set_header(name, value)
        self.set_header("Cache-Control", "no-cache")


def admin_handlers(output, admin_path, backend):
    """Tornado handlers for /<admin_path>/ (before the preview's catch-all)."""
    prefix = f"/{admin_path.strip('/')}"
    handlers = [(rf"{prefix}", web.RedirectHandler, {"url": f"{prefix}/"})]
    if backend is not None:
        handlers.append((rf"{prefix}/{API_PATH}", BackendProxy, {"backend": backend}))
    handlers.append((rf"{prefix}/(.*)", AdminFiles,
                     {"path": str(Path(output) / admin_path), "output": output, "default_filename": "index.html"}))
    return handlers
