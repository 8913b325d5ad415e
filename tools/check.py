"""`make check`: build the deployable site and prove it accessible, valid, light and whole.

    python tools/check.py [--only GATE,...] [--keep FOLDER] [--verbose]

Builds publishconf.py three times into a temporary folder: for a server at
the root of http://127.0.0.1:PORT (served, with its precompressed copies, for
the browser gates), for the sub-path /news/ (to prove that no URL assumes the
site sits at a domain root), and without minification on a second port (to
prove that minifying changes no page's looks).  Then runs every gate (tools/gates/),
prints a table (gate, pages checked, failures) and the failures, and exits
non-zero if any gate failed.

Gates: links (both builds), feeds+sitemap (both builds), precompressed copies,
vnu (every page and stylesheet), axe (one page of each type per edition, light
and dark), minified pages look the same (one page of each type per edition),
keyboard (article pages), weight (article pages), Lighthouse (home and article
pages of each edition).
"""

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT / "tools"), str(ROOT)]

from gates.accessibility import check_accessibility  # noqa: E402
from gates.browser import chromium  # noqa: E402
from gates.compressed import check_compressed  # noqa: E402
from gates.feeds import check_feeds  # noqa: E402
from gates.keyboard import check_keyboard  # noqa: E402
from gates.lighthouse import check_lighthouse  # noqa: E402
from gates.links import check_links  # noqa: E402
from gates.minified import check_minified_rendering  # noqa: E402
from gates.pages import sample_pages  # noqa: E402
from gates.server import SiteServer  # noqa: E402
from gates.validity import check_validity  # noqa: E402
from gates.weight import check_weight  # noqa: E402

SUB_PATH = "news"
BROWSER_GATES = {"axe", "minified", "keyboard", "weight"}
ALL_GATES = ["links", "feeds", "compressed", "vnu", "axe", "minified", "keyboard", "weight", "lighthouse"]
# The same publish build, as it would be without minification (plugins/minify_site.py) and precompression.
UNMINIFIED = ["HTML_MIN=false", "CSS_MIN=false", "JS_MIN=false", "PRECOMPRESS_GZIP=false", "PRECOMPRESS_BROTLI=false"]


def editions():
    """{edition folder: language} from pelicanconf.EDITIONS."""
    import pelicanconf

    return {edition.get("path", ""): lang for lang, edition in pelicanconf.EDITIONS.items()}


def source_date_epoch():
    if os.environ.get("SOURCE_DATE_EPOCH"):
        return os.environ["SOURCE_DATE_EPOCH"]
    git = subprocess.run(["git", "log", "-1", "--format=%ct"], cwd=ROOT, capture_output=True, text=True)
    return git.stdout.strip() or str(int(time.time()))


def build(output, site_url, extra_settings=()):
    """`make publish` for `site_url`; `extra_settings` (KEY=JSON) override publishconf."""
    environment = {**os.environ, "SITEURL": site_url, "SOURCE_DATE_EPOCH": source_date_epoch()}
    command = [sys.executable, str(ROOT / "tools" / "build.py"), "--settings", "publishconf.py", "--output", str(output)]
    if extra_settings:
        command += ["--extra-settings", *extra_settings]
    run = subprocess.run(command, cwd=ROOT, env=environment, capture_output=True, text=True)
    if run.returncode != 0:
        sys.exit(f"build for {site_url} failed:\n{run.stdout}{run.stderr}")


