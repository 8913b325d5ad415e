"""Reading a Netlify / Cloudflare Pages ``_headers`` file as those hosts do."""

import http.server
import re
import threading
from contextlib import contextmanager
from functools import partial
from pathlib import Path
from urllib.parse import unquote, urlsplit


def parse_headers_file(path):
    """[(path pattern, [(header, value)])] in file order."""
    rules = []
    for line in Path(path).read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        if line[0] in " \t":
            name, value = line.strip().split(":", 1)
            rules[-1][1].append((name.strip(), value.strip()))
        else:
            rules.append((line.strip(), []))
    return rules


def pattern_matches(pattern, path):
    regex = "".join(".*" if part == "*" else re.escape(part) for part in re.split(r"(\*)", pattern))
    return re.fullmatch(regex, path) is not None


def headers_for(rules, path):
    """Every matching rule applies; a header set by several is joined with ", "."""
    headers = {}
    for pattern, entries in rules:
        if pattern_matches(pattern, path):
            for name, value in entries:
                headers[name] = f"{headers[name]}, {value}" if name in headers else value
    return headers


class HeadersFileHandler(http.server.SimpleHTTPRequestHandler):
    """Serves a built site with the headers its own _headers file gives each path."""

    rules = []

    def end_headers(self):
        path = unquote(urlsplit(self.path).path)
        for name, value in headers_for(self.rules, path).items():
            self.send_header(name, value)
        super().end_headers()

    def log_message(self, *args):
        pass


@contextmanager
def serve_with_headers(root, use_headers_file=True):
    """`http://127.0.0.1:<port>` serving `root` with `root/_headers` applied
    (or with no extra header at all)."""
    rules = parse_headers_file(Path(root) / "_headers") if use_headers_file else []
    handler = type("Handler", (HeadersFileHandler,), {"rules": rules})
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), partial(handler, directory=str(root)))
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()
