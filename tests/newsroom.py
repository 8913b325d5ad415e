"""The fixture newsroom: the content the test suite builds instead of content/.

`write_newsroom(folder)` writes a small newsroom's week into `folder`:

* the reference article and its Urdu translation, copied word for word from
  tests/fixtures/reference/ (a copy of the launch content, so that the tests
  of the reference page keep their text whatever content/ becomes);
* generated stories (never real news: "Fixture ..." headlines, sentences
  that say they were written for tests), described by STORIES: several days
  either side of midnight in Karachi and one filed in UTC, every kind of
  section, bylines of one and two authors (and none), Urdu translations,
  a story with a correction, a story scheduled after the build's date
  (BUILD_DATE, the tests' SOURCE_DATE_EPOCH), a draft, and a story with no
  related story.

Tests compute what they expect from STORIES (`published_stories()`, `url_of()`,
...), never from a number typed in the test, so a story added here changes
no test that is not about it.
"""

import shutil
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pelicanconf

FIXTURES = Path(__file__).resolve().parent / "fixtures"
REFERENCE_FOLDER = FIXTURES / "reference"
KARACHI = ZoneInfo(pelicanconf.TIMEZONE)
BUILD_EPOCH = "1713484800"  # 2024-04-19 05:00 in Karachi: the reference page's edition date
BUILD_DATE = datetime.fromtimestamp(int(BUILD_EPOCH), tz=KARACHI)
SITEURL = "https://lantern-gazette.example"

# Authors as (English spelling, Urdu spelling).  Generated names.
AYESHA = ("Ayesha Fixture", "عائشہ فکسچر")
OMAR = ("Omar Sample", "عمر سیمپل")
ZARA = ("Zara Draftwriter", "زارا ڈرافٹ رائٹر")  # writes only the draft: no author page when published

REFERENCE = {
    "slug": "us-backed-alliance-launches-final-battle-against-is-in-syria", "date": "2018-05-02",
    "category": "Syria", "tags": ["Islamic State", "Syrian Democratic Forces", "Deir Ezzor"],
    "title": "US-backed alliance launches ‘final’ battle against IS in Syria",
    "urdu": {"title": "امریکی حمایت یافتہ اتحاد نے شام میں داعش کے خلاف ‘حتمی’ جنگ کا آغاز کر دیا",
             "tags": ["داعش", "سیریئن ڈیموکریٹک فورسز", "دیر الزور"]},
    "reference": True,
}

# Each story: slug, title, date (as written in the file), category (English
# section name), tags; optional: authors, modified, correction and
# correction_date, status, and urdu (the translation: title, tags, and
# optionally date, correction).  Dates without an offset are Karachi time.
STORIES = [
    REFERENCE,
    {"slug": "fixture-late-evening", "date": "2024-03-01 23:30 +05:00", "category": "World",
     "tags": ["Fixture weather"], "title": "Fixture story filed late in the evening", "authors": [AYESHA]},
    {"slug": "fixture-just-after-midnight", "date": "2024-03-02 00:10 +05:00", "category": "Pakistan",
     "tags": ["Fixture weather", "Fixture roads"], "title": "Fixture story filed just after midnight",
     "modified": "2024-03-02 15:45 +05:00", "authors": [AYESHA, OMAR],
     "urdu": {"title": "آدھی رات کے فوراً بعد کی آزمائشی خبر", "tags": ["آزمائشی موسم"]}},
    {"slug": "fixture-morning-syria", "date": "2024-03-02 09:00", "category": "Syria",
     "tags": ["Fixture roads"], "title": "Fixture: ‘quoted’ words & an ampersand <b>not bold</b>"},
    {"slug": "fixture-noon-pakistan", "date": "2024-03-02 12:00", "category": "Pakistan",
     "tags": ["Fixture markets"], "title": "Fixture story at noon in the Pakistan section", "authors": [OMAR]},
    {"slug": "fixture-afternoon-world", "date": "2024-03-02 14:00", "category": "World",
     "tags": ["Fixture markets"], "title": "Fixture story in the afternoon in the World section"},
    {"slug": "fixture-filed-in-utc", "date": "2024-03-02T20:30:00+00:00", "category": "Business",
     "tags": ["Fixture roads"], "title": "Fixture story filed with a UTC time"},
    {"slug": "fixture-corrected", "date": "2024-04-10 10:00", "category": "Pakistan",
     "tags": ["Fixture corrections"], "title": "Fixture story that was corrected", "authors": [OMAR],
     "modified": "2024-04-11 09:00", "correction": "An earlier version of this fixture gave the wrong day.",
     "correction_date": "2024-04-12 16:30",
     "urdu": {"title": "آزمائشی خبر جس کی تصحیح کی گئی", "tags": ["آزمائشی تصحیح"],
              "correction": "اس آزمائشی خبر کے پہلے نسخے میں غلط دن لکھا گیا تھا۔"}},
    {"slug": "fixture-lone-sport", "date": "2024-04-15 08:00", "category": "Sport",
     "tags": ["Fixture cricket"], "title": "Fixture story with no related story"},
    {"slug": "fixture-newest-opinion", "date": "2024-04-18 18:00", "category": "Opinion",
     "tags": ["Fixture weather"], "title": "Fixture opinion, the newest published story", "authors": [AYESHA]},
    {"slug": "fixture-scheduled", "date": "2024-04-22 09:00", "category": "Business",
     "tags": ["Fixture markets", "Fixture embargo"], "title": "Fixture story scheduled for a later day",
     "authors": [AYESHA],
     "urdu": {"title": "بعد کے دن کے لیے طے شدہ آزمائشی خبر", "tags": ["آزمائشی پابندی"]}},
    {"slug": "fixture-draft", "date": "2024-04-16 12:00", "category": "World", "status": "draft",
     "tags": ["Fixture draft topic"], "title": "Fixture draft that is not published", "authors": [ZARA],
     "urdu": {"title": "آزمائشی مسودہ جو شائع نہیں ہوا", "tags": ["آزمائشی مسودہ"]}},
]
SCHEDULED = next(story for story in STORIES if story["slug"] == "fixture-scheduled")
DRAFT = next(story for story in STORIES if story["slug"] == "fixture-draft")
CORRECTED = next(story for story in STORIES if story["slug"] == "fixture-corrected")
LONE = next(story for story in STORIES if story["slug"] == "fixture-lone-sport")


