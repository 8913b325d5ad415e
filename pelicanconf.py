"""Settings for local preview (`make serve`, `make html`).

`publishconf.py` imports everything from here and changes only what differs on
the deployed site.  Every setting of the paper lives in these two files.
"""

import sys
from pathlib import Path

SITENAME = "The Lantern Gazette"
SITEURL = ""
RELATIVE_URLS = False

TIMEZONE = "Asia/Karachi"
DEFAULT_LANG = "en"
LOCALE = ("en_US.UTF-8", "C.UTF-8", "C")
DEFAULT_DATE_FORMAT = "%-d %B %Y"

# Sections of the paper in the order the front page and navigation show them,
# with their name in each edition.  An article's `Category` must be the name of
# one of these in the article's language; the URL uses `slug` in both editions.
SECTIONS = [
    {"slug": "pakistan", "en": "Pakistan", "ur": "پاکستان"},
    {"slug": "world", "en": "World", "ur": "دنیا"},
    {"slug": "syria", "en": "Syria", "ur": "شام"},
    {"slug": "business", "en": "Business", "ur": "کاروبار"},
    {"slug": "sport", "en": "Sport", "ur": "کھیل"},
    {"slug": "opinion", "en": "Opinion", "ur": "رائے"},
]
FRONT_PAGE_STORIES_PER_SECTION = 4
# Stories beside the lead at the top of the front page (and of a section's).
FRONT_PAGE_SECONDARY_STORIES = 3

# Words a minute used for "N min read".
READING_SPEED_WPM = 265

PATH = "content"
ARTICLE_PATHS = ["articles"]
PAGE_PATHS = ["pages"]
STATIC_PATHS = ["extra"]
EXTRA_PATH_METADATA = {
    "extra/favicon.svg": {"path": "favicon.svg"},
}
OUTPUT_PATH = "output"
DELETE_OUTPUT_DIRECTORY = False

THEME = "theme"
# The Urdu face (SIL OFL), subset at build time to the Urdu edition's text.
URDU_FONT_SOURCE = "fonts/NotoNastaliqUrdu-Regular.ttf"  # in THEME
URDU_FONT_FILE = "noto-nastaliq-urdu.woff2"
THEME_STATIC_DIR = "theme"
CSS_FILE = "site.css"
# Response headers for Netlify / Cloudflare Pages, copied to output/_headers.
DEPLOY_HEADERS = "deploy/_headers"

PLUGIN_PATHS = ["plugins"]
# Our plugins import helpers from one another (`from editions import
# is_main_site`).  Pelican loads PLUGIN_PATHS modules without putting the
# folder on sys.path, which would make those imports depend on PLUGINS order.
_PLUGIN_FOLDER = str(Path(__file__).resolve().parent / "plugins")
if _PLUGIN_FOLDER not in sys.path:
    sys.path.append(_PLUGIN_FOLDER)
PLUGINS = [
    "validation",
    "i18n_subsites",
    "read_once",
    "fixed_urls",
    "dates",
    "edition_typography",  # before the plugins that read titles and summaries
    "reading_time",
    "front_page",
    "plain_titles",
    "editions",
    "sitemap",
    "feeds",
    "todays_paper",
    "archives",
    "related_stories",
    "structured_data",
    "urdu_font",
    "fingerprint",  # after urdu_font: it renames the font urdu_font writes
    "search_index",
    "deploy_headers",  # last: it lists every top-level entry of the output
    "progress",
]

TYPOGRIFY = True

# Checked by plugins/validation.py before anything is built.  Metadata keys an
# editor may use (a typo such as "Titel" stops the build with a suggestion):
METADATA_KEYS = [
    "Title", "Date", "Modified", "Category", "Tags", "Slug", "Summary",
    "Lang", "Translated_From", "Status", "Template",
]
# A story dated more than this after the build time is a mistake.
FUTURE_DATE_MARGIN_HOURS = 24
# Longer summaries are cut in search results (a warning; STRICT=1 fails).
META_DESCRIPTION_MAX_LENGTH = 160

