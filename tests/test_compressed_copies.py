"""The `.br` and `.gz` copies a precompressing host sends (plugins/compressed_copies.py)."""

import gzip

import brotli
import compressed_copies
import pytest

from sitebuild import ROOT

ARTICLE = "2018/05/02/us-backed-alliance-launches-final-battle-against-is-in-syria/index.html"


def test_published_pages_and_stylesheet_have_copies_at_their_quality(published):
    page = published.path(ARTICLE).read_bytes()
    assert published.path(ARTICLE + ".br").read_bytes() == brotli.compress(page, mode=brotli.MODE_TEXT, quality=6)
    assert gzip.decompress(published.path(ARTICLE + ".gz").read_bytes()) == page
    (stylesheet,) = published.path("theme/css").glob("site.*.css")
    assert stylesheet.with_name(stylesheet.name + ".br").read_bytes() == brotli.compress(
        stylesheet.read_bytes(), mode=brotli.MODE_TEXT, quality=11)


def test_the_cms_script_is_not_compressed_at_the_slowest_quality(published):
    """Brotli 11 took 14 s of every cold build on the CMS's 5 MB script."""
    script = published.path("admin/decap-cms.js").read_bytes()
    assert len(script) > compressed_copies.LARGE_FILE_SIZE
    assert published.path("admin/decap-cms.js.br").read_bytes() == brotli.compress(
        script, mode=brotli.MODE_TEXT, quality=compressed_copies.LARGE_FILE_QUALITY)


def build_in(folder, cache, quality, **more):
    settings = {"DEFAULT_LANG": "en", "EDITIONS": {"en": {}, "ur": {}}, "OUTPUT_PATH": str(folder),
                "CACHE_PATH": str(cache), "PRECOMPRESS_BROTLI_QUALITY": quality, **more}
    compressed_copies.write_compressed_copies(folder, settings)


@pytest.fixture
def pages(tmp_path):
    site = tmp_path / "site"
    site.mkdir()
    text = (ROOT / "tests" / "fixtures" / "reference_page.txt").read_text(encoding="utf-8")
    (site / "index.html").write_text(f"<p>{text}</p>", encoding="utf-8")
    (site / "feed.xml").write_text(f"<feed>{text}</feed>", encoding="utf-8")
    (site / "tiny.txt").write_bytes(b"a1b2c3d4e5f6g7h8i9j0k")  # 21 bytes: no smaller copy exists
    (site / "font.woff2").write_bytes(b"\0" * 4096)  # not text: no copy
    return site


def test_every_text_file_gets_copies_unless_they_would_be_larger(pages, tmp_path):
    build_in(pages, tmp_path / "cache", {".html": 6})
    for name in ("index.html", "feed.xml"):
        data = (pages / name).read_bytes()
        assert brotli.decompress((pages / f"{name}.br").read_bytes()) == data
        assert gzip.decompress((pages / f"{name}.gz").read_bytes()) == data
    html = (pages / "index.html").read_bytes()
    assert (pages / "index.html.br").read_bytes() == brotli.compress(html, mode=brotli.MODE_TEXT, quality=6)
    feed = (pages / "feed.xml").read_bytes()
    assert (pages / "feed.xml.br").read_bytes() == brotli.compress(feed, mode=brotli.MODE_TEXT, quality=11)
    assert not list(pages.glob("tiny.txt.*")) and not list(pages.glob("font.woff2.*"))


def test_a_second_build_reuses_the_copies_of_unchanged_files(pages, tmp_path):
    cache = tmp_path / "cache"
    build_in(pages, cache, 6)
    remembered = {path.name: path.stat().st_mtime_ns for path in (cache / "precompressed").iterdir()}
    assert remembered
    (pages / "feed.xml").write_text("<feed>changed, and long enough to compress well well well</feed>")
    for copy in pages.glob("*.br"):
        copy.unlink()
    build_in(pages, cache, 6)
    after = {path.name: path.stat().st_mtime_ns for path in (cache / "precompressed").iterdir()}
    kept = set(remembered) & set(after)
    assert {name: after[name] for name in kept} == {name: remembered[name] for name in kept}  # not recompressed
    assert len(set(after) - kept) == 2  # the changed feed's .br and .gz
    assert len(set(remembered) - kept) == 2  # the old feed's, no longer used: removed
    assert brotli.decompress((pages / "feed.xml.br").read_bytes()) == (pages / "feed.xml").read_bytes()


def test_files_over_the_large_file_size_get_the_large_file_quality(tmp_path):
    site = tmp_path / "site"
    site.mkdir()
    text = (ROOT / "tests" / "fixtures" / "reference_page.txt").read_text(encoding="utf-8")
    (site / "small.js").write_text(text[:900], encoding="utf-8")
    (site / "large.js").write_text(text[:3000], encoding="utf-8")
    build_in(site, tmp_path / "cache", {".html": 6}, PRECOMPRESS_BROTLI_LARGE_FILE_SIZE=1000,
             PRECOMPRESS_BROTLI_LARGE_FILE_QUALITY=4)
    for name, quality in (("small.js", 11), ("large.js", 4)):
        data = (site / name).read_bytes()
        assert (site / f"{name}.br").read_bytes() == brotli.compress(data, mode=brotli.MODE_TEXT, quality=quality)
        assert gzip.decompress((site / f"{name}.gz").read_bytes()) == data
