"""A static file server for a built site, as a production host would serve it.

Like nginx with `gzip_static`/`brotli_static`, it sends the precompressed
`.br` or `.gz` copy of a file (written by plugins/compressed_copies.py) when the client
accepts that encoding, with the original file's content type.  A missing page
gets the edition's `404.html` with status 404.  Like Netlify or Cloudflare
Pages, it adds the response headers that a `_headers` file at the root of the
site gives for a path (say, a Content-Security-Policy), so that the browser
gates see the page under them.
"""

import http.server
import mimetypes
import posixpath
import re
import threading
from pathlib import Path
from urllib.parse import unquote, urlsplit

ENCODINGS = (("br", ".br"), ("gzip", ".gz"))
mimetypes.add_type("font/woff2", ".woff2")
mimetypes.add_type("application/atom+xml", ".atom")
mimetypes.add_type("image/svg+xml", ".svg")


def read_headers_file(path):
    """[(compiled path pattern, [(name, value)])] of a Netlify/Cloudflare `_headers` file."""
    rules = []
    if not path.is_file():
        return rules
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        if not line[0].isspace():
            pattern = re.escape(line.strip()).replace(r"\*", ".*")
            pattern = re.sub(r"\\?:[A-Za-z_]\w*", "[^/]+", pattern)
            rules.append((re.compile(pattern + r"\Z"), []))
        elif rules and ":" in line and not line.strip().startswith("!"):
            name, value = line.split(":", 1)
            rules[-1][1].append((name.strip(), value.strip()))
    return rules


class PrecompressedHandler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def do_HEAD(self):
        self._respond(send_body=False)

    def do_GET(self):
        self._respond(send_body=True)

    def _file_for(self, url_path):
        root = self.server.root
        relative = posixpath.normpath(unquote(url_path)).lstrip("/")
        if relative.startswith(".."):
            return None, False
        candidate = root / relative
        if candidate.is_dir():
            if not url_path.endswith("/"):
                return candidate, True  # redirect to the folder URL
            candidate = candidate / "index.html"
        return (candidate if candidate.is_file() else None), False

    def _not_found_page(self, url_path):
        root = self.server.root
        parts = unquote(url_path).strip("/").split("/")
        folder = root / parts[0] if parts and parts[0] else root
        for candidate in (folder / "404.html", root / "404.html"):
            if candidate.is_file():
                return candidate
        return None

    def _respond(self, send_body):
        url_path = urlsplit(self.path).path
        path, redirect = self._file_for(url_path)
        if redirect:
            self.send_response(301)
            self.send_header("Location", url_path + "/")
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        status = 200
        if path is None:
            status, path = 404, self._not_found_page(url_path)
            if path is None:
                self.send_error(404)
                return
        content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        if content_type.startswith("text/") or content_type.endswith(("+xml", "/javascript", "/json")):
            content_type += "; charset=utf-8"
        accepted = {part.split(";")[0].strip() for part in self.headers.get("Accept-Encoding", "").split(",")}
        encoding = None
        for name, suffix in ENCODINGS:
            compressed = path.with_name(path.name + suffix)
            if name in accepted and compressed.is_file():
                path, encoding = compressed, name
                break
        body = path.read_bytes()
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Vary", "Accept-Encoding")
        if encoding:
            self.send_header("Content-Encoding", encoding)
        for pattern, headers in getattr(self.server, "header_rules", ()):
            if pattern.match(url_path):
                for name, value in headers:
                    self.send_header(name, value)
        self.end_headers()
        if send_body:
            try:
                self.wfile.write(body)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the browser stopped loading (a new navigation, a closed tab)


class SiteServer:
    """`with SiteServer() as server:` binds a free port on 127.0.0.1 at once
    (so the site can be built for that URL), serves `server.root` in a thread."""

    def __init__(self, root=None, host="127.0.0.1"):
        self.httpd = http.server.ThreadingHTTPServer((host, 0), PrecompressedHandler)
        self.httpd.daemon_threads = True
        self.httpd.root = Path(root) if root else None
        self.httpd.header_rules = []
        self.thread = None

    @property
    def url(self):
        host, port = self.httpd.server_address[:2]
        return f"http://{host}:{port}"

    def serve(self, root):
        self.httpd.root = Path(root)
        self.httpd.header_rules = read_headers_file(self.httpd.root / "_headers")
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()
        return self

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        if self.thread:
            self.httpd.shutdown()
        self.httpd.server_close()


if __name__ == "__main__":  # python tools/gates/server.py FOLDER: look at a publish build by hand
    import argparse

    parser = argparse.ArgumentParser(description="Serve a publish build as the gates do (precompressed copies, _headers).")
    parser.add_argument("folder", help="a built site, such as the root/ folder of `tools/check.py --keep FOLDER`")
    args = parser.parse_args()
    with SiteServer() as server:
        server.serve(args.folder)
        print(f"Serving {args.folder} at {server.url}/ (Ctrl-C to stop)")
        try:
            server.thread.join()
        except KeyboardInterrupt:
            pass
