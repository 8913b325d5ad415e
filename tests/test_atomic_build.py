"""A build killed at any moment leaves output/ as a complete tree, never a mix.

The build is killed with SIGKILL (its whole process group: tools/build.py and
the Pelican process it runs) at fixed delays and at moments found by polling
the staging folder.  Every file of output/ is hashed before and after.

Then every state output/ can be in: a file, a symbolic link, the content
folder or the project itself, read-only or immutable, leftovers of killed
builds (folders or files, read-only): a clear error with output/ as it was,
or handled, and never a stray folder.
"""

import hashlib
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

import build
import uptodate
from sitebuild import ROOT

OLD_EPOCH = "1713484800"  # 19 April 2024
NEW_EPOCH = "1713571200"  # 20 April 2024: every page's masthead date differs


def tree_hashes(root):
    return {p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(Path(root).rglob("*")) if p.is_file()}


def start_build(output, epoch, content, *options):
    return subprocess.Popen(
        [sys.executable, str(ROOT / "tools" / "build.py"), "--output", str(output), "--content", str(content), *options],
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
    start_build(reference, NEW_EPOCH, newsroom, "--force").wait()  # a whole build, with the caches filled
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
    assert sorted(p.name for p in workspace.iterdir()) == sorted(["output", uptodate.record_path(output).name])


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


# -- the states output/ can be in (issue 14) -----------------------------------

def tiny_content(folder):
    articles = folder / "articles"
    articles.mkdir(parents=True)
    (articles / "story.md").write_text("Title: A story\nDate: 2018-05-02\nCategory: World\nSlug: a-story\n\n"
                                       "**KARACHI:** Text.\n", encoding="utf-8")
    return folder


def run_build(output, content, capsys):
    status = build.main(["--content", str(content), "--output", str(output)])
    return status, capsys.readouterr().err


def test_an_output_that_is_a_file_or_a_link_is_refused_and_kept(tmp_path, capsys):
    content = tiny_content(tmp_path / "content")
    output = tmp_path / "output"
    output.write_text("an editor's notes\n", encoding="utf-8")
    status, err = run_build(output, content, capsys)
    assert status == 1
    assert err == f"error: {output} is a file, not a folder; move or delete it (the site is built into a folder); " \
                  "nothing was built\n"
    assert output.read_text(encoding="utf-8") == "an editor's notes\n"

    output.unlink()
    (tmp_path / "elsewhere").mkdir()
    output.symlink_to(tmp_path / "elsewhere")
    status, err = run_build(output, content, capsys)
    assert status == 1 and f"error: {output} is a symbolic link (to {tmp_path / 'elsewhere'})" in err
    assert output.is_symlink() and list((tmp_path / "elsewhere").iterdir()) == []
    assert sorted(p.name for p in tmp_path.iterdir()) == ["content", "elsewhere", "output"]


def test_an_output_that_would_replace_the_content_or_the_project_is_refused(tmp_path, capsys):
    content = tiny_content(tmp_path / "content")
    for output, reason in ((content, "would replace"), (tmp_path, "would replace"), (ROOT, "would replace"),
                           (content / "site", "is inside the content folder")):
        before = sorted(p.name for p in Path(output).iterdir()) if Path(output).exists() else None
        status, err = run_build(output, content, capsys)
        assert status == 1 and reason in err and err.endswith("nothing was built\n"), err
        assert (sorted(p.name for p in Path(output).iterdir()) if Path(output).exists() else None) == before
    assert (content / "articles" / "story.md").is_file()


def test_leftovers_of_killed_builds_are_removed_even_read_only_or_a_file(tmp_path, capsys):
    content = tiny_content(tmp_path / "content")
    output = tmp_path / "output"
    read_only = tmp_path / ".staging-output-old" / "2018" / "05"
    read_only.mkdir(parents=True)
    (read_only / "index.html").write_text("old", encoding="utf-8")
    for folder in (read_only, read_only.parent, read_only.parent.parent):
        folder.chmod(0o555)
    (tmp_path / ".retired-output-old").write_text("a file where a folder was", encoding="utf-8")
    # The previous site, with a folder that cannot be written.
    (output / "ur").mkdir(parents=True)
    (output / "ur" / "index.html").write_text("old", encoding="utf-8")
    (output / "ur").chmod(0o555)

    status, err = run_build(output, content, capsys)

    assert status == 0, err
    assert (output / "2018" / "05" / "02" / "a-story" / "index.html").is_file()
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(["content", "output", uptodate.record_path(output).name])


def test_a_previous_site_that_cannot_be_deleted_is_named(tmp_path, capsys, monkeypatch):
    content = tiny_content(tmp_path / "content")
    output = tmp_path / "output"
    (output / "old").mkdir(parents=True)

    def refuse(path, *args, **kwargs):
        raise PermissionError(13, "Permission denied", str(path))

    monkeypatch.setattr(build.shutil, "rmtree", refuse)
    status, err = run_build(output, content, capsys)

    assert status == 0
    leftover = [p for p in tmp_path.iterdir() if p.name.startswith((".staging-", ".retired-"))]
    assert len(leftover) == 1 and (leftover[0] / "old").is_dir()
    assert err == f"warning: could not delete {leftover[0]} (Permission denied); delete it by hand\n"
    assert (output / "2018" / "05" / "02" / "a-story" / "index.html").is_file()


def test_a_swap_the_file_system_refuses_leaves_output_as_it_was(tmp_path, capsys, monkeypatch):
    content = tiny_content(tmp_path / "content")
    output = tmp_path / "output"
    (output / "old").mkdir(parents=True)

    def refuse(*args):
        raise OSError(1, "Operation not permitted", str(output))

    monkeypatch.setattr(build, "exchange", refuse)
    status, err = run_build(output, content, capsys)

    assert status == 1
    assert err == (f"error: could not put the new site in place of {output}: Operation not permitted; {output} was "
                   "left as it was (an immutable or read-only folder? see `lsattr -d` and `ls -ld`)\n")
    assert [p.name for p in output.iterdir()] == ["old"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["content", "output"]


def test_an_immutable_output_gives_a_clear_error(tmp_path, capsys):
    """chattr +i, for real where the file system and the user allow it."""
    content = tiny_content(tmp_path / "content")
    output = tmp_path / "output"
    (output / "old").mkdir(parents=True)
    chattr = shutil.which("chattr")
    if not chattr or subprocess.run([chattr, "+i", str(output)], capture_output=True).returncode != 0:
        pytest.skip("chattr +i is not possible here (needs root and a file system with attributes)")
    try:
        status, err = run_build(output, content, capsys)
    finally:
        subprocess.run([chattr, "-i", str(output)], check=True)
    assert status == 1
    assert err.startswith(f"error: could not put the new site in place of {output}: Operation not permitted; ")
    assert [p.name for p in output.iterdir()] == ["old"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["content", "output"]
