"""A publish build after one edit finishes only the pages that changed (plugins/unchanged_pages.py).

The others are the live site's files, hard-linked into the new tree with
their compressed copies; the result must be the site a build from nothing
makes, byte for byte, and nothing the build does may write into a file the
live site still serves.

The fixture is a small generated newsroom (tools/bench_corpus.py) and one
written story; each scenario publishes into the same output folder with the
same cache, as `make publish` does day after day.
"""

import hashlib
import json
import os
from pathlib import Path

import pytest

import pipeline
import unchanged_pages
from bench_corpus import write_corpus
from sitebuild import Site, build_site, differences, project_settings

STORY = "articles/2024/fixture-kiln-story.md"
STORY_PAGE = "2024/04/12/fixture-kiln-story/index.html"
UNRELATED_PAGE = "search/index.html"  # shows no story


def story(*words):
    return ("Title: Fixture kiln story\nDate: 2024-04-12 09:00\nCategory: Pakistan\nTags: Fixture weather\n"
            "Slug: fixture-kiln-story\nSummary: A generated fixture story about a brick kiln.\n\n"
            "**FIXTURE:** The brick kiln was repainted this week; this story says nothing true.\n\n"
            + "".join(f"A paragraph about {word}.\n\n" for word in words))


def publish(output, content, cache):
    return Site.build(output, content=content, settings="publishconf.py",
                      extra_settings=[f"CACHE_PATH={json.dumps(str(cache))}"])


def contents(files):
    return {name: digest for name, (_, digest) in files.items()}


def files_of(root):
    """Every file of a tree: relative path -> (inode, SHA-256 of its bytes)."""
    return {path.relative_to(root).as_posix(): (path.stat().st_ino, hashlib.sha256(path.read_bytes()).hexdigest())
            for path in sorted(Path(root).rglob("*")) if path.is_file()}


@pytest.fixture(scope="module")
def paper(tmp_path_factory):
    """A newsroom published once, then again after one edit of one story
    (`warm`, and `now`, its files), and the same edited sources published
    into an empty folder with an empty cache (`cold`); `live` is every file
    of the first build, and `kept_now` the files of a folder of hard links to
    them, after the second build (a write into any of them, even one deleted
    with the old tree, shows there)."""
    folder = tmp_path_factory.mktemp("unchanged-pages")
    content = folder / "content"
    write_corpus(content, 8, seed=27)
    (content / STORY).parent.mkdir(parents=True, exist_ok=True)
    (content / STORY).write_text(story("heron"), encoding="utf-8")
    output, cache = folder / "output", folder / "cache"
    first = publish(output, content, cache)
    live = files_of(first.root)
    kept = folder / "kept"
    for name in live:
        (kept / name).parent.mkdir(parents=True, exist_ok=True)
        os.link(first.root / name, kept / name)
    (content / STORY).write_text(story("heron", "kestrel"), encoding="utf-8")
    warm = publish(output, content, cache)
    now, kept_now = files_of(warm.root), files_of(kept)  # before a test edits the live site
    cold = publish(folder / "cold" / "output", content, folder / "cold" / "cache")
    return {"content": content, "cache": cache, "live": live, "kept_now": kept_now, "warm": warm, "now": now,
            "cold": cold}


def test_the_build_after_one_edit_is_the_build_from_nothing_byte_for_byte(paper):
    assert contents(paper["now"]) == contents(files_of(paper["cold"].root))
    assert "kestrel" in paper["warm"].text(STORY_PAGE)


def test_only_the_pages_that_changed_are_new_files_the_others_are_the_live_sites(paper):
    live, now = paper["live"], paper["now"]
    pages = [name for name in now if name.endswith(".html")]
    same_bytes = {name for name in pages if name in live and live[name][1] == now[name][1]}
    linked = {name for name in pages if name in live and live[name][0] == now[name][0]}
    assert linked == same_bytes
    assert STORY_PAGE not in linked
    assert UNRELATED_PAGE in linked
    assert len(linked) > len(pages) / 2, "most pages of the paper do not show the edited story"
    for name in linked:  # their compressed copies come along
        for suffix in (".br", ".gz"):
            if name + suffix in now:
                assert now[name + suffix][0] == live[name + suffix][0], name + suffix


def test_nothing_was_written_into_a_file_of_the_live_site(paper):
    assert contents(paper["kept_now"]) == contents(paper["live"])


