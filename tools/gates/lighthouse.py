"""Lighthouse (npm, pinned 12.2.3: 13.x needs Node 22) with Debian's Chromium,
mobile profile (Lighthouse's default: emulated phone, simulated slow 4G and a
4x CPU slowdown), on pages served from 127.0.0.1.

What must hold, so that the gate fails on a real defect and only then:

* accessibility, best practices and SEO score 1.0.  Their audits look at the
  page, not at the clock: the same page scores the same on any machine.
* performance is judged by its lab metrics against BUDGETS, Google's "good"
  thresholds (web.dev/vitals: FCP 1.8 s, LCP 2.5 s, CLS 0.1, Speed Index
  3.4 s), and 300 ms of Total Blocking Time, not by the performance score.
  The score is a curve over the same metrics that turns 190 ms of TBT into
  0.97: on a shared two-core machine a page without a script measured 0 to
  192 ms of TBT and 0.76 to 2.2 s of Speed Index from run to run (the CPU
  slowdown multiplies whatever else the machine is doing).  A timing can
  only be made longer by a busy machine, never shorter, so a page whose
  metrics exceed a budget is measured again, up to RUNS times, and each
  metric is judged by its best run.  A real defect (a render-blocking
  script, a heavy image, a layout shift) exceeds its budget in every run.
* A run that fails (Lighthouse crashed or timed out) is run again.

The notes list every run's scores and metrics.
"""

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
SCORED = ("accessibility", "best-practices", "seo")  # must be 1.0
# Lab metric (Lighthouse audit id) -> (budget, unit shown).
BUDGETS = {
    "first-contentful-paint": (1800, "ms"),
    "largest-contentful-paint": (2500, "ms"),
    "speed-index": (3400, "ms"),
    "total-blocking-time": (300, "ms"),
    "cumulative-layout-shift": (0.1, ""),
}
RUNS = 3


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


def metrics(report):
    return {metric: report["audits"][metric]["numericValue"] for metric in BUDGETS if metric in report["audits"]}


def shown(metric, value):
    unit = BUDGETS[metric][1]
    return f"{value:.0f} {unit}" if unit else f"{value:.3f}"


def judge(reports):
    """Problems of one page, given its runs' reports (at least one): scored
    categories below 1.0 in the last run; lab metrics whose best run is over
    budget."""
    last = reports[-1]
    problems = [f"{last['runtimeError'].get('message')}"] if last.get("runtimeError") else []
    for category in SCORED:
        score = last["categories"][category]["score"]
        if score is None or score < 1:
            audits = "; ".join(costly_audits(last, category)) or "no scored audit below 1"
            problems.append(f"{category} {score}: {audits}")
    best = {}
    for report in reports:
        for metric, value in metrics(report).items():
            best[metric] = min(value, best.get(metric, value))
    for metric, (budget, _) in BUDGETS.items():
        if metric not in best:
            problems.append(f"{metric}: not measured")
        elif best[metric] > budget:
            problems.append(f"{metric} {shown(metric, best[metric])} over its budget of {shown(metric, budget)} "
                            f"(best of {len(reports)} runs)")
    return problems


def over_budget(reports):
    """Whether another run could change the verdict: a timing over budget."""
    best = {}
    for report in reports:
        for metric, value in metrics(report).items():
            best[metric] = min(value, best.get(metric, value))
    return any(best.get(metric, budget + 1) > budget for metric, (budget, _) in BUDGETS.items())


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
            runs, errors = [], []
            for attempt in range(1, RUNS + 1):
                try:
                    report = run_lighthouse(f"{site_url}/{quote(url_path)}", folder / f"{number}-{attempt}.json")
                except (RuntimeError, subprocess.TimeoutExpired, json.JSONDecodeError) as error:
                    errors.append(str(error))
                    continue
                runs.append(report)
                scores = ", ".join(f"{category} {report['categories'][category]['score']}" for category in CATEGORIES)
                measured = ", ".join(f"{metric.replace('-', ' ')} {shown(metric, value)}"
                                     for metric, value in metrics(report).items())
                result.notes.append(f"{where} run {attempt}: {scores}; {measured}")
                if not report.get("runtimeError") and not over_budget(runs):
                    break
            if not runs:
                result.failures.append(f"{where}: Lighthouse failed {RUNS} times: {errors[-1]}")
                continue
            result.failures.extend(f"{where}: {problem}" for problem in judge(runs))
    return result
