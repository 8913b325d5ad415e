"""`make serve` (tools/serve.py) running on fixture content, for tests.

The server runs on a free port with its own copy of the fixture content, the
theme and the settings (so that tests may break and mend each), exactly as an
editor runs it, in its supervising process.  Tests wait for conditions
(a page shows a text, the server is idle), never for fixed times.
"""

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

from newsroom import write_newsroom
from sitebuild import REFERENCE_EPOCH, ROOT, built, without_fingerprints

DEADLINE = 120  # seconds: generous, for a loaded two-core machine


def wait_until(condition, what, deadline=DEADLINE, every=0.1):
    """Poll `condition()` until it returns something true; fail after `deadline`."""
    end = time.monotonic() + deadline
    while True:
        found = condition()
        if found:
            return found
        if time.monotonic() > end:
            raise AssertionError(f"gave up waiting ({deadline} s) for {what}")
        time.sleep(every)


SETTINGS = """\
# pelicanconf.py for a test server: the same settings, with the paths that
# Pelican would read relative to this file pointed back at the project.
import sys
sys.path.insert(0, {root!r})
from pelicanconf import *  # noqa: F401,F403
PLUGIN_PATHS = [{plugins!r}]
CACHE_PATH = {cache!r}
"""


class Preview:
    def __init__(self, folder):
        self.folder = Path(folder)
        self.content = write_newsroom(self.folder / "content")
        self.theme = self.folder / "theme"
        shutil.copytree(ROOT / "theme", self.theme, ignore=shutil.ignore_patterns("*.mo"))
        self.settings = self.folder / "settings.py"
        self.settings_text = SETTINGS.format(root=str(ROOT), plugins=str(ROOT / "plugins"), cache=str(ROOT / "cache"))
        self.settings.write_text(self.settings_text, encoding="utf-8")
        self.output = self.folder / "output"
        self.log_path = self.folder / "serve.log"
        self.process = None
        self.url = None

    def start(self):
        environment = {**os.environ, "SOURCE_DATE_EPOCH": REFERENCE_EPOCH, "PYTHONUNBUFFERED": "1"}
        with self.log_path.open("w") as log:
            self.process = subprocess.Popen(
                [sys.executable, str(ROOT / "tools" / "serve.py"), "--port", "0", "--content", str(self.content),
                 "--output", str(self.output), "--theme", str(self.theme), "--settings", str(self.settings)],
                cwd=ROOT, env=environment, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)

        def serving():
            if self.process.poll() is not None:
                raise AssertionError(f"tools/serve.py stopped:\n{self.log()}")
            return re.search(r"^Serving .* at (http://\S+/) ", self.log(), re.M)

        self.url = wait_until(serving, "the server to start")[1].rstrip("/")
        wait_until(lambda: not self.status()["busy"], "the first build")
        return self

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def log(self):
        return self.log_path.read_text(encoding="utf-8", errors="replace")

    def get(self, path):
        """(status, text) of a URL path."""
        try:
            with urllib.request.urlopen(f"{self.url}/{path.lstrip('/')}", timeout=30) as response:
                return response.status, response.read().decode("utf-8")
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode("utf-8")

    def status(self):
        """The server's status; while it restarts, busy."""
        try:
            return json.loads(self.get("/__preview__/status")[1])
        except (OSError, ValueError):
            return {"rebuilds": -1, "failed": 0, "busy": True, "problems": []}

    def wait_for_rebuild(self, after, what, condition=lambda: True):
        """Wait until a rebuild later than number `after` is done, the server
        is idle and `condition()` holds."""
        def done():
            status = self.status()
            return status["rebuilds"] > after and not status["busy"] and condition() and status
        return wait_until(done, what)

    def story(self, slug, lang="en"):
        name = f"{slug}{'.ur' if lang == 'ur' else ''}.md"
        return next((self.content / "articles").glob(f"*/{name}"))

    def full_build(self, name):
        """A full preview build of the same content, for byte comparison."""
        from incremental import PREVIEW_SETTINGS  # what the preview shows beyond the site (drafts)

        preview_settings = [f"{key}={json.dumps(value)}" for key, value in PREVIEW_SETTINGS.items()]
        return built(self.folder / name, content=self.content,
                     extra_settings=[f"THEME={json.dumps(str(self.theme))}", without_fingerprints(),
                                     *preview_settings])
