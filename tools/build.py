"""Build the site into a fresh folder and swap it in only when everything succeeded.

    python tools/build.py [--settings pelicanconf.py] [--output output] [--strict] [--force]
                          [--extra-settings KEY=JSON ...]

Steps: stop at once when nothing changed since the last build
(tools/uptodate.py: the sources, the project's files, settings, environment,
installed packages, the output folder and the clock are compared with the
record the last build left beside the output folder; ``--force`` builds
anyway), compile the Babel catalogs (theme/translations/*/LC_MESSAGES/*.po to
.mo), run Pelican with every error fatal into a staging folder next to the
output folder (plugins/validation.py checks the content first; every plugin
that writes after the pages, on ``finalized``, writes into the staging folder
too), then swap the staging folder and the output folder and write the
record for the next build.

The swap is one ``renameat2(RENAME_EXCHANGE)`` system call on Linux: at every
instant ``output/`` is either the complete previous tree or the complete new
one.  Where the call is missing (macOS, Windows, or a file system without it)
it falls back to two renames, with a window of microseconds in which
``output/`` does not exist (a reader may get a 404; never a mix of trees).
A failed or killed build leaves the previous output untouched; stale staging
and retired folders of killed builds are removed by the next build.  Builds
into the same folder take turns: a lock that the operating system releases
even when a build is killed (``flock`` on the parent folder on Linux and
macOS, ``msvcrt.locking`` on a ``.<output>.lock`` file beside it on Windows;
without either, builds do not wait for each other).

``--strict`` (or ``STRICT=1``) makes content warnings fail the build.

Pelican runs at its default log level, without ``--quiet`` or ``--fatal``:
plugins/build_log.py prints every warning and error as ``path:line: message``
and fails the build on errors itself, after reporting all of them.

The output folder must be a folder of its own.  The build refuses, with one
line saying why and ``output/`` untouched: an ``output`` that is a file or a
symbolic link (a rename would silently replace it), and an output folder that
is, or contains, the content folder, the theme or the project itself.  A swap
that the file system refuses (``output/`` immutable, ``chattr +i``, or its
folder read-only) is reported the same way, and the staging folder removed.
The previous tree, once swapped out, is deleted even where it has read-only
folders; what cannot be deleted is named in a warning, never left unnoticed.
"""

import argparse
import contextlib
import ctypes
import errno
import json
import os
import time
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import uptodate

ROOT = Path(__file__).resolve().parent.parent
STAGING_PREFIX = ".staging-"
RETIRED_PREFIX = ".retired-"


def compile_catalogs(translations=ROOT / "theme" / "translations"):
    """Compile every .po catalog to the .mo file gettext loads."""
    from babel.messages.mofile import write_mo  # here: a build with nothing to do does not need Babel
    from babel.messages.pofile import read_po

    for po_path in sorted(translations.glob("*/LC_MESSAGES/*.po")):
        mo_path = po_path.with_suffix(".mo")
        with po_path.open("rb") as po_file:
            catalog = read_po(po_file, locale=po_path.parent.parent.name)
        # A private temporary name: concurrent builds never share it.
        with tempfile.NamedTemporaryFile(dir=mo_path.parent, prefix=".messages-", suffix=".tmp", delete=False) as mo_file:
            write_mo(mo_file, catalog, use_fuzzy=False)
        os.replace(mo_file.name, mo_path)


class OutputError(Exception):
    """The output folder is in a state the build must not touch."""


def remove_tree(path):
    """Delete `path` (a folder, a file or a link), making read-only folders
    writable on the way; returns the error that stopped it, or None."""
    def make_writable_and_retry(function, failed_path, _excinfo):
        parent = os.path.dirname(failed_path)
        for folder in (parent, failed_path):
            try:
                if os.path.isdir(folder) and not os.path.islink(folder):
                    os.chmod(folder, 0o700)
            except OSError:
                pass
        function(failed_path)

    try:
        if os.path.islink(path) or not os.path.isdir(path):
            os.unlink(path)
        else:
            shutil.rmtree(path, onerror=make_writable_and_retry)
    except FileNotFoundError:
        return None
    except OSError as error:
        return error
    return None


def warn_if_left(path, error):
    if error is not None:
        print(f"warning: could not delete {path} ({error.strerror or error}); delete it by hand",
              file=sys.stderr)


def remove_leftovers(parent, name):
    """Staging and retired folders that killed builds left next to the output."""
    for prefix in (STAGING_PREFIX, RETIRED_PREFIX):
        for leftover in sorted(parent.glob(f"{prefix}{name}-*")):
            warn_if_left(leftover, remove_tree(leftover))
    for leftover in sorted(parent.glob(f"{uptodate.record_path(parent / name).name}.*.tmp")):
        warn_if_left(leftover, remove_tree(leftover))


