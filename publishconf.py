"""Settings for the deployed site (`make publish`).

SITEURL is read from the environment so that the same build can be deployed
at a domain root or under a sub-path (for example a GitHub Pages project site).
"""

import os
import sys

sys.path.append(os.curdir)
from pelicanconf import *  # noqa: E402,F403

SITEURL = os.environ.get("SITEURL", "https://lantern-gazette.example").rstrip("/")
RELATIVE_URLS = False
FEED_DOMAIN = SITEURL
DELETE_OUTPUT_DIRECTORY = True
