"""A story's body is HTML that cannot run code or reach another site, on any host.

The body an editor writes is Markdown, which may contain HTML, and Markdown
passes that HTML through (and makes links of any URL).  Our Content-Security-
Policy would stop scripts only where the host sends our headers; GitHub Pages
sends none.  So the HTML itself must be safe.

When Pelican reads a story or page, this plugin takes the HTML that Markdown
made of the editor's text (before typogrify, before Pelican resolves
``{static}`` links, and before any plugin adds markup of its own, such as
photo figures) and:

1. checks it against the policy below with Python's HTML parser, noting each
   element, attribute or URL outside it with the line of the source file
   where it was written;
2. sanitizes it with nh3 (the binding to the Rust sanitizer ammonia,
   bleach's maintained successor), configured from the same policy, so that
   whatever the check might miss is removed anyway.

What is outside the policy is a problem of the file: with
``BODY_HTML_UNSAFE = "error"`` (the default) the build stops, listing every
one as ``path:line: message``, before any page is written; with
``"warning"`` the sanitized body is published and each removal is a
``warning:`` line (``STRICT=1`` fails on those).  The problems are reported
through Python logging, so plugins/build_log.py prints them and fails the
build (``make serve``'s quick rebuilds report them through
``validation.validate_changed``).

The policy (README: "What HTML a story's body may contain"):

* elements: text structure (p, br, hr, h1–h6, blockquote, ul, ol, li, dl,
  dt, dd, div, span, details, summary), inline text (a, strong, b, em, i, u,
  s, del, ins, mark, small, sub, sup, q, cite, abbr, dfn, time, data, code,
  kbd, samp, var, bdi, wbr, ruby, rt, rp), pre, tables (table, caption,
  thead, tbody, tfoot, tr, th, td, colgroup, col), figure, figcaption, img;
* attributes: id, class, title, lang, dir everywhere; a: href, hreflang,
  rel; img: src, alt, width, height, loading, decoding; cells: colspan,
  rowspan, headers, scope, abbr; ol: start, reversed, type; li: value;
  blockquote, q, del, ins: cite; del, ins, time: datetime; data: value;
  col, colgroup: span; details: open;
* links (href) to http:, https:, mailto: and tel: URLs, to paths of the
  site and to ``#`` anchors; quotation sources (cite) to http(s) or paths;
* images (src) from this site only: a file beside the story
  (``photo.jpg``), a path of the site (``/extra/map.png``) or a Pelican link
  (``{static}``, ``{attach}``).  No remote image (it would tell another host
  who reads the story), no ``data:`` URL, no ``srcset`` (the site makes
  image sizes itself);
* everything else is refused: script, style, iframe, frame, object, embed,
  form and its controls, svg, math, audio, video, link, meta, base; every
  ``on…=`` event handler; ``style=`` (CSS can load remote files and restyle
  the page); ``javascript:``, ``data:``, ``vbscript:`` and other schemes;
* elements nested more than ``2 × MAX_NESTING_DEPTH + 10`` deep.

Reading a file is also limited in time (``MAX_CONVERSION_SECONDS``, through
``time_limit``): a file Markdown cannot convert in time is an error naming
it, never a stalled build.

Why our own plugin: no Pelican plugin sanitizes bodies; the sanitizing
itself is nh3's.  It wraps whatever Markdown reader is installed when
Pelican's ``readers_init`` is sent (``plain_titles`` installs ours first; see
PLUGINS).  Settings read: ``BODY_HTML_UNSAFE``, ``MAX_NESTING_DEPTH``,
``MAX_CONVERSION_SECONDS``, ``PATH``.
"""

import hashlib
import logging
import os
import re
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

import nh3
from pelican import signals

from editions import is_main_site
from time_limit import TimeLimitExceeded, time_limit

logger = logging.getLogger(__name__)
if hasattr(logger, "disable_filter"):
    # Pelican's LimitFilter drops a warning whose text it has seen before;
    # ours name their file and line apart from the text.
    logger.disable_filter()

