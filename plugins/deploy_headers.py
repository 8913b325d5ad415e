"""The ``_headers`` file of Netlify and Cloudflare Pages, written into the output.

On the main site's ``finalized`` signal, this plugin copies ``DEPLOY_HEADERS``
(``deploy/_headers``: security headers for every path, a year of immutable
caching for the fingerprinted ``/theme/*`` files and the content-named photos
in ``/media/*``) to ``<OUTPUT_PATH>/_headers`` and appends
``Cache-Control: no-cache`` (revalidate on every visit) and
``Cross-Origin-Resource-Policy: cross-origin`` (other sites, such as feed
readers, may show our pages' images) for every other top-level file and
folder of the built site.

Why the page rules are generated: both hosts apply every rule that matches a
path and join repeated headers with commas, so a ``Cache-Control`` under
``/*`` would be added to the theme's one; the page rules must not overlap
``/theme/*``, and the site's top-level folders (one per year, one per
edition...) are only known once it is built.  deploy/nginx.conf says the same
with two ``location`` blocks.

Settings read: ``DEPLOY_HEADERS``, ``THEME_STATIC_DIR``, ``PHOTO_OUTPUT_DIR``, ``EDITIONS``,
``DEFAULT_LANG``, ``OUTPUT_PATH``.
"""

from pathlib import Path

from pelican import signals

from editions import is_main_site

PAGE_CACHE_CONTROL = "no-cache"
# Pages, feeds and photos may be shown by other sites (feed readers); the
# theme's files may not (deploy/_headers sends "same-origin" for /theme/*).
PAGE_RESOURCE_POLICY = "cross-origin"


def page_rules(output, immutable_folders):
    rules = ["/", "/index.html"] if (output / "index.html").exists() else []
    for entry in sorted(output.iterdir(), key=lambda path: path.name):
        if entry.name in (*immutable_folders, "_headers", "index.html") or entry.name.startswith("."):
            continue
        rules.append(f"/{entry.name}/*" if entry.is_dir() else f"/{entry.name}")
    return rules


def write_headers(pelican):
    settings = pelican.settings
    if not is_main_site(settings):
        return
    source = Path(settings.get("DEPLOY_HEADERS", "deploy/_headers"))
    output = Path(settings["OUTPUT_PATH"])
    lines = [source.read_text(encoding="utf-8").rstrip("\n"), "",
             "# Pages, feeds and other files without a fingerprint: revalidate on every visit.",
             "# (Written by plugins/deploy_headers.py from the top level of the built site.)"]
    immutable = (settings["THEME_STATIC_DIR"], settings.get("PHOTO_OUTPUT_DIR", "media"))
    for rule in page_rules(output, immutable):
        lines += [rule, f"  Cache-Control: {PAGE_CACHE_CONTROL}",
                  f"  Cross-Origin-Resource-Policy: {PAGE_RESOURCE_POLICY}"]
    (output / "_headers").write_text("\n".join(lines) + "\n", encoding="utf-8")


def register():
    signals.finalized.connect(write_headers)
