"""Build the site into a fresh folder and swap it in only when everything succeeded.

    python tools/build.py [--settings pelicanconf.py] [--output output] [--strict]
                          [--extra-settings KEY=JSON ...]

Steps: compile the Babel catalogs (theme/translations/*/LC_MESSAGES/*.po to
.mo), run Pelican with every error fatal into a staging folder next to the
output folder (plugins/validation.py checks the content first; every plugin
that writes after the pages, on ``finalized``, writes into the staging folder
too), then swap the staging folder and the output folder.

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
"""

import argparse
import contextlib
import ctypes
import errno
import os
import time
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent
STAGING_PREFIX = ".staging-"
RETIRED_PREFIX = ".retired-"


def compile_catalogs(translations=ROOT / "theme" / "translations"):
    """Compile every .po catalog to the .mo file gettext loads."""
    for po_path in sorted(translations.glob("*/LC_MESSAGES/*.po")):
        mo_path = po_path.with_suffix(".mo")
        with po_path.open("rb") as po_file:
            catalog = read_po(po_file, locale=po_path.parent.parent.name)
        # A private temporary name: concurrent builds never share it.
        with tempfile.NamedTemporaryFile(dir=mo_path.parent, prefix=".messages-", suffix=".tmp", delete=False) as mo_file:
            write_mo(mo_file, catalog, use_fuzzy=False)
        os.replace(mo_file.name, mo_path)


def remove_leftovers(parent, name):
    for prefix in (STAGING_PREFIX, RETIRED_PREFIX):
        for leftover in parent.glob(f"{prefix}{name}-*"):
            shutil.rmtree(leftover, ignore_errors=True)


def run_pelican(settings, output, content=ROOT / "content", extra_args=(), strict=False):
    environment = {**os.environ, **({"STRICT": "1"} if strict else {})}
    command = [
        sys.executable, "-m", "pelican", str(content),
        "--settings", str(settings), "--output", str(output),
        "--fatal", "errors", "--quiet", *extra_args,
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
    """Replace `output` by `staging` with renames only."""
    if output.exists() and exchange(staging, output):
        shutil.rmtree(staging, ignore_errors=True)  # now the previous tree
    elif output.exists():
        retired = output.parent / f"{RETIRED_PREFIX}{output.name}-{os.getpid()}"
        os.rename(output, retired)
        os.rename(staging, output)
        shutil.rmtree(retired, ignore_errors=True)
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


def build(settings="pelicanconf.py", output="output", content=ROOT / "content", strict=False, extra_settings=()):
    settings = (ROOT / settings).resolve()
    output = Path(output).resolve()
    output.parent.mkdir(parents=True, exist_ok=True)
    with taking_turns(output):
        return locked_build(settings, output, Path(content).resolve(), strict, extra_settings)


def locked_build(settings, output, content, strict, extra_settings):
    remove_leftovers(output.parent, output.name)
    compile_catalogs()
    staging = Path(tempfile.mkdtemp(prefix=f"{STAGING_PREFIX}{output.name}-", dir=output.parent))
    try:
        extra_args = ("--extra-settings", *extra_settings) if extra_settings else ()
        status = run_pelican(settings, staging, content, extra_args, strict=strict)
        if status != 0:
            print(f"build failed: {output} was left as it was", file=sys.stderr)
            return status
        os.chmod(staging, 0o755)
        swap_in(staging, output)
    finally:
        if staging.exists():
            shutil.rmtree(staging, ignore_errors=True)
    return 0


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--settings", default="pelicanconf.py")
    parser.add_argument("--output", default=str(ROOT / "output"))
    parser.add_argument("--content", default=str(ROOT / "content"), help="content folder (tests use fixtures)")
    parser.add_argument("--strict", action="store_true", help="content warnings fail the build")
    parser.add_argument("--extra-settings", nargs="*", default=[], metavar="KEY=JSON",
                        help="override settings, as pelican's --extra-settings (`make check` builds without minification)")
    args = parser.parse_args(argv)
    return build(args.settings, args.output, args.content, strict=args.strict, extra_settings=args.extra_settings)


if __name__ == "__main__":
    sys.exit(main())
