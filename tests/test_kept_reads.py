"""A new `make serve` start takes back what the last start read and checked
(tools/kept_reads.py): it reads only the files changed since, and the site is
the one a full build of the same content writes, byte for byte."""

import shutil
from pathlib import Path

import pytest

from pelican.readers import Readers

from bench_corpus import write_corpus
import kept_reads
from incremental import Session
from photo_fixture import write_photo_content
from sitebuild import REFERENCE_EPOCH, ROOT, built, differences, without_fingerprints

ARTICLES = 20

# A settings file of a test's own.  pelicanconf is executed afresh: a plugin
# may change its values in place (the editions' dicts), and an import would
# hand this build what an earlier one left there.
SETTINGS = """\
import sys
sys.path.insert(0, {root!r})
sys.modules.pop("pelicanconf", None)
from pelicanconf import *  # noqa: F401,F403
{extra}
"""


@pytest.fixture
def newsroom(tmp_path, monkeypatch):
    """A content folder and a copy of the theme; fresh kept checks, as in a new process."""
    import validation

    monkeypatch.setenv("SOURCE_DATE_EPOCH", REFERENCE_EPOCH)
    monkeypatch.setattr(validation, "_KEPT", validation.KeptChecks())
    content = tmp_path / "content"
    write_corpus(content, ARTICLES, seed=11)
    # A story linking another ({filename}): the link is made from the build's context.
    english = [path for path in stories_in(content) if not path.name.endswith(".ur.md")]
    linking, linked = english[-1], english[-2]
    linking.write_text(linking.read_text(encoding="utf-8") +
                       f"\nSee [the other story]({{filename}}/{linked.relative_to(content).as_posix()}).\n",
                       encoding="utf-8")
    theme = tmp_path / "theme"
    shutil.copytree(ROOT / "theme", theme, ignore=shutil.ignore_patterns("*.mo"))
    return content, theme


def start(tmp_path, content, theme, settings_file=ROOT / "pelicanconf.py"):
    """What make serve does at start (tools/serve.py): read, write the pages, keep the reads."""
    session = Session(tmp_path / "served", content, settings_file=settings_file, theme=theme)
    session.build(catalogs=True, fresh=True, pages_after_serving=True)
    session.write_pages_left()
    return session, session.keep_reads()


def files_read_during(monkeypatch, action):
    """The stories Pelican's readers read while `action()` runs (by file name)."""
    read = []
    read_file = Readers.read_file

    def counting(readers, base_path, path, *args, **kwargs):
        if path.endswith(".md"):
            read.append(Path(path).name)
        return read_file(readers, base_path, path, *args, **kwargs)
    with monkeypatch.context() as patch:
        patch.setattr(Readers, "read_file", counting)
        result = action()
    return set(read), result


def stories_in(content):
    return sorted(content.rglob("*.md"))


def replace_in_body(path, old, new):
    header, body = path.read_text(encoding="utf-8").split("\n\n", 1)
    assert old in body
    path.write_text(header + "\n\n" + body.replace(old, new, 1), encoding="utf-8")


def test_a_new_start_reads_only_what_changed_and_writes_a_full_builds_site(newsroom, tmp_path, monkeypatch):
    import validation

    content, theme = newsroom
    stories = stories_in(content)
    first, kept = start(tmp_path, content, theme)
    assert first.reads_taken_back == 0
    assert kept == len(stories)
    assert kept_reads.state_file(first.output).is_file()
    first.stop_search_index()

    edited = next(path for path in stories if not path.name.endswith(".ur.md"))
    word = edited.read_text(encoding="utf-8").split("\n\n", 1)[1].split()[3]
    replace_in_body(edited, word, "KEPTREADSEDIT")
    new_story = edited.parent / "kept-reads-new.md"
    header, body = edited.read_text(encoding="utf-8").split("\n\n", 1)
    header = "\n".join("Slug: kept-reads-new" if line.startswith("Slug:") else line for line in header.splitlines())
    new_story.write_text(header + "\n\n" + body, encoding="utf-8")
    monkeypatch.setattr(validation, "_KEPT", validation.KeptChecks())  # a new process's

    read, (second, kept_again) = files_read_during(monkeypatch, lambda: start(tmp_path, content, theme))
    assert second.reads_taken_back == len(stories) - 1  # all but the edited one
    assert read == {edited.name, new_story.name}
    assert validation.STATS == {"kept": len(stories) - 1, "checked": 2}
    assert kept_again == len(stories) + 1
    pages = [page for page in second.output.rglob("index.html") if "KEPTREADSEDIT" in page.read_text(encoding="utf-8")]
    assert pages, "the edit made between the starts is not shown"
    assert second.build() == 0  # later builds go on from the taken-back reads
    caches, _, placeholders = kept_reads.load(kept_reads.state_file(second.output), second._reads_key)
    taken_back = [story for cache in caches.values() for _, story in cache.values()]
    assert taken_back and not any("_render_token" in story.__dict__ for story in taken_back)
    assert {kind for kind, _ in placeholders} == {"settings", "context"}
    second.wait_for_search_index()
    full = built(tmp_path / "full", content=content,
                 extra_settings=[f'THEME="{theme}"', without_fingerprints(), "SHOW_DRAFTS=true"])
    assert differences(second.output, full) == []


