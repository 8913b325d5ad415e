"""Photos: a story's lead photo and its inline photos, resized, re-encoded
without metadata and published under ``/media/``.

What an editor writes (see README, "Photos"): the photo file beside the story
(``content/articles/2018/market.jpg``) and, in the story,

* a lead photo in the metadata: ``Image: market.jpg``, ``Image_Alt:``
  (required), ``Image_Caption:``, ``Image_Credit:``;
* inline photos as Markdown images relative to the story:
  ``![alt text](market.jpg "Caption")`` (also ``{static}market.jpg``,
  ``{attach}market.jpg``, ``|static|market.jpg``, a path from the content
  folder such as ``{static}/extra/map.png``, or an HTML ``<img>``).  An image
  alone in its paragraph becomes a ``<figure>``; its Markdown title becomes the
  caption.  A link to a photo file (``[full size](market.jpg)``) points at its
  largest published variant.

What this plugin adds, when each story (article or page) is read (the
``content_object_init`` signal, in every edition):

* ``content.lead_photo``: a `Photo` (or None) for the templates;
* the body with every local ``<img>`` replaced by the theme's markup
  (``partials/photo.html``, macro ``story_photo``): ``<figure>`` with
  ``<picture>``, a WebP ``<source>`` with a ``srcset`` of every width, a JPEG
  (PNG for photos with transparency) ``<img>`` fallback with its own
  ``srcset``, ``sizes``, ``width``/``height`` (no layout shift),
  ``loading="lazy"`` and ``decoding="async"``, and a ``<figcaption>``.  The
  rewrite happens before Pelican collects ``{static}`` links, so the uploaded
  file itself is never copied into the site.

Each photo is processed with Pillow: EXIF orientation applied
(``ImageOps.exif_transpose``), colour profiles converted to sRGB, CMYK,
palette, grey and 16-bit images converted to RGB (RGBA when they have
transparency that is used), then resized (Lanczos) to every width of
``PHOTO_WIDTHS`` below its own width, plus its own width when it is narrower
than the largest (never upscaled).  Every variant is written from a fresh
image without EXIF, XMP, GPS or ICC data.  Variants are named
``media/<name>-<key>-<width>.<webp|jpg|png>`` where ``<key>`` is a SHA-256 of
the file's bytes and of the processing options: the names change when the
photo or the options change, so ``/media/*`` is cached for a year like
``/theme/*``.  The Urdu edition links the same files (``MAIN_SITEURL``).

Cache: variants are kept in ``CACHE_PATH/photos/<key>/`` with a
``manifest.json``; a build hard-links them into the output (copies where links
are not possible), so a rebuild, or a second site using the same photo,
encodes nothing.  An entry unused for ``PHOTO_CACHE_DAYS`` days is deleted at
the end of a build.

Images that Pelican copies itself (raster files under ``STATIC_PATHS``, such as
``content/extra``) are written again without metadata, losslessly for PNG,
at the end of the build (``finalized``), so that no published file carries
EXIF or GPS data.

Errors (a missing file, a file that is not an image, an animated image, more
than ``PHOTO_MAX_MEGAPIXELS``) are reported by ``plugins/validation.py`` before
anything is built, as ``path:line: message``, using `inspect_photo`; an image
that cannot be decoded while processing stops the build with the same format.

Why Pillow directly and not pelican-image-process (3.4.0, evaluated): it
processes only ``<img>`` tags that carry a class the editor must add, rewrites
every written page again (``content_written``) instead of letting templates
write the markup, keeps its cache in the output folder by modification time
(our builds write into a fresh staging folder, so it would encode every photo
on every build), has no EXIF orientation, no metadata stripping (it copies EXIF
with exiftool when asked), no CMYK or decompression-bomb handling, gives
metadata images one size only, and would process each photo again for the
Urdu subsite into ``/ur/``.  AVIF (built into Pillow 13, so pillow-avif-plugin
is not needed) was tried too: on our sample it encoded 2-3 times slower than
WebP and was not smaller at comparable quality, and every browser we support
reads WebP.

Settings read: ``PHOTO_WIDTHS``, ``PHOTO_WEBP_QUALITY``, ``PHOTO_JPEG_QUALITY``,
``PHOTO_MAX_MEGAPIXELS``, ``PHOTO_OUTPUT_DIR``, ``PHOTO_CACHE_DAYS``, ``PATH``,
``THEME``, ``OUTPUT_PATH``, ``CACHE_PATH``, ``STATIC_PATHS``,
``EXTRA_PATH_METADATA``, ``JINJA_ENVIRONMENT`` (trim/lstrip options);
``MAIN_SITEURL`` (set by ``editions``); it records ``MAIN_OUTPUT_PATH`` and
``MAIN_CACHE_PATH`` for the subsites.
"""

