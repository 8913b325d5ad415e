"""A brotli (``.br``) and a gzip (``.gz``) copy next to every text file of the output.

For hosts that send precompressed files (nginx's ``brotli_static`` and
``gzip_static``, deploy/nginx.conf).  The last step of ``pipeline``: after
minification and fingerprinting, so every edition, the sitemap, the font and
the search bundle are compressed in their final form.  A copy that would not
be smaller than its file is not written.

* brotli runs at ``PRECOMPRESS_BROTLI_QUALITY``: a number, or a dict from
  file suffix to number (11, the maximum, for suffixes not listed).  Quality
  11 is about 45 times slower than 6 and makes an article page about 13 %
  smaller (320 bytes); publishconf.py keeps it for the stylesheet and
  scripts, which are few and cached for a year.  A file larger than
  ``PRECOMPRESS_BROTLI_LARGE_FILE_SIZE`` (default 1,000,000 bytes) gets at
  most ``PRECOMPRESS_BROTLI_LARGE_FILE_QUALITY`` (default 6): the CMS's 5 MB
  script at 11 took 14 s of every cold build, for a copy 12 % smaller that
  only editors download.  gzip runs at level 9.
* Every copy is remembered by the SHA-256 of its input (and the format,
  quality and compressor versions) in ``CACHE_PATH/precompressed/``, which
  keeps the copies the last build used: a second build compresses only the
  files whose bytes changed.  Both compressors are deterministic (gzip without a
  timestamp), so builds stay byte-identical.
* The files are shared, in chunks, between one process per available core
  (forked on Linux, started afresh on macOS and Windows: plugins/processes.py);
  a failure in any of them (or a killed worker) fails the build.  A file
  under ``PRECOMPRESS_MIN_SIZE``, or one that would not get smaller, has no
  copy (an old one is removed).

Why our own: pelican-precompress 2.4.0 hard-codes brotli quality 11,
compresses every file again on every build (its "skip when the existing copy
matches" never applies to a fresh output folder), sends each file's bytes to
its pool once per format and ignores the workers' errors.  At 5,000 stories it
took 10.5 s with a cache wrapped around it (5.7 s with every copy already
cached); this module takes 5.3 s.

Settings read: ``CACHE_PATH``, ``PRECOMPRESS_BROTLI``, ``PRECOMPRESS_GZIP``
(both default True), ``PRECOMPRESS_BROTLI_QUALITY``, ``PRECOMPRESS_BROTLI_LARGE_FILE_SIZE``,
``PRECOMPRESS_BROTLI_LARGE_FILE_QUALITY``, ``PRECOMPRESS_MIN_SIZE`` (default 20
bytes), ``PRECOMPRESS_TEXT_EXTENSIONS``, ``PRECOMPRESS_FILES_PER_TASK``
(default 64).
"""

import hashlib
import logging
import os
import tempfile
import zlib
from pathlib import Path

import brotli

import unchanged_pages
from processes import chunks, files_under, map_on_every_core

logger = logging.getLogger(__name__)

MAX_BROTLI_QUALITY = 11
LARGE_FILE_SIZE = 1_000_000
LARGE_FILE_QUALITY = 6
DEFAULT_EXTENSIONS = {".atom", ".css", ".html", ".js", ".json", ".svg", ".txt", ".xml"}
FILES_PER_TASK = 64


def gzip_compress(data, _quality=None):
    compressor = zlib.compressobj(level=9, wbits=16 + zlib.MAX_WBITS)  # gzip header, no timestamp
    return compressor.compress(data) + compressor.flush()


def brotli_compress(data, quality):
    return brotli.compress(data, mode=brotli.MODE_TEXT, quality=quality)


COMPRESSORS = {".br": brotli_compress, ".gz": gzip_compress}
# Part of every cache key: another compressor version may write other bytes.
VERSIONS = f"brotli {brotli.__version__} zlib {zlib.ZLIB_RUNTIME_VERSION}".encode()


