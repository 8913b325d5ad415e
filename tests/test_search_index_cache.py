"""A publish build reuses the Pagefind bundle of a previous build of the same
pages (plugins/search_index.py, ``CACHE_PATH/pagefind/``), byte for byte, and
indexes again as soon as one word of a page changed or the cached bundle is
damaged.

The fixture is a small generated newsroom (tools/bench_corpus.py) and one
written story whose body carries a word found nowhere else; each test builds
with its own copy of the first build's cache.  Searches run Pagefind's own
search script (the bundle's pagefind.js, its WebAssembly) in Node, reading the
bundle from the output folder.
"""

import json
import os
import shutil
import subprocess
import sys

import pytest

from bench_corpus import write_corpus
from search_index import CACHE_FOLDER, COMPLETE, KEPT_BUNDLES, file_digests, prune, restore_bundle, store_bundle
from sitebuild import Site

STORY = "articles/2024/fixture-gauge-story.md"
STORY_URL = "/2024/04/12/fixture-gauge-story/"
OLD_WORD, NEW_WORD = "marigold", "zinnia"  # in the story's body only, before and after the edit


def story(word):
    return ("Title: Fixture gauge story\nDate: 2024-04-12 09:00\nCategory: Pakistan\nTags: Fixture weather\n"
            "Slug: fixture-gauge-story\nSummary: A generated fixture story about a river gauge.\n\n"
            f"**FIXTURE:** The river gauge was painted {word} this week; this story says nothing true.\n\n"
            "Second paragraph of a generated fixture story.\n")


# Pagefind's search in Node: the page's language comes from a stand-in
# document, and every file from the output folder by its URL path.
SEARCH = """
import fs from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
const [root, lang, query] = process.argv.slice(-3);
const origin = "http://site.invalid";
globalThis.document = { currentScript: null, querySelector: (s) => (s === "html" ? { getAttribute: () => lang } : null) };
globalThis.fetch = async (input) => {
  const url = new URL(String(input?.url ?? input), origin);
  return new Response(fs.readFileSync(path.join(root, decodeURIComponent(url.pathname))));
};
// As theme/static/js/search.js does: every chunk of the edition, each its own module.
const { chunks } = JSON.parse(fs.readFileSync(path.join(root, "pagefind", lang, "chunks.json"), "utf-8"));
const results = [];
for (const chunk of chunks) {
  const pagefind = await import(pathToFileURL(path.join(root, "pagefind", lang, chunk, "pagefind.js")).href);
  await pagefind.options({ basePath: `${origin}/pagefind/${lang}/${chunk}/` });
  results.push(...(await pagefind.search(query)).results);
}
results.sort((a, b) => b.score - a.score);
const urls = [];
for (const result of results) urls.push(new URL((await result.data()).url, origin).pathname);
console.log(JSON.stringify(urls));
"""


