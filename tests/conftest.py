"""Builds the fixture newsroom once per test session into temporary folders.

`newsroom` is the content folder of the fixture newsroom (tests/newsroom.py:
the reference article and generated stories; never content/, which is the
newsroom's own and changes every day).  `site` is its preview build
(pelicanconf.py), `published` its deployable build (publishconf.py); both
with SOURCE_DATE_EPOCH=1713484800 (19 April 2024, the reference page's
edition date), so the fixture's scheduled story is held back and its draft
is left out.
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
from newsroom import write_newsroom  # noqa: E402
from sitebuild import REFERENCE, Site, built  # noqa: E402


@pytest.fixture(scope="session")
def newsroom(tmp_path_factory):
    """The fixture newsroom's content folder (read only: copy it to edit)."""
    return write_newsroom(tmp_path_factory.mktemp("newsroom") / "content")


@pytest.fixture(scope="session")
def site(tmp_path_factory, newsroom):
    return Site.build(tmp_path_factory.mktemp("site") / "output", content=newsroom)


@pytest.fixture(scope="session")
def published(tmp_path_factory, newsroom):
    return Site.build(tmp_path_factory.mktemp("published") / "output", content=newsroom, settings="publishconf.py")


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
