"""A build killed at any moment leaves output/ as a complete tree, never a mix.

The build is killed with SIGKILL (its whole process group: tools/build.py and
the Pelican process it runs) at fixed delays and at moments found by polling
the staging folder.  Every file of output/ is hashed before and after.
"""

import hashlib
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import build
from sitebuild import ROOT

OLD_EPOCH = "1713484800"  # 19 April 2024
NEW_EPOCH = "1713571200"  # 20 April 2024: every page's masthead date differs


def tree_hashes(root):
    return {p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(Path(root).rglob("*")) if p.is_file()}


def start_build(output, epoch, content):
    return subprocess.Popen(
        [sys.executable, str(ROOT / "tools" / "build.py"), "--output", str(output), "--content", str(content)],
        cwd=ROOT, env={**os.environ, "SOURCE_DATE_EPOCH": epoch},
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
    )


def kill(process):
    """SIGKILL the build and everything it started; True if it was still running."""
    running = process.poll() is None
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass  # the build had finished and nothing it started is left
    process.wait()
    return running


def staging_folders(parent):
    return sorted(p for p in parent.iterdir() if p.name.startswith((".staging-", ".retired-")))


def wait_for(condition, process, timeout=60):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and process.poll() is None:
        if condition():
            return True
        time.sleep(0.005)
    return False


def test_killed_builds_leave_the_previous_output_and_the_next_build_cleans_up(tmp_path, site, newsroom):
    reference = tmp_path / "reference" / "output"
    start_build(reference, NEW_EPOCH, newsroom).wait()  # fills the font cache
    started = time.monotonic()
    start_build(reference, NEW_EPOCH, newsroom).wait()
    duration = time.monotonic() - started
    new = tree_hashes(reference)
    workspace = tmp_path / "site"
    output = workspace / "output"
    shutil.copytree(site.root, output)
    old = tree_hashes(output)
    assert len(old) > 20 and new != old

    def killed_mid_build(label, when):
        process = start_build(output, NEW_EPOCH, newsroom)
        when(process)
        running = kill(process)
        after = tree_hashes(output)
        assert after in (old, new), f"killed {label}: output/ is a mix of the two trees"
        if after == new:  # the swap was done: start again from the old tree
            shutil.rmtree(output)
            shutil.copytree(site.root, output)
        return running, after

    # The polled moments all come before the swap: output/ must be the old tree.
    for label, path in (("as the staging folder appeared", "."), ("once pages were written", "index.html"),
                        ("in finalized, once the sitemap was written", "sitemap.xml")):
        def poll(process, path=path):
            assert wait_for(lambda: any((f / path).exists() for f in staging_folders(workspace)), process), \
                f"the build ended before it could be killed {label}"
        running, after = killed_mid_build(label, poll)
        assert running and after == old, f"killed {label}: the previous output/ was changed"
    assert staging_folders(workspace), "the kills should leave staging folders for the next build to remove"

    # Fixed delays and fractions of a whole build, up to and past the swap.
    results = []
    for delay in (0.2, 0.5, 1.0) + tuple(duration * f for f in (0.5, 0.8, 0.9, 0.95, 1.0, 1.05)):
        results.append(killed_mid_build(f"after {delay:.2f} s", lambda process, delay=delay: time.sleep(delay)))
    assert any(running and after == old for running, after in results)

    assert start_build(output, NEW_EPOCH, newsroom).wait() == 0
    assert tree_hashes(output) == new
    assert sorted(p.name for p in workspace.iterdir()) == ["output"]


def test_swap_replaces_the_tree_in_one_step(tmp_path):
    output, staging = tmp_path / "output", tmp_path / ".staging-output-x"
    (output / "old").mkdir(parents=True)
    (staging / "new").mkdir(parents=True)

    build.swap_in(staging, output)

    assert sorted(p.name for p in output.iterdir()) == ["new"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["output"]


def test_exchange_swaps_two_folders_atomically(tmp_path):
    first, second = tmp_path / "first", tmp_path / "second"
    (first / "a").mkdir(parents=True)
    (second / "b").mkdir(parents=True)

    assert build.exchange(first, second), "renameat2(RENAME_EXCHANGE) is missing: output/ has a gap while swapping"

    assert [p.name for p in first.iterdir()] == ["b"]
    assert [p.name for p in second.iterdir()] == ["a"]