def check_output_folder(output, protected=(), content=None):
    """Raise OutputError when `output` is not a folder the build may replace."""
    if output.is_symlink():
        raise OutputError(f"{output} is a symbolic link (to {os.readlink(output)}); the build replaces the "
                          "output folder by renaming, which would replace the link: give --output a real "
                          "folder (or delete the link)")
    if output.exists() and not output.is_dir():
        raise OutputError(f"{output} is a file, not a folder; move or delete it (the site is built into a folder)")
    for folder in protected:
        folder = Path(folder).resolve()
        if output == folder or folder.is_relative_to(output):
            raise OutputError(f"{output} would replace {folder}; the output folder must be a folder of its own")
    if content is not None and output.resolve().is_relative_to(Path(content).resolve()):
        raise OutputError(f"{output} is inside the content folder {content}; the next build would read the site "
                          "as content: build outside it")


def run_pelican(settings, output, content=ROOT / "content", extra_args=(), strict=False, environ=os.environ):
    environment = {**environ, **({"STRICT": "1"} if strict else {})}
    command = [
        sys.executable, "-m", "pelican", str(content),
        "--settings", str(settings), "--output", str(output), *extra_args,
    ]
    return subprocess.run(command, cwd=ROOT, env=environment).returncode


AT_FDCWD = -100
RENAME_EXCHANGE = 2


