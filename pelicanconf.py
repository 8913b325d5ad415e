"""Settings for local preview (`make serve`, `make html`).

`publishconf.py` imports everything from here and changes only what differs on
the deployed site.  Every setting of the paper lives in these two files.
"""

import logging
import os
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

# The CMS at /admin/ (plugins/admin_cms.py; README, "Editing in the browser"):
# Decap CMS from admin/node_modules (npm ci --prefix admin, pinned in
# admin/package-lock.json) and our admin/index.html and admin/lantern-cms.js.
# CMS_PATH = "" builds the site without it.
CMS_PATH = "admin"
CMS_SOURCE = "admin"
CMS_BUNDLE = "admin/node_modules/decap-cms/dist"
# Production: the GitHub repository the CMS commits to (owner/name; GitHub
# Actions sets GITHUB_REPOSITORY), its branch, and the OAuth client that logs
# editors in (CMS_AUTH_BASE_URL, e.g. https://auth.example.org; Decap's
# default is Netlify's).  Every story is a pull request (editorial workflow).
CMS_GITHUB_REPO = os.environ.get("CMS_GITHUB_REPO") or os.environ.get("GITHUB_REPOSITORY", "")
CMS_GITHUB_BRANCH = os.environ.get("CMS_GITHUB_BRANCH", "main")
CMS_AUTH_BASE_URL = os.environ.get("CMS_AUTH_BASE_URL", "")
CMS_AUTH_ENDPOINT = os.environ.get("CMS_AUTH_ENDPOINT", "auth")
CMS_PUBLISH_MODE = "editorial_workflow"
# make serve: the CMS saves into content/ through Decap's local backend
# (decap-server, started by tools/serve.py on 127.0.0.1), no login, no git.
CMS_LOCAL_BACKEND = True

PLUGIN_PATHS = ["plugins"]
# Our plugins import helpers from one another (`from editions import
# is_main_site`).  Pelican loads PLUGIN_PATHS modules without putting the
# folder on sys.path, which would make those imports depend on PLUGINS order.
_PLUGIN_FOLDER = str(Path(__file__).resolve().parent / "plugins")
if _PLUGIN_FOLDER not in sys.path:
    sys.path.append(_PLUGIN_FOLDER)
# Pelican with its story lists (tags, sections, authors, archives,
# translations) made in linear time (plugins/linear_lists.py) and each
# edition's pages rendered on every core (plugins/parallel_pages.py).
PELICAN_CLASS = "parallel_pages.ParallelPelican"
PLUGINS = [
    "build_log",  # first: every warning and error of what follows reaches the editor
    "validation",
    "scheduled",  # before i18n_subsites: held stories never reach an edition
    "build_record",  # when this build's pages go stale by time alone (tools/uptodate.py)
    "i18n_subsites",
    "read_once",
    "shared_read",  # the Urdu edition builds its stories from the main edition's reads
    "fixed_urls",
    "dates",
    "edition_typography",  # before the plugins that read titles and summaries
    "corrections",  # after dates
    "authors",  # after i18n_subsites: pairs the editions' bylines
    "drafts",  # after i18n_subsites: each edition keeps its own drafts
    "reading_time",
    "front_page",
    "plain_titles",
    "body_html",  # after plain_titles: it wraps the Markdown reader plain_titles installs
    "editions",
    "photos",
    "sitemap",
    "feeds",
    "todays_paper",
    "archives",
    "related_stories",
    "structured_data",
    "urdu_font",  # the Urdu font's preload link; the subset starts when the Urdu edition is written
    "pipeline",  # the steps after the pages, PIPELINE_STEPS below
    "progress",  # after pipeline: the progress line ends when the build does
]

# What the build does once both editions are written, in this order
# (plugins/pipeline.py); publishconf.py adds minification and compressed
# copies, make serve leaves out the fingerprints and indexes in the background.
PIPELINE_STEPS = [
    "urdu_font",  # the font subset, from the Urdu pages' text
    "search_index",  # Pagefind, over the pages as rendered
    "admin",  # /admin/: not indexed; before headers, which lists it
    "headers",  # _headers: lists every top-level entry of the output
    "fingerprint",  # last of make html's: hashes the final bytes of the stylesheet, scripts and font
]

TYPOGRIFY = True

