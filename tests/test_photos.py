"""Photos as a reader's browser and a link preview get them, read from the
publish build of the photo newsroom (tests/photo_fixture.py), never content/."""

import json
import re
from urllib.parse import urlsplit

import pytest
from PIL import Image

from gates.links import check_links
from photo_fixture import (CAMERA, CARD_SLUG, LEAD_ARTICLE, LEAD_HEIGHT, LEAD_WIDTH, PLAIN_SLUG,
                           URDU_ARTICLE, readme_example, write_photo_content)
from photos import PhotoLibrary, widths_for
from sitebuild import Site

PHOTO_FILES = ("*.jpg", "*.jpeg", "*.png", "*.webp", "*.gif", "*.avif")
WIDTH_DESCRIPTOR = re.compile(r"(\S+) (\d+)w")


def srcset(value):
    """[(url, width)] of a srcset attribute."""
    return [(url, int(width)) for url, width in WIDTH_DESCRIPTOR.findall(value)]


def local(photo_sites, site, url):
    """The file a photo URL of `site` is served from."""
    base = urlsplit(photo_sites.url).path.rstrip("/") + ("/news" if site is photo_sites.news else "")
    path = urlsplit(url).path
    assert path.startswith(base + "/media/"), url
    return site.path(path[len(base) + 1:])


def published_images(site):
    return sorted(path for pattern in PHOTO_FILES for path in site.root.rglob(pattern))


@pytest.fixture(scope="module")
def article(photo_sites):
    return photo_sites.root.html(LEAD_ARTICLE)


def test_the_lead_photo_is_a_figure_under_the_headline_with_caption_and_credit(article):
    figure = article.select_one("article.story figure.lead-photo")
    assert figure is not None
    assert figure.find_previous("h1").get_text(strip=True).startswith("Fixture market reopens")
    caption = figure.select_one("figcaption")
    assert caption.select_one(".photo-caption").get_text() == "The fixture market on a generated morning."
    assert caption.select_one(".photo-credit").get_text() == "Fixture Photographer / Test Agency"
    image = figure.select_one("picture > img")
    assert image["alt"] == "Stalls and shoppers under a clearing sky"
    assert image["fetchpriority"] == "high" and "loading" not in image.attrs, "the lead photo loads at once"
    assert (int(image["width"]), int(image["height"])) == (1600, round(1600 * LEAD_HEIGHT / LEAD_WIDTH))


def test_variants_are_webp_first_with_a_jpeg_fallback_and_never_upscaled(photo_sites, article):
    picture = article.select_one("figure.lead-photo picture")
    source = picture.select_one("source")
    assert source["type"] == "image/webp" and picture.select("source") == [source]
    image = picture.select_one("img")
    assert source["sizes"] == image["sizes"] and "38rem" in image["sizes"]
    for candidates, suffix in ((srcset(source["srcset"]), ".webp"), (srcset(image["srcset"]), ".jpg")):
        assert [width for _, width in candidates] == [400, 800, 1200, 1600]
        for url, width in candidates:
            assert url.endswith(suffix)
            with Image.open(local(photo_sites, photo_sites.root, url)) as published:
                assert published.width == width <= LEAD_WIDTH
                assert published.format == ("WEBP" if suffix == ".webp" else "JPEG")
    assert image["src"] == srcset(image["srcset"])[1][0], "browsers without srcset get the 800 px JPEG"
    small = srcset(article.select_one('img[alt="A generated scene with few colours"]')["srcset"])
    assert [width for _, width in small] == [300], "a 300 px photo is published at 300 px, not wider"