def exchange(first, second):
    """Atomically swap two paths (Linux renameat2); False if unsupported."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        renameat2 = ctypes.CDLL(None, use_errno=True).renameat2
    except (AttributeError, OSError, TypeError):
        return False
    result = renameat2(AT_FDCWD, os.fsencode(first), AT_FDCWD, os.fsencode(second), RENAME_EXCHANGE)
    if result == 0:
        return True
    error = ctypes.get_errno()
    if error in (errno.ENOSYS, errno.EINVAL, errno.ENOTSUP):
        return False
    raise OSError(error, os.strerror(error), str(first))


def swap_in(staging, output):
    """Replace `output` by `staging` with renames only.  Raises OSError, with
    `output` as it was, when the file system refuses."""
    if output.exists() and exchange(staging, output):
        warn_if_left(staging, remove_tree(staging))  # now the previous tree
    elif output.exists():
        retired = output.parent / f"{RETIRED_PREFIX}{output.name}-{os.getpid()}"
        os.rename(output, retired)
        try:
            os.rename(staging, output)
        except OSError:
            os.rename(retired, output)
            raise
        warn_if_left(retired, remove_tree(retired))
    else:
        os.rename(staging, output)


@contextlib.contextmanager
def taking_turns(output):
    """Hold the lock of builds into `output` (see the module's docstring)."""
    try:
        import fcntl
    except ImportError:
        fcntl = None
    if fcntl is not None:
        parent = os.open(output.parent, os.O_RDONLY)
        try:
            fcntl.flock(parent, fcntl.LOCK_EX)  # released by the kernel even on SIGKILL
            yield
        finally:
            os.close(parent)
        return
    try:
        import msvcrt
    except ImportError:
        yield  # no lock to be had: builds into one folder do not wait for each other
        return
    lock = os.open(output.parent / f".{output.name}.lock", os.O_RDWR | os.O_CREAT)
    try:
        while True:
            try:
                msvcrt.locking(lock, msvcrt.LK_NBLCK, 1)
                break
            except OSError:
                time.sleep(0.2)
        try:
            yield
        finally:
            os.lseek(lock, 0, os.SEEK_SET)
            msvcrt.locking(lock, msvcrt.LK_UNLCK, 1)
    finally:
        os.close(lock)


def build(settings="pelicanconf.py", output="output", content=ROOT / "content", strict=False, extra_settings=(),
          force=False):
    settings = (ROOT / settings).resolve()
    output = Path(os.path.abspath(output))  # not resolved: a link named output is refused, not followed
    try:
        check_output_folder(output, protected=(content, ROOT / "theme", ROOT), content=content)
        output.parent.mkdir(parents=True, exist_ok=True)
    except (OutputError, OSError) as error:
        print(f"error: {error}; nothing was built", file=sys.stderr)
        return 1
    with taking_turns(output):
        return locked_build(settings, output, Path(content).resolve(), strict, extra_settings, force)


def locked_build(settings, output, content, strict, extra_settings, force=False):
    remove_leftovers(output.parent, output.name)
    key = uptodate.command_key(settings, output, content, strict, extra_settings)
    if not force and uptodate.why_build(output, key, content, uptodate.build_moment(), settings) is None:
        print(f"{output} is up to date: nothing changed since its last build (--force builds it again)")
        return 0
    stamped_at = time.time()
    try:
        stamps = uptodate.stamp_inputs(uptodate.input_files(content, output=output, settings=settings), stamped_at)
        unrecorded = None
    except uptodate.Unstampable as reason:
        stamps, unrecorded = None, reason  # built, but not recorded: the next build runs in full too
    compile_catalogs()
    staging = Path(tempfile.mkdtemp(prefix=f"{STAGING_PREFIX}{output.name}-", dir=output.parent))
    # What the plugins tell the record (plugins/build_record.py); named like
    # the staging folder, so that the leftovers of a killed build go with it.
    facts_path = staging.with_name(f"{staging.name}.facts.json")
    # The pages of the live output the build may link instead of finishing
    # them again, and where it says which pages the new tree has
    # (plugins/unchanged_pages.py).
    pages_record, new_pages_record = page_record_path(output), staging.with_name(f"{staging.name}.pages.json")
    swapped = False
    try:
        extra_args = ("--extra-settings", *extra_settings) if extra_settings else ()
        environ = {**os.environ, "BUILD_RECORD_FACTS": str(facts_path), "BUILD_PAGE_RECORD_NEW": str(new_pages_record)}
        if output.is_dir():
            environ.update(BUILD_LIVE_OUTPUT=str(output), BUILD_PAGE_RECORD=str(pages_record))
        status = run_pelican(settings, staging, content, extra_args, strict=strict, environ=environ)
        if status != 0:
            print(f"build failed: {output} was left as it was", file=sys.stderr)
            return status
        os.chmod(staging, 0o755)
        try:
            check_output_folder(output)  # it may have changed while Pelican ran
            swap_in(staging, output)
            swapped = True  # swap_in removed (or named) the previous tree
            keep_page_record(new_pages_record, pages_record)
        except (OutputError, OSError) as error:
            reason = error if isinstance(error, OutputError) else (error.strerror or error)
            print(f"error: could not put the new site in place of {output}: {reason}; {output} was left as it "
                  "was (an immutable or read-only folder? see `lsattr -d` and `ls -ld`)", file=sys.stderr)
            return 1
        if stamps is not None:
            unrecorded = record(output, key, stamps, stamped_at, facts_path)
        if unrecorded:
            print(f"note: the next build will not know that nothing changed: {unrecorded}")
    finally:
        if not swapped and (staging.exists() or staging.is_symlink()):
            warn_if_left(staging, remove_tree(staging))
        for leftover in (facts_path, new_pages_record):
            with contextlib.suppress(FileNotFoundError):
                leftover.unlink()
    return 0


def page_record_path(output):
    return output.parent / f".{output.name}.pages.json"


def keep_page_record(new_record, record):
    """The record of the pages now in the output folder: the build's own, or
    none (a build whose steps do not link unchanged pages).  A record left
    behind by a killed build would still be safe to use: a page is linked only
    while the live file is the very file the record describes."""
    try:
        os.replace(new_record, record)
    except FileNotFoundError:
        with contextlib.suppress(FileNotFoundError):
            record.unlink()
    except OSError as error:
        with contextlib.suppress(OSError):
            record.unlink()
        print(f"warning: {record} could not be written ({error.strerror or error}); the next build finishes "
              "every page", file=sys.stderr)


def record(output, key, stamps, stamped_at, facts_path):
    """Write the record that lets the next build with nothing changed stop at
    once (tools/uptodate.py); returns why not, or None."""
    try:
        facts = json.loads(facts_path.read_text(encoding="utf-8"))
    except (FileNotFoundError, ValueError):
        return None  # no edition said how long its pages stay right (a site without stories)
    extra = {}
    try:
        for folder in facts["extra_inputs"]:
            extra.update(uptodate.files_under(folder))
    except uptodate.Unstampable as reason:
        return reason
    # Stamped after the build: one saved while it ran may not be in the pages.
    changed = sorted(path for path, stat in extra.items() if path not in stamps and uptodate.racy(stat, stamped_at))
    if changed:
        return f"{changed[0]} changed while the site was being built"
    stamps = {**uptodate.stamp_inputs(extra, stamped_at), **stamps}
    try:
        uptodate.write_record(output, key, stamps, facts)
    except OSError as error:
        return f"{uptodate.record_path(output)} could not be written ({error.strerror or error})"
    return None


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--settings", default="pelicanconf.py")
    parser.add_argument("--output", default=str(ROOT / "output"))
    parser.add_argument("--content", default=str(ROOT / "content"), help="content folder (tests use fixtures)")
    parser.add_argument("--strict", action="store_true", help="content warnings fail the build")
    parser.add_argument("--extra-settings", nargs="*", default=[], metavar="KEY=JSON",
                        help="override settings, as pelican's --extra-settings (`make check` builds without minification)")
    parser.add_argument("--force", action="store_true",
                        help="build even when nothing changed since the last build (tools/uptodate.py)")
    args = parser.parse_args(argv)
    return build(args.settings, args.output, args.content, strict=args.strict, extra_settings=args.extra_settings,
                 force=args.force)


if __name__ == "__main__":
    sys.exit(main())