import hashlib
import html
import io
import json
import logging
import os
import re
import shutil
import sys
import tempfile
import time
import warnings
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote

from jinja2 import Environment, FileSystemLoader
from PIL import Image, ImageCms, ImageOps, UnidentifiedImageError
from pelican import signals
from pelican.contents import Static
from pelican.utils import slugify

from editions import is_main_site

logger = logging.getLogger(__name__)

# Bump when the processing changes: every key (and so every URL) changes.
PROCESSING_VERSION = 1
PHOTO_SUFFIXES = {".jpg", ".jpeg", ".png", ".webp", ".gif", ".avif"}
# Pillow format -> the name an editor knows.  MPO: a phone's JPEG with a
# second (depth) picture inside; its first picture is the photo.
ACCEPTED_FORMATS = {"JPEG": "JPEG", "MPO": "JPEG", "PNG": "PNG", "WEBP": "WebP", "GIF": "GIF", "AVIF": "AVIF"}
DEFAULTS = {
    "PHOTO_WIDTHS": [400, 800, 1200, 1600],
    "PHOTO_WEBP_QUALITY": 75,
    "PHOTO_JPEG_QUALITY": 80,
    "PHOTO_MAX_MEGAPIXELS": 50,
    "PHOTO_OUTPUT_DIR": "media",
    "PHOTO_CACHE_DAYS": 30,
}
# A social card is at most this wide (OpenGraph's recommended 1200 px).
SOCIAL_WIDTH = 1200
MIME = {"webp": "image/webp", "jpg": "image/jpeg", "png": "image/png"}

PELICAN_LINK = re.compile(r"^(?:\{(?P<what>\w+)\}|\|(?P<old>\w+)\|)(?P<path>.*)$")
EXTERNAL = re.compile(r"^(?:[a-zA-Z][a-zA-Z0-9+.-]*:|//|#)")
# An image alone in its paragraph (a figure), or any other image (inline).
IMAGE = re.compile(r"<p>\s*(?P<alone><img\b[^>]*>)\s*</p>|(?P<inline><img\b[^>]*>)", re.I)
LINK_TAG = re.compile(r"<a\b[^>]*>", re.I)


def setting(settings, name):
    return settings.get(name, DEFAULTS[name])


def write_atomically(target, write, mode="wb"):
    """Write `target` through a temporary file in its folder, readable by all
    (a web server reads the published copy); `write(file)` writes the bytes."""
    target = Path(target)
    with tempfile.NamedTemporaryFile(mode, dir=target.parent, suffix=".tmp", delete=False,
                                     **({"encoding": "utf-8"} if "b" not in mode else {})) as file:
        write(file)
    os.chmod(file.name, 0o644)
    os.replace(file.name, target)


class PhotoError(ValueError):
    """A photo an editor must fix; the message says how."""


# -- reading a photo --------------------------------------------------------

