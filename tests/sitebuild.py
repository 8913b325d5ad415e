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
        return sorted(p.relative_to(self.root).as_posix() for p in self.root.rglob("*.html"))



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


# A newsroom at scale for archives, pagination and search: the generated
# corpus of tools/bench_corpus.py (lorem-ipsum English, common-word Urdu, about
# three in ten stories translated, over three years), plus a few written
# stories whose topics pair across the editions and whose bodies carry words
# found nowhere else.
SCALE_STORIES = 300
SCALE_SEED = 16
SCALE_MARKER_EN = "kestrel"  # in one English story's body only
SCALE_MARKER_UR = "ثقافت"  # in its Urdu translation's body only
SCALE_PAIRED_TAGS = {"en": "Fixture rivers", "ur": "آزمائشی دریا"}
SCALE_COMMON_WORD = "heron"  # in the body of one English story in eight
SCALE_COMMON_EVERY = 8


def write_scale_content(folder):
    from bench_corpus import write_corpus

    folder = Path(folder)
    written = write_corpus(folder, SCALE_STORIES, seed=SCALE_SEED)
    english = sorted(path for path in written if not path.name.endswith(".ur.md"))
    for path in english[::SCALE_COMMON_EVERY]:
        with path.open("a", encoding="utf-8") as story:
            story.write(f"\nA grey {SCALE_COMMON_WORD} stood in the shallows.\n")
    articles = folder / "articles" / "2024"
    articles.mkdir(parents=True, exist_ok=True)
    for number in range(3):
        slug = f"fixture-river-story-{number}"
        date = f"2024-04-1{number} 09:00"
        marker = f" A {SCALE_MARKER_EN} was seen over the water." if number == 0 else ""
        urdu_marker = f" اس علاقے کی {SCALE_MARKER_UR} پرانی ہے۔" if number == 0 else ""
        (articles / f"{slug}.md").write_text(
            f"Title: Generated fixture river story number {number}\nDate: {date}\nCategory: Pakistan\n"
            f"Tags: {SCALE_PAIRED_TAGS['en']}, Fixture weather {number}\nSlug: {slug}\n"
            f"Summary: A generated fixture story about rivers, number {number}.\n\n"
            f"**FIXTURE:** The generated river story number {number} says nothing true.{marker}\n\n"
            "Second paragraph of a generated fixture story.\n", encoding="utf-8")
        (articles / f"{slug}.ur.md").write_text(
            f"Title: دریا کی آزمائشی خبر نمبر {number}\nDate: {date}\nCategory: پاکستان\n"
            f"Tags: {SCALE_PAIRED_TAGS['ur']}, آزمائشی موسم {number}\nSlug: {slug}\nLang: ur\nTranslated_From: en\n"
            f"Summary: دریاؤں کے بارے میں آزمائشی خبر۔\n\n"
            f"**آزمائش:** یہ دریا کی آزمائشی خبر ہے اور اس میں کچھ سچ نہیں۔{urdu_marker}\n\n"
            "آزمائشی خبر کا دوسرا پیراگراف۔\n", encoding="utf-8")
    return folder
