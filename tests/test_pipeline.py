"""The steps after the pages run in the order PIPELINE_STEPS gives (plugins/pipeline.py).

What the order means for what ships, checked on the publish build: the
stylesheet is named after its minified bytes, the compressed copies are of
the final files, `_headers` covers the CMS and the search bundle, and the
search bundle indexed the pages.
"""

import brotli
import hashlib
import re

import pipeline
from sitebuild import build_site


def test_the_stylesheet_is_named_after_its_minified_bytes(published):
    [stylesheet] = published.path("theme/css").glob("site.*.css")
    data = stylesheet.read_bytes()
    assert stylesheet.name == f"site.{hashlib.sha256(data).hexdigest()[:12]}.css"
    assert b"/*" not in data and b"\n  " not in data, "named before it was minified"
    assert published.html("index.html").select_one('link[rel="stylesheet"]')["href"].endswith(stylesheet.name)


def test_compressed_copies_are_of_the_final_files(published):
    for name in ("index.html", "sitemap.xml", "_headers"):
        copy = published.path(f"{name}.br")
        if copy.exists():
            assert brotli.decompress(copy.read_bytes()) == published.path(name).read_bytes(), name
    [stylesheet] = published.path("theme/css").glob("site.*.css")
    assert brotli.decompress(stylesheet.with_name(stylesheet.name + ".br").read_bytes()) == stylesheet.read_bytes()


def test_the_headers_cover_what_the_steps_before_them_wrote(published):
    rules = set(re.findall(r"^(/\S*)$", published.text("_headers"), flags=re.MULTILINE))
    assert {"/admin/*", "/pagefind/*"} <= rules


def test_make_serve_keeps_plain_asset_names_and_indexes_in_the_background():
    publish = ["urdu_font", "search_index", "admin", "headers", "unchanged_pages", "minify", "fingerprint",
               "compressed_copies", "link_unchanged_pages"]
    assert pipeline.preview_steps(publish) == ["urdu_font", "search_index_in_background", "admin", "headers",
                                               "minify", "compressed_copies"]


def test_a_misspelt_step_stops_the_build_naming_it_and_the_steps(tmp_path, newsroom):
    result = build_site(tmp_path / "output", content=newsroom, extra_settings=['PIPELINE_STEPS=["minfy"]'])
    assert result.returncode != 0
    assert "PIPELINE_STEPS names minfy, which is not a step; the steps are: urdu_font, search_index" in result.stderr
    assert not (tmp_path / "output").exists()