def moment(text):
    """A date as written in a story file, as an aware datetime in Karachi."""
    parsed = datetime.fromisoformat(text.replace(" +", "+").replace(" ", "T", 1))
    return (parsed if parsed.tzinfo else parsed.replace(tzinfo=KARACHI)).astimezone(KARACHI)


def date_of(story, lang="en"):
    return moment(story.get("urdu", {}).get("date", story["date"]) if lang == "ur" else story["date"])


def paper_day(story, lang="en"):
    """The day of the paper (in Karachi) the story belongs to, as YYYY-MM-DD."""
    return date_of(story, lang).date().isoformat()


def languages(story):
    return ["en", "ur"] if "urdu" in story else ["en"]


def is_published(story, lang="en", at=BUILD_DATE):
    """Whether a build dated `at` publishes the story in `lang` (a translation
    waits for its original)."""
    if story.get("status") == "draft" or lang not in languages(story):
        return False
    return date_of(story) <= at and date_of(story, lang) <= at


def published_stories(lang="en", at=BUILD_DATE):
    """The stories a build dated `at` publishes in `lang`, newest first (the site's order)."""
    stories = [story for story in STORIES if is_published(story, lang, at)]
    return sorted(stories, key=lambda story: (-date_of(story, lang).timestamp(), story["slug"]))


def section(story, lang="en"):
    found = next(s for s in pelicanconf.SECTIONS if s["en"] == story["category"])
    return found[lang]


def section_slug(story):
    return next(s["slug"] for s in pelicanconf.SECTIONS if s["en"] == story["category"])


def tags(story, lang="en"):
    return story["urdu"]["tags"] if lang == "ur" else story["tags"]


def authors(story, lang="en"):
    return [author[0 if lang == "en" else 1] for author in story.get("authors", [])]


def author_slug(author):
    """An author's page slug in both editions: from the English spelling."""
    return "-".join(author[0].lower().split())


def path_of(story, lang="en"):
    """The output path of a story's page, e.g. ``ur/2024/03/02/slug/index.html``."""
    prefix = "ur/" if lang == "ur" else ""
    return f"{prefix}{date_of(story, lang):%Y/%m/%d}/{story['slug']}/index.html"


def url_of(story, lang="en", site=""):
    """Its URL: root-relative (``/2024/...``) or under `site` (the publish build's SITEURL)."""
    return f"{site}/{path_of(story, lang).removesuffix('index.html')}"


def last_change(story, lang="en"):
    """What dateModified says: the later of Modified and Correction_Date, else the date."""
    moments = [moment(story[key]) for key in ("modified", "correction_date") if key in story]
    return max(moments) if moments else date_of(story, lang)


def story_text(story, lang):
    """The file of a generated story."""
    urdu = story.get("urdu", {})
    lines = [f"Title: {urdu['title'] if lang == 'ur' else story['title']}",
             f"Date: {urdu.get('date', story['date']) if lang == 'ur' else story['date']}",
             f"Category: {section(story, lang)}",
             f"Tags: {', '.join(tags(story, lang))}",
             f"Slug: {story['slug']}"]
    if lang == "ur":
        lines += ["Lang: ur", "Translated_From: en", "Summary: آزمائشی خبر کا خلاصہ۔"]
    else:
        lines.append(f"Summary: Summary of the generated fixture {story['slug']}.")
    if story.get("authors"):
        lines.append(f"Authors: {', '.join(authors(story, lang))}")
    if "modified" in story:
        lines.append(f"Modified: {story['modified']}")
    if "correction" in story:
        lines.append(f"Correction: {urdu['correction'] if lang == 'ur' else story['correction']}")
        lines.append(f"Correction_Date: {story['correction_date']}")
    if "status" in story:
        lines.append(f"Status: {story['status']}")
    if lang == "ur":
        body = "یہ ٹیسٹ کے لیے بنائی گئی آزمائشی خبر ہے۔\n\nاس کا دوسرا پیراگراف بھی آزمائشی ہے۔"
    else:
        body = "\n\n".join(f"Paragraph {n} of the generated fixture {story['slug']}, written for tests."
                           for n in range(3))
    return "\n".join(lines) + "\n\n" + body + "\n"


def write_newsroom(folder):
    """Write the newsroom's content folder (articles/ and extra/) into `folder`."""
    folder = Path(folder)
    for story in STORIES:
        year = folder / "articles" / story["date"][:4]
        year.mkdir(parents=True, exist_ok=True)
        for lang in languages(story):
            name = f"{story['slug']}{'.ur' if lang == 'ur' else ''}.md"
            if story.get("reference"):
                shutil.copyfile(REFERENCE_FOLDER / name, year / name)
            else:
                (year / name).write_text(story_text(story, lang), encoding="utf-8")
    extra = folder / "extra"
    extra.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(FIXTURES / "favicon.svg", extra / "favicon.svg")
    return folder
