"""Settings for the deployed site (`make publish`).

SITEURL is read from the environment so that the same build can be deployed
at a domain root or under a sub-path (for example a GitHub Pages project site).

The deployed site is also minified (plugins/minify_site.py: pages and the
stylesheet through minify-html) and precompressed (plugins/compressed_copies.py:
a `.br` and a `.gz` next to every text file, for servers that send
precompressed files, such as nginx's `gzip_static`/`brotli_static`): the last
of the steps after the pages (PIPELINE_STEPS, plugins/pipeline.py), so the
sitemap, the Urdu font subset, the search bundle and the minified pages are
written before it.
"""

import os
import sys

sys.path.append(os.curdir)
from pelicanconf import *  # noqa: E402,F403

SITEURL = os.environ.get("SITEURL", "https://lantern-gazette.example").rstrip("/")
RELATIVE_URLS = False
FEED_DOMAIN = SITEURL
DELETE_OUTPUT_DIRECTORY = True
# The deployed /admin/ logs in to GitHub (CMS_GITHUB_REPO); no local backend.
CMS_LOCAL_BACKEND = False

# pelicanconf.py's steps (plugins/pipeline.py), with the pages and stylesheet
# minified before their names are hashed, and compressed copies of the result;
# pages written as the live site's were are its files, linked, not finished
# again (plugins/unchanged_pages.py).
PIPELINE_STEPS = ["urdu_font", "search_index", "admin", "headers", "unchanged_pages", "minify", "fingerprint",
                  "compressed_copies", "link_unchanged_pages"]
# plugins/minify_site.py: pages (end tags kept) and the stylesheet through
# minify-html, which keeps the markup valid (no unquoted attribute values that
# the HTML standard forbids).  Scripts are left as written: ours are small and
# Pagefind's are minified already.
HTML_MIN = True
CSS_MIN = True
INLINE_CSS_MIN = True
INLINE_JS_MIN = True
PRECOMPRESS_GZIP = True
PRECOMPRESS_BROTLI = True
PRECOMPRESS_MIN_SIZE = 20
PRECOMPRESS_TEXT_EXTENSIONS = {".atom", ".css", ".html", ".js", ".json", ".svg", ".txt", ".xml"}
# plugins/compressed_copies.py: brotli 11 (45 times slower than 6, about 13 %
# smaller) only for the stylesheet, scripts and icon, which are few and cached
# for a year; pages and feeds use 6, nginx's default brotli_comp_level; files
# over 1 MB (the CMS's script) at most 6 (PRECOMPRESS_BROTLI_LARGE_FILE_*).
PRECOMPRESS_BROTLI_QUALITY = {".atom": 6, ".html": 6, ".json": 6, ".txt": 6, ".xml": 6}