def inspect_photo(path, max_megapixels=DEFAULTS["PHOTO_MAX_MEGAPIXELS"]):
    """(format name, width, height) of the image at `path`, reading its header
    only; PhotoError when it is missing, not an image we publish, animated, or
    larger than `max_megapixels`."""
    path = Path(path)
    if not path.is_file():
        raise PhotoError("no such file")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            with Image.open(path) as image:
                kind, (width, height) = image.format, image.size
                frames = getattr(image, "n_frames", 1)
    except Image.DecompressionBombError as error:
        raise PhotoError(f"the image is too large to open safely ({error})") from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        raise PhotoError("not an image (JPEG, PNG, WebP, AVIF or GIF)") from None
    if kind not in ACCEPTED_FORMATS:
        raise PhotoError(f"a {kind} image; save it as JPEG (photos) or PNG (graphics)")
    if frames > 1 and kind != "MPO":
        raise PhotoError(f"an animated {ACCEPTED_FORMATS[kind]} ({frames} frames); use a still image")
    megapixels = width * height / 1e6
    if megapixels > max_megapixels:
        raise PhotoError(f"{width}×{height} px is {megapixels:.0f} megapixels, more than the "
                         f"{max_megapixels} the build accepts (PHOTO_MAX_MEGAPIXELS); scale it down first")
    return ACCEPTED_FORMATS[kind], width, height


def is_photo_path(path):
    return Path(str(path)).suffix.lower() in PHOTO_SUFFIXES


def to_srgb(image):
    """Convert an image with an embedded colour profile to sRGB (browsers
    assume sRGB for untagged images, which is what we publish)."""
    profile = image.info.get("icc_profile")
    if not profile or image.mode not in ("RGB", "RGBA", "CMYK"):
        return image
    try:
        source = ImageCms.ImageCmsProfile(io.BytesIO(profile))
        output_mode = "RGBA" if image.mode == "RGBA" else "RGB"
        return ImageCms.profileToProfile(image, source, ImageCms.createProfile("sRGB"), outputMode=output_mode)
    except (ImageCms.PyCMSError, OSError, ValueError):
        return image  # a broken profile: the pixels as they are


def normalised(image):
    """Upright, sRGB, RGB or RGBA (only when transparency is used)."""
    image = ImageOps.exif_transpose(image)
    image = to_srgb(image)
    has_alpha = image.mode in ("RGBA", "LA", "PA", "La", "RGBa") or (
        image.mode == "P" and "transparency" in image.info) or (image.mode in ("RGB", "L") and "transparency" in image.info)
    if has_alpha:
        image = image.convert("RGBA")
        if image.getchannel("A").getextrema() == (255, 255):
            image, has_alpha = image.convert("RGB"), False
    elif image.mode in ("I;16", "I;16B", "I;16L", "I"):
        image = image.point(lambda value: value / 256).convert("RGB")  # 16-bit grey
    elif image.mode != "RGB":
        image = image.convert("RGB")  # CMYK (no profile), palette, grey
    return image, has_alpha


def widths_for(original_width, widths):
    """The widths to publish: the configured ones below the photo's own width,
    and its own width when it is narrower than the largest; never wider."""
    chosen = sorted({width for width in widths if width < original_width})
    largest = max(widths)
    if original_width <= largest and (not chosen or chosen[-1] < original_width * 0.9):
        chosen.append(original_width)
    elif original_width > largest and largest not in chosen:
        chosen.append(largest)
    return chosen or [original_width]


@dataclass(frozen=True)
class Variant:
    file: str  # name under the media folder
    width: int
    height: int
    type: str  # MIME type
    bytes: int