def search(root, lang, query):
    """The URLs Pagefind finds for `query` in the `lang` index of the site at `root`."""
    node = shutil.which("node")
    if node is None:
        pytest.skip("Node.js is not installed")
    result = subprocess.run([node, "--input-type=module", "-e", SEARCH, str(root), lang, query],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def bundle(site):
    """{path: bytes} of the site's Pagefind folder."""
    folder = site.path("pagefind")
    return {path.relative_to(folder).as_posix(): path.read_bytes() for path in sorted(folder.rglob("*")) if path.is_file()}


def entries(cache):
    """The cache's entries, one per chunk's bundle (not its scratch folder)."""
    return sorted(entry for entry in (cache / CACHE_FOLDER).iterdir() if not entry.name.startswith("."))


def assert_entries_hold_the_chunks(site, cache):
    """Each chunk the site publishes is an entry of the cache, file for file, and the entries are whole."""
    stored = []
    for entry in entries(cache):
        assert file_digests(entry / "bundle") == json.loads((entry / COMPLETE).read_text(encoding="utf-8"))
        stored.append(file_digests(entry / "bundle"))
    chunks = sorted(site.root.glob("pagefind/*/*/pagefind-entry.json"))
    assert [chunk.parent.parent.name for chunk in chunks] == ["en", "ur"]  # one chunk per edition
    for chunk in chunks:
        published = {name: digest for name, digest in file_digests(chunk.parent).items()
                     if not name.endswith((".br", ".gz"))}
        assert published in stored, chunk


def publish(output, content, cache, env=None):
    return Site.build(output, content=content, settings="publishconf.py", env=env,
                      extra_settings=[f"CACHE_PATH={json.dumps(str(cache))}"])


@pytest.fixture(scope="module")
def sources(tmp_path_factory):
    folder = tmp_path_factory.mktemp("search-cache") / "content"
    write_corpus(folder, 6, seed=18)
    (folder / STORY).parent.mkdir(parents=True, exist_ok=True)
    (folder / STORY).write_text(story(OLD_WORD), encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def first(tmp_path_factory, sources):
    """The first publish build, with an empty cache; `first.cache` is its cache (copy it to build with it)."""
    folder = tmp_path_factory.mktemp("first")
    site = publish(folder / "output", sources, folder / "cache")
    site.cache = folder / "cache"
    return site


def cache_copy(first, tmp_path):
    return shutil.copytree(first.cache, tmp_path / "cache")


def test_the_first_build_indexes_and_caches_its_bundle(first):
    assert search(first.root, "en", OLD_WORD) == [STORY_URL]
    assert search(first.root, "en", NEW_WORD) == []
    assert len(entries(first.cache)) == 2  # one chunk per edition
    assert_entries_hold_the_chunks(first, first.cache)


def test_a_second_build_of_the_same_pages_reuses_the_bundle_without_running_pagefind(first, sources, tmp_path):
    # A `pagefind` module that fails, first on the build's path: the build
    # succeeds only if Pagefind is not run.
    fake = tmp_path / "fake" / "pagefind"
    fake.mkdir(parents=True)
    (fake / "__init__.py").write_text("", encoding="utf-8")
    (fake / "__main__.py").write_text("import sys\nsys.exit('Pagefind was run')\n", encoding="utf-8")
    env = {"PYTHONPATH": str(fake.parent)}
    run = subprocess.run([sys.executable, "-m", "pagefind", "--version"], env=env, capture_output=True, text=True)
    assert (run.returncode, run.stderr.strip()) == (1, "Pagefind was run")

    second = publish(tmp_path / "output", sources, cache_copy(first, tmp_path), env=env)
    assert bundle(second) == bundle(first)
    assert search(second.root, "en", OLD_WORD) == [STORY_URL]
    # The cache's files stay as stored: what the build did to the output's
    # (compressed copies beside them) did not write through the links.
    assert_entries_hold_the_chunks(second, tmp_path / "cache")


def test_one_changed_word_is_indexed_again_and_found(first, sources, tmp_path):
    content = shutil.copytree(sources, tmp_path / "content")
    (content / STORY).write_text(story(NEW_WORD), encoding="utf-8")
    cache = cache_copy(first, tmp_path)
    changed = publish(tmp_path / "output", content, cache)
    assert bundle(changed) != bundle(first)
    assert search(changed.root, "en", NEW_WORD) == [STORY_URL]
    assert search(changed.root, "en", OLD_WORD) == []
    # Only the English chunk was indexed again; the previous pages' bundle is kept too.
    before = {entry.name for entry in entries(first.cache)}
    after = {entry.name for entry in entries(cache)}
    assert before < after and len(after) == 3
    assert {name: data for name, data in bundle(changed).items() if name.startswith("ur/")} == \
        {name: data for name, data in bundle(first).items() if name.startswith("ur/")}


@pytest.mark.parametrize("damage", ["stored without its marker", "changed after it was stored"])
def test_a_damaged_cache_entry_is_ignored_and_the_index_built_again(first, sources, tmp_path, damage):
    cache = cache_copy(first, tmp_path)
    for entry in entries(cache):
        if damage == "stored without its marker":
            (entry / COMPLETE).unlink()
            for fragment in (entry / "bundle" / "fragment").iterdir():
                fragment.unlink()
        (entry / "bundle" / "pagefind-entry.json").write_text("{", encoding="utf-8")
    rebuilt = publish(tmp_path / "output", sources, cache)
    assert bundle(rebuilt) == bundle(first)
    assert search(rebuilt.root, "en", OLD_WORD) == [STORY_URL]
    assert_entries_hold_the_chunks(rebuilt, cache)


def test_a_cache_that_cannot_be_written_is_a_warning_not_a_failure(first, sources, tmp_path):
    cache = cache_copy(first, tmp_path)
    shutil.rmtree(cache / CACHE_FOLDER)
    (cache / CACHE_FOLDER).write_text("not a folder", encoding="utf-8")
    site = publish(tmp_path / "output", sources, cache)
    assert "Pagefind index not cached" in site.log
    assert bundle(site) == bundle(first)


def test_the_cache_keeps_the_most_recently_used_bundles(tmp_path):
    for age, name in enumerate(["newest", "kept", "older", "oldest"]):
        (tmp_path / name).mkdir()
        (tmp_path / name / COMPLETE).write_text("{}", encoding="utf-8")
        mtime = 1_700_000_000 - age * 60
        os.utime(tmp_path / name, (mtime, mtime))
    prune(tmp_path, keep={"oldest"})  # the one this build just used or stored
    others = ["newest", "kept", "older"][:KEPT_BUNDLES - 1]
    assert sorted(path.name for path in tmp_path.iterdir()) == sorted(["oldest", *others])


def test_the_cache_keeps_a_previous_bundle_for_each_chunk_a_build_used(tmp_path):
    names = ["used-1", "used-2", "recent-1", "recent-2", "old-1", "old-2"]
    for age, name in enumerate(reversed(names)):  # the used ones oldest: kept all the same
        (tmp_path / name).mkdir()
        mtime = 1_700_000_000 + age * 60
        os.utime(tmp_path / name, (mtime, mtime))
    prune(tmp_path, keep={"used-1", "used-2"})
    kept = (KEPT_BUNDLES - 1) * 2
    assert sorted(path.name for path in tmp_path.iterdir()) == sorted(["used-1", "used-2", *names[2:2 + kept]])


@pytest.mark.parametrize("links", [True, False], ids=["hard links", "copies where links fail"])
def test_a_stored_bundle_comes_back_whole(tmp_path, monkeypatch, links):
    made = tmp_path / "made"
    (made / "fragment").mkdir(parents=True)
    (made / "pagefind.js").write_text("js", encoding="utf-8")
    (made / "fragment" / "en_1.pf_fragment").write_bytes(b"\x1f\x8b fragment")
    store_bundle(tmp_path / "cache", "key", made)
    if not links:  # another file system, or a Windows volume without them
        def refuse(*args, **kwargs):
            raise OSError("links not allowed here")
        monkeypatch.setattr(os, "link", refuse)
    assert restore_bundle(tmp_path / "cache", "key", tmp_path / "back")
    assert file_digests(tmp_path / "back") == file_digests(made)
    assert (tmp_path / "back" / "pagefind.js").stat().st_nlink == (2 if links else 1)
    assert not restore_bundle(tmp_path / "cache", "another key", tmp_path / "elsewhere")
    assert not (tmp_path / "elsewhere").exists()
