"""deploy/nginx.conf on a real nginx (Debian's, with the brotli static module)
serving the publish build: encodings, headers, caching, both 404 pages.

nginx runs as the test's user where it can: its configuration, pid file,
logs and temporary folders are in a temporary folder, and it listens on a
free port of 127.0.0.1.  `make test` installs nginx and the module (Makefile,
system-packages).  Without them the tests are skipped, except in CI, where a
missing nginx fails them."""

import gzip
import hashlib
import os
import re
import shutil
import socket
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

import brotli
import pytest
from bs4 import BeautifulSoup

from sitebuild import ARTICLE_PATH, ROOT

NGINX = shutil.which("nginx") or next((p for p in ("/usr/sbin/nginx", "/usr/local/sbin/nginx") if os.path.exists(p)), None)
BROTLI_MODULE = next((p for p in ("/usr/lib/nginx/modules/ngx_http_brotli_static_module.so",
                                  "/usr/share/nginx/modules/ngx_http_brotli_static_module.so") if os.path.exists(p)), None)
IN_CI = os.environ.get("CI", "").lower() not in ("", "0", "false")
MIME_TYPES = next((p for p in ("/etc/nginx/mime.types", "/usr/local/etc/nginx/mime.types") if os.path.exists(p)), None)

CONFIG = """\
load_module {module};
{user}
daemon off;
worker_processes 1;
pid {folder}/nginx.pid;
error_log {folder}/error.log warn;
events {{ worker_connections 64; }}
http {{
    include {mime_types};
    default_type application/octet-stream;
    access_log off;
    client_body_temp_path {folder}/client_body;
    proxy_temp_path {folder}/proxy;
    fastcgi_temp_path {folder}/fastcgi;
    uwsgi_temp_path {folder}/uwsgi;
    scgi_temp_path {folder}/scgi;
    server {{
        listen 127.0.0.1:{port};
        server_name localhost;
        root {root};
        include {snippet};
    }}
}}
"""


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def listening(port):
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1):
            return True
    except OSError:
        return False