def encode(source, folder, stem, key, options):
    """Write every variant of `source` into `folder`; returns [Variant]."""
    widths = options["widths"]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", Image.DecompressionBombWarning)
        with Image.open(source) as opened:
            # A JPEG decodes at 1/2, 1/4 or 1/8 scale when that is still at
            # least as wide as the largest variant: much faster for a 4000 px
            # photo.  (Orientations 5-8 turn the stored height into the width.)
            if opened.format in ("JPEG", "MPO"):
                stored_width, stored_height = opened.size
                largest = max(widths)
                if opened.getexif().get(0x0112) in (5, 6, 7, 8):
                    opened.draft(None, (max(1, stored_width * largest // stored_height), largest))
                else:
                    opened.draft(None, (largest, max(1, stored_height * largest // stored_width)))
            opened.load()
            image, has_alpha = normalised(opened)
    fallback = "png" if has_alpha else "jpg"
    variants = []
    for width in widths_for(image.width, widths):
        height = max(1, round(image.height * width / image.width))
        resized = image if width == image.width else image.resize((width, height), Image.Resampling.LANCZOS,
                                                                  reducing_gap=3.0)
        resized.info = {}  # nothing of the original's metadata goes out
        for suffix in ("webp", fallback):
            name = f"{stem}-{key[:12]}-{width}.{suffix}"
            target = folder / name
            if suffix == "webp":
                write_atomically(target, lambda file: resized.save(
                    file, "WEBP", quality=options["webp_quality"], method=6))
            elif suffix == "jpg":
                write_atomically(target, lambda file: resized.save(
                    file, "JPEG", quality=options["jpeg_quality"], optimize=True, progressive=True))
            else:
                write_atomically(target, lambda file: resized.save(file, "PNG", optimize=True))
            variants.append(Variant(name, width, height, MIME[suffix], target.stat().st_size))
    return variants


# -- what templates get ------------------------------------------------------

@dataclass
class Photo:
    """A processed photo as the templates use it (``partials/photo.html``)."""

    variants: list
    base_url: str  # the media folder's URL, without trailing slash
    alt: str = ""
    caption: str = ""
    credit: str = ""
    source: str = ""  # the uploaded file, relative to the content folder

    def _url(self, variant):
        return f"{self.base_url}/{variant.file}"

    def _of_type(self, mime):
        return [variant for variant in self.variants if variant.type == mime]

    @property
    def fallback_type(self):
        return next(variant.type for variant in self.variants if variant.type != "image/webp")

    @property
    def largest(self):
        return self._of_type(self.fallback_type)[-1]

    @property
    def width(self):
        return self.largest.width

    @property
    def height(self):
        return self.largest.height

    @property
    def src(self):
        """The fallback at about article width (800 px) for browsers without srcset."""
        fallback = self._of_type(self.fallback_type)
        return self._url(next((variant for variant in fallback if variant.width >= 800), fallback[-1]))

    @property
    def srcset(self):
        return ", ".join(f"{self._url(v)} {v.width}w" for v in self._of_type(self.fallback_type))

    @property
    def sources(self):
        """[{"type", "srcset"}] for ``<source>`` elements, modern format first."""
        webp = self._of_type("image/webp")
        return [{"type": "image/webp", "srcset": ", ".join(f"{self._url(v)} {v.width}w" for v in webp)}] if webp else []

    @property
    def social(self):
        """The variant for link previews (og:image): JPEG or PNG, at most 1200 px wide."""
        fallback = self._of_type(self.fallback_type)
        chosen = [variant for variant in fallback if variant.width <= SOCIAL_WIDTH] or fallback[:1]
        variant = chosen[-1]
        return {"url": self._url(variant), "width": variant.width, "height": variant.height, "type": variant.type}

    @property
    def full_size_url(self):
        return self._url(self.largest)


# -- the library: one per build process --------------------------------------

class PhotoLibrary:
    """Processes photos for one site (its main output, cache and settings)."""

    def __init__(self, settings):
        self.output = Path(settings.get("MAIN_OUTPUT_PATH", settings["OUTPUT_PATH"]))
        self.media = self.output / setting(settings, "PHOTO_OUTPUT_DIR")
        self.cache = Path(settings.get("MAIN_CACHE_PATH", settings["CACHE_PATH"])) / "photos"
        self.base_url = f"{settings.get('MAIN_SITEURL', settings.get('SITEURL', ''))}/{setting(settings, 'PHOTO_OUTPUT_DIR')}"
        self.max_megapixels = setting(settings, "PHOTO_MAX_MEGAPIXELS")
        self.options = {
            "version": PROCESSING_VERSION,
            "widths": sorted(setting(settings, "PHOTO_WIDTHS")),
            "webp_quality": setting(settings, "PHOTO_WEBP_QUALITY"),
            "jpeg_quality": setting(settings, "PHOTO_JPEG_QUALITY"),
            "pillow": Image.__version__,
        }
        self._by_stat = {}  # (path, size, mtime) -> [Variant]
        self.stats = {"encoded": 0, "reused": 0}

    def key_of(self, data):
        digest = hashlib.sha256(data)
        digest.update(json.dumps(self.options, sort_keys=True).encode())
        return digest.hexdigest()

    def variants(self, path):
        """[Variant] of the photo at `path`, encoded once per content and
        options, and present in the output's media folder."""
        path = Path(path)
        stat = path.stat()
        memo_key = (str(path.resolve()), stat.st_size, stat.st_mtime_ns, str(self.output))
        found = self._by_stat.get(memo_key)
        if found is not None:
            return found
        inspect_photo(path, self.max_megapixels)
        key = self.key_of(path.read_bytes())
        stem = slugify(path.stem, regex_subs=[(r"[^\w\s-]", ""), (r"[-\s_]+", "-")])[:40].strip("-") or "photo"
        for attempt in range(2):
            variants = self._cached(key) or self._encode(path, key, stem)
            try:
                self._publish(key, variants)
                break
            except FileNotFoundError:  # another build pruned the entry meanwhile
                if attempt:
                    raise
                shutil.rmtree(self.cache / key, ignore_errors=True)
        self._by_stat[memo_key] = variants
        return variants

    def _cached(self, key):
        manifest = self.cache / key / "manifest.json"
        try:
            variants = [Variant(**entry) for entry in json.loads(manifest.read_text(encoding="utf-8"))]
        except (OSError, ValueError, TypeError):
            return None
        if not all((self.cache / key / variant.file).is_file() for variant in variants):
            return None
        os.utime(manifest)  # used now: kept by the pruning
        self.stats["reused"] += 1
        return variants

    def _encode(self, path, key, stem):
        folder = self.cache / key
        folder.mkdir(parents=True, exist_ok=True)
        try:
            variants = encode(path, folder, stem, key, self.options)
        except (OSError, ValueError, SyntaxError) as error:
            raise PhotoError(f"could not be decoded ({error}); export it again as JPEG or PNG") from None
        write_atomically(folder / "manifest.json", lambda file: json.dump([variant.__dict__ for variant in variants], file),
                         mode="w")
        self.stats["encoded"] += 1
        return variants

    def _publish(self, key, variants):
        self.media.mkdir(parents=True, exist_ok=True)
        for variant in variants:
            target = self.media / variant.file
            if target.exists() and target.stat().st_size == variant.bytes:
                continue
            cached = self.cache / key / variant.file
            try:
                os.link(cached, target)
            except FileExistsError:
                target.unlink()
                os.link(cached, target)
            except FileNotFoundError:
                raise
            except OSError:  # another file system, or links not allowed
                shutil.copyfile(cached, target)

    def photo(self, path, content_root, alt="", caption="", credit=""):
        return Photo(self.variants(path), self.base_url, alt=alt, caption=caption, credit=credit,
                     source=Path(path).resolve().relative_to(Path(content_root).resolve()).as_posix()
                     if Path(path).resolve().is_relative_to(Path(content_root).resolve()) else str(path))

    def prune(self, days):
        """Delete cache entries unused for `days` days."""
        if not self.cache.is_dir():
            return
        limit = time.time() - days * 86400
        for entry in self.cache.iterdir():
            manifest = entry / "manifest.json"
            try:
                if manifest.stat().st_mtime < limit:
                    shutil.rmtree(entry, ignore_errors=True)
            except FileNotFoundError:
                if entry.is_dir() and entry.stat().st_mtime < limit:
                    shutil.rmtree(entry, ignore_errors=True)


_LIBRARIES = {}
_TEMPLATES = {}
# The theme's templates that story bodies are written with when a story is
# read (`photo_macros`): an edit of one needs the stories read again.
READ_TIME_TEMPLATES = ("partials/photo.html",)


def library_for(settings):
    key = (str(settings.get("MAIN_OUTPUT_PATH", settings["OUTPUT_PATH"])),
           settings.get("MAIN_SITEURL", settings.get("SITEURL", "")))
    if key not in _LIBRARIES:
        _LIBRARIES[key] = PhotoLibrary(settings)
    return _LIBRARIES[key]


def photo_macros(settings):
    """The theme's ``partials/photo.html``, loaded outside Pelican's
    generators (the body is rewritten when a story is read, before any
    generator renders): the same markup for inline and lead photos."""
    theme = str(settings["THEME"])
    if theme not in _TEMPLATES:
        options = settings.get("JINJA_ENVIRONMENT", {})
        environment = Environment(loader=FileSystemLoader(str(Path(theme) / "templates")), autoescape=True,
                                  trim_blocks=options.get("trim_blocks", True),
                                  lstrip_blocks=options.get("lstrip_blocks", True))
        _TEMPLATES[theme] = environment.get_template("partials/photo.html").module
    return _TEMPLATES[theme]


def forget_templates():
    """Load `READ_TIME_TEMPLATES` again at the next read (make serve, after an edit of one)."""
    _TEMPLATES.clear()


# -- where a reference points ------------------------------------------------

def target_file(reference, story_path, settings):
    """The file under the content folder a src/href of a story names, or None
    for a URL of another site or a reference that is not a photo file."""
    reference = html.unescape(reference.strip())
    pelican = PELICAN_LINK.match(reference)
    if pelican:
        if (pelican["what"] or pelican["old"]) not in ("static", "attach", "filename"):
            return None
        reference = pelican["path"]
    elif EXTERNAL.match(reference):
        return None
    path = unquote(re.split(r"[?#]", reference, maxsplit=1)[0])
    if not path or not is_photo_path(path):
        return None
    root = Path(settings["PATH"])
    if path.startswith("/"):
        relative = path.lstrip("/")
        # A root-relative URL of a static file (EXTRA_PATH_METADATA "path").
        for source, extra in settings.get("EXTRA_PATH_METADATA", {}).items():
            if extra.get("path") == relative:
                return root / source
        return root / relative
    return Path(story_path).parent / path


class TagAttributes(HTMLParser):
    def __init__(self, tag):
        super().__init__(convert_charrefs=True)
        self.attributes = {}
        self.feed(tag)

    def handle_starttag(self, tag, attrs):
        self.attributes = {name: value or "" for name, value in attrs}

    handle_startendtag = handle_starttag


def line_of(path, *needles):
    """The first line of `path` that mentions one of `needles` (1 when none)."""
    try:
        lines = Path(path).read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        return 1
    for number, line in enumerate(lines, 1):
        if any(needle and needle in line for needle in needles):
            return number
    return 1


def fail(content, problem, *needles):
    """Stop the build with `path:line: message` (as plugins/validation.py does)."""
    from validation import shown_path

    path = content.source_path
    print(f"{shown_path(path, content.settings['PATH'])}:{line_of(path, *needles)}: {problem}", file=sys.stderr)
    sys.stderr.flush()
    raise SystemExit(1)


# -- stories -----------------------------------------------------------------

def rewrite_body(content_html, story_path, settings, library):
    """The body with local photos as published markup (see the docstring)."""
    macros = photo_macros(settings)
    root = settings["PATH"]

    def photo_for(tag):
        attributes = TagAttributes(tag).attributes
        file = target_file(attributes.get("src", ""), story_path, settings)
        if file is None:
            return None, attributes
        try:
            photo = library.photo(file, root, alt=attributes.get("alt", ""), caption=attributes.get("title", ""))
        except PhotoError as error:
            raise PhotoError(f"photo {attributes.get('src')}: {error}") from None
        return photo, attributes

    def image(match):
        photo, _ = photo_for(match["alone"] or match["inline"])
        if photo is None:
            return match[0]
        if match["alone"]:
            return str(macros.story_photo(photo))
        return str(macros.picture(photo, macros.ARTICLE_SIZES))

    def link(match):
        attributes = TagAttributes(match[0]).attributes
        file = target_file(attributes.get("href", ""), story_path, settings)
        if file is None:
            return match[0]
        try:
            url = library.photo(file, root).full_size_url
        except PhotoError as error:
            raise PhotoError(f"link to photo {attributes.get('href')}: {error}") from None
        return re.sub(r"""\bhref\s*=\s*(["'])[^"']*\1""", lambda _: f'href="{html.escape(url)}"', match[0], count=1)

    # Links first: the markup written for images has none.
    content_html = LINK_TAG.sub(link, content_html)
    return IMAGE.sub(image, content_html)


def attach_photos(content):
    """content_object_init: lead photo and inline photos of a story."""
    if isinstance(content, Static) or not hasattr(content, "_content"):
        return
    settings = content.settings
    library = library_for(settings)
    metadata = content.metadata
    content.lead_photo = None
    image = metadata.get("image")
    try:
        if image:
            file = target_file(str(image), content.source_path, settings)
            if file is None:
                raise PhotoError(f'Image "{image}" is not a photo file beside the story')
            try:
                content.lead_photo = library.photo(
                    file, settings["PATH"], alt=str(metadata.get("image_alt", "")).strip(),
                    caption=str(metadata.get("image_caption", "")).strip(),
                    credit=str(metadata.get("image_credit", "")).strip())
            except PhotoError as error:
                raise PhotoError(f'Image "{image}": {error}') from None
        if content._content and ("<img" in content._content or "<a" in content._content):
            content._content = rewrite_body(content._content, content.source_path, settings, library)
    except PhotoError as error:
        needle = str(error).split('"')[1] if '"' in str(error) else ""
        fail(content, str(error), needle, "Image:")


def shows_photos(content):
    """Whether a story this plugin read publishes photo sizes: a lead photo,
    or photos (or links to them) in its body."""
    if getattr(content, "lead_photo", None) is not None:
        return True
    return f"{library_for(content.settings).base_url}/" in (getattr(content, "_content", None) or "")


# -- static files and bookkeeping ------------------------------------------------

_STATIC_IMAGES = []  # (source, output file) of every edition's static raster images


def record_static_images(generator):
    """static_generator_finalized: remember the raster images Pelican will copy as they are."""
    output = Path(generator.output_path)
    for static in generator.staticfiles:
        if is_photo_path(static.source_path):
            _STATIC_IMAGES.append((Path(static.source_path), output / static.save_as))


def strip_metadata(source, target):
    """Write `source` again at `target` without EXIF/XMP/GPS (PNG losslessly)."""
    with Image.open(source) as opened:
        kind = opened.format
        opened.load()
        image = ImageOps.exif_transpose(opened)
        keep = {"transparency": image.info["transparency"]} if "transparency" in image.info else {}
        image.info = {}
        if kind in ("JPEG", "MPO"):
            write_atomically(target, lambda file: image.convert("RGB").save(
                file, "JPEG", quality=92, optimize=True, progressive=True))
        elif kind == "WEBP":
            write_atomically(target, lambda file: image.save(file, "WEBP", quality=90, method=6))
        else:
            write_atomically(target, lambda file: image.save(
                file, kind if kind in ("PNG", "GIF") else "PNG", optimize=True, **keep))


def start(pelican):
    settings = pelican.settings
    # Subsites start from a copy of these settings: the main output and cache
    # are recorded once, before any subsite exists.
    settings.setdefault("MAIN_OUTPUT_PATH", settings["OUTPUT_PATH"])
    settings.setdefault("MAIN_CACHE_PATH", settings["CACHE_PATH"])
    if is_main_site(settings):
        _STATIC_IMAGES.clear()
        _LIBRARIES.clear()
        _TEMPLATES.clear()


def finish(pelican):
    """finalized (main site, after every subsite): static images without
    metadata, old cache entries removed, one line of figures."""
    settings = pelican.settings
    if not is_main_site(settings):
        return
    for source, target in _STATIC_IMAGES:
        if target.is_file():
            try:
                strip_metadata(source, target)
            except (OSError, ValueError, SyntaxError) as error:
                logger.error("%s: could not remove its metadata (%s)", source, error)
    library = library_for(settings)
    library.prune(setting(settings, "PHOTO_CACHE_DAYS"))
    if library.stats["encoded"] or library.stats["reused"]:
        logger.info("Photos: %d encoded, %d from the cache (%s)", library.stats["encoded"],
                    library.stats["reused"], library.cache)


def register():
    signals.initialized.connect(start)
    signals.content_object_init.connect(attach_photos)
    signals.static_generator_finalized.connect(record_static_images)
    signals.finalized.connect(finish)
