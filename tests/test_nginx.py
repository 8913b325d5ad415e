"""deploy/nginx.conf on a real nginx (Debian's, with the brotli static module)
serving the publish build: encodings, headers, caching, both 404 pages.

nginx runs as tests/nginx_server.py starts it: skipped without nginx and its
brotli module, except in CI, where a missing nginx fails the tests."""

import gzip
import hashlib
import re
import urllib.error
import urllib.request

import brotli
import pytest
from bs4 import BeautifulSoup

from nginx_server import running_nginx
from sitebuild import ARTICLE_PATH, ROOT


@pytest.fixture(scope="module")
def nginx(published, tmp_path_factory):
    with running_nginx(published.root, tmp_path_factory.mktemp("nginx")) as url:
        yield url


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
