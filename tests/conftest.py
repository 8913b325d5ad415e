"""Builds the fixture newsroom once per test session into temporary folders.

`newsroom` is the content folder of the fixture newsroom (tests/newsroom.py:
the reference article and generated stories; never content/, which is the
newsroom's own and changes every day).  `site` is its preview build
(pelicanconf.py), `published` its deployable build (publishconf.py); both
with SOURCE_DATE_EPOCH=1713484800 (19 April 2024, the reference page's
edition date), so the fixture's scheduled story is held back and its draft
is left out.
`scale_site` is the publish build of a generated newsroom of some 300 stories.
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
from sitebuild import (REFERENCE, SCALE_CHUNK_STORIES, Site, build_site, built, pelican_signals_muted,  # noqa: E402
                       write_scale_content)
from photo_fixture import photo_sites  # noqa: E402,F401  (the photo newsroom's builds, tests/photo_fixture.py)


@pytest.fixture
def quiet_plugins():
    """Stories, readers and generators made in the test see no plugin (sitebuild.pelican_signals_muted)."""
    with pelican_signals_muted():
        yield


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


class RecordingHandler(http.server.BaseHTTPRequestHandler):
    """Answers everything with 404 and remembers what was asked."""

    requests = None

    def do_GET(self):
        self.requests.append(self.path)
        self.send_error(404)

    do_POST = do_HEAD = do_GET

    def log_message(self, *args):
        pass


@pytest.fixture(scope="session")
def scale_site(tmp_path_factory):
    """The publish build of a generated newsroom of some 300 stories in two
    editions over three years (sitebuild.write_scale_content): archives,
    pagination and search at scale."""
    folder = tmp_path_factory.mktemp("scale-site")
    content = write_scale_content(folder / "content")
    return Site.build(folder / "output", content=content, settings="publishconf.py",
                      extra_settings=[f"PAGEFIND_CHUNK_STORIES={SCALE_CHUNK_STORIES}"])


@pytest.fixture(scope="session")
def attacker():
    """Another origin (a second local port) that the hostile fixture's URLs
    point at: `url`, and `requests`, the paths a browser asked it for."""
    handler = type("Attacker", (RecordingHandler,), {"requests": []})
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield type("Attacker", (), {"url": f"http://127.0.0.1:{httpd.server_address[1]}", "requests": handler.requests})
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture(scope="session")
def hostile_site(tmp_path_factory, attacker):
    """The publish build (minified, root-relative URLs) of content whose
    metadata tries to inject markup and whose body tries to run scripts and
    reach `attacker` (tests/hostile.py), built with BODY_HTML_UNSAFE="warning"
    so that it is published sanitized; `site.log` is the build's stderr."""
    folder = tmp_path_factory.mktemp("hostile")
    content = write_hostile_content(folder / "content", attacker.url)
    result = build_site(folder / "output", settings="publishconf.py", content=content, env={"SITEURL": ""},
                        extra_settings=['BODY_HTML_UNSAFE="warning"'])
    assert result.returncode == 0, result.stdout + result.stderr
    site = Site(folder / "output")
    site.log = result.stderr
    return site


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


@pytest.fixture(scope="session")
def preview(tmp_path_factory):
    """`make serve` (tools/serve.py) running on fixture content, theme and
    settings of its own (tests/serving.py); tests mend what they break."""
    from serving import Preview

    running = Preview(tmp_path_factory.mktemp("preview")).start()
    yield running
    running.stop()