def test_a_live_page_edited_or_made_read_only_on_the_server_is_made_again_not_linked(paper):
    output = paper["warm"].root
    edited, read_only = output / UNRELATED_PAGE, output / "404.html"
    data = bytearray(edited.read_bytes())
    data[-3:] = b"-->" if data[-3:] != b"-->" else b"<!>"  # in place, the same size: only the time tells
    with open(edited, "r+b") as file:
        file.write(data)
    read_only.chmod(0o400)
    inodes = {edited.stat().st_ino, read_only.stat().st_ino}
    again = publish(output, paper["content"], paper["cache"])
    assert {again.path(UNRELATED_PAGE).stat().st_ino, again.path("404.html").stat().st_ino}.isdisjoint(inodes)
    assert differences(again.root, paper["cold"].root) == []
    assert again.path("404.html").stat().st_mode == paper["cold"].path("404.html").stat().st_mode


def test_the_record_names_the_pages_of_the_live_site(paper):
    record = json.loads((paper["warm"].root.parent / ".output.pages.json").read_text(encoding="utf-8"))
    assert set(record["pages"]) == {name for name in files_of(paper["warm"].root) if name.endswith(".html")}


def test_a_build_without_the_steps_leaves_no_record_behind(paper, tmp_path):
    output = tmp_path / "output"
    publish(output, paper["content"], tmp_path / "cache")
    assert (tmp_path / ".output.pages.json").is_file()
    result = build_site(output, content=paper["content"], settings="pelicanconf.py",
                        extra_settings=[f"CACHE_PATH={json.dumps(str(tmp_path / 'cache'))}"])
    assert result.returncode == 0, result.stdout + result.stderr
    assert not (tmp_path / ".output.pages.json").exists()


# -- the finishing key: what, besides a page's own bytes, makes its final files

@pytest.fixture
def staged(tmp_path):
    theme = tmp_path / "theme"
    (theme / "css").mkdir(parents=True)
    (theme / "css" / "site.css").write_text("body { color: black }\n", encoding="utf-8")
    (theme / "fonts").mkdir()
    (theme / "fonts" / "noto-nastaliq-urdu.woff2").write_bytes(b"subset one")
    return tmp_path


def test_another_font_subset_stylesheet_or_setting_finishes_every_page_again(staged):
    settings = {**project_settings("publishconf.py"), "THEME_STATIC_DIR": "theme"}
    key = unchanged_pages.finishing_key(staged, settings)
    assert unchanged_pages.finishing_key(staged, dict(settings)) == key
    (staged / "theme" / "fonts" / "noto-nastaliq-urdu.woff2").write_bytes(b"subset two")  # a new Urdu letter
    font_key = unchanged_pages.finishing_key(staged, settings)
    (staged / "theme" / "css" / "site.css").write_text("body { color: navy }\n", encoding="utf-8")
    stylesheet_key = unchanged_pages.finishing_key(staged, settings)
    setting_key = unchanged_pages.finishing_key(staged, {**settings, "PRECOMPRESS_MIN_SIZE": 21})
    assert len({key, font_key, stylesheet_key, setting_key}) == 4


def test_the_steps_must_surround_every_step_that_finishes_a_page():
    publish_steps = project_settings("publishconf.py")["PIPELINE_STEPS"]
    pipeline.check_order(publish_steps)
    wrong = [step for step in publish_steps if step != "link_unchanged_pages"]
    with pytest.raises(pipeline.UnknownStep, match="both unchanged_pages and link_unchanged_pages"):
        pipeline.check_order(wrong)
    late = [step for step in publish_steps if step != "unchanged_pages"]
    late.insert(late.index("fingerprint") + 1, "unchanged_pages")
    with pytest.raises(pipeline.UnknownStep, match="minify, fingerprint must come after unchanged_pages"):
        pipeline.check_order(late)
    early = [step for step in publish_steps if step != "unchanged_pages"]
    early.insert(early.index("urdu_font"), "unchanged_pages")  # before the font subset its key hashes
    with pytest.raises(pipeline.UnknownStep, match="urdu_font, search_index, admin, headers must come before"):
        pipeline.check_order(early)


def test_a_damaged_record_is_no_record(tmp_path):
    record = tmp_path / "record.json"
    for text in ("{", "[]", '{"version": 1, "pages": []}', '{"version": 99, "pages": {}}'):
        record.write_text(text, encoding="utf-8")
        assert unchanged_pages.read_record(record) is None
    entry = {"digest": "d", "stamp": unchanged_pages.stamp(record), "copies": []}  # copies: not a dict
    assert not unchanged_pages.live_files_intact(str(tmp_path), "record.json", entry)
    assert unchanged_pages.live_files_intact(str(tmp_path), "record.json", {**entry, "copies": {}})
