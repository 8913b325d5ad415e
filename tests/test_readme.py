"""Every command the README shows works as written in a fresh clone: each
`make` target exists (`make -n`), each script runs (`--help`) and takes the
options the README gives it, each path it names exists."""

import re
import shlex
import subprocess

import pytest

from sitebuild import ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")


def commands():
    """Commands in the README's indented code blocks and inline code that
    start with make, .venv/bin/python or environment assignments before them."""
    found = []
    for line in README.splitlines():
        if line.startswith("    ") and not line.startswith("     "):
            found.append(line.strip())
    found += [" ".join(code.split()) for code in re.findall(r"`([^`]+)`", README)]
    wanted = re.compile(r"^(?:[A-Z_]+=\S+ )*(?:make \S|\.venv/bin/python )")
    return sorted({command for command in found if wanted.match(command)})


COMMANDS = commands()


def test_the_readme_shows_the_everyday_commands():
    for expected in ("make serve", "make test", "make check", "make publish", "make bench", "make extract-messages",
                     ".venv/bin/python tools/check.py --help"):
        assert expected in COMMANDS, expected


MAKEFILE = (ROOT / "Makefile").read_text(encoding="utf-8")
CODE = MAKEFILE + "".join(path.read_text(encoding="utf-8") for folder in ("tools", "plugins")
                          for path in (ROOT / folder).rglob("*.py")) + (ROOT / "publishconf.py").read_text(encoding="utf-8")


@pytest.mark.parametrize("command", [c for c in COMMANDS if re.search(r"(^|\s)make \S", c)])
def test_make_commands_name_targets_and_variables_that_exist(command):
    """Checked by reading the Makefile: `make -n` would still run recursive
    makes (make test would run the whole suite)."""
    words = shlex.split(command)
    targets = [word for word in words if not re.match(r"^[A-Z_]+=", word) and word != "make" and not word.startswith("-")]
    assert targets
    for target in targets:
        assert re.search(rf"^{re.escape(target)}:", MAKEFILE, re.M), f"no target {target}"
    for word in words:
        if re.match(r"^[A-Z_]+=", word):
            name = word.split("=", 1)[0]
            assert re.search(rf"\b{name}\b", CODE), f"{name} is read nowhere"


@pytest.mark.parametrize("command", [c for c in COMMANDS if c.startswith(".venv/bin/python ")])
def test_python_commands_run_as_written(command):
    words = shlex.split(command)
    script = ROOT / words[1]
    assert script.is_file(), script
    run = subprocess.run([str(ROOT / words[0]), words[1], "--help"], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stdout + run.stderr
    for option in (word for word in words[2:] if word.startswith("--")):
        assert option in run.stdout, f"{words[1]} has no {option}"


def test_paths_the_readme_names_exist():
    for path in set(re.findall(r"`((?:tools|plugins|deploy|tests|docs|theme|content|\.github)/[\w./-]+)`", README)):
        # Examples of an editor's files (content/articles/...) are the newsroom's, not the project's.
        if "*" in path or "YYYY" in path or "<" in path or path.startswith("content/articles/"):
            continue
        assert (ROOT / path).exists(), path
