"""A publish build in Chromium as readers get it: at its own address
(https://lantern-gazette.example), with the response headers of the host that
serves it.

The publish build names its absolute SITEURL in every link, so the browser
asks for https://lantern-gazette.example/...; `route_site` answers those
requests from a local server, with that server's status, headers (the
Content-Security-Policy among them) and body.  Two local servers:

* tools/gates/server.py's `SiteServer`: the rules of the build's own
  ``_headers`` file (Netlify, Cloudflare Pages) and its precompressed copies;
* `Nginx`: Debian's nginx with ``deploy/nginx.conf`` included in a server
  block, as the README tells operators to.
"""

import os
import re
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SITEURL = "https://lantern-gazette.example"
# The transfer is the local server's business; the browser gets the decoded body.
DROPPED_HEADERS = {"content-encoding", "content-length", "transfer-encoding", "connection"}


def route_site(context, local_url, site_url=SITEURL):
    """Answer every request of `context` for `site_url` from `local_url`."""
    from playwright.sync_api import Error

    def handle(route, request):
        try:
            response = route.fetch(url=local_url + request.url[len(site_url):], max_redirects=0)
            headers = {name: value for name, value in response.headers.items() if name.lower() not in DROPPED_HEADERS}
            if "location" in headers:
                headers["location"] = headers["location"].replace(local_url, site_url)
            route.fulfill(status=response.status, headers=headers, body=response.body())
        except Error:
            # The context closed while the answer was on its way (a test that
            # ends while a font still loads), or the local server failed: the
            # request fails, which a page still open reports (Visit.failed_requests).
            try:
                route.abort()
            except Error:
                pass
    context.route(re.compile("^" + re.escape(site_url) + "/.*"), handle)


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


NGINX_CONFIG = """
daemon off;
master_process off;
pid {tmp}/nginx.pid;
error_log {tmp}/error.log;
{modules}
events {{ worker_connections 64; }}
http {{
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    access_log off;
    client_body_temp_path {tmp}/client;
    proxy_temp_path {tmp}/proxy;
    fastcgi_temp_path {tmp}/fastcgi;
    uwsgi_temp_path {tmp}/uwsgi;
    scgi_temp_path {tmp}/scgi;
    server {{
        listen 127.0.0.1:{port};
        root {root};
        include {snippet};
    }}
}}
"""


class Nginx:
    """`with Nginx(root) as url:` nginx serving `root` with deploy/nginx.conf
    on a free local port (a single process, no privileges dropped)."""

    def __init__(self, root, snippet=ROOT / "deploy" / "nginx.conf"):
        self.root, self.snippet = Path(root), Path(snippet)
        self.process = None

    def __enter__(self):
        binary = shutil.which("nginx") or "/usr/sbin/nginx"
        self.tmp = tempfile.mkdtemp(prefix="nginx-")
        # Debian's dynamic modules (brotli_static), when installed.
        modules = "include /etc/nginx/modules-enabled/*.conf;" if Path("/etc/nginx/modules-enabled").is_dir() else ""
        for _ in range(5):  # another process may take the free port first
            port = free_port()
            config = Path(self.tmp) / "nginx.conf"
            config.write_text(NGINX_CONFIG.format(tmp=self.tmp, port=port, root=self.root, snippet=self.snippet,
                                                  modules=modules), encoding="utf-8")
            self.process = subprocess.Popen([binary, "-c", str(config), "-e", f"{self.tmp}/error.log"],
                                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            if self._listening(port):
                self.url = f"http://127.0.0.1:{port}"
                return self.url
            self.process.kill()
            self.process.wait()
        log = Path(self.tmp, "error.log")
        raise RuntimeError("nginx did not start: " + (log.read_text() if log.exists() else ""))

    def _listening(self, port, deadline=20):
        end = time.monotonic() + deadline
        while time.monotonic() < end and self.process.poll() is None:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                return True
            except OSError:
                time.sleep(0.1)
        return False

    def __exit__(self, *exc):
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        shutil.rmtree(self.tmp, ignore_errors=True)


def nginx_available():
    return bool(shutil.which("nginx") or os.path.exists("/usr/sbin/nginx"))