def test_inline_photos_are_lazy_figures_with_their_markdown_title_as_caption(photo_sites, article):
    body = article.select_one(".story-body")
    figures = body.select("figure.photo")
    alts = [figure.select_one("img")["alt"] for figure in figures]
    assert alts == ["A red disc on a transparent background", "A generated scene that was stored on its side",
                    "A generated scene saved in CMYK", "A generated scene with few colours",
                    "A generated map from the extra folder"]
    for figure in figures:
        image = figure.select_one("img")
        assert image["loading"] == "lazy" and image["decoding"] == "async"
        assert image.get("width") and image.get("height")
        assert figure.parent is body, "a figure is never left inside a <p>"
    captions = [figure.select_one("figcaption").get_text() if figure.select_one("figcaption") else None
                for figure in figures]
    assert captions == ["A generated logo with transparency", None, None, None, "A map kept in content/extra"]
    assert not body.select("img[src*='{'], img[src*='|static|']"), "no Pelican link syntax left"


def test_orientation_transparency_cmyk_and_palette_photos_are_published_right(photo_sites, article):
    def fallback(alt):
        image = article.select_one(f'img[alt="{alt}"]')
        with Image.open(local(photo_sites, photo_sites.root, srcset(image["srcset"])[-1][0])) as published:
            published.load()
            return image, published

    image, upright = fallback("A generated scene that was stored on its side")
    assert upright.size == (400, 600) and (image["width"], image["height"]) == ("400", "600")
    image, logo = fallback("A red disc on a transparent background")
    assert logo.format == "PNG" and logo.mode == "RGBA" and logo.getchannel("A").getextrema() == (0, 255)
    assert srcset(image["srcset"])[-1][1] == 900, "its own width, not the next one up"
    _, cmyk = fallback("A generated scene saved in CMYK")
    assert cmyk.format == "JPEG" and cmyk.mode == "RGB"
    _, palette = fallback("A generated scene with few colours")
    assert palette.format == "JPEG" and palette.mode == "RGB"


def test_no_published_file_carries_exif_gps_or_camera_data(photo_sites):
    with Image.open(photo_sites.content / "articles" / "2024" / "market.jpg") as original:
        assert original.getexif().get_ifd(0x8825), "the fixture's photo has GPS data to remove"
    with Image.open(photo_sites.content / "articles" / "2024" / "bridge.jpg") as original:
        assert original.info.get("icc_profile"), "and one has a colour profile"
    for site in (photo_sites.root, photo_sites.news):
        images = published_images(site)
        assert len(images) > 30
        for path in images:
            data = path.read_bytes()
            assert b"Exif" not in data and CAMERA.encode() not in data and b"<x:xmpmeta" not in data, path
            with Image.open(path) as published:
                assert not published.getexif(), path
                assert "exif" not in published.info and "xmp" not in published.info, path
                assert "icc_profile" not in published.info, f"{path}: colours are converted to sRGB, the profile dropped"


def test_static_images_in_extra_are_published_without_metadata(photo_sites):
    unused = photo_sites.root.path("extra/unused.jpg")
    with Image.open(unused) as published:
        assert published.size == (320, 200) and not published.getexif()


def test_the_urdu_edition_reuses_the_same_photo_files(photo_sites, article):
    urdu = photo_sites.root.html(URDU_ARTICLE)
    english_lead = article.select_one("figure.lead-photo img")
    urdu_lead = urdu.select_one("figure.lead-photo img")
    assert urdu_lead["srcset"] == english_lead["srcset"] and urdu_lead["src"] == english_lead["src"]
    assert urdu_lead["alt"] == "صاف ہوتے آسمان تلے دکانیں اور خریدار"
    assert urdu.select_one("figure.lead-photo .photo-caption").get_text() == "ایک آزمائشی صبح کا بازار۔"
    assert published_images(Site(photo_sites.root.path("ur"))) == [], "nothing copied into /ur/"
    assert all(path.parent.name in ("media", "extra") for path in published_images(photo_sites.root))


def test_a_link_to_a_photo_file_gets_the_largest_published_variant(photo_sites, article):
    link = article.find("a", string="full-size copy of the lead photo")
    assert link["href"].endswith("-1600.jpg")
    assert local(photo_sites, photo_sites.root, link["href"]).is_file()