# Stories and pages are Markdown only: Pelican's reStructuredText and HTML
# readers are off (plugins/validation.py refuses such files with a message
# instead of leaving them unread or unchecked; and Docutils, which has no
# Urdu, would warn about it on every build).
READERS = {"rst": None, "html": None, "htm": None}
# Pelican's test is the bare file name: ".*" leaves out hidden files (editor
# swap and lock files, .DS_Store) everywhere, as the checks do.
IGNORE_FILES = [".*"]
# The preview has no SITEURL, so its feeds carry site-relative links on
# purpose; the publish build (publishconf.py) sets one.  Pelican would warn
# about it on every `make serve` and `make html`.
LOG_FILTER = [(logging.WARNING, "Feeds generated without SITEURL or FEED_DOMAIN set properly may not be valid")]
# Photos (plugins/photos.py): every photo a story shows is published as
# WebP at these widths (never wider than the file), with a JPEG fallback (PNG
# for photos with transparency), under /media/ with a content hash in the name.
PHOTO_WIDTHS = [400, 800, 1200, 1600]
PHOTO_WEBP_QUALITY = 75
PHOTO_JPEG_QUALITY = 80
# Larger files (a 50 MP photo is 8660 x 5773 px) are refused: scale them down.
PHOTO_MAX_MEGAPIXELS = 50
PHOTO_OUTPUT_DIR = "media"
# Encoded variants are kept in CACHE_PATH/photos/; unused ones go after this.
PHOTO_CACHE_DAYS = 30

# Checked by plugins/validation.py before anything is built.  Metadata keys an
# editor may use (a typo such as "Titel" stops the build with a suggestion):
METADATA_KEYS = [
    "Title", "Date", "Modified", "Category", "Tags", "Slug", "Summary",
    "Lang", "Translated_From", "Status", "Template",
    "Author", "Authors", "Correction", "Correction_Date",
]
# A story's lead photo (plugins/photos.py; README, "Photos"): a file beside
# the story, its alt text (required with Image), caption and credit.
METADATA_KEYS += ["Image", "Image_Alt", "Image_Caption", "Image_Credit"]
# A story dated after the build (SOURCE_DATE_EPOCH, else now) is scheduled:
# left out of the site until a build after its date (plugins/scheduled.py).
# A Date more than this many days ahead is taken for a typo (a wrong year).
SCHEDULE_MAX_DAYS_AHEAD = 366
# A Modified or Correction_Date more than this after the build time (and
# after the story's Date) is a mistake: an update is dated when it is made.
FUTURE_DATE_MARGIN_HOURS = 24
# Longer summaries are cut in search results (a warning; STRICT=1 fails).
META_DESCRIPTION_MAX_LENGTH = 160
# `Template:` a story or page may name (theme/templates/<name>.html).
STORY_TEMPLATES = {"article": ["article"], "page": ["page"]}
# Limits on one content file, so that no file can stall a build: its size,
# how deep lists and quotes (and, after Markdown, HTML elements: twice this
# plus ten) may nest, and the seconds Pelican may spend reading it.  A
# 5,000-level list took Markdown 13 minutes; a long story is 50 kB.
MAX_SOURCE_BYTES = 1_000_000
MAX_NESTING_DEPTH = 20
MAX_CONVERSION_SECONDS = 30
# What a story's body HTML outside the allowed set does (plugins/body_html.py):
# "error" stops the build with path:line; "warning" removes it and says so.
BODY_HTML_UNSAFE = "error"
# Paths written by something other than a Pelican setting: no story, page or
# tag may take them.  /admin/ is the CMS (issue 17); _headers is written by
# plugins/deploy_headers.py.  Everything else the site writes is reserved by
# its own setting (plugins/validation.py: reserved_names).
RESERVED_PATHS = ["admin", "_headers"]

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
# "C", "C++" and "C#" get /tag/c/, /tag/c-plus-plus/, /tag/c-sharp/ (Pelican's
# default rules would give all three /tag/c/); then Pelican's own rules.
TAG_REGEX_SUBSTITUTIONS = [
    (r"(?<=\w)\+\+", " plus plus "),
    (r"(?<=\w)\+", " plus "),
    (r"(?<=\w)#", " sharp "),
    (r"[^\w\s-]", ""),
    (r"(?u)\A\s*", ""),
    (r"(?u)\s*\Z", ""),
    (r"[-\s]+", "-"),
]
TAG_SAVE_AS = TAG_URL + "index.html"
TAGS_URL = "tag/"
TAGS_SAVE_AS = TAGS_URL + "index.html"
ARCHIVES_URL = "archive/"
ARCHIVES_SAVE_AS = ARCHIVES_URL + "index.html"
YEAR_ARCHIVE_URL = "archive/{date:%Y}/"
YEAR_ARCHIVE_SAVE_AS = YEAR_ARCHIVE_URL + "index.html"
MONTH_ARCHIVE_URL = "archive/{date:%Y}/{date:%m}/"
MONTH_ARCHIVE_SAVE_AS = MONTH_ARCHIVE_URL + "index.html"
# Bylines (`Authors:`): a page per author in each edition, an index of
# authors, and a feed per author.  An author has the same slug in every
# edition (plugins/authors.py), as a section does.
AUTHOR_URL = "author/{slug}/"
AUTHOR_SAVE_AS = AUTHOR_URL + "index.html"
AUTHORS_URL = "author/"
AUTHORS_SAVE_AS = AUTHORS_URL + "index.html"

