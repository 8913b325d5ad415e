"""Every content file is checked before anything is written.

When the main site is initialised (the ``initialized`` signal, before any
generator reads a file or anything is written), this plugin reads every
Markdown file of ``ARTICLE_PATHS`` and ``PAGE_PATHS`` itself, as bytes, so that
it can report the line of each problem and files that are not UTF-8, which
Pelican only logs before carrying on.  It prints every problem of the build,
one per line on stderr, as::

    content/articles/2018/story.md:3: what is wrong and how to fix it

(the path relative to the project root, or to the content folder's parent when
the content folder is elsewhere), then stops the build with exit status 1.
tools/build.py builds into a staging folder, so ``output/`` is untouched.

Why a plugin and not a check in tools/build.py: it runs whatever starts
Pelican (``make serve``, ``make publish``, a bare ``pelican`` command), with
the very settings Pelican was given.  Why our own: no maintained plugin for
Pelican 4.12 checks metadata.

Errors (the build fails):

* the file is not valid UTF-8;
* an unknown metadata key (the nearest valid key is suggested);
* Title missing or empty; control characters, line separators or bidi
  embedding/override characters (U+202A to U+202E) in Title, Summary, Tags,
  Category or Slug;
* Date missing, not ISO 8601 (``YYYY-MM-DD`` or ``YYYY-MM-DD HH:MM``), or more
  than ``FUTURE_DATE_MARGIN_HOURS`` after the build time (``SOURCE_DATE_EPOCH``
  when set); Modified not ISO 8601;
* ``Lang`` not one of ``EDITIONS``; ``Category`` missing or not the name of a
  section of ``SECTIONS`` in the article's language;
* two files of one language with the same slug, or a slug too long for a
  file name; a title (without Slug) or a tag that gives an empty slug (its
  page would overwrite a listing);
* ``Translated_From: xx`` with no article in language ``xx`` with the same slug;
* an empty body;
* a ``Template`` that is not a template of the theme;
* a link or image in the body to a file that is not in the content folder
  (``{filename}``, ``{static}``, ``{attach}`` or a relative path), or to a
  root-relative URL (``/2018/05/02/slug/``) that no story, page, section,
  static file or listing of the site has.

Warnings (printed with ``warning:``; they fail the build only when ``STRICT=1``
is in the environment, as ``tools/build.py --strict`` sets it, or the
``STRICT`` setting is true): a Summary longer than
``META_DESCRIPTION_MAX_LENGTH`` characters, which search engines cut.

Settings read: ``PATH``, ``ARTICLE_PATHS``, ``PAGE_PATHS``, ``IGNORE_FILES``,
``STATIC_PATHS``, ``EXTRA_PATH_METADATA``, ``METADATA_KEYS``, ``SECTIONS``,
``EDITIONS``, ``DEFAULT_LANG``, ``TIMEZONE``, ``FUTURE_DATE_MARGIN_HOURS``,
``META_DESCRIPTION_MAX_LENGTH``, ``STRICT``, ``ARTICLE_URL``, ``PAGE_URL``,
``CATEGORY_URL``, ``SLUG_REGEX_SUBSTITUTIONS``, ``SLUGIFY_USE_UNICODE``,
``I18N_SUBSITES``, ``THEME``.
"""

import difflib
import fnmatch
import os
import re
import sys
import unicodedata
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from types import SimpleNamespace
from zoneinfo import ZoneInfo

from pelican import signals
from pelican.utils import slugify

from editions import is_main_site

DEFAULT_METADATA_KEYS = [
    "Title", "Date", "Modified", "Category", "Tags", "Slug", "Summary",
    "Lang", "Translated_From", "Status", "Template",
]
MARKDOWN_EXTENSIONS = (".md", ".markdown", ".mkd", ".mdown")
MAX_SLUG_BYTES = 200

# The Markdown `meta` extension's grammar, which Pelican's reader uses.
META_LINE = re.compile(r"^[ ]{0,3}(?P<key>[A-Za-z0-9_-]+):\s*(?P<value>.*)$")
META_CONTINUATION = re.compile(r"^[ ]{4,}(?P<value>.*)$")
META_FENCE = re.compile(r"^-{3}(\s.*)?$")
META_END = re.compile(r"^(-{3}|\.{3})(\s.*)?$")