def test_link_previews_and_structured_data_name_the_photo_with_absolute_urls(photo_sites, article):
    meta = {tag.get("property") or tag.get("name"): tag["content"] for tag in article.select("meta[content]")}
    assert meta["og:image"].startswith(photo_sites.url + "/media/") and meta["og:image"].endswith("-1200.jpg")
    assert (meta["og:image:width"], meta["og:image:height"]) == ("1200", str(round(1200 * LEAD_HEIGHT / LEAD_WIDTH)))
    assert meta["og:image:type"] == "image/jpeg"
    assert meta["og:image:alt"] == "Stalls and shoppers under a clearing sky"
    assert meta["twitter:card"] == "summary_large_image" and meta["twitter:image"] == meta["og:image"]
    data = json.loads(article.select_one('script[type="application/ld+json"]').string)
    assert data["image"] == {
        "@type": "ImageObject", "url": meta["og:image"], "contentUrl": meta["og:image"], "width": 1200,
        "height": int(meta["og:image:height"]), "encodingFormat": "image/jpeg",
        "caption": "The fixture market on a generated morning.", "creditText": "Fixture Photographer / Test Agency",
    }
    assert local(photo_sites, photo_sites.root, data["image"]["url"]).is_file()
    plain = photo_sites.root.html(f"2024/03/01/{PLAIN_SLUG}/index.html")
    assert plain.select_one('meta[name="twitter:card"]')["content"] == "summary"
    assert not plain.select('meta[property^="og:image"]')
    assert "image" not in json.loads(plain.select_one('script[type="application/ld+json"]').string)


def test_front_page_and_section_fronts_show_the_photos(photo_sites):
    home = photo_sites.root.html("index.html")
    lead = home.select_one(".lead-story")
    assert lead.select_one("h2").get_text(strip=True).startswith("Fixture market reopens")
    lead_image = lead.select_one("picture.story-card-photo img")
    assert lead_image["fetchpriority"] == "high" and lead_image["alt"] == "Stalls and shoppers under a clearing sky"
    cards = {card.select_one(".story-card-headline a")["href"].rstrip("/").rsplit("/", 1)[-1]: card
             for card in home.select(".front-secondary .story-card, .front-section .story-card")}
    card_image = cards[CARD_SLUG].select_one("picture.story-card-photo img")
    assert card_image["loading"] == "lazy" and card_image["alt"] == ""
    assert srcset(card_image["srcset"])[0][1] == 400 and "18rem" in card_image["sizes"]
    assert cards[PLAIN_SLUG].select_one("picture") is None
    section = photo_sites.root.html("section/world/index.html")
    # On a section's front only its lead's photo is fetched at once.
    loading = [img.get("loading") for img in section.select("main .story-card:not(.story-card--lead) picture img")]
    assert loading and set(loading) == {"lazy"}
    urdu_home = photo_sites.root.html("ur/index.html")
    assert urdu_home.select_one(".lead-story picture img")["srcset"] == lead_image["srcset"]


def test_feeds_carry_the_inline_photos_with_absolute_urls(photo_sites):
    feed = photo_sites.root.text("feeds/all.atom.xml")
    assert feed.count("/media/") > 10
    assert feed.count("/media/") == feed.count(f"{photo_sites.url}/media/")


def test_images_get_no_compressed_copies_and_are_cached_for_a_year(photo_sites):
    assert not [path for path in photo_sites.root.root.rglob("*") if re.search(r"\.(jpe?g|png|webp)\.(br|gz)$", path.name)]
    headers = photo_sites.root.text("_headers")
    assert re.search(r"^/media/\*\n  Cache-Control: public, max-age=31536000, immutable$", headers, re.M)
    assert not re.search(r"^/media/\*\n  Cache-Control: no-cache", headers, re.M)