TAGS = frozenset({
    "p", "br", "hr", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "ul", "ol", "li", "dl", "dt", "dd",
    "div", "span", "details", "summary", "pre",
    "a", "strong", "b", "em", "i", "u", "s", "del", "ins", "mark", "small", "sub", "sup", "q", "cite", "abbr",
    "dfn", "time", "data", "code", "kbd", "samp", "var", "bdi", "wbr", "ruby", "rt", "rp",
    "table", "caption", "thead", "tbody", "tfoot", "tr", "th", "td", "colgroup", "col",
    "figure", "figcaption", "img",
})
GLOBAL_ATTRIBUTES = frozenset({"id", "class", "title", "lang", "dir"})
ATTRIBUTES = {
    "a": {"href", "hreflang", "rel"},
    "img": {"src", "alt", "width", "height", "loading", "decoding"},
    "td": {"colspan", "rowspan", "headers"},
    "th": {"colspan", "rowspan", "headers", "scope", "abbr"},
    "ol": {"start", "reversed", "type"},
    "li": {"value"},
    "blockquote": {"cite"}, "q": {"cite"},
    "del": {"cite", "datetime"}, "ins": {"cite", "datetime"},
    "time": {"datetime"}, "data": {"value"},
    "col": {"span"}, "colgroup": {"span"},
    "details": {"open"},
}
# Removed with everything inside them (the rest keep their text).
REMOVED_WITH_CONTENT = frozenset({
    "script", "style", "template", "iframe", "frame", "frameset", "object", "embed", "applet", "noscript",
    "noembed", "noframes", "svg", "math", "textarea", "select", "title", "xmp", "plaintext", "audio", "video",
})
LINK_SCHEMES = frozenset({"http", "https", "mailto", "tel"})
CITE_SCHEMES = frozenset({"http", "https"})
URL_ATTRIBUTES = {("a", "href"): LINK_SCHEMES, ("img", "src"): frozenset(), ("blockquote", "cite"): CITE_SCHEMES,
                  ("q", "cite"): CITE_SCHEMES, ("del", "cite"): CITE_SCHEMES, ("ins", "cite"): CITE_SCHEMES}

# Why an element is refused, for the message.
REASONS = {
    "script": "scripts would run in readers' browsers",
    "style": "it would restyle the whole page",
    "iframe": "it loads another site into the page; link to it instead",
    "frame": "it loads another site into the page; link to it instead",
    "object": "it loads a plugin or another site into the page; link to it instead",
    "embed": "it loads a plugin or another site into the page; link to it instead",
    "form": "forms send readers' input elsewhere",
    "input": "forms send readers' input elsewhere", "button": "forms send readers' input elsewhere",
    "select": "forms send readers' input elsewhere", "textarea": "forms send readers' input elsewhere",
    "svg": "SVG markup can carry scripts; use an image file (img) instead",
    "math": "MathML can carry links and scripts",
    "audio": "players load their media from elsewhere; link to the recording instead",
    "video": "players load their media from elsewhere; link to the video instead",
    "link": "it loads files from elsewhere", "meta": "it changes how the page behaves",
    "base": "it changes where every link of the page goes",
}
SCHEME = re.compile(r"^([a-zA-Z][a-zA-Z0-9+.-]*):")
PELICAN_PLACEHOLDER = re.compile(r"^(?:\{\w+\}|\|\w+\|)")
URL_JUNK = re.compile(r"[\t\n\r]")
DEFAULT_MAX_NESTING_DEPTH = 20
DEFAULT_MAX_CONVERSION_SECONDS = 30


def html_depth_limit(settings):
    return 2 * int(settings.get("MAX_NESTING_DEPTH", DEFAULT_MAX_NESTING_DEPTH)) + 10


def shorten(text, length=60):
    text = " ".join(str(text).split())
    return text if len(text) <= length else text[: length - 1] + "…"


def url_problem(tag, attribute, value):
    """Why a URL may not be used in this attribute (or None)."""
    schemes = URL_ATTRIBUTES[(tag, attribute)]
    # As browsers read it: surrounding blanks and controls dropped, tabs and newlines removed.
    url = URL_JUNK.sub("", value.strip(" \t\n\r\f\v\x00" + "".join(map(chr, range(0x20)))))
    if PELICAN_PLACEHOLDER.match(url):
        return None
    scheme = SCHEME.match(url)
    remote = url.replace("\\", "/").startswith("//")
    if tag == "img":
        if scheme and scheme[1].lower() == "data":
            return (f"the image data: URL is not allowed; put the image file beside the story and give its "
                    "name")
        if scheme or remote:
            return (f"the image {shorten(url)} is on another site: readers' browsers would request it from "
                    "there; put the image file beside the story and give its name")
        return None
    if scheme is None:
        return None  # a path of the site, an anchor, or another site's page (//host/path)
    name = scheme[1].lower()
    if name in schemes:
        return None
    if name in ("javascript", "vbscript"):
        return f"the link {shorten(url)} runs a script; link to a page (http:, https:, mailto:) instead"
    if name == "data":
        return "data: URLs are not allowed; put the file beside the story and link it by name"
    return (f"{name}: URLs are not allowed in {attribute}= ({shorten(url)}); use "
            f"{', '.join(sorted(s + ':' for s in schemes)) or 'a path of the site'}")