# Drafts (`Status: draft`) are written only when SHOW_DRAFTS is true, as
# `make serve` sets it (tools/incremental.py): at the URL they will have when
# published, marked "Draft" and noindex, and listed at DRAFTS_URL.  Never in
# `make publish` (plugins/drafts.py).
SHOW_DRAFTS = False
DRAFT_SAVE_AS = ""
DRAFT_LANG_SAVE_AS = ""
DRAFTS_URL = "drafts/"
DRAFTS_SAVE_AS = DRAFTS_URL + "index.html"

DIRECT_TEMPLATES = ["index", "archives", "categories", "tags", "authors", "404", "robots", "search"]
ROBOTS_SAVE_AS = "robots.txt"
SITEMAP_SAVE_AS = "sitemap.xml"
SEARCH_URL = "search/"
SEARCH_SAVE_AS = SEARCH_URL + "index.html"
# Pagefind's bundle (index and scripts), written into the output by the
# `search_index` step (plugins/pipeline.py); one bundle for both editions, one
# index per language.
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
# Stories a page: sections, topics and authors (a front page of cards),
# archives (one line a story; /archive/, /archive/YYYY/, /archive/YYYY/MM/).
PAGINATED_TEMPLATES = {"category": 20, "tag": 20, "author": 20, "archives": 50, "period_archives": 50}
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
AUTHOR_FEED_ATOM = "feeds/author/{slug}.atom.xml"
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
# the main site; `locale` is the edition's OpenGraph locale; `text_locale` the
# Babel locale of text the plugins write (a list of names: "A, B and C").
# `digits` (plugins/dates.py, plugins/edition_typography.py) is the CLDR
# numbering system of every number the edition prints, dates and story text
# included: "latn" (0123…) or "arabext" (Extended Arabic-Indic ۰۱۲۳…).  The
# Urdu edition's default is "latn", as BBC Urdu, Dawn News and ARY print online;
# "arabext" is the style of many printed Urdu papers.
# `quotes` (plugins/edition_typography.py): opening and closing single, then
# double quotation marks.  Urdu opens with ’ and closes with ‘ (the English
# marks mirrored, as BBC Urdu and Dawn News print them).
EDITIONS = {
    "en": {"name": "English", "dir": "ltr", "path": "", "locale": "en_US", "text_locale": "en_PK",
           "digits": "latn", "quotes": "‘’“”"},
    "ur": {"name": "اردو", "dir": "rtl", "path": "ur", "locale": "ur_PK", "text_locale": "ur_PK",
           "digits": "latn", "quotes": "’‘”“"},
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
        # A file a story links with {static} (a PDF, content/extra) is
        # published once, at the main edition's address, and the Urdu edition
        # links that copy.  Static files are Lang "en" (DEFAULT_METADATA), so
        # in this subsite they use the *_LANG_* settings, which Pelican does
        # not define (without them: KeyError: 'STATIC_LANG_SAVE_AS').  Photos
        # never come here: plugins/photos.py publishes them under /media/.
        "STATIC_LANG_URL": "../" * len(EDITIONS["ur"]["path"].split("/")) + "{path}",
        "STATIC_LANG_SAVE_AS": "../" * len(EDITIONS["ur"]["path"].split("/")) + "{path}",
        "CATEGORY_REGEX_SUBSTITUTIONS": [
            (rf"^{section['ur']}$", section["slug"]) for section in SECTIONS
        ] + _SLUG_CLEANUP,
    },
}
