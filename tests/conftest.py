"""Builds the site once per test session into temporary folders.

`site` is the preview build (pelicanconf.py), `published` the deployable one
(publishconf.py); both with SOURCE_DATE_EPOCH=1713484800, the reference page's
edition date.  `fixture_site` is the publish build of generated fixture stories,
`scale_site` that of a generated newsroom of some 300 stories.
"""

import http.server
import sys
import threading
from functools import partial
from pathlib import Path

import pytest

TESTS = Path(__file__).resolve().parent
sys.path[:0] = [str(TESTS), str(TESTS.parent), str(TESTS.parent / "plugins"), str(TESTS.parent / "tools")]

from hostile import write_hostile_content  # noqa: E402
from sitebuild import REFERENCE, Site, built, write_fixture_content, write_scale_content  # noqa: E402


@pytest.fixture(scope="session")
def site(tmp_path_factory):
    return Site(built(tmp_path_factory.mktemp("site") / "output"))


@pytest.fixture(scope="session")
def published(tmp_path_factory):
    return Site(built(tmp_path_factory.mktemp("published") / "output", settings="publishconf.py"))


@pytest.fixture(scope="session")
def fixture_site(tmp_path_factory):
    """The publish build of generated fixture stories (FIXTURE_STORIES)."""
    folder = tmp_path_factory.mktemp("fixture-site")
    content = write_fixture_content(folder / "content")
    return Site(built(folder / "output", settings="publishconf.py", content=content))


@pytest.fixture(scope="session")
def scale_site(tmp_path_factory):
    """The publish build of a generated newsroom of some 300 stories in two
    editions over three years (sitebuild.write_scale_content): archives,
    pagination and search at scale."""
    folder = tmp_path_factory.mktemp("scale-site")
    content = write_scale_content(folder / "content")
    return Site(built(folder / "output", settings="publishconf.py", content=content))


@pytest.fixture(scope="session")
def hostile_site(tmp_path_factory):
    """A preview build of content whose metadata tries to inject markup (tests/hostile.py)."""
    folder = tmp_path_factory.mktemp("hostile")
    content = write_hostile_content(folder / "content")
    return Site(built(folder / "output", content=content))


@pytest.fixture(scope="session")
def reference_lines():
    """Non-empty lines of the reference page, without the scraped icon after اردو."""
    lines = [line.strip() for line in REFERENCE.read_text(encoding="utf-8").splitlines() if line.strip()]
    assert lines[0] == "English | اردو و"
    lines[0] = "English | اردو"
    return lines


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture(scope="session")
def server(site):
    """The preview build served over HTTP on a free local port."""
    handler = partial(QuietHandler, directory=str(site.root))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