@dataclass(frozen=True)
class Finding:
    """One thing outside the policy: the message, and text to find its line by."""

    message: str
    needle: str
    fallback: str = ""  # looked for when `needle` is not in the text as written


class PolicyCheck(HTMLParser):
    """Walks the HTML once, recording what the policy does not allow."""

    def __init__(self, depth_limit):
        super().__init__(convert_charrefs=True)
        self.depth_limit = depth_limit
        self.findings = []
        self.open = []
        self.too_deep = False

    def note(self, message, needle, fallback=""):
        self.findings.append(Finding(message, needle, fallback))

    def handle_starttag(self, tag, attrs):
        self.check_element(tag, attrs)
        if tag not in VOID_ELEMENTS and tag not in OPTIONAL_END:
            self.open.append(tag)
            if len(self.open) > self.depth_limit and not self.too_deep:
                self.too_deep = True
                self.note(f"HTML elements are nested more than {self.depth_limit} deep here (2 × MAX_NESTING_DEPTH "
                          "+ 10); flatten the markup", f"<{tag}")

    def handle_startendtag(self, tag, attrs):
        self.check_element(tag, attrs)

    def handle_endtag(self, tag):
        if tag in self.open:
            while self.open and self.open.pop() != tag:
                pass

    def handle_comment(self, data):
        pass  # comments are removed from the page; they may hold editors' notes

    def check_element(self, tag, attrs):
        if tag not in TAGS:
            reason = REASONS.get(tag, "it is not one of the elements a story may use (README: \"What HTML a "
                                      "story's body may contain\")")
            self.note(f"<{tag}> is not allowed in a story's body: {reason}", f"<{tag}")
            return
        allowed = GLOBAL_ATTRIBUTES | ATTRIBUTES.get(tag, set())
        for name, value in attrs:
            value = value or ""
            if name.startswith("on"):
                self.note(f"the {name}= attribute on <{tag}> is not allowed: event handlers run scripts; remove it",
                          f"{name}=")
            elif name == "style":
                self.note(f"the style= attribute on <{tag}> is not allowed: styles can load files from other sites "
                          "and restyle the page; remove it (the site's stylesheet styles the story)", "style=")
            elif name == "srcset":
                self.note(f"the srcset= attribute on <{tag}> is not allowed: give one image file in src (the site "
                          "makes the sizes)", "srcset=")
            elif name not in allowed:
                self.note(f"the {name}= attribute on <{tag}> is not allowed in a story's body; remove it", f"{name}=")
            elif (tag, name) in URL_ATTRIBUTES:
                problem = url_problem(tag, name, value)
                if problem:
                    self.note(problem, value.strip()[:40] or f"{name}=", f"{name}=")


VOID_ELEMENTS = frozenset({"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
                           "track", "wbr"})
# Elements whose end tag may be left out: not counted in the depth (an
# unclosed <p> would otherwise count as nesting).
OPTIONAL_END = frozenset({"p", "li", "dt", "dd", "tr", "td", "th", "thead", "tbody", "tfoot", "colgroup", "rt",
                          "rp", "option", "optgroup"})


def attribute_filter(tag, attribute, value):
    """nh3's last word on each kept attribute (same rules as the check)."""
    if (tag, attribute) in URL_ATTRIBUTES and url_problem(tag, attribute, value):
        return None
    return value


def sanitize(html):
    return nh3.clean(
        html,
        tags=set(TAGS),
        clean_content_tags=set(REMOVED_WITH_CONTENT),
        attributes={"*": set(GLOBAL_ATTRIBUTES), **{tag: set(names) for tag, names in ATTRIBUTES.items()}},
        attribute_filter=attribute_filter,
        url_schemes=set(LINK_SCHEMES),
        link_rel=None,
        strip_comments=True,
    )


_CHECKED = {}  # digest of (html, depth limit) -> (findings, sanitized html)