INLINE_LINK = re.compile(r"!?\[[^\]]*\]\(\s*<?(?P<target>[^)\s>]+)>?(?:\s+[\"'(][^)]*)?\)")
REFERENCE_DEFINITION = re.compile(r"^\s{0,3}\[[^\]]+\]:\s*<?(?P<target>[^\s>]+)>?")
HTML_LINK = re.compile(r"\b(?:href|src)\s*=\s*[\"'](?P<target>[^\"']+)[\"']", re.I)
PELICAN_LINK = re.compile(r"^(?:\{(?P<what>\w+)\}|\|(?P<old>\w+)\|)(?P<path>.*)$")
CODE_FENCE = re.compile(r"^\s{0,3}(```|~~~)")
EXTERNAL = re.compile(r"^(?:[a-zA-Z][a-zA-Z0-9+.-]*:|//|#)")
LISTING_PREFIXES = ("archive/", "tag/", "section/", "feeds/")

UNSAFE_IN_TEXT = set(range(0x202A, 0x202F))  # LRE, RLE, PDF, LRO, RLO


@dataclass(order=True)
class Problem:
    path: str
    line: int
    message: str
    warning: bool = False

    def __str__(self):
        prefix = "warning: " if self.warning else ""
        return f"{self.path}:{self.line}: {prefix}{self.message}"


@dataclass
class Source:
    """One Markdown file as an editor wrote it."""

    path: Path
    shown: str
    kind: str  # "article" or "page"
    metadata: dict = field(default_factory=dict)  # key -> (line, value)
    body: list = field(default_factory=list)  # [(line, text)]
    header_end: int = 1

    def value(self, key):
        return self.metadata.get(key, (None, None))[1]

    def line_of(self, key, default=1):
        return self.metadata.get(key, (default, None))[0]


def shown_path(path, content_root):
    """The path as printed: relative to the working directory (the project
    root) when it is inside it, else relative to the content folder's parent."""
    path = Path(path).resolve()
    for base in (Path.cwd().resolve(), Path(content_root).resolve().parent):
        try:
            return path.relative_to(base).as_posix()
        except ValueError:
            continue
    return path.as_posix()


def parse_markdown(text):
    """(metadata {key: (line, value)}, duplicate keys [(line, key)], body
    [(line, text)], line where the body starts), like the `meta` extension."""
    lines = text.splitlines()
    metadata, order, index = {}, [], 0
    if lines and META_FENCE.match(lines[0]):
        index = 1
    current = None
    while index < len(lines):
        line = lines[index]
        index += 1
        if not line.strip() or META_END.match(line):
            break
        match = META_LINE.match(line)
        if match:
            current = match["key"].lower()
            order.append((index, match["key"], current))
            metadata[current] = (index, match["value"].strip())
        elif current is not None and META_CONTINUATION.match(line):
            line_number, value = metadata[current]
            metadata[current] = (line_number, f"{value} {line.strip()}".strip())
        else:
            index -= 1
            break
    body = [(number + 1, lines[number]) for number in range(index, len(lines))]
    return metadata, order, body, index + 1


def unsafe_characters(value):
    return sorted({
        char for char in value
        if unicodedata.category(char) in ("Cc", "Zl", "Zp") or ord(char) in UNSAFE_IN_TEXT
    })


def parse_iso_date(value, zone):
    moment = datetime.fromisoformat(value.strip().replace(" ", "T", 1))
    return moment if moment.tzinfo else moment.replace(tzinfo=zone)


def build_time(zone):
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    return datetime.fromtimestamp(int(epoch), tz=zone) if epoch else datetime.now(tz=zone)


def content_files(settings):
    root = Path(settings["PATH"])
    ignored = settings.get("IGNORE_FILES", [])
    for kind, setting in (("article", "ARTICLE_PATHS"), ("page", "PAGE_PATHS")):
        for folder in settings.get(setting, []):
            for path in sorted((root / folder).rglob("*")):
                relative = path.relative_to(root).as_posix()
                if path.suffix.lower() not in MARKDOWN_EXTENSIONS or not path.is_file():
                    continue
                if any(fnmatch.fnmatch(relative, pattern) or fnmatch.fnmatch(path.name, pattern) for pattern in ignored):
                    continue
                yield kind, path


