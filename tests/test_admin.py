"""The CMS at /admin/ as built (plugins/admin_cms.py): the page, Decap's
bundle and the configuration generated from the settings.  The editing itself
runs in Chromium: tests/browser/test_cms_editing.py and test_cms_admin.py."""

import json

import pytest

import admin_cms
import pelicanconf
from sitebuild import ROOT


@pytest.fixture(scope="module")
def config(published):
    return json.loads(published.text("admin/config.json"))


def test_the_admin_page_is_noindex_and_loads_only_our_scripts(published):
    page = published.html("admin/index.html")
    assert page.select_one('meta[name="robots"]')["content"] == "noindex, nofollow"
    assert [script["src"] for script in page.select("script")] == ["lantern-cms.js", "decap-cms.js"]
    assert published.path("admin/decap-cms.js").stat().st_size > 1_000_000
    assert published.path("admin/lantern-cms.js").read_bytes() == (ROOT / "admin" / "lantern-cms.js").read_bytes()
    assert not list(published.path("admin").glob("*.map")) and not published.path("admin/cms.js").exists()


def test_the_cms_is_not_in_the_sitemap_or_the_search_index(published):
    assert "/admin" not in published.text("sitemap.xml")
    import gzip

    fragments = list(published.root.glob("pagefind/*/*/fragment/*.pf_fragment"))
    assert fragments
    for fragment in fragments:
        assert b"/admin/" not in gzip.decompress(fragment.read_bytes())


def test_collections_write_our_files(config):
    english, urdu = config["collections"]
    assert (english["folder"], english["path"], english["extension"]) == ("content/articles", "{{year}}/{{slug}}", "md")
    assert (urdu["folder"], urdu["path"], urdu["extension"]) == ("content/articles", "{{year}}/{{slug}}", "ur.md")
    assert english["format"] == urdu["format"] == "pelican"
    assert english["media_folder"] == urdu["media_folder"] == ""  # photos beside the story
    fields = {collection["name"]: {field["name"]: field for field in collection["fields"]} for collection in (english, urdu)}
    assert fields["ur"]["lang"] == {"name": "lang", "widget": "hidden", "default": "ur"}
    assert fields["ur"]["translated_from"]["default"] == "en"
    assert fields["ur"]["slug"]["widget"] == "relation" and fields["ur"]["slug"]["collection"] == "en"
    assert fields["en"]["title"]["widget"] == "string" and fields["ur"]["title"]["widget"] == "string_rtl"
    assert fields["ur"]["body"]["widget"] == "markdown_rtl"


def test_sections_come_from_the_settings_in_each_language(config):
    for collection in config["collections"]:
        section = next(field for field in collection["fields"] if field["name"] == "category")
        assert section["options"] == [entry[collection["name"]] for entry in pelicanconf.SECTIONS]


def test_the_form_offers_only_keys_the_build_accepts(config):
    accepted = {key.lower() for key in pelicanconf.METADATA_KEYS} | {"authors", "body"}
    for collection in config["collections"]:
        assert {field["name"] for field in collection["fields"]} <= accepted


def test_production_uses_github_with_pull_requests_and_make_serve_the_local_backend(config, site):
    assert config["backend"]["name"] == "github" and config["publish_mode"] == "editorial_workflow"
    assert "local_backend" not in config
    assert json.loads(site.text("admin/config.json"))["local_backend"] is True


def test_a_missing_bundle_stops_the_build_with_the_command_to_run(tmp_path):
    settings = {"CMS_PATH": "admin", "CMS_BUNDLE": str(tmp_path / "nowhere"), "OUTPUT_PATH": str(tmp_path / "out"),
                "DEFAULT_LANG": "en", "EDITIONS": pelicanconf.EDITIONS}
    with pytest.raises(admin_cms.CmsBundleMissing, match="npm ci --prefix admin"):
        admin_cms.write_admin(tmp_path / "out", settings)
    admin_cms.write_admin(tmp_path / "out", {**settings, "CMS_PATH": ""})
    assert not (tmp_path / "out").exists()