def test_reads_kept_in_another_environment_or_damaged_are_not_taken_back(newsroom, tmp_path, monkeypatch):
    content, theme = newsroom
    first, kept = start(tmp_path, content, theme)
    assert kept == len(stories_in(content))
    first.stop_search_index()
    state = kept_reads.state_file(first.output)

    other_settings = tmp_path / "settings.py"
    other_settings.write_text(SETTINGS.format(root=str(ROOT), extra='SITENAME = "Another Gazette"'), encoding="utf-8")
    read, (other, _) = files_read_during(monkeypatch, lambda: start(tmp_path, content, theme, other_settings))
    assert other.reads_taken_back == 0 and len(read) == len(stories_in(content))
    other.stop_search_index()

    # The settings edited while a start reads: what it read, it read with the old ones.
    during = Session(tmp_path / "served", content, settings_file=other_settings, theme=theme)
    during.build(catalogs=True, fresh=True, pages_after_serving=True)
    other_settings.write_text(other_settings.read_text(encoding="utf-8") + "\n# edited during the read\n",
                              encoding="utf-8")
    during.write_pages_left()
    during.keep_reads()
    during.stop_search_index()
    read, (after, _) = files_read_during(monkeypatch, lambda: start(tmp_path, content, theme, other_settings))
    assert after.reads_taken_back == 0 and len(read) == len(stories_in(content))
    after.stop_search_index()

    state.write_bytes(state.read_bytes()[:1000])  # cut short, as by a full disk
    read, (damaged, kept) = files_read_during(monkeypatch, lambda: start(tmp_path, content, theme, other_settings))
    assert damaged.reads_taken_back == 0 and len(read) == len(stories_in(content))
    assert kept == len(stories_in(content))
    damaged.stop_search_index()


def test_stories_with_photos_files_or_unsafe_html_are_read_again_and_say_so_again(tmp_path, monkeypatch, capsys):
    """Reading such a story publishes its photos and linked files, or reports
    its unsafe HTML: a new start must do that again."""
    import validation

    monkeypatch.setenv("SOURCE_DATE_EPOCH", REFERENCE_EPOCH)
    monkeypatch.setattr(validation, "_KEPT", validation.KeptChecks())
    content = write_photo_content(tmp_path / "content")
    unsafe = content / "articles" / "2024" / "kept-reads-unsafe.md"
    unsafe.write_text("Title: A story with a tracking pixel\nDate: 2024-03-01 10:00\nCategory: World\n"
                      "Slug: kept-reads-unsafe\n\nA sentence.\n\n<img src=\"https://tracker.example/p.gif\" alt=\"x\">\n",
                      encoding="utf-8")
    settings = tmp_path / "settings.py"
    settings.write_text(SETTINGS.format(root=str(ROOT), extra='BODY_HTML_UNSAFE = "warning"'), encoding="utf-8")
    first, kept = start(tmp_path, content, None, settings)
    first.stop_search_index()
    assert "tracker.example" in capsys.readouterr().err
    shown_photos = {story.source_path for cache in first.content_caches.values() for _, story in cache.values()
                    if story.lead_photo is not None or "/photos/" in story._content or story.get_static_links()}
    assert shown_photos
    stories = stories_in(content)
    assert kept == len(stories) - len(shown_photos) - 1

    monkeypatch.setattr(validation, "_KEPT", validation.KeptChecks())
    read, (second, _) = files_read_during(monkeypatch, lambda: start(tmp_path, content, None, settings))
    assert read == {Path(path).name for path in shown_photos} | {unsafe.name}
    assert "tracker.example" in capsys.readouterr().err  # said again
    second.wait_for_search_index()
    full = built(tmp_path / "full", content=content, extra_settings=[
        without_fingerprints(), "SHOW_DRAFTS=true", 'BODY_HTML_UNSAFE="warning"'])
    assert differences(second.output, full) == []


def test_a_start_that_took_its_stories_back_leaves_the_markdown_memo_whole(tmp_path, monkeypatch):
    """The start does not read the memo of Markdown conversions
    (plugins/read_once.py: few files, if any, are read); at exit it writes
    back the memo on disk with what this process converted, and none of the
    entries it did not use is dropped: the next publish build still finds
    every story's."""
    from types import SimpleNamespace

    import read_once

    def fresh_process():
        for name, value in (("_DISK", {"path": None}), ("_MARKDOWN_MEMO", {}), ("_TYPOGRIFY_MEMO", {}),
                            ("_USED", set()), ("STATS", dict.fromkeys(read_once.STATS, 0))):
            monkeypatch.setattr(read_once, name, value)
        monkeypatch.setattr(read_once.atexit, "register", lambda function: None)

    def converted(*texts):
        for text in texts:
            read_once.memoized_typogrify(text)

    fresh_process()
    read_once.load_memo(SimpleNamespace(settings={"CACHE_PATH": str(tmp_path)}))
    converted("One story's text.", "Another story's text.")
    read_once.save_memo()
    memo = tmp_path / "read_once.pickle"
    assert memo.is_file()
    written = memo.stat().st_mtime_ns

    fresh_process()
    read_once.load_memo(SimpleNamespace(settings={"CACHE_PATH": str(tmp_path), "READ_ONCE_STORIES_KEPT": True}))
    assert read_once._TYPOGRIFY_MEMO == {}  # not read at start
    read_once.save_memo()  # nothing converted
    assert memo.stat().st_mtime_ns == written
    converted("One story's text.")  # a story read again (it shows photos): read from the memo, once needed
    assert read_once.STATS["typogrify_hits"] == 1 and read_once.STATS["typogrify_misses"] == 0
    converted("An edited story's text.")
    read_once.save_memo()

    fresh_process()
    read_once.load_memo(SimpleNamespace(settings={"CACHE_PATH": str(tmp_path)}))
    assert sorted(read_once._TYPOGRIFY_MEMO.values()) == sorted(
        read_once._original_typogrify(text) for text in ("One story's text.", "Another story's text.",
                                                         "An edited story's text."))