class Validator:
    def __init__(self, settings):
        self.settings = settings
        self.root = Path(settings["PATH"])
        self.zone = ZoneInfo(settings.get("TIMEZONE", "UTC"))
        self.default_lang = settings["DEFAULT_LANG"]
        self.editions = settings.get("EDITIONS", {self.default_lang: {"path": ""}})
        self.sections = settings.get("SECTIONS", [])
        self.key_spelling = {key.lower(): key for key in settings.get("METADATA_KEYS", DEFAULT_METADATA_KEYS)}
        self.known_keys = list(self.key_spelling)
        self.problems = []
        self.sources = []

    def error(self, source, line, message):
        self.problems.append(Problem(source.shown if isinstance(source, Source) else source, line, message))

    def warn(self, source, line, message):
        self.problems.append(Problem(source.shown, line, message, warning=True))

    # -- reading ---------------------------------------------------------
    def read(self, kind, path):
        shown = shown_path(path, self.root)
        raw = path.read_bytes()
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as failure:
            line = raw.count(b"\n", 0, failure.start) + 1
            column = failure.start - (raw.rfind(b"\n", 0, failure.start) + 1) + 1
            self.error(shown, line, f"not valid UTF-8 (byte 0x{raw[failure.start]:02x} at column {column}); "
                                    "save the file with UTF-8 encoding")
            return None
        source = Source(path=path, shown=shown, kind=kind)
        metadata, order, body, body_start = parse_markdown(text.removeprefix("\ufeff"))
        source.metadata, source.body, source.header_end = metadata, body, body_start
        for line, written, key in order:
            if key not in self.known_keys:
                nearest = difflib.get_close_matches(key, self.known_keys, n=1, cutoff=0.6)
                hint = (f'did you mean "{self.key_spelling[nearest[0]]}"?' if nearest
                        else "valid keys: " + ", ".join(self.key_spelling.values()))
                self.error(source, line, f'unknown metadata key "{written}"; {hint}')
        return source

    # -- one file --------------------------------------------------------
    def lang_of(self, source):
        return (source.value("lang") or self.default_lang).strip()

    def slugify_as_pelican(self, source, text, setting="SLUG_REGEX_SUBSTITUTIONS"):
        """The slug Pelican makes of `text` in the source's edition."""
        overrides = self.settings.get("I18N_SUBSITES", {}).get(self.lang_of(source), {})
        def setting_of(name, default):
            return overrides.get(name, self.settings.get(name, default))
        subs = setting_of(setting, setting_of("SLUG_REGEX_SUBSTITUTIONS", []))
        return slugify(text, regex_subs=subs, use_unicode=setting_of("SLUGIFY_USE_UNICODE", False))

    def slug_of(self, source):
        slug = (source.value("slug") or "").strip()
        return slug or self.slugify_as_pelican(source, source.value("title") or "")

    def tags_of(self, source):
        return [tag.strip() for tag in (source.value("tags") or "").split(",") if tag.strip()]

    def check_file(self, source, now):
        title = source.value("title")
        if title is None:
            self.error(source, 1, "missing Title; add a line \"Title: the headline\" at the top of the file")
        elif not title.strip():
            self.error(source, source.line_of("title"), "empty Title; write the headline after \"Title:\"")
        for key in ("title", "summary", "tags", "category", "slug"):
            value = source.value(key)
            bad = unsafe_characters(value or "")
            if bad:
                names = ", ".join(f"U+{ord(c):04X} {unicodedata.name(c, 'control character')}" for c in bad)
                self.error(source, source.line_of(key),
                           f"{key.capitalize()} contains invisible control characters ({names}); "
                           "delete them (retype the line if you cannot see them)")

        lang = self.lang_of(source)
        if lang not in self.editions:
            self.error(source, source.line_of("lang"),
                       f'unknown Lang "{lang}"; use one of: {", ".join(self.editions)}')
        elif source.kind == "article":
            self.check_section(source, lang)
        self.check_dates(source, now)

        if not any(text.strip() for _, text in source.body):
            self.error(source, source.header_end, "the story has no body; write the text after the metadata "
                                                  "and one blank line")

        slug = self.slug_of(source)
        if not slug and (title or "").strip():
            self.error(source, source.line_of("title"),
                       "the Title has no letters or digits to make the URL from; add a Slug: of a few words")
        for tag in self.tags_of(source):
            if not self.slugify_as_pelican(source, tag, "TAG_REGEX_SUBSTITUTIONS"):
                self.error(source, source.line_of("tags"),
                           f'the tag "{tag}" has no letters or digits to make its URL from; reword it')
        if len(slug.encode()) > MAX_SLUG_BYTES:
            self.error(source, source.line_of("slug", source.line_of("title")),
                       f"the slug is {len(slug.encode())} bytes long, too long for a URL; "
                       f"give a Slug of a few words (at most {MAX_SLUG_BYTES} bytes)")

        template = source.value("template")
        if template is not None and self.settings.get("THEME"):
            available = sorted(path.stem for path in (Path(self.settings["THEME"]) / "templates").glob("*.html"))
            if template.strip() not in available:
                self.error(source, source.line_of("template"),
                           f'unknown Template "{template.strip()}"; use one of: {", ".join(available)} '
                           "(the templates in the theme), or leave the line out")

        summary = source.value("summary")
        limit = self.settings.get("META_DESCRIPTION_MAX_LENGTH", 160)
        if summary and len(summary) > limit:
            self.warn(source, source.line_of("summary"),
                      f"Summary is {len(summary)} characters; search results cut descriptions at {limit}, "
                      "shorten it")

    def check_dates(self, source, now):
        margin = timedelta(hours=self.settings.get("FUTURE_DATE_MARGIN_HOURS", 24))
        date = source.value("date")
        if source.kind == "article" and date is None:
            self.error(source, 1, "missing Date; add a line \"Date: YYYY-MM-DD\" (time optional: YYYY-MM-DD HH:MM)")
        for key in ("date", "modified"):
            value = source.value(key)
            if value is None:
                continue
            try:
                moment = parse_iso_date(value, self.zone)
            except ValueError:
                self.error(source, source.line_of(key),
                           f'{key.capitalize()} "{value}" is not a date; write it as YYYY-MM-DD or YYYY-MM-DD HH:MM')
                continue
            if moment > now + margin:
                self.error(source, source.line_of(key),
                           f"{key.capitalize()} {value} is in the future (the build's date is "
                           f"{now:%Y-%m-%d %H:%M}); correct the date, or publish the story later")

    def check_section(self, source, lang):
        category = source.value("category")
        names = [section[lang] for section in self.sections if lang in section]
        if category is None or not category.strip():
            self.error(source, source.line_of("category"),
                       f"missing Category; add \"Category: \" with a section: {', '.join(names)}")
        elif category.strip() not in names:
            self.error(source, source.line_of("category"),
                       f'unknown section "{category.strip()}" for Lang {lang}; use one of: {", ".join(names)} '
                       "(sections are SECTIONS in pelicanconf.py)")

    # -- across files ----------------------------------------------------
    def check_slugs_and_translations(self):
        seen = {}
        for source in self.sources:
            key = (source.kind, self.lang_of(source), self.slug_of(source))
            if not key[2]:
                continue  # reported by check_file
            if key in seen:
                self.error(source, source.line_of("slug", source.line_of("title")),
                           f'slug "{key[2]}" is already used by {seen[key].shown} ({key[1]}); '
                           "give one of them a different Slug")
            else:
                seen[key] = source
        for source in self.sources:
            original_lang = source.value("translated_from")
            if original_lang is None:
                continue
            original_lang = original_lang.strip()
            slug = self.slug_of(source)
            if not slug:
                continue
            if original_lang not in self.editions:
                self.error(source, source.line_of("translated_from"),
                           f'Translated_From "{original_lang}" is not a language of the paper; '
                           f'use one of: {", ".join(self.editions)}')
            elif (source.kind, original_lang, slug) not in seen:
                self.error(source, source.line_of("translated_from"),
                           f'translation of a missing original: no {original_lang} {source.kind} has Slug "{slug}"; '
                           "give this file the Slug of the original")

    def site_paths(self):
        """URL paths (without leading slash) the site will have, for links."""
        paths = set()
        for lang, edition in self.editions.items():
            prefix = f"{edition.get('path', '')}/".lstrip("/")
            paths.add(prefix)
            for section in self.sections:
                paths.add(prefix + self.settings.get("CATEGORY_URL", "category/{slug}.html").format(slug=section["slug"]))
        for source in self.sources:
            edition = self.editions.get(self.lang_of(source), {})
            prefix = f"{edition.get('path', '')}/".lstrip("/")
            try:
                date = parse_iso_date(source.value("date") or "", self.zone)
            except ValueError:
                date = None
            setting = "ARTICLE_URL" if source.kind == "article" else "PAGE_URL"
            try:
                paths.add(prefix + self.settings.get(setting, "{slug}.html").format(slug=self.slug_of(source), date=date))
            except (AttributeError, TypeError, KeyError, ValueError):
                continue
        extra = self.settings.get("EXTRA_PATH_METADATA", {})
        for folder in self.settings.get("STATIC_PATHS", []):
            for path in (self.root / folder).rglob("*") if (self.root / folder).is_dir() else [self.root / folder]:
                if path.is_file():
                    relative = path.relative_to(self.root).as_posix()
                    paths.add(extra.get(relative, {}).get("path", relative))
        return paths

    def check_links(self, source, site_paths):
        in_code = False
        for line, text in source.body:
            if CODE_FENCE.match(text):
                in_code = not in_code
            if in_code or text.startswith(("    ", "\t")):
                continue  # code shows links, it does not make them
            targets = [m["target"] for m in INLINE_LINK.finditer(text)]
            targets += [m["target"] for m in HTML_LINK.finditer(text)]
            definition = REFERENCE_DEFINITION.match(text)
            if definition:
                targets.append(definition["target"])
            for target in targets:
                problem = self.link_problem(source, target, site_paths)
                if problem:
                    self.error(source, line, problem)

    def link_problem(self, source, target, site_paths):
        pelican = PELICAN_LINK.match(target)
        if pelican:
            what = pelican["what"] or pelican["old"]
            if what not in ("filename", "static", "attach"):
                return None
            path = re.split(r"[?#]", pelican["path"], maxsplit=1)[0]
            file = (self.root / path.lstrip("/")) if path.startswith("/") else (source.path.parent / path)
            if not file.is_file():
                return (f"link to a missing file: {target} (no {shown_path(file, self.root)}); "
                        "correct the path or add the file")
            return None
        if EXTERNAL.match(target):
            return None
        path = re.split(r"[?#]", target, maxsplit=1)[0]
        if not path:
            return None
        if path.startswith("/"):
            url = path.lstrip("/")
            if url.endswith("index.html"):
                url = url[: -len("index.html")]
            if url in site_paths:
                return None
            for edition in self.editions.values():
                prefix = f"{edition.get('path', '')}/".lstrip("/")
                bare = url[len(prefix):] if url.startswith(prefix) else None
                if bare is not None and bare.startswith(LISTING_PREFIXES) and not bare.startswith("section/"):
                    return None
            return f"link to a missing page: {target}; no story, page or file of the site has this address"
        if not (source.path.parent / path).is_file():
            return (f"link to a missing file: {target}; link other content as {{filename}}path/to/story.md "
                    "and images as {static}path/to/image.jpg, relative to this file")
        return None

    # -- the whole content folder ----------------------------------------
    def run(self):
        now = build_time(self.zone)
        for kind, path in content_files(self.settings):
            source = self.read(kind, path)
            if source is not None:
                self.sources.append(source)
                self.check_file(source, now)
        self.check_slugs_and_translations()
        site_paths = self.known_site_paths = self.site_paths()
        for source in self.sources:
            self.check_links(source, site_paths)
        return sorted(self.problems)