@pytest.fixture(scope="module")
def nginx(published, tmp_path_factory):
    missing = [what for what, found in (("nginx", NGINX), ("the brotli static module", BROTLI_MODULE),
                                        ("nginx's mime.types", MIME_TYPES)) if not found]
    if missing:
        message = f"{', '.join(missing)} not installed (make test installs them: Makefile, system-packages)"
        if IN_CI:
            pytest.fail(message)
        pytest.skip(message)
    folder = tmp_path_factory.mktemp("nginx")
    # As root, nginx would hand the requests to an unprivileged user who may
    # not read the temporary folder; as anyone else it runs as that user.
    user = "user root;" if hasattr(os, "geteuid") and os.geteuid() == 0 else ""
    for attempt in range(3):
        port = free_port()
        config = folder / "nginx.conf"
        config.write_text(CONFIG.format(module=BROTLI_MODULE, user=user, folder=folder, mime_types=MIME_TYPES, port=port,
                                        root=published.root, snippet=ROOT / "deploy" / "nginx.conf"), encoding="utf-8")
        test = subprocess.run([NGINX, "-t", "-q", "-p", str(folder), "-e", str(folder / "error.log"), "-c", str(config)],
                              capture_output=True, text=True)
        assert test.returncode == 0, test.stderr
        process = subprocess.Popen([NGINX, "-p", str(folder), "-e", str(folder / "error.log"), "-c", str(config)],
                                   stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        deadline = time.monotonic() + 30
        while process.poll() is None and not listening(port) and time.monotonic() < deadline:
            time.sleep(0.05)
        if process.poll() is None and listening(port):
            break
        process.kill()
        process.wait()
    else:
        pytest.fail(f"nginx did not start: {(folder / 'error.log').read_text(errors='replace')}")
    yield f"http://127.0.0.1:{port}"
    process.terminate()
    process.wait(timeout=30)


def fetch(url, encodings=None):
    """(status, headers, body as sent)."""
    request = urllib.request.Request(url, headers={"Accept-Encoding": encodings} if encodings else {})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read()


def decoded(headers, body):
    encoding = headers.get("Content-Encoding")
    return brotli.decompress(body) if encoding == "br" else gzip.decompress(body) if encoding == "gzip" else body


def stylesheet(published):
    return next(published.root.glob("theme/css/site.*.css"))


@pytest.mark.parametrize("path", ["stylesheet", ARTICLE_PATH.removesuffix("index.html"), "ur/", "feeds/all.atom.xml"])
def test_each_encoding_is_served_from_its_precompressed_copy(nginx, published, path):
    if path == "stylesheet":
        path = stylesheet(published).relative_to(published.root).as_posix()
    file = published.root / path / ("index.html" if path.endswith("/") else "")
    original = file.read_bytes()
    sizes = {}
    for accepted, expected, copy in (("br, gzip", "br", ".br"), ("gzip", "gzip", ".gz"), (None, None, None)):
        status, headers, body = fetch(f"{nginx}/{path}", accepted)
        assert status == 200
        assert headers.get("Content-Encoding") == expected, (path, accepted)
        assert headers.get("Vary") == "Accept-Encoding", (path, accepted, headers.get_all("Vary"))
        assert decoded(headers, body) == original
        if copy:
            assert body == file.with_name(file.name + copy).read_bytes(), "the build's copy, as it is"
        sizes[accepted or "identity"] = len(body)
    assert sizes["br, gzip"] < sizes["gzip"] < sizes["identity"], sizes


def test_content_types_with_charset(nginx, published):
    expected = {
        stylesheet(published).relative_to(published.root).as_posix(): "text/css; charset=utf-8",
        "": "text/html; charset=utf-8",
        "feeds/all.atom.xml": "text/xml; charset=utf-8",  # a .xml file name
        next(published.root.glob("theme/fonts/*.woff2")).relative_to(published.root).as_posix(): "font/woff2",
        "favicon.svg": "image/svg+xml; charset=utf-8",
    }
    for path, content_type in expected.items():
        status, headers, _ = fetch(f"{nginx}/{path}")
        assert status == 200 and headers["Content-Type"] == content_type, path


def test_headers_and_caching(nginx, published):
    rules = (ROOT / "deploy" / "_headers").read_text(encoding="utf-8")
    csp = re.search(r"Content-Security-Policy: (.*)", rules)[1]
    for path, cache in ((stylesheet(published).relative_to(published.root).as_posix(), "public, max-age=31536000, immutable"),
                        (next(published.root.glob("theme/fonts/*.woff2")).relative_to(published.root).as_posix(),
                         "public, max-age=31536000, immutable"),
                        ("", "no-cache"), ("ur/", "no-cache"), (ARTICLE_PATH.removesuffix("index.html"), "no-cache"),
                        ("sitemap.xml", "no-cache")):
        status, headers, _ = fetch(f"{nginx}/{path}", "br, gzip")
        assert status == 200
        assert headers.get_all("Cache-Control") == [cache], path
        assert headers["Content-Security-Policy"] == csp
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert headers["Strict-Transport-Security"].startswith("max-age=63072000")
        assert headers["Referrer-Policy"] and headers["Permissions-Policy"]
    name = stylesheet(published).name
    assert name.split(".")[-2] == hashlib.sha256(stylesheet(published).read_bytes()).hexdigest()[:12]


@pytest.mark.parametrize("edition, lang", [("", "en"), ("ur/", "ur")])
def test_a_missing_page_gets_its_editions_404_page(nginx, published, edition, lang):
    for accepted in (None, "br, gzip"):
        status, headers, body = fetch(f"{nginx}/{edition}no-such-story/", accepted)
        assert status == 404
        page = decoded(headers, body).decode("utf-8")
        assert page == published.text(f"{edition}404.html")
        assert BeautifulSoup(page, "html5lib").html["lang"] == lang
        assert headers["Content-Security-Policy"] and headers["Cache-Control"] == "no-cache"


def test_a_folder_without_its_slash_is_redirected(nginx):
    status, headers, _ = fetch(f"{nginx}/ur")
    assert status == 200  # urllib followed the redirect
    request = urllib.request.Request(f"{nginx}/ur")
    opener = urllib.request.build_opener(type("NoRedirect", (urllib.request.HTTPRedirectHandler,),
                                              {"redirect_request": lambda *args: None}))
    with pytest.raises(urllib.error.HTTPError) as redirect:
        opener.open(request, timeout=30)
    assert redirect.value.code == 301 and redirect.value.headers["Location"] == "/ur/"


def test_the_hosts_headers_file_is_not_served(nginx, published):
    assert published.path("_headers").is_file()
    for path in ("_headers", "_headers.gz", "_headers.br"):
        status, _, body = fetch(f"{nginx}/{path}")
        assert status == 404, path
        assert b"Content-Security-Policy:" not in body