def print_table(results, durations):
    rows = [("gate", "pages checked", "failures", "seconds")]
    rows += [(result.name, str(result.checked), str(len(result.failures)), f"{durations[result.name]:.1f}") for result in results]
    widths = [max(len(row[column]) for row in rows) for column in range(4)]
    for number, row in enumerate(rows):
        print("  ".join(cell.ljust(width) if column == 0 else cell.rjust(width)
                        for column, (cell, width) in enumerate(zip(row, widths))))
        if number == 0:
            print("  ".join("-" * width for width in widths))


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", help=f"comma-separated gates among {','.join(ALL_GATES)}")
    parser.add_argument("--keep", help="build into this folder and keep it (and the Lighthouse reports)")
    parser.add_argument("--verbose", action="store_true", help="print every gate's notes")
    args = parser.parse_args(argv)
    selected = args.only.split(",") if args.only else ALL_GATES
    unknown = set(selected) - set(ALL_GATES)
    if unknown:
        parser.error(f"unknown gates: {', '.join(sorted(unknown))}")

    started = time.monotonic()
    results, durations = [], {}

    def run(gate, *gate_args, **gate_kwargs):
        began = time.monotonic()
        result = gate(*gate_args, **gate_kwargs)
        durations[result.name] = time.monotonic() - began
        results.append(result)
        return result

    with tempfile.TemporaryDirectory(prefix="check-") as temporary, SiteServer() as server, SiteServer() as plain_server:
        folder = Path(args.keep or temporary)
        at_root, under_path, plain = folder / "root", folder / "sub" / SUB_PATH, folder / "unminified"
        sub_url = f"{server.url}/{SUB_PATH}"
        build(at_root, server.url)
        build(under_path, sub_url)
        if "minified" in selected:
            build(plain, plain_server.url, UNMINIFIED)
            plain_server.serve(plain)
        print(f"built {at_root} for {server.url}/ and {under_path} for {sub_url}/ "
              f"in {time.monotonic() - started:.1f} s", flush=True)
        server.serve(at_root)
        edition_langs = editions()
        samples, absent = sample_pages(at_root, list(edition_langs))
        by_type = {(edition, page_type): url_path for edition, page_type, url_path in samples}

        if "links" in selected:
            run(check_links, at_root, server.url, name="links (site at /)")
            run(check_links, under_path, sub_url, name=f"links (site at /{SUB_PATH}/)")
        if "feeds" in selected:
            run(check_feeds, at_root, server.url, name="feeds+sitemap (at /)")
            run(check_feeds, under_path, sub_url, name=f"feeds+sitemap (at /{SUB_PATH}/)")
        if "compressed" in selected:
            run(check_compressed, at_root, name=".br/.gz copies")
        if "vnu" in selected:
            run(check_validity, at_root, name="valid HTML+CSS (vnu)")
        if BROWSER_GATES & set(selected):
            articles = [(edition_langs[edition], by_type[(edition, "article")])
                        for edition in edition_langs if (edition, "article") in by_type]
            with chromium() as browser:
                if "axe" in selected:
                    axe = run(check_accessibility, browser, server.url, samples, name="accessible (axe)")
                    axe.failures.extend(f"{edition or 'main'} edition has no {page_type} page" for edition, page_type in absent)
                if "minified" in selected:
                    run(check_minified_rendering, browser, server.url, plain_server.url, samples, name="minified looks the same")
                if "keyboard" in selected:
                    run(check_keyboard, browser, server.url, [url_path for _, url_path in articles], name="keyboard")
                if "weight" in selected:
                    run(check_weight, browser, at_root, server.url, articles, name="weight")
        if "lighthouse" in selected:
            pages = [by_type[(edition, page_type)] for edition in edition_langs for page_type in ("home", "article")
                     if (edition, page_type) in by_type]
            run(check_lighthouse, server.url, pages, name="lighthouse (mobile)",
                reports=folder / "lighthouse" if args.keep else None)

    print()
    print_table(results, durations)
    for result in results:
        if result.notes and (args.verbose or result.name.startswith(("lighthouse", "weight"))):
            print(f"\n{result.name}:")
            for note in result.notes:
                print(f"  {note}")
    failed = [result for result in results if result.failures]
    for result in failed:
        print(f"\nFAILED {result.name}:")
        for failure in result.failures:
            print(f"  {failure}")
    print(f"\nmake check took {time.monotonic() - started:.0f} s")
    print(f"make check: {len(results) - len(failed)} of {len(results)} gates passed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