def check_and_sanitize(html, depth_limit):
    """(findings, safe html); remembered for the process (both editions read
    every file, and make serve reads them again)."""
    key = hashlib.blake2b(f"{depth_limit}\0{html}".encode("utf-8", "surrogatepass"), digest_size=20).digest()
    found = _CHECKED.get(key)
    if found is None:
        check = PolicyCheck(depth_limit)
        check.feed(html)
        check.close()
        found = _CHECKED[key] = (tuple(check.findings), sanitize(html) if check.findings else html)
    return found


def source_lines(findings, lines, start):
    """The line (1-based) each finding was written on: the n-th finding with
    a needle is on the n-th body line containing it; one whose needle is not
    in the text as written (an entity, say) is on the line of the finding
    before it, findings being in the order of the text."""
    lowered = [line.lower() for line in lines]
    cursor = {}
    located = []
    previous = start
    for finding in findings:
        found = None
        for needle in filter(None, (finding.needle.lower(), finding.fallback.lower())):
            for number in range(max(cursor.get(needle, start - 1), previous - 1), len(lines)):
                if needle in lowered[number]:
                    found = number + 1
                    cursor[needle] = number + 1
                    break
            if found:
                break
        found = previous = found or previous
        located.append((found, finding.message))
    return located


def body_start(lines):
    for number, line in enumerate(lines, 1):
        if not line.strip():
            return number + 1
    return 1


class ConversionTooSlow(Exception):
    line = 1


_PROBLEMS = {}  # source path -> [(line, message)] of the files read since the last report
_REPORTED = set()


class SafeBodyReader:
    """Reader mixin: the body read within MAX_CONVERSION_SECONDS, checked and sanitized."""

    def read(self, source_path):
        seconds = float(self.settings.get("MAX_CONVERSION_SECONDS", DEFAULT_MAX_CONVERSION_SECONDS))
        try:
            with time_limit(seconds, "reading"):
                content, metadata = super().read(source_path)
        except TimeLimitExceeded:
            self._parser = None  # a parser stopped half way is not reused
            raise ConversionTooSlow(
                f"Markdown did not finish converting this file in {seconds:g} s (MAX_CONVERSION_SECONDS); "
                "look for long runs of brackets, asterisks or deeply nested lists and simplify them") from None
        findings, safe = check_and_sanitize(content or "", html_depth_limit(self.settings))
        if findings:
            lines = Path(source_path).read_text(encoding="utf-8", errors="replace").splitlines()
            _PROBLEMS[os.path.realpath(source_path)] = sorted(set(source_lines(findings, lines, body_start(lines))))
        else:
            _PROBLEMS.pop(os.path.realpath(source_path), None)
        return safe, metadata


def problems_for(path):
    """[(line, message)] found in the body of `path` when it was last read."""
    return _PROBLEMS.get(os.path.realpath(path), [])


def reported_files():
    """The source files (real paths) whose problems this build reported."""
    return {path for path, _, _ in _REPORTED}


_WRAPPED = {}  # reader class -> its SafeBody subclass (one per class, not per Readers)


def use_safe_body_reader(readers):
    for extension, reader in list(readers.reader_classes.items()):
        if reader is not None and extension in getattr(reader, "file_extensions", ()) \
                and not issubclass(reader, SafeBodyReader):
            if reader not in _WRAPPED:
                _WRAPPED[reader] = type(f"SafeBody{reader.__name__}", (SafeBodyReader, reader), {})
            readers.reader_classes[extension] = _WRAPPED[reader]


def report(generator):
    """Log what the files read so far had outside the policy (before any page is written)."""
    unsafe = generator.settings.get("BODY_HTML_UNSAFE", "error")
    log = logger.warning if unsafe == "warning" else logger.error
    outcome = " (left out of the published page)" if unsafe == "warning" else ""
    for path, problems in sorted(_PROBLEMS.items()):
        for line, message in problems:
            if (path, line, message) in _REPORTED:
                continue
            _REPORTED.add((path, line, message))
            log("%s%s", message, outcome, extra={"source_path": path, "source_line": line})
    _PROBLEMS.clear()


def reset(pelican):
    if is_main_site(pelican.settings):
        _PROBLEMS.clear()
        _REPORTED.clear()


def register():
    signals.initialized.connect(reset)
    signals.readers_init.connect(use_safe_body_reader)
    signals.article_generator_finalized.connect(report)
    signals.page_generator_finalized.connect(report)
