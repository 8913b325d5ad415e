"""The editors' CMS at ``/admin/``: Decap CMS, served from the site itself.

The ``admin`` step of ``pipeline`` (after every edition and the search
index, before ``headers`` lists the output's folders, before fingerprinting
and compression) writes ``<OUTPUT_PATH>/<CMS_PATH>/``:

* ``index.html``: from ``admin/index.html`` (Jinja): ``noindex``, the site's
  stylesheet named inside a ``<template>`` (the preview's stylesheet: the
  ``fingerprint`` step renames it there as in every page, so the preview
  finds the hashed name of a publish build), then our script and Decap's;
* ``config.json``: Decap's configuration, generated from the settings (below);
* ``lantern-cms.js``: our extension (``admin/lantern-cms.js``): the Pelican
  metadata format, right-to-left widgets, the preview, the checks before a
  save, then ``CMS.init``;
* Decap's prebuilt bundle, copied from ``CMS_BUNDLE`` (npm ``decap-cms``,
  pinned in ``admin/package-lock.json``; ``make serve``/``make publish``
  install it with ``npm ci --prefix admin``): ``decap-cms.js``, the chunks it
  loads on demand (``<n>.decap-cms.js``) and its WebAssembly files; no source
  maps and none of the ``cms.js`` duplicates.

The configuration writes exactly our files (TEAM.md's metadata contract): one
collection for the stories of ``DEFAULT_LANG`` (``<folder>/YYYY/<slug>.md``)
and one per other edition of ``EDITIONS`` (``<slug>.<lang>.md``, same folder,
``Lang`` and ``Translated_From`` set by hidden fields, ``Slug`` chosen among
the originals).  A field is offered for every key of ``METADATA_KEYS`` that
``CMS_FIELDS`` describes (a key the build does not accept is never offered),
sections come from ``SECTIONS`` in the collection's language, the photo is
saved beside the story (``media_folder: ""``).  In production the GitHub
backend with the editorial workflow (every story a pull request); with
``CMS_LOCAL_BACKEND`` (``make serve``), Decap's local backend, which
tools/serve.py proxies at ``/admin/api/v1``.

A missing bundle fails the build with the command that installs it; a site
without the CMS sets ``CMS_PATH = ""``.

Why our own: no Pelican plugin ships a Git CMS; Decap's config must follow
our settings (sections, editions, metadata keys) rather than repeat them.

Settings read: ``CMS_PATH``, ``CMS_SOURCE``, ``CMS_BUNDLE``, ``CMS_FIELDS``,
``CMS_GITHUB_REPO``, ``CMS_GITHUB_BRANCH``, ``CMS_AUTH_BASE_URL``,
``CMS_AUTH_ENDPOINT``, ``CMS_LOCAL_BACKEND``, ``CMS_PUBLISH_MODE``, ``PATH``,
``ARTICLE_PATHS``, ``ARTICLE_URL``, ``METADATA_KEYS``, ``SECTIONS``,
``EDITIONS``, ``DEFAULT_LANG``, ``TIMEZONE``, ``SITENAME``, ``SITEURL``,
``META_DESCRIPTION_MAX_LENGTH``, and ``THEME_URL``,
``STYLESHEET``, ``MAIN_SITEURL`` (from ``editions``).
"""

import json
import re
import shutil
from pathlib import Path
from urllib.parse import urlsplit

import jinja2

from editions import main_lang

ROOT = Path(__file__).resolve().parent.parent
MODEL_DATE_FORMAT = "YYYY-MM-DDTHH:mm[Z]"  # Karachi wall-clock time; see admin/lantern-cms.js
SLUG_PATTERN = r"^(?=.{1,120}$)[a-z0-9]+(?:-[a-z0-9]+)*$"
# No control characters, line separators or bidi embeddings (plugins/validation.py).
PLAIN_TEXT_PATTERN = r"^[^\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e]*$"


class CmsBundleMissing(RuntimeError):
    pass


def text_field(name, label, hint="", required=False, pattern=None):
    field = {"name": name, "label": label, "widget": "string", "required": required}
    if hint:
        field["hint"] = hint
    if pattern:
        field["pattern"] = pattern
    return field


def date_field(name, label, hint, required=False):
    return {"name": name, "label": label, "widget": "datetime", "required": required,
            "format": MODEL_DATE_FORMAT, "hint": hint}


