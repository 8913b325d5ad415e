"""Is the output folder already what a build would make?  (tools/build.py asks before building.)

A build with nothing changed since the last one stops here, in a few
hundred milliseconds at any size of newsroom, instead of making every page
again.  "Nothing changed" means all of:

* the same command: settings file, output and content folders, ``--strict``,
  ``--extra-settings``;
* the same environment: every environment variable except the few that
  cannot change a page (``IGNORED_VARIABLES``; ``SOURCE_DATE_EPOCH`` is the
  build's time, below), the same Python and the same installed packages
  (the names of the distributions in site-packages carry their versions);
* the same files: every file of the content folder and of the project
  (settings, theme, plugins, tools, deploy, admin), except what cannot change
  a page (hidden files, tests, docs, caches, ``node_modules``, virtual
  environments, compiled catalogs and byte code), plus the settings file and
  what the last build said it read outside the project
  (``plugins/build_record.py``: the CMS bundle, a theme elsewhere...).
  A file is its size, modification time and inode; one modified within
  ``RACY_SECONDS`` of the last build's stamp is also compared by content (a
  save in the same clock tick as the stamp has the same time).  A file that
  cannot be stamped (a link to a folder or to nothing, an unreadable folder)
  means the build runs and keeps no record;
* the same output folder: every file with the size, time, inode and mode
  the last build left (a file deleted, edited or added by hand means a build);
* a build time inside the window in which the last build's pages stay right:
  from its time to the next midnight in the site's time zone (the masthead's
  date) or to the first scheduled story's time, whichever comes first
  (``plugins/build_record.py``).  The time is ``SOURCE_DATE_EPOCH`` when
  set, else the clock.

The record of the last successful build is a JSON file beside the output
folder (``.output.build-record.json`` for ``output/``).  Only a build that was
swapped in writes one; a failed build leaves the previous record, which
still describes the folder that is there.  ``tools/build.py --force`` builds
whatever the record says.

What this cannot see: a file overwritten in place, keeping its inode, size
and an old modification time (``cp -p`` onto the same file): use ``--force``.
"""

import hashlib
import json
import os
import sys
import sysconfig
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VERSION = 1
RACY_SECONDS = 2
# Project folders no build reads.  The content folder and output are named
# by the command: content/ is walked as the content folder when it is the one
# built, and is no input of a build of another (a test's fixture newsroom).
SKIPPED_TOP_LEVEL = {"cache", "content", "output", "tests", "docs", "screenshots"}
SKIPPED_NAMES = {"__pycache__", "node_modules"}
SKIPPED_SUFFIXES = (".pyc", ".mo", ".tmp")
# Variables that differ between two runs of the same build without changing
# it: the build's time (the window below), Make's, the shell's, the terminal's.
IGNORED_VARIABLES = {
    "SOURCE_DATE_EPOCH", "BUILD_RECORD_FACTS", "PWD", "OLDPWD", "SHLVL", "_", "TERM", "COLORTERM",
    "COLUMNS", "LINES", "MAKEFLAGS", "MFLAGS", "MAKELEVEL", "MAKE_TERMOUT", "MAKE_TERMERR",
    "PYTEST_CURRENT_TEST", "SSH_AUTH_SOCK", "SSH_AGENT_PID", "SSH_CLIENT", "SSH_CONNECTION", "SSH_TTY",
    "DISPLAY", "WINDOWID", "WINDOWPATH", "TMUX", "STY", "GPG_TTY", "VTE_VERSION", "SECURITYSESSIONID",
    "XPC_SERVICE_NAME", "XPC_FLAGS", "INVOCATION_ID", "JOURNAL_STREAM",
}
IGNORED_PREFIXES = ("TERM_", "GNOME_TERMINAL_", "VSCODE_", "KITTY_", "WEZTERM_", "KONSOLE_", "XDG_SESSION_",
                    "WT_", "ITERM_", "TMUX_")


def ignored(variable):
    return variable in IGNORED_VARIABLES or variable.startswith(IGNORED_PREFIXES)


def record_path(output):
    output = Path(output)
    return output.parent / f".{output.name}.build-record.json"