def compressed(data, suffix, quality, cache, used):
    """The compressed bytes of `data`, or b"" when they would not be smaller;
    `used` gets the name of its cache entry for `suffix`."""
    remembered = cache / f"{hashlib.sha256(data + VERSIONS).hexdigest()}.q{quality}{suffix}"
    used[suffix] = remembered.name
    try:
        return remembered.read_bytes()
    except FileNotFoundError:
        pass
    blob = COMPRESSORS[suffix](data, quality)
    if len(blob) >= len(data):
        blob = b""
    descriptor, temporary = tempfile.mkstemp(dir=cache, suffix=".tmp")
    with os.fdopen(descriptor, "wb") as file:
        file.write(blob)
    os.replace(temporary, remembered)
    return blob


def compress_files(task):
    """Returns how many copies were written, and for each file the names of
    its copies' cache entries, by suffix."""
    paths, formats, minimum_size, cache = task
    written, used = 0, {}
    for path in paths:
        data = path.read_bytes()
        names = used[str(path)] = {}
        for suffix, quality_by_extension, default_quality, (large_size, large_quality) in formats:
            copy = path.with_name(path.name + suffix)
            quality = quality_by_extension.get(path.suffix, default_quality)
            if len(data) > large_size:
                quality = min(quality, large_quality)
            blob = compressed(data, suffix, quality, cache, names) if len(data) >= minimum_size else b""
            if blob:
                copy.write_bytes(blob)
                written += 1
            else:
                copy.unlink(missing_ok=True)  # never an outdated copy beside the file
    return written, used


def formats_of(settings):
    quality = settings.get("PRECOMPRESS_BROTLI_QUALITY", MAX_BROTLI_QUALITY)
    by_extension, default = (dict(quality), MAX_BROTLI_QUALITY) if isinstance(quality, dict) else ({}, int(quality))
    formats = []
    if settings.get("PRECOMPRESS_BROTLI", True):
        large = (int(settings.get("PRECOMPRESS_BROTLI_LARGE_FILE_SIZE", LARGE_FILE_SIZE)),
                 int(settings.get("PRECOMPRESS_BROTLI_LARGE_FILE_QUALITY", LARGE_FILE_QUALITY)))
        formats.append((".br", by_extension, default, large))
    if settings.get("PRECOMPRESS_GZIP", True):
        formats.append((".gz", {}, 9, (float("inf"), 9)))
    return formats


def write_compressed_copies(output, settings):
    """The pipeline's ``compressed_copies`` step (every edition: they are folders of the output)."""
    formats = formats_of(settings)
    if not formats:
        return
    extensions = set(settings.get("PRECOMPRESS_TEXT_EXTENSIONS", DEFAULT_EXTENSIONS))
    finished = unchanged_pages.unchanged(output)  # their copies are the live site's
    paths = [path for path in files_under(output, extensions) if path not in finished]
    cache = Path(settings["CACHE_PATH"]) / "precompressed"
    cache.mkdir(parents=True, exist_ok=True)
    minimum_size = int(settings.get("PRECOMPRESS_MIN_SIZE", 20))
    per_task = int(settings.get("PRECOMPRESS_FILES_PER_TASK", FILES_PER_TASK))
    tasks = [(share, formats, minimum_size, cache) for share in chunks(paths, per_task)]
    results = map_on_every_core(compress_files, tasks)
    names_by_path = {path: names for _, used in results for path, names in used.items()}
    unchanged_pages.note_cache_names(output, names_by_path)
    used = {name for names in names_by_path.values() for name in names.values()}
    used |= unchanged_pages.kept_cache_names(output)
    for entry in cache.iterdir():  # keep what this build used: the cache does not grow without end
        if entry.name not in used and not entry.name.endswith(".tmp"):
            entry.unlink(missing_ok=True)
    logger.info("Wrote %d compressed copies of %d files", sum(written for written, _ in results), len(paths))