def strict(settings, environ=os.environ):
    return bool(settings.get("STRICT")) or environ.get("STRICT", "") not in ("", "0")


_LAST_RUN = {}  # the site paths of the main site's last full run, for validate_changed()


class ContentProblems(SystemExit):
    """The content has problems that stop the build; they have been printed.
    A SystemExit, so that it passes Pelican's `except Exception` handler: the
    command exits with status 1 and no traceback.  `make serve` reads
    `problems` for its error overlay."""

    def __init__(self, problems):
        super().__init__(1)
        self.problems = problems


def report(problems, settings):
    for problem in problems:
        print(problem, file=sys.stderr)
    fatal = [p for p in problems if not p.warning or strict(settings)]
    if fatal:
        sys.stderr.flush()
        raise ContentProblems(fatal)


def validate_content(pelican):
    settings = pelican.settings
    if not is_main_site(settings):
        return  # a language subsite: the main site checked every file
    validator = Validator(settings)
    problems = validator.run()
    _LAST_RUN["site_paths"] = validator.known_site_paths
    report(problems, settings)


def validate_changed(settings, paths):
    """Check edited stories as a full run would, for make serve's quick rebuilds
    (tools/incremental.py), which happen only for stories and only when an edit
    moves nothing: the checks across files (slugs, translations, link targets)
    keep their outcome."""
    site_paths = _LAST_RUN.get("site_paths")
    if site_paths is None:
        return validate_content(SimpleNamespace(settings=settings))
    checked = Validator(settings)
    now = build_time(checked.zone)
    for path in map(Path, paths):
        source = checked.read("article", path)
        if source is not None:
            checked.check_file(source, now)
            checked.check_links(source, site_paths)
    report(sorted(checked.problems), settings)


def register():
    signals.initialized.connect(validate_content)