def build_moment(environ=os.environ):
    """The time a build made now stands for, in seconds since the epoch."""
    epoch = environ.get("SOURCE_DATE_EPOCH")
    return float(epoch) if epoch else time.time()


def command_key(settings, output, content, strict, extra_settings, environ=os.environ):
    """Everything but files and time that a build's output depends on."""
    packages = []
    for folder in sorted({sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"]}):
        try:
            packages += sorted(name for name in os.listdir(folder) if name.endswith((".dist-info", ".egg-info")))
        except OSError:
            pass
    key = {
        "settings": str(Path(settings).resolve()),
        "output": str(Path(os.path.abspath(output))),
        "content": str(Path(content).resolve()),
        "strict": bool(strict) or environ.get("STRICT", "") not in ("", "0"),
        "extra_settings": list(extra_settings),
        "environment": sorted([name, value] for name, value in environ.items() if not ignored(name)),
        "python": [sys.executable, sys.version],
        "packages": packages,
    }
    return hashlib.blake2b(json.dumps(key, sort_keys=True).encode(), digest_size=16).hexdigest()


def file_digest(path):
    digest = hashlib.blake2b(digest_size=16)
    with open(path, "rb") as file:
        for block in iter(lambda: file.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


class Unstampable(Exception):
    """A file that cannot be stamped (a symbolic link to a folder or to
    nothing, an unreadable folder, a pipe): the build runs, and keeps no record."""


def stat_of(entry, follow_symlinks=True):
    # On Windows a directory entry's stat has no inode (st_ino is 0): ask the file.
    if os.name == "nt":
        return os.stat(entry.path, follow_symlinks=follow_symlinks)
    return entry.stat(follow_symlinks=follow_symlinks)


def walk_files(folder, project=False, skip=()):
    """Every file under `folder` the build may read: relative path -> os.stat_result.
    Hidden files are left out everywhere (Pelican ignores them); in the project
    (`project`), also what no build reads (see SKIPPED_*), virtual environments
    and the folders in `skip` (absolute paths: the output and content folders)."""
    files = {}
    pending = [(Path(folder), "")]
    while pending:
        current, prefix = pending.pop()
        try:
            entries = list(os.scandir(current))
        except FileNotFoundError:
            continue
        except OSError as error:
            raise Unstampable(f"{current} cannot be read ({error.strerror or error})") from error
        for entry in entries:
            name = entry.name
            if name.startswith("."):
                continue
            if project and (name in SKIPPED_NAMES or name.endswith(SKIPPED_SUFFIXES)
                            or (not prefix and name in SKIPPED_TOP_LEVEL) or entry.path in skip):
                continue
            relative = f"{prefix}{name}"
            try:
                if entry.is_dir():
                    if entry.is_symlink():
                        raise Unstampable(f"{entry.path} is a symbolic link to a folder")
                    if not (project and os.path.exists(os.path.join(entry.path, "pyvenv.cfg"))):
                        pending.append((Path(entry.path), relative + "/"))
                elif entry.is_file():
                    files[relative] = stat_of(entry)
                else:
                    raise Unstampable(f"{entry.path} is neither a file nor a folder (a link to nothing?)")
            except OSError as error:
                raise Unstampable(f"{entry.path} cannot be read ({error.strerror or error})") from error
    return files


def input_files(content, extra_inputs=(), output=None, settings=None):
    """Absolute path -> stat of every input file (see the module's docstring)."""
    content = Path(content).resolve()
    skip = {str(content)}
    if output is not None:
        skip.add(os.path.abspath(output))
    files = {**files_under(ROOT, project=True, skip=skip), **files_under(content)}
    for extra in (*extra_inputs, *([settings] if settings is not None else [])):
        files.update(files_under(extra))
    return files


def files_under(folder, project=False, skip=()):
    """Absolute path -> stat of the input files in `folder` (or of the file `folder`)."""
    folder = Path(folder)
    try:
        if folder.is_file():
            return {str(folder): os.stat(folder)}
    except OSError as error:
        raise Unstampable(f"{folder} cannot be read ({error.strerror or error})") from error
    return {str(folder / relative): stat for relative, stat in walk_files(folder, project, skip).items()}


def racy(stat, stamped_at):
    """Modified within RACY_SECONDS of `stamped_at`, or later: a save in the
    same clock tick as the stamp may keep the time the stamp saw."""
    return stat.st_mtime_ns >= (stamped_at - RACY_SECONDS) * 1e9


def stamp_inputs(files, stamped_at):
    """{path: [mtime_ns, size, inode, content digest or None]}; the digest only
    for files ``racy`` at `stamped_at`."""
    stamps = {}
    for path, stat in files.items():
        digest = None
        if racy(stat, stamped_at):
            try:
                digest = file_digest(path)
            except OSError as error:
                raise Unstampable(f"{path} cannot be read ({error.strerror or error})") from error
        stamps[path] = [stat.st_mtime_ns, stat.st_size, stat.st_ino, digest]
    return stamps


def output_digest(output):
    """One digest of the output folder's every file: path, size, time, inode."""
    digest = hashlib.blake2b(digest_size=16)
    pending = [(Path(output), "")]
    count = 0
    while pending:
        current, prefix = pending.pop()
        with os.scandir(current) as entries:
            entries = sorted(entries, key=lambda entry: entry.name)
        for entry in entries:
            relative = f"{prefix}{entry.name}"
            if entry.is_dir(follow_symlinks=False):
                pending.append((Path(entry.path), relative + "/"))
                digest.update(f"d\0{relative}\0".encode())
            else:
                stat = stat_of(entry, follow_symlinks=False)
                digest.update(f"f\0{relative}\0{stat.st_size}\0{stat.st_mtime_ns}\0{stat.st_ino}\0"
                              f"{stat.st_mode}\0".encode())
                count += 1
    digest.update(str(count).encode())
    return digest.hexdigest()


def why_build(output, key, content, moment, settings=None):
    """None when the output folder is up to date, else the first reason to build, in words."""
    path = record_path(output)
    try:
        record = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return "no record of an earlier build"
    except (OSError, ValueError) as error:
        return f"the record {path} is unreadable ({error})"
    if record.get("version") != VERSION:
        return "the record is from another version of the build"
    if record.get("key") != key:
        return "the command, environment or installed packages changed"
    if not record["valid_from"] <= moment < record["valid_until"]:
        return "the build's time is outside the window in which the last build's pages stay right"
    try:
        files = input_files(content, record.get("extra_inputs", ()), output, settings)
    except Unstampable as reason:
        return str(reason)
    excluded = tuple(record.get("excluded", ()))
    files = {name: stat for name, stat in files.items() if not name.startswith(excluded)}
    stamps = record["inputs"]
    for name in sorted(set(files) ^ set(stamps)):
        return f"{name} was {'added' if name in files else 'deleted'}"
    for name, stat in files.items():
        mtime_ns, size, inode, digest = stamps[name]
        if (stat.st_mtime_ns, stat.st_size, stat.st_ino) != (mtime_ns, size, inode):
            return f"{name} changed"
        try:
            if digest is not None and file_digest(name) != digest:
                return f"{name} changed"
        except OSError:
            return f"{name} cannot be read"
    if not Path(output).is_dir() or output_digest(output) != record["output"]:
        return f"{output} is not what the last build left"
    return None


def write_record(output, key, stamps, facts):
    """`facts`: what the build said of itself (plugins/build_record.py)."""
    excluded = tuple(str(Path(folder).resolve()) + os.sep for folder in facts.get("excluded", ()))
    record = {
        "version": VERSION,
        "key": key,
        "valid_from": facts["valid_from"],
        "valid_until": facts["valid_until"],
        "extra_inputs": facts.get("extra_inputs", []),
        "excluded": list(excluded),
        "inputs": {name: stamp for name, stamp in stamps.items() if not name.startswith(excluded)},
        "output": output_digest(output),
    }
    path = record_path(output)
    temporary = path.with_name(f"{path.name}.{os.getpid()}.tmp")  # a killed build's: tools/build.py removes it
    temporary.write_text(json.dumps(record, sort_keys=True), encoding="utf-8")
    os.replace(temporary, path)
