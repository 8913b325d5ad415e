"""Validity: the Nu HTML Checker (npm vnu-jar, run with Java) on every page
and stylesheet of the tree.  Errors fail; warnings are counted and shown."""

import re
import shutil
import subprocess
from pathlib import Path

from . import GateResult

VNU_JAR = Path(__file__).resolve().parents[2] / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
MESSAGE = re.compile(r'^"(?:file:)?(?P<file>[^"]+)":(?P<where>[\d.\-]*):? (?P<kind>error|fatal|info warning|info|warning): (?P<text>.*)$')


def check_validity(root, name="html+css valid (vnu)"):
    root = Path(root)
    result = GateResult(name)
    result.checked = sum(1 for _ in root.rglob("*.html")) + sum(1 for _ in root.rglob("*.css"))
    java = shutil.which("java")
    if not java or not VNU_JAR.exists():
        result.failures.append(f"cannot run the checker: java={java}, {VNU_JAR} exists={VNU_JAR.exists()} (run `make test`)")
        return result
    run = subprocess.run(
        [java, "-jar", str(VNU_JAR), "--skip-non-html", "--also-check-css", "--format", "gnu", str(root)],
        capture_output=True, text=True,
    )
    warnings = 0
    for line in (run.stdout + run.stderr).splitlines():
        match = MESSAGE.match(line)
        if not match:
            if line.strip():
                result.failures.append(f"unexpected checker output: {line}")
            continue
        location = Path(match["file"])
        where = location.relative_to(root).as_posix() if location.is_relative_to(root) else str(location)
        if match["kind"] in ("error", "fatal"):
            result.failures.append(f"{where}:{match['where']}: {match['text']}")
        elif "File was not checked" not in match["text"]:
            warnings += 1
            result.notes.append(f"warning {where}:{match['where']}: {match['text']}")
    if run.returncode != 0 and not result.failures:
        result.failures.append(f"the checker exited with status {run.returncode}")
    result.notes.insert(0, f"{warnings} warnings")
    return result