def field_for(key, lang, settings, original=False):
    """The Decap field for metadata `key` in a collection of language `lang`;
    None for a key this form does not offer."""
    sections = [section[lang] for section in settings.get("SECTIONS", []) if lang in section]
    summary_limit = settings.get("META_DESCRIPTION_MAX_LENGTH", 160)
    zone = settings.get("TIMEZONE", "UTC")
    plain = [PLAIN_TEXT_PATTERN, "no control or direction characters (retype the text if you pasted it)"]
    fields = {
        "title": text_field("title", "Title", "The headline, as it should appear.", True, plain),
        "date": {**date_field("date", "Date", f"Time in {zone}. A date in the future schedules the story.", True)},
        "modified": date_field("modified", "Updated", f"Optional: when the story was last changed, in {zone}."),
        "category": {"name": "category", "label": "Section", "widget": "select", "options": sections},
        "tags": {"name": "tags", "label": "Tags", "widget": "list", "required": False,
                 "hint": "Topics, separated by commas."},
        "authors": {"name": "authors", "label": "Byline", "widget": "list", "required": False,
                    "hint": "One or several names, separated by commas. Leave empty for no byline."},
        "summary": text_field("summary", "Summary",
                              f"One or two sentences for the front page and search results: at most "
                              f"{summary_limit} characters (search engines cut longer ones).",
                              False, [rf"^[^\u0000-\u001f\u2028\u2029\u202a-\u202e]{{0,{summary_limit}}}$",
                                      f"at most {summary_limit} characters, on one line"]),
        "image": {"name": "image", "label": "Lead photo", "widget": "image", "required": False,
                  "choose_url": not original,
                  "hint": "Saved beside the story." if original else
                          "The original's photo: choose it, or type its file name (photo.jpg)."},
        "image_alt": text_field("image_alt", "Photo description (alt text)",
                                "Required with a photo: what the photo shows, for readers who cannot see it.",
                                False, plain),
        "image_caption": text_field("image_caption", "Photo caption", "", False, plain),
        "image_credit": text_field("image_credit", "Photo credit", "Photographer / Agency", False, plain),
        "status": {"name": "status", "label": "Status", "widget": "select", "default": "published",
                   "options": [{"label": "Published", "value": "published"},
                               {"label": "Draft (not on the site)", "value": "draft"}]},
        "correction": text_field("correction", "Correction",
                                 "Optional: the correction note shown under the story.", False, plain),
        "correction_date": date_field("correction_date", "Correction date",
                                      f"Required with a correction, in {zone}; not before the story's Date."),
    }
    if key == "slug" and original:
        return {"name": "slug", "label": "Slug", "widget": "string", "pattern": [
            SLUG_PATTERN, "lower-case English words and digits joined by hyphens (at most 120 characters)"],
            "hint": "The story's address and file name, e.g. budget-vote-delayed. Translations use the same."}
    if key == "slug":
        return {"name": "slug", "label": "Translation of", "widget": "relation",
                "collection": settings["DEFAULT_LANG"], "value_field": "slug",
                "search_fields": ["title", "slug"], "display_fields": ["title"],
                "hint": "The story this one translates: it gets the same Slug and lives beside it."}
    if key == "tags" and not original:
        fields["tags"]["hint"] = "Topics in this language, separated by commas."
    return fields.get(key)


# Widgets that lantern-cms.js also registers as `<name>_rtl` (right to left).
RTL_WIDGETS = {"string", "list", "select", "markdown"}
# The order of the form (and of the lines our format writes: admin/lantern-cms.js).
FORM_ORDER = ["title", "slug", "date", "category", "summary", "authors", "tags",
              "image", "image_alt", "image_caption", "image_credit",
              "status", "modified", "correction", "correction_date"]


def collection(lang, settings, folder, original):
    accepted = {key.lower() for key in settings.get("METADATA_KEYS", [])}
    if "author" in accepted:
        accepted.add("authors")
    edition = settings.get("EDITIONS", {}).get(lang, {})
    fields = [field_for(key, lang, settings, original) for key in FORM_ORDER if key in accepted]
    fields = [field for field in fields if field]
    if edition.get("dir") == "rtl":
        # Typed right to left, in the edition's language (admin/lantern-cms.js).
        for field in fields:
            if field["widget"] in RTL_WIDGETS:
                field["widget"] += "_rtl"
    default_lang = settings["DEFAULT_LANG"]
    fields.append({"name": "lang", "widget": "hidden", "default": lang})
    if not original:
        fields.append({"name": "translated_from", "widget": "hidden", "default": default_lang})
    fields.append({"name": "body", "label": "Story", "widget": "markdown_rtl" if edition.get("dir") == "rtl" else "markdown",
                   "hint": "Start with the dateline in bold (Ctrl+B): **KARACHI:** First paragraph…"})
    name = edition.get("name", lang)
    article_url = settings.get("ARTICLE_URL", "{slug}.html")
    preview = (article_url.replace("{date:%Y}", "{{year}}").replace("{date:%m}", "{{month}}")
               .replace("{date:%d}", "{{day}}").replace("{slug}", "{{fields.slug}}"))
    prefix = f"{edition.get('path', '')}/".lstrip("/")
    return {
        "name": lang,
        "label": f"Stories ({name})" if original else f"Translations ({name})",
        "label_singular": "story" if original else f"{name} translation",
        "description": ("Stories of the paper, one file each." if original else
                        f"The {name} edition: a translation of an existing story, in the same folder."),
        "folder": folder,
        "path": "{{year}}/{{slug}}",
        "slug": "{{fields.slug}}",
        "identifier_field": "title",
        "extension": "md" if original else f"{lang}.md",
        "format": "pelican",
        "create": True,
        "filter": {"field": "lang", "value": lang},
        "media_folder": "",
        "public_folder": "",
        "preview_path": prefix + preview,
        "summary": "{{title}} ({{year}}-{{month}}-{{day}})",
        "sortable_fields": ["date", "title", "category"],
        "fields": fields,
    }


