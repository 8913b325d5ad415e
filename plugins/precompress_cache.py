"""Remember pelican-precompress's output by content, so unchanged files are not compressed again.

pelican-precompress 2.4.0 compresses every text file of the output with
brotli at quality 11 (hard-coded) and gzip on every build; each build writes a
fresh output folder, so its own "skip if the existing copy matches" never
applies.  At 1,000 stories that is about two thirds of a publish build.  This
plugin wraps its brotli and gzip compressors with a cache keyed by the
SHA-256 of the input, in ``CACHE_PATH/precompressed/``: a second build
compresses only the files whose bytes changed.  The compressed bytes are the
same either way (both compressors are deterministic), so builds stay
byte-identical.  The wrappers are module-level functions, so the plugin's
worker processes (forked) use them too.

Settings read: ``CACHE_PATH``.  Only active where pelican-precompress is in
``PLUGINS`` (publishconf.py); list it after that plugin.
"""

import hashlib
import os
import tempfile
from pathlib import Path

from pelican import signals

_CACHE = {"folder": None}
_ORIGINALS = {}


def _cached(name, suffix):
    def compress(data):
        folder = _CACHE["folder"]
        path = folder / f"{hashlib.sha256(data).hexdigest()}{suffix}"
        try:
            return path.read_bytes()
        except FileNotFoundError:
            pass
        blob = _ORIGINALS[name](data)  # FileSizeIncrease propagates: nothing cached
        descriptor, temporary = tempfile.mkstemp(dir=folder, suffix=".tmp")
        with os.fdopen(descriptor, "wb") as file:
            file.write(blob)
        os.replace(temporary, path)
        return blob

    compress.__name__ = compress.__qualname__ = f"cached_{name}"
    return compress


cached_compress_with_brotli = _cached("compress_with_brotli", ".br")
cached_compress_with_gzip = _cached("compress_with_gzip", ".gz")


def install(pelican):
    from pelican.plugins import precompress

    if _CACHE["folder"] is None:  # the main site's cache; subsites start later
        folder = Path(pelican.settings["CACHE_PATH"]) / "precompressed"
        folder.mkdir(parents=True, exist_ok=True)
        _CACHE["folder"] = folder
    for name, wrapper in (("compress_with_brotli", cached_compress_with_brotli),
                          ("compress_with_gzip", cached_compress_with_gzip)):
        current = getattr(precompress, name)
        if current is not wrapper:
            _ORIGINALS[name] = current
            setattr(precompress, name, wrapper)


def register():
    signals.initialized.connect(install)
