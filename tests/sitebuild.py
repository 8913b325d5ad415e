"""Building the site for tests, and reading what was built."""

import os
import subprocess
import sys
from pathlib import Path

from bs4 import BeautifulSoup

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "plugins"))
sys.path.insert(0, str(ROOT / "tools"))

# A copy of shared/seeds/000_996c9248cdddef39.txt: the text of the reference page.
REFERENCE = ROOT / "tests" / "fixtures" / "reference_page.txt"
REFERENCE_EPOCH = "1713484800"
ARTICLE_SLUG = "us-backed-alliance-launches-final-battle-against-is-in-syria"
ARTICLE_PATH = f"2018/05/02/{ARTICLE_SLUG}/index.html"
ADMIN_FOLDER = "admin/"  # CMS_PATH: the editors' CMS (plugins/admin_cms.py)


def build_site(output, settings="pelicanconf.py", content=None, env=None, extra_settings=()):
    """Run tools/build.py; returns the CompletedProcess (output captured)."""
    environment = {**os.environ, "SOURCE_DATE_EPOCH": REFERENCE_EPOCH, **(env or {})}
    command = [sys.executable, str(ROOT / "tools" / "build.py"), "--settings", settings, "--output", str(output)]
    if content:
        command += ["--content", str(content)]
    if extra_settings:
        command += ["--extra-settings", *extra_settings]
    return subprocess.run(command, cwd=ROOT, env=environment, capture_output=True, text=True)


def built(output, **kwargs):
    result = build_site(output, **kwargs)
    assert result.returncode == 0, result.stdout + result.stderr
    return output


class Site:
    """A built output folder with helpers to read its pages."""

    def __init__(self, root):
        self.root = Path(root)

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



# Generated fixture stories (never real news) for the paper, related stories
# and metadata.  `paper_day` is the day of the paper each one belongs to in
# Asia/Karachi; the first two sit either side of midnight there, and the UTC
# one falls on 2 March in UTC but on 3 March in Karachi.
FIXTURE_STORIES = [
    {"slug": "fixture-late-evening", "date": "2024-03-01 23:30 +05:00", "category": "World",
     "tags": "Fixture weather", "paper_day": "2024-03-01",
     "title": "Fixture story filed late in the evening"},
    {"slug": "fixture-just-after-midnight", "date": "2024-03-02 00:10 +05:00", "category": "Pakistan",
     "tags": "Fixture weather, Fixture roads", "paper_day": "2024-03-02",
     "title": "Fixture story filed just after midnight", "modified": "2024-03-02 15:45 +05:00"},
    {"slug": "fixture-morning-syria", "date": "2024-03-02 09:00", "category": "Syria",
     "tags": "Fixture roads", "paper_day": "2024-03-02",
     "title": "Fixture: ‘quoted’ words & an ampersand <b>not bold</b>"},
    {"slug": "fixture-noon-pakistan", "date": "2024-03-02 12:00", "category": "Pakistan",
     "tags": "Fixture markets", "paper_day": "2024-03-02",
     "title": "Fixture story at noon in the Pakistan section"},
    {"slug": "fixture-afternoon-world", "date": "2024-03-02 14:00", "category": "World",
     "tags": "Fixture markets", "paper_day": "2024-03-02",
     "title": "Fixture story in the afternoon in the World section"},
    {"slug": "fixture-filed-in-utc", "date": "2024-03-02T20:30:00+00:00", "category": "Business",
     "tags": "Fixture roads", "paper_day": "2024-03-03",
     "title": "Fixture story filed with a UTC time"},
]
# An Urdu translation of one fixture story, for the Urdu edition's paper.
FIXTURE_TRANSLATION = {"slug": "fixture-just-after-midnight", "date": "2024-03-02 00:10 +05:00",
                       "category": "پاکستان", "tags": "آزمائشی موسم", "paper_day": "2024-03-02",
                       "title": "آدھی رات کے فوراً بعد کی آزمائشی خبر"}


def write_fixture_content(folder):
    """Write FIXTURE_STORIES (and the Urdu translation) as Markdown files."""
    articles = Path(folder) / "articles"
    articles.mkdir(parents=True, exist_ok=True)
    for story in FIXTURE_STORIES:
        lines = [f"Title: {story['title']}", f"Date: {story['date']}", f"Category: {story['category']}",
                 f"Tags: {story['tags']}", f"Slug: {story['slug']}",
                 f"Summary: Summary of the generated fixture {story['slug']}."]
        if "modified" in story:
            lines.append(f"Modified: {story['modified']}")
        body = "\n\n".join(f"Paragraph {n} of the generated fixture {story['slug']}, written for tests." for n in range(3))
        (articles / f"{story['slug']}.md").write_text("\n".join(lines) + "\n\n" + body + "\n", encoding="utf-8")
    urdu = FIXTURE_TRANSLATION
    (articles / f"{urdu['slug']}.ur.md").write_text(
        f"Title: {urdu['title']}\nDate: {urdu['date']}\nCategory: {urdu['category']}\nTags: {urdu['tags']}\n"
        f"Slug: {urdu['slug']}\nLang: ur\nTranslated_From: en\nSummary: آزمائشی خبر کا خلاصہ۔\n\n"
        "یہ ٹیسٹ کے لیے بنائی گئی آزمائشی خبر ہے۔\n", encoding="utf-8")
    return Path(folder)
