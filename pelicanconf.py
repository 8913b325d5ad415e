"""Settings for local preview (`make serve`, `make html`).

`publishconf.py` imports everything from here and changes only what differs on
the deployed site.  Every setting of the paper lives in these two files.
"""

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

PLUGIN_PATHS = ["plugins"]
PLUGINS = [
    "i18n_subsites",
    "read_once",
    "fixed_urls",
    "dates",
    "reading_time",
    "front_page",
    "plain_titles",
    "editions",
    "sitemap",
    "feeds",
    "urdu_font",
    "progress",
]

TYPOGRIFY = True

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

DIRECT_TEMPLATES = ["index", "archives", "categories", "tags", "404", "robots"]
ROBOTS_SAVE_AS = "robots.txt"
TODAYS_PAPER_URL = ARCHIVES_URL

DEFAULT_PAGINATION = False
PAGINATED_TEMPLATES = {"category": 20, "tag": 20, "archives": None}
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
# Sorting and reading order are fixed so that two builds of the same content
# write the same bytes.
ARTICLE_ORDER_BY = "reversed-date"
CACHE_CONTENT = False
LOAD_CONTENT_CACHE = False

# Language editions in masthead order.  `path` is the edition's folder below
# the main site.
EDITIONS = {
    "en": {"name": "English", "dir": "ltr", "path": ""},
    "ur": {"name": "اردو", "dir": "rtl", "path": "ur"},
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
        "CATEGORY_REGEX_SUBSTITUTIONS": [
            (rf"^{section['ur']}$", section["slug"]) for section in SECTIONS
        ] + _SLUG_CLEANUP,
    },
}