def cms_config(settings):
    content = Path(settings["PATH"])
    folder = f"{content.name}/{settings['ARTICLE_PATHS'][0]}".rstrip("/")
    default_lang = settings["DEFAULT_LANG"]
    backend = {"name": "github", "repo": settings.get("CMS_GITHUB_REPO", ""),
               "branch": settings.get("CMS_GITHUB_BRANCH", "main"),
               "squash_merges": True}
    if settings.get("CMS_AUTH_BASE_URL"):
        backend["base_url"] = settings["CMS_AUTH_BASE_URL"]
        backend["auth_endpoint"] = settings.get("CMS_AUTH_ENDPOINT", "auth")
    config = {
        "load_config_file": False,
        "backend": backend,
        "publish_mode": settings.get("CMS_PUBLISH_MODE", "editorial_workflow"),
        "media_folder": folder,
        "public_folder": "",
        "site_url": settings.get("MAIN_SITEURL", settings.get("SITEURL", "")) or "/",
        "slug": {"encoding": "ascii", "clean_accents": True, "sanitize_replacement": "-"},
        "collections": [collection(default_lang, settings, folder, original=True)]
                       + [collection(lang, settings, folder, original=False)
                          for lang in settings.get("EDITIONS", {}) if lang != default_lang],
    }
    if settings.get("CMS_LOCAL_BACKEND"):
        config["local_backend"] = True  # lantern-cms.js points it at /admin/api/v1 on this host
    return config


def bundle_files(bundle):
    """Decap's files to serve: the bundle, its chunks and WebAssembly files."""
    names = sorted(path.name for path in bundle.iterdir() if path.is_file())
    return [name for name in names if re.fullmatch(r"(?:\d+\.)?decap-cms\.js|[0-9a-f]+\.wasm", name)]


def write_admin(output, settings):
    """The pipeline's ``admin`` step."""
    if not settings.get("CMS_PATH"):
        return
    source = ROOT / settings.get("CMS_SOURCE", "admin")
    bundle = ROOT / settings.get("CMS_BUNDLE", "admin/node_modules/decap-cms/dist")
    if not (bundle / "decap-cms.js").is_file():
        raise CmsBundleMissing(
            f"the CMS bundle {bundle / 'decap-cms.js'} is missing: run `npm ci --prefix admin` "
            "(make serve and make publish do), or set CMS_PATH = \"\" to build without /admin/")
    target = Path(output) / settings["CMS_PATH"]
    target.mkdir(parents=True, exist_ok=True)
    for name in bundle_files(bundle):
        shutil.copyfile(bundle / name, target / name)
    shutil.copyfile(source / "lantern-cms.js", target / "lantern-cms.js")
    config = cms_config(settings)
    (target / "config.json").write_text(json.dumps(config, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    environment = jinja2.Environment(loader=jinja2.FileSystemLoader(str(source)), autoescape=True,
                                     keep_trailing_newline=True)
    page = environment.get_template("index.html").render(
        sitename=settings["SITENAME"], default_lang=settings["DEFAULT_LANG"],
        main_lang=main_lang(settings), time_zone=settings.get("TIMEZONE", "UTC"),
        stylesheet=f"{settings['THEME_URL']}/{settings['STYLESHEET']}",
        site_url=settings.get("MAIN_SITEURL", settings.get("SITEURL", "")),
        # Root-relative: this page's own host serves it (its CSP allows no other).
        site_path=urlsplit(settings.get("MAIN_SITEURL", settings.get("SITEURL", ""))).path.rstrip("/"),
        editions={lang: {"dir": edition.get("dir", "ltr"), "path": edition.get("path", "")}
                  for lang, edition in settings.get("EDITIONS", {}).items()})
    (target / "index.html").write_text(page, encoding="utf-8")

