"""Build the site into a fresh folder and swap it in only when everything succeeded.

    python tools/build.py [--settings pelicanconf.py] [--output output]

Steps: compile the Babel catalogs (theme/translations/*/LC_MESSAGES/*.po to
.mo), run Pelican with every error fatal into a staging folder next to the
output folder, then replace the output folder with the staging folder.  A
failed or killed build leaves the previous output untouched; stale staging
folders of killed builds are removed by the next build.
"""

import argparse
import os
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
        tmp = mo_path.with_suffix(".mo.tmp")
        with tmp.open("wb") as mo_file:
            write_mo(mo_file, catalog, use_fuzzy=False)
        os.replace(tmp, mo_path)


def remove_leftovers(parent, name):
    for prefix in (STAGING_PREFIX, RETIRED_PREFIX):
        for leftover in parent.glob(f"{prefix}{name}-*"):
            shutil.rmtree(leftover, ignore_errors=True)


def run_pelican(settings, output, content=ROOT / "content", extra_args=()):
    command = [
        sys.executable, "-m", "pelican", str(content),
        "--settings", str(settings), "--output", str(output),
        "--fatal", "errors", "--quiet", *extra_args,
    ]
    return subprocess.run(command, cwd=ROOT).returncode


def swap_in(staging, output):
    """Replace `output` by `staging` with renames only."""
    if output.exists():
        retired = output.parent / f"{RETIRED_PREFIX}{output.name}-{os.getpid()}"
        os.rename(output, retired)
        os.rename(staging, output)
        shutil.rmtree(retired, ignore_errors=True)
    else:
        os.rename(staging, output)


def build(settings="pelicanconf.py", output="output", content=ROOT / "content", extra_settings=()):
    settings = (ROOT / settings).resolve()
    output = Path(output).resolve()
    output.parent.mkdir(parents=True, exist_ok=True)
    remove_leftovers(output.parent, output.name)
    compile_catalogs()
    staging = Path(tempfile.mkdtemp(prefix=f"{STAGING_PREFIX}{output.name}-", dir=output.parent))
    try:
        extra_args = [argument for setting in extra_settings for argument in ("--extra-settings", setting)]
        status = run_pelican(settings, staging, Path(content).resolve(), extra_args)
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
    parser.add_argument("--extra-settings", nargs="*", default=[], metavar="KEY=VALUE",
                        help="passed to pelican -e (the benchmark sets CACHE_PATH)")
    args = parser.parse_args(argv)
    return build(args.settings, args.output, args.content, args.extra_settings)


if __name__ == "__main__":
    sys.exit(main())
