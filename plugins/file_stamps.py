"""Whether a source file changed since it was read: its stamp.

Not a plugin (nothing to register): helpers for plugins/shared_read.py and
tools/incremental.py (`make serve`'s content caches).

A stamp is the file's modification time, size, inode and change time.  A file
system's clock ticks in steps (a few milliseconds on Linux, seconds on some
file systems: FAT, HFS+), so two saves within one step can leave the same
status; the stamp of a file changed less than `RACY_NS` ago also holds a
digest of its bytes (git's "racy timestamp" rule), and the same status is
trusted only if the bytes still have that digest.
"""

import hashlib
import os
import time

RACY_NS = 3_000_000_000


def digest_of(path):
    with open(path, "rb") as file:
        return hashlib.blake2b(file.read(), digest_size=16).digest()


def stamp_of(path):
    """The file's stamp now, or None for a file that cannot be read."""
    try:
        status = os.stat(path)
        stamp = (status.st_mtime_ns, status.st_size, status.st_ino, status.st_ctime_ns)
        if time.time_ns() - max(status.st_mtime_ns, status.st_ctime_ns) < RACY_NS:
            stamp += (digest_of(path),)
        return stamp
    except OSError:
        return None


def same_file(cached, current, path):
    """Whether the file stamped `cached` before, and `current` now, at `path`,
    is still the same file."""
    if cached is None or current is None:
        return False
    if cached == current:
        return True
    if len(cached) == 5 and cached[:4] == current[:4]:
        try:
            return digest_of(path) == cached[4]
        except OSError:
            return False
    return False
