"""Building the site for tests, and reading what was built."""

import os
import subprocess
import sys
from pathlib import Path

from bs4 import BeautifulSoup

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "plugins"))
sys.path.insert(0, str(ROOT / "tools"))

from newsroom import BUILD_EPOCH, REFERENCE as REFERENCE_STORY  # noqa: E402

# A copy of shared/seeds/000_996c9248cdddef39.txt: the text of the reference page.
REFERENCE = ROOT / "tests" / "fixtures" / "reference_page.txt"
REFERENCE_EPOCH = BUILD_EPOCH
ARTICLE_SLUG = REFERENCE_STORY["slug"]
ARTICLE_PATH = f"2018/05/02/{ARTICLE_SLUG}/index.html"
ADMIN_FOLDER = "admin/"  # CMS_PATH: the editors' CMS (plugins/admin_cms.py)


def build_site(output, *, content, settings="pelicanconf.py", env=None, extra_settings=()):
    """Run tools/build.py on a fixture content folder (never content/);
    returns the CompletedProcess (output captured)."""
    environment = {**os.environ, "SOURCE_DATE_EPOCH": REFERENCE_EPOCH, **(env or {})}
    command = [sys.executable, str(ROOT / "tools" / "build.py"), "--settings", settings, "--output", str(output),
               "--content", str(content)]
    if extra_settings:
        command += ["--extra-settings", *extra_settings]
    return subprocess.run(command, cwd=ROOT, env=environment, capture_output=True, text=True)


def built(output, **kwargs):
    result = build_site(output, **kwargs)
    assert result.returncode == 0, result.stdout + result.stderr
    return output


class Site:
    """A built output folder with helpers to read its pages; `log` is what
    the build printed (stdout, then stderr), when it was built here."""

    def __init__(self, root, log=""):
        self.root = Path(root)
        self.log = log

    @classmethod
    def build(cls, output, **kwargs):
        result = build_site(output, **kwargs)
        assert result.returncode == 0, result.stdout + result.stderr
        return cls(output, result.stdout + result.stderr)

    def path(self, relative):
        return self.root / relative

    def text(self, relative):
        return self.path(relative).read_text(encoding="utf-8")

    def html(self, relative):
        return BeautifulSoup(self.text(relative), "html5lib")

    def pages(self):
        """The readers' pages (the CMS at /admin/ is not one: tests/test_admin.py)."""
        return sorted(p.relative_to(self.root).as_posix() for p in self.root.rglob("*.html")
                      if not p.relative_to(self.root).as_posix().startswith(ADMIN_FOLDER))
