"""Lighthouse (npm, pinned 12.2.3: 13.x needs Node 22) with Debian's Chromium,
mobile profile (Lighthouse's default: emulated phone, simulated slow 4G and
CPU slowdown), on pages served from 127.0.0.1.  Every category must score
1.0; below that, the audits that cost points are listed."""

import json
import os
import shutil
import subprocess
import tempfile
from pathlib import Path
from urllib.parse import quote

from . import GateResult
from .browser import CHROMIUM, CHROMIUM_ARGS

ROOT = Path(__file__).resolve().parents[2]
LIGHTHOUSE = ROOT / "node_modules" / "lighthouse" / "cli" / "index.js"
CATEGORIES = ("performance", "accessibility", "best-practices", "seo")
# Performance is timed on a shared 2-core machine: a page below 1.0 gets one
# more run, and both runs are reported.
RUNS = 2


def run_lighthouse(url, output):
    command = [
        shutil.which("node") or "node", str(LIGHTHOUSE), url,
        "--output=json", f"--output-path={output}", "--quiet",
        f"--only-categories={','.join(CATEGORIES)}",
        f"--chrome-flags={' '.join(CHROMIUM_ARGS)}",
    ]
    run = subprocess.run(command, capture_output=True, text=True, env={**os.environ, "CHROME_PATH": CHROMIUM}, timeout=300)
    if run.returncode != 0:
        raise RuntimeError(f"lighthouse exited with {run.returncode}: {run.stderr[-2000:]}")
    return json.loads(Path(output).read_text(encoding="utf-8"))


def costly_audits(report, category):
    """Scored audits of a category that did not get full marks."""
    for reference in report["categories"][category]["auditRefs"]:
        audit = report["audits"][reference["id"]]
        if reference.get("weight", 0) > 0 and audit.get("score") is not None and audit["score"] < 1:
            shown = audit.get("displayValue") or ""
            yield f"{reference['id']} (score {audit['score']:.2f}{', ' + shown if shown else ''}): {audit['title']}"


def check_lighthouse(site_url, url_paths, name="lighthouse (mobile)", reports=None):
    """`reports`: a folder to keep the JSON reports in (else they are deleted)."""
    result = GateResult(name)
    if not LIGHTHOUSE.exists():
        result.failures.append(f"{LIGHTHOUSE} is missing (run `make test`)")
        return result
    with tempfile.TemporaryDirectory(prefix="lighthouse-") as temporary:
        folder = Path(reports or temporary)
        folder.mkdir(parents=True, exist_ok=True)
        for number, url_path in enumerate(url_paths):
            result.checked += 1
            where = f"/{url_path}"
            for attempt in range(1, RUNS + 1):
                try:
                    report = run_lighthouse(f"{site_url}/{quote(url_path)}", folder / f"{number}-{attempt}.json")
                except (RuntimeError, subprocess.TimeoutExpired, json.JSONDecodeError) as error:
                    problems = [f"{where}: {error}"]
                    continue
                scores = {category: report["categories"][category]["score"] for category in CATEGORIES}
                result.notes.append(f"{where}: " + ", ".join(f"{category} {score}" for category, score in scores.items())
                                    + (f" (run {attempt})" if attempt > 1 else ""))
                problems = [f"{where}: {report['runtimeError'].get('message')}"] if report.get("runtimeError") else []
                for category, score in scores.items():
                    if score is None or score < 1:
                        audits = "; ".join(costly_audits(report, category)) or "no scored audit below 1"
                        problems.append(f"{where}: {category} {score}: {audits}")
                if not problems:
                    break
                if attempt < RUNS:
                    result.notes.extend(f"  run {attempt}: {problem}" for problem in problems)
            result.failures.extend(problems)
    return result
