"""Any laptop: where Linux-only calls are missing (macOS, Windows), the build
falls back and writes the same site.

The end-to-end test runs the publish build in processes where a
`sitecustomize` module (tests/not_linux/) has removed what macOS or Windows
lack: ``os.sched_getaffinity``, ``os.fork``, ``fcntl`` and ``renameat2``."""

import filecmp
import os
import shutil
import sys
from pathlib import Path

import pytest

import build
import processes
from newsroom import write_newsroom
from sitebuild import ROOT, build_site

NOT_LINUX = Path(__file__).resolve().parent / "not_linux"


def test_cpus_without_sched_getaffinity(monkeypatch):
    monkeypatch.delattr(os, "sched_getaffinity", raising=False)
    monkeypatch.delattr(os, "process_cpu_count", raising=False)
    assert processes.available_cpus() == max(1, os.cpu_count() or 1)
    monkeypatch.setattr(os, "cpu_count", lambda: None)
    assert processes.available_cpus() == 1


@pytest.mark.parametrize("platform", ["darwin", "win32"])
def test_no_fork_outside_linux(monkeypatch, platform):
    monkeypatch.setattr(sys, "platform", platform)
    assert not processes.can_fork()
    assert processes.pool_context().get_start_method() == "spawn"


def test_no_fork_where_os_has_none(monkeypatch):
    monkeypatch.delattr(os, "fork", raising=False)
    assert not processes.can_fork()


def test_swap_without_renameat2_replaces_the_output(monkeypatch, tmp_path):
    monkeypatch.setattr(sys, "platform", "darwin")
    assert build.exchange(tmp_path / "a", tmp_path / "b") is False
    output, staging = tmp_path / "output", tmp_path / "staging"
    (output / "old").mkdir(parents=True)
    (staging / "new").mkdir(parents=True)
    build.swap_in(staging, output)
    assert [p.name for p in output.iterdir()] == ["new"] and not staging.exists()


def test_builds_take_turns_without_fcntl(monkeypatch, tmp_path):
    monkeypatch.setitem(sys.modules, "fcntl", None)  # import fcntl raises ImportError
    monkeypatch.setitem(sys.modules, "msvcrt", None)
    with build.taking_turns(tmp_path / "output"):
        pass


def test_the_publish_build_without_linux_only_calls_writes_the_same_site(published, tmp_path):
    content = write_newsroom(tmp_path / "content")
    cache = tmp_path / "cache"
    fonts = ROOT / "cache" / "ur" / "fonts"  # the fixture's font subset, made by `published`: not what is tested
    if fonts.is_dir():
        shutil.copytree(fonts, cache / "ur" / "fonts")
    environment = {"PYTHONPATH": os.pathsep.join(filter(None, [str(NOT_LINUX), os.environ.get("PYTHONPATH")]))}
    result = build_site(tmp_path / "output", settings="publishconf.py", content=content, env=environment,
                        extra_settings=[f'CACHE_PATH="{cache.as_posix()}"', "READ_ONCE_PARALLEL_MIN_FILES=1",
                                        "PRECOMPRESS_FILES_PER_TASK=8"])
    assert result.returncode == 0, result.stdout + result.stderr
    assert "simulating a machine without Linux-only calls" in result.stderr
    assert "a spawned worker process" in result.stderr, "compressed copies are made in spawned processes"
    comparison = filecmp.dircmp(published.root, tmp_path / "output")
    different = []

    def collect(node, prefix=""):
        different.extend(prefix + name for name in node.left_only + node.right_only + node.diff_files)
        for name, child in node.subdirs.items():
            collect(child, f"{prefix}{name}/")
    collect(comparison)
    assert different == []
