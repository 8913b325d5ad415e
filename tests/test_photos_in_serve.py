"""`make serve` keeps photos right through an editor's edits: a quick edit of
the story keeps its photos, and a replaced photo file shows at once."""

import shutil

import pytest
import watchfiles
from PIL import Image

from incremental import Session
from photo_fixture import CARD_SLUG, LEAD_ARTICLE, LEAD_SLUG, PLAIN_SLUG, write_photo_content
from serve import rebuild
from sitebuild import REFERENCE_EPOCH, ROOT, Site

CARD_ARTICLE = f"2024/03/01/{CARD_SLUG}/index.html"


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    """One preview session for the module: each test edits a different file."""
    folder = tmp_path_factory.mktemp("photo-serve")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SOURCE_DATE_EPOCH", REFERENCE_EPOCH)
        content = write_photo_content(folder / "content")
        session = Session(folder / "served", content)
        session.build(catalogs=True, fresh=True)
        yield session, Site(folder / "served")
        session.stop_search_index()


def lead_src(site, page):
    return site.html(page).select_one("figure.lead-photo img")["src"]


def test_preview_pages_link_photos_from_the_site_root(served):
    _, site = served
    src = lead_src(site, LEAD_ARTICLE)
    assert src.startswith("/media/market-") and site.path(src.lstrip("/")).is_file()


def test_a_quick_edit_of_the_text_keeps_the_photos(served):
    session, site = served
    story = session.content / "articles" / "2024" / "fixture-photo-market.md"
    before = lead_src(site, LEAD_ARTICLE)
    story.write_text(story.read_text(encoding="utf-8").replace("The last paragraph", "The edited last paragraph"),
                     encoding="utf-8")
    rebuild(session, {(watchfiles.Change.modified, str(story))})  # raises Restart for settings or plugins
    page = site.html(LEAD_ARTICLE)
    assert "The edited last paragraph" in page.get_text()
    assert lead_src(site, LEAD_ARTICLE) == before
    assert len(page.select(".story-body figure.photo")) == 5


def test_a_replaced_photo_shows_without_touching_the_story(served):
    session, site = served
    photo = session.content / "articles" / "2024" / "bridge.jpg"
    before = lead_src(site, CARD_ARTICLE)
    with Image.open(photo) as original:
        original.transpose(Image.Transpose.FLIP_LEFT_RIGHT).save(photo, "JPEG", quality=85)
    rebuild(session, {(watchfiles.Change.modified, str(photo))})
    after = lead_src(site, CARD_ARTICLE)
    assert after != before and site.path(after.lstrip("/")).is_file()
    assert site.html("index.html").select_one(f'a[href$="{CARD_SLUG}/"]') is not None
    card_sources = [image["src"] for image in site.html("index.html").select("picture.story-card-photo img")]
    assert any(source.split("-")[1] == after.split("-")[1] for source in card_sources), "the front page too"


def test_a_deleted_story_with_photos_takes_a_full_build(served):
    """A full build would no longer publish the sizes of its photos, which a
    build in place leaves where they are."""
    session, _ = served
    folder = session.content / "articles" / "2024"
    assert not session.can_remove_in_place([str(folder / f"{LEAD_SLUG}.md")])
    assert not session.can_remove_in_place([str(folder / "bridge.jpg")])  # a photo: not a story
    assert session.can_remove_in_place([str(next(folder.glob(f"{PLAIN_SLUG}.md")))])


def test_an_edit_of_the_photo_template_shows_in_story_bodies_too(tmp_path, monkeypatch):
    """Inline photos are written into the story's body when it is read, with
    the theme's partials/photo.html: an edit of it needs the stories read
    again, not only the pages rendered."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", REFERENCE_EPOCH)
    content = write_photo_content(tmp_path / "content")
    theme = tmp_path / "theme"
    shutil.copytree(ROOT / "theme", theme, ignore=shutil.ignore_patterns("*.mo"))
    session = Session(tmp_path / "served", content, theme=theme)
    session.build(catalogs=True, fresh=True)
    try:
        photo_template = theme / "templates" / "partials" / "photo.html"
        text = photo_template.read_text(encoding="utf-8")
        assert '<figure class="{{ class }}">' in text
        photo_template.write_text(text.replace('<figure class="{{ class }}">', '<figure class="{{ class }}" data-lorem>'),
                                  encoding="utf-8")
        rebuild(session, {(watchfiles.Change.modified, str(photo_template))})
        page = Site(session.output).html(LEAD_ARTICLE)
        assert page.select_one("figure.lead-photo[data-lorem]") is not None
        assert len(page.select(".story-body figure.photo[data-lorem]")) == 5
    finally:
        session.stop_search_index()
