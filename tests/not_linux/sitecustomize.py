"""Loaded by every Python process started with this folder on PYTHONPATH
(tests/test_portability.py): makes this Linux machine lack what macOS or
Windows lack, so that the build's fallbacks run."""

import ctypes
import os
import sys

for name in ("sched_getaffinity", "fork", "forkpty"):
    if hasattr(os, name):
        delattr(os, name)
sys.modules["fcntl"] = None  # `import fcntl` raises ImportError, as on Windows

_CDLL = ctypes.CDLL


class _LibraryWithoutRenameat2(_CDLL):
    def __getattr__(self, name):
        if name == "renameat2":
            raise AttributeError(name)  # as macOS's libc
        return super().__getattr__(name)

    def __getitem__(self, name):
        if name == "renameat2":
            raise AttributeError(name)
        return super().__getitem__(name)


ctypes.CDLL = _LibraryWithoutRenameat2
if "--multiprocessing-fork" in sys.argv:
    sys.stderr.write("a spawned worker process\n")
elif "pelican" in " ".join(sys.argv) or sys.argv[0].endswith("build.py"):
    sys.stderr.write("simulating a machine without Linux-only calls\n")