JINJA_ENVIRONMENT = {
    "trim_blocks": True,
    "lstrip_blocks": True,
    # Metadata is text: titles, tags and sections are escaped wherever they
    # are printed.  Markup that we produce ourselves is marked `|safe`.
    "autoescape": True,
    "extensions": ["jinja2.ext.i18n"],
}
I18N_GETTEXT_LOCALEDIR = "theme/translations"
I18N_GETTEXT_DOMAIN = "messages"

# URLs: /YYYY/MM/DD/slug/ for stories, /section/<slug>/ for sections.
ARTICLE_URL = "{date:%Y}/{date:%m}/{date:%d}/{slug}/"
ARTICLE_SAVE_AS = ARTICLE_URL + "index.html"
ARTICLE_LANG_URL = ARTICLE_URL
ARTICLE_LANG_SAVE_AS = ARTICLE_SAVE_AS
PAGE_URL = "{slug}/"
PAGE_SAVE_AS = PAGE_URL + "index.html"
PAGE_LANG_URL = PAGE_URL
PAGE_LANG_SAVE_AS = PAGE_SAVE_AS
CATEGORY_URL = "section/{slug}/"
CATEGORY_SAVE_AS = CATEGORY_URL + "index.html"
CATEGORIES_URL = "section/"
CATEGORIES_SAVE_AS = CATEGORIES_URL + "index.html"
TAG_URL = "tag/{slug}/"
TAG_SAVE_AS = TAG_URL + "index.html"
TAGS_URL = "tag/"
TAGS_SAVE_AS = TAGS_URL + "index.html"
ARCHIVES_URL = "archive/"
ARCHIVES_SAVE_AS = ARCHIVES_URL + "index.html"
YEAR_ARCHIVE_URL = "archive/{date:%Y}/"
YEAR_ARCHIVE_SAVE_AS = YEAR_ARCHIVE_URL + "index.html"
MONTH_ARCHIVE_URL = "archive/{date:%Y}/{date:%m}/"
MONTH_ARCHIVE_SAVE_AS = MONTH_ARCHIVE_URL + "index.html"
AUTHOR_SAVE_AS = ""
AUTHORS_SAVE_AS = ""
DRAFT_SAVE_AS = ""
DRAFT_LANG_SAVE_AS = ""

DIRECT_TEMPLATES = ["index", "archives", "categories", "tags", "404", "robots", "search"]
ROBOTS_SAVE_AS = "robots.txt"
SEARCH_URL = "search/"
SEARCH_SAVE_AS = SEARCH_URL + "index.html"
# Pagefind's bundle (index and scripts), written into the output by the
# `search_index` plugin; one bundle for both editions, one index per language.
PAGEFIND_OUTPUT_SUBDIR = "pagefind"

# Today's Paper: the day's edition at /paper/YYYY-MM-DD/ (days in TIMEZONE),
# the latest at /paper/, every edition in month calendars at /paper/archive/.
PAPER_URL = "paper/"
PAPER_SAVE_AS = PAPER_URL + "index.html"
PAPER_DAY_URL = "paper/{date:%Y-%m-%d}/"
PAPER_DAY_SAVE_AS = PAPER_DAY_URL + "index.html"
PAPER_ARCHIVE_URL = "paper/archive/"
PAPER_ARCHIVE_SAVE_AS = PAPER_ARCHIVE_URL + "index.html"
# One calendar page a year; /paper/archive/ shows the latest year.
PAPER_ARCHIVE_YEAR_URL = "paper/archive/{date:%Y}/"
PAPER_ARCHIVE_YEAR_SAVE_AS = PAPER_ARCHIVE_YEAR_URL + "index.html"
TODAYS_PAPER_URL = PAPER_URL

# Stories listed under an article: same section first, then shared topics.
RELATED_STORIES_MAX = 4