def test_links_resolve_at_the_root_and_under_a_sub_path(photo_sites):
    for site, url in ((photo_sites.root, photo_sites.url), (photo_sites.news, f"{photo_sites.url}/news")):
        result = check_links(site.root, url)
        assert result.failures == []
    news_article = photo_sites.news.html(LEAD_ARTICLE)
    assert news_article.select_one("figure.lead-photo img")["src"].startswith(f"{photo_sites.url}/news/media/")


def test_a_rebuild_encodes_nothing_again(photo_sites):
    """The second build (the /news/ one) found every variant in the cache:
    no cache file was written again, and both sites publish the cached bytes."""
    assert photo_sites.cache_after_first_build, "the first build filled the cache"
    assert photo_sites.cache_after_second_build == photo_sites.cache_after_first_build
    for path in photo_sites.news.path("media").iterdir():
        cached = next(photo_sites.cache.glob(f"photos/*/{path.name}"))
        assert path.read_bytes() == cached.read_bytes()


def test_a_changed_photo_is_encoded_again_and_an_unchanged_one_is_not(tmp_path):
    content = write_photo_content(tmp_path / "content")
    photo = content / "articles" / "2024" / "bridge.jpg"
    settings = {"OUTPUT_PATH": str(tmp_path / "output"), "CACHE_PATH": str(tmp_path / "cache"), "SITEURL": ""}
    first = PhotoLibrary(settings).variants(photo)
    again = PhotoLibrary(settings)  # a new build process: only the cache on disk is shared
    assert again.variants(photo) == first and again.stats == {"encoded": 0, "reused": 1}
    with Image.open(photo) as original:
        original.rotate(180).save(photo, "JPEG", quality=85)
    changed = PhotoLibrary(settings)
    variants = changed.variants(photo)
    assert changed.stats == {"encoded": 1, "reused": 0}
    assert {variant.file for variant in variants}.isdisjoint(variant.file for variant in first), "a new photo gets new names"


@pytest.mark.parametrize("original, widths", [
    (4000, [400, 800, 1200, 1600]), (1600, [400, 800, 1200, 1600]), (1000, [400, 800, 1000]),
    (820, [400, 800]), (300, [300]), (400, [400]),
])
def test_widths_are_never_wider_than_the_photo(original, widths):
    assert widths_for(original, [400, 800, 1200, 1600]) == widths


def test_photo_markup_is_valid_html(photo_sites):
    from gates.validity import check_validity

    result = check_validity(photo_sites.root.root)
    assert result.failures == []


def test_the_readme_example_works_as_written(photo_sites):
    assert "Image_Alt: Traders unload sacks of rice" in readme_example()
    page = photo_sites.root.html("2024/03/02/market-reopens/index.html")
    lead = page.select_one("figure.lead-photo")
    assert lead.select_one("img")["alt"] == "Traders unload sacks of rice from a cart at the main market"
    assert lead.select_one(".photo-caption").get_text() == "The main market on Saturday morning."
    assert lead.select_one(".photo-credit").get_text() == "Jane Reporter / Lantern Gazette"
    inline = page.select_one(".story-body figure.photo")
    assert inline.select_one("img")["alt"] == "A stall of mangoes under a blue tarpaulin"
    assert inline.select_one("figcaption").get_text() == "Mangoes were the first to sell out."


def test_static_links_work_in_both_editions_with_one_copy_of_the_file(photo_sites, article):
    """{static} in the Urdu edition used to stop the build (KeyError:
    'STATIC_LANG_SAVE_AS' from pelican-i18n-subsites)."""
    english = article.find("a", string="the market report")["href"]
    urdu = [link["href"] for link in photo_sites.root.html(URDU_ARTICLE).select(".story-body a[href$='.pdf']")]
    assert [english] == urdu == [f"{photo_sites.url}/articles/2024/report.pdf"]
    assert photo_sites.root.path("articles/2024/report.pdf").read_bytes().startswith(b"%PDF")
    assert not list(photo_sites.root.path("ur").rglob("report.pdf")), "not copied into /ur/"
