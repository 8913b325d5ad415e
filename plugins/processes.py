"""How many processes a build may use, and how to start them, on any laptop.

Not a plugin (nothing to register): helpers for the plugins that share work
between processes (read_once, parallel_pages, minify_site, fingerprint,
compressed_copies).

* `available_cpus()`: the CPUs this process may run on.  Linux has
  ``os.sched_getaffinity`` (a container or ``taskset`` may allow fewer CPUs
  than the machine has); Python 3.13 has ``os.process_cpu_count``; macOS and
  Windows otherwise only ``os.cpu_count``.
* `can_fork()`: whether a forked copy of the build may do part of it.  Only
  on Linux: Windows has no fork, and on macOS a fork of a process that has
  started threads or loaded system frameworks may crash (Python's default
  there is "spawn").
* `pool_context()`: the multiprocessing start method for a process pool:
  "fork" where `can_fork()`, else "spawn" (a new interpreter that imports the
  worker function's module by name).
* `chunks(items, size)`: `items` in consecutive lists of at most `size`, the
  tasks of such a pool.
* `map_on_every_core(function, tasks)`: ``list(map(function, tasks))``, the
  tasks shared among one process per available CPU (a pool with
  `pool_context()`) when there is more than one task and more than one CPU.
  A worker's exception is raised here; a worker that dies (out of memory,
  killed) raises ``BrokenProcessPool`` here instead of leaving the build
  waiting.
* `files_under(folder, suffixes)`: the files below `folder` whose names end
  with one of `suffixes` (all files for ``""``), as sorted paths, the work
  lists of those steps.  Through ``os.scandir``: pathlib's ``rglob`` took
  three times as long over the 5,000-story paper's 12,000 folders, and each
  step lists them again.
* `link_or_copy(source, target)`: `target` as a hard link to `source`, or a
  copy where the file system refuses links (another volume, FAT); True when
  linked.  `target` must not exist.
"""

import multiprocessing
import os
import shutil
import sys
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path


def available_cpus():
    if hasattr(os, "sched_getaffinity"):
        return max(1, len(os.sched_getaffinity(0)))
    if hasattr(os, "process_cpu_count"):
        return max(1, os.process_cpu_count() or 1)
    return max(1, os.cpu_count() or 1)


def can_fork():
    return sys.platform.startswith("linux") and hasattr(os, "fork") \
        and "fork" in multiprocessing.get_all_start_methods()


def pool_context():
    return multiprocessing.get_context("fork" if can_fork() else "spawn")


def chunks(items, size):
    return [items[start:start + size] for start in range(0, len(items), size)]


def map_on_every_core(function, tasks):
    tasks = list(tasks)
    count = min(available_cpus(), len(tasks))
    if count <= 1:
        return list(map(function, tasks))
    with ProcessPoolExecutor(count, mp_context=pool_context()) as pool:
        return list(pool.map(function, tasks))


def files_under(folder, suffixes=("",)):
    found, folders = [], [os.fspath(folder)]
    suffixes = (suffixes,) if isinstance(suffixes, str) else tuple(suffixes)
    while folders:
        with os.scandir(folders.pop()) as entries:
            for entry in entries:
                if entry.is_dir(follow_symlinks=False):
                    folders.append(entry.path)
                elif entry.name.endswith(suffixes) and entry.is_file():
                    found.append(Path(entry.path))
    return sorted(found)


def link_or_copy(source, target):
    try:
        os.link(source, target)
        return True
    except OSError:  # another file system, or links not allowed
        shutil.copy2(source, target)
        return False