DEFAULT_PAGINATION = False
# Stories a page: sections and topics (a front page of cards), archives (one
# line a story; /archive/, /archive/YYYY/, /archive/YYYY/MM/).
PAGINATED_TEMPLATES = {"category": 20, "tag": 20, "archives": 50, "period_archives": 50}
PAGINATION_PATTERNS = (
    (1, "{url}", "{save_as}"),
    (2, "{base_name}/page/{number}/", "{base_name}/page/{number}/index.html"),
)

FEED_DOMAIN = SITEURL
# One feed per edition: FEED_ATOM lists the edition's own stories (FEED_ALL_*
# would mix in the other language's translations).
FEED_ATOM = "feeds/all.atom.xml"
FEED_ALL_ATOM = None
CATEGORY_FEED_ATOM = "feeds/section/{slug}.atom.xml"
FEED_RSS = None
FEED_ALL_RSS = None
CATEGORY_FEED_RSS = None
TAG_FEED_ATOM = None
TAG_FEED_RSS = None
AUTHOR_FEED_ATOM = None
AUTHOR_FEED_RSS = None
TRANSLATION_FEED_ATOM = None
TRANSLATION_FEED_RSS = None
FEED_MAX_ITEMS = 50

SUMMARY_MAX_LENGTH = 40
# Files without `Lang:` are English in every edition (a subsite would
# otherwise take them for its own language).
DEFAULT_METADATA = {"status": "published", "lang": DEFAULT_LANG}


def newest_first(article):
    """Sort key: newest first; stories of the same moment by slug.  Pelican
    collects files in a set, whose order changes with Python's hash seed, so
    "reversed-date" alone would order same-day stories differently each build."""
    return (-article.date.timestamp(), article.slug)


# Sorting and reading order are fixed so that two builds of the same content
# write the same bytes.
ARTICLE_ORDER_BY = newest_first
CACHE_CONTENT = False
LOAD_CONTENT_CACHE = False

# Language editions in masthead order.  `path` is the edition's folder below
# the main site; `locale` is the edition's OpenGraph locale.
# `digits` (plugins/dates.py, plugins/edition_typography.py) is the CLDR
# numbering system of every number the edition prints, dates and story text
# included: "latn" (0123…) or "arabext" (Extended Arabic-Indic ۰۱۲۳…).  The
# Urdu edition's default is "latn", as BBC Urdu, Dawn News and ARY print online;
# "arabext" is the style of many printed Urdu papers.
# `quotes` (plugins/edition_typography.py): opening and closing single, then
# double quotation marks.  Urdu opens with ’ and closes with ‘ (the English
# marks mirrored, as BBC Urdu and Dawn News print them).
EDITIONS = {
    "en": {"name": "English", "dir": "ltr", "path": "", "locale": "en_US", "digits": "latn", "quotes": "‘’“”"},
    "ur": {"name": "اردو", "dir": "rtl", "path": "ur", "locale": "ur_PK", "digits": "latn", "quotes": "’‘”“"},
}

_SLUG_CLEANUP = [
    (r"[^\w\s-]", ""),
    (r"(?u)\A\s*", ""),
    (r"(?u)\s*\Z", ""),
    (r"[-\s]+", "-"),
]

# A story without a translation is left out of the other edition rather than
# kept there as an unpublished draft (i18n_subsites' default "hide"): drafts
# are never written, and copying thousands of them costs time and memory.
I18N_UNTRANSLATED_ARTICLES = "remove"

# The Urdu edition is a pelican-i18n-subsites subsite at /ur/.  Urdu tags keep
# Urdu slugs; Urdu section names map to the sections' English slugs.
I18N_SUBSITES = {
    "ur": {
        "SITENAME": "لالٹین گزٹ",
        "LOCALE": ("ur_PK.UTF-8", "C.UTF-8", "C"),
        "SLUGIFY_USE_UNICODE": True,
        # Crawlers read /robots.txt only; the main site's names the sitemap.
        "ROBOTS_SAVE_AS": "",
        "CATEGORY_REGEX_SUBSTITUTIONS": [
            (rf"^{section['ur']}$", section["slug"]) for section in SECTIONS
        ] + _SLUG_CLEANUP,
    },
}
