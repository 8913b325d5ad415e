"""A small newsroom with photos, made for the tests (never real news).

`write_photo_content(folder)` writes Markdown stories and images generated
with Pillow: a 4000 px lead photo with EXIF GPS and camera data, a PNG with
transparency, a CMYK JPEG, a palette PNG, a photo whose EXIF orientation
turns it upright, a file in content/extra used by a story and one used by
none (both with EXIF).  The English lead story has an Urdu translation that
uses the same lead photo file.
"""

import json
import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest
from PIL import Image, ImageCms, ImageDraw, ImageFilter

from sitebuild import Site, built

ROOT = Path(__file__).resolve().parent.parent

LEAD_SLUG = "fixture-photo-market"
LEAD_ARTICLE = f"2024/03/02/{LEAD_SLUG}/index.html"
URDU_ARTICLE = f"ur/{LEAD_ARTICLE}"
CARD_SLUG = "fixture-photo-bridge"
PLAIN_SLUG = "fixture-without-photo"
LEAD_WIDTH, LEAD_HEIGHT = 4000, 2667
GPS_LATITUDE = (24.0, 51.0, 36.0)  # a made-up place
CAMERA = "FixtureCam 3000"
FILLER_PARAGRAPHS = 45  # pushes the inline photos far below the first screen


def scene(width, height, seed=0, mode="RGB"):
    """A photo-like picture: sky and ground gradients, shapes, soft grain."""
    sky = Image.new("RGB", (width, height), (70 + seed * 20 % 120, 120, 190))
    ground = Image.new("RGB", (width, height), (150, 110 + seed * 13 % 80, 60))
    image = Image.composite(ground, sky, Image.linear_gradient("L").resize((width, height)))
    draw = ImageDraw.Draw(image)
    for index in range(12):
        x = (index * 7919 + seed * 104729) % width
        y = height // 2 + (index * 4217) % (height // 2)
        size = width // 20 + (index * 31) % (width // 12)
        draw.ellipse((x, y - size, x + size, y), fill=((index * 40) % 255, (index * 90) % 255, (index * 150) % 255))
        draw.rectangle((x, y, x + size // 2, y + size), fill=(60, 50 + index * 10, 40))
    grain = Image.effect_noise((width, height), 18).convert("RGB")
    image = Image.blend(image, grain, 0.08).filter(ImageFilter.GaussianBlur(1))
    return image.convert(mode) if mode != "RGB" else image


def exif_with_gps(orientation=None):
    exif = Image.Exif()
    exif[0x0110] = CAMERA  # Model
    exif[0x010F] = "Fixture Optics"  # Make
    exif[0x0132] = "2024:03:02 09:00:00"  # DateTime
    if orientation:
        exif[0x0112] = orientation
    gps = exif.get_ifd(0x8825)
    gps[1] = "N"
    gps[2] = GPS_LATITUDE
    gps[3] = "E"
    gps[4] = (67.0, 0.0, 12.0)
    return exif


def write_images(articles, extra):
    scene(LEAD_WIDTH, LEAD_HEIGHT, 1).save(articles / "market.jpg", "JPEG", quality=88, exif=exif_with_gps())
    # With an embedded colour profile (published as plain sRGB, without it).
    srgb = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    scene(1000, 700, 2).save(articles / "bridge.jpg", "JPEG", quality=85, icc_profile=srgb)
    logo = Image.new("RGBA", (900, 600), (0, 0, 0, 0))
    ImageDraw.Draw(logo).ellipse((100, 50, 800, 550), fill=(200, 40, 40, 255))
    logo.save(articles / "logo.png")
    scene(700, 500, 3, mode="CMYK").save(articles / "cmyk.jpg", "JPEG", quality=85)
    scene(300, 200, 4).convert("P", palette=Image.Palette.ADAPTIVE, colors=32).save(articles / "palette.png")
    # Stored 600 x 400 lying on its side; EXIF orientation 6 turns it upright (400 x 600).
    scene(600, 400, 5).save(articles / "sideways.jpg", "JPEG", quality=85, exif=exif_with_gps(orientation=6))
    scene(640, 480, 6).save(extra / "map.jpg", "JPEG", quality=85, exif=exif_with_gps())
    scene(320, 200, 7).save(extra / "unused.jpg", "JPEG", quality=85, exif=exif_with_gps())


def story(title, date, category, slug, summary, body, extra="", lang=None):
    lines = [f"Title: {title}", f"Date: {date}", f"Category: {category}", f"Slug: {slug}", f"Summary: {summary}"]
    if lang:
        lines += [f"Lang: {lang}", "Translated_From: en"]
    return "\n".join(lines) + ("\n" + extra.strip() if extra else "") + "\n\n" + body.strip() + "\n"


def filler(count, words="Generated paragraph {n} of the fixture story, written only to give the page length."):
    return "\n\n".join(words.format(n=n) for n in range(count))


def readme_example():
    """The story of the README's "Photos" section, exactly as printed there."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("\n## Photos\n", 1)[1]
    block = section.split("\n    Title:", 1)[1].split("\n\n- ", 1)[0]
    return "Title:" + "\n".join(line.removeprefix("    ") for line in block.splitlines()).rstrip() + "\n"


def readme_example_errors():
    """The error lines the README prints for its example without alt text."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("\n## Photos\n", 1)[1].split("\n## ", 1)[0]
    return [line.strip() for line in section.splitlines() if line.startswith("    content/articles/")]


def write_photo_content(folder):
    """Write the photo newsroom into `folder` (a content folder); returns it."""
    folder = Path(folder)
    articles = folder / "articles" / "2024"
    extra = folder / "extra"
    articles.mkdir(parents=True, exist_ok=True)
    extra.mkdir(parents=True, exist_ok=True)
    shutil.copy(ROOT / "content" / "extra" / "favicon.svg", extra / "favicon.svg")
    write_images(articles, extra)
    # The README's example, with the two photos it names.
    (articles / "market-reopens.md").write_text(readme_example(), encoding="utf-8")
    scene(1200, 800, 8).save(articles / "mangoes.jpg", "JPEG", quality=85)
    # A file that is not a photo, linked with {static} from both editions.
    (articles / "report.pdf").write_bytes(b"%PDF-1.4\n% a generated fixture file, not a real PDF\n")
    lead_body = f"""
**FIXTURE CITY:** The first paragraph of the generated fixture story, above every inline photo.

{filler(FILLER_PARAGRAPHS)}

![A red disc on a transparent background](logo.png "A generated logo with transparency")

The logo above is alone in its paragraph. Here is a [full-size copy of the lead photo](market.jpg)
and [the market report]({{static}}report.pdf).

![A generated scene that was stored on its side]({{static}}sideways.jpg)

![A generated scene saved in CMYK]({{attach}}cmyk.jpg)

![A generated scene with few colours](|static|palette.png)

![A generated map from the extra folder]({{static}}/extra/map.jpg "A map kept in content/extra")

The last paragraph of the fixture story.
"""
    (articles / f"{LEAD_SLUG}.md").write_text(story(
        "Fixture market reopens after the rain", "2024-03-02 10:00", "Pakistan", LEAD_SLUG,
        "A generated fixture story with a lead photo and inline photos.", lead_body,
        extra="Tags: Fixture markets\nImage: market.jpg\nImage_Alt: Stalls and shoppers under a clearing sky\n"
              "Image_Caption: The fixture market on a generated morning.\nImage_Credit: Fixture Photographer / Test Agency",
    ), encoding="utf-8")
    urdu_body = f"""
**آزمائشی شہر:** آزمائشی خبر کا پہلا پیراگراف۔

{filler(FILLER_PARAGRAPHS, "آزمائشی خبر کا پیراگراف {n}، صرف صفحے کی لمبائی کے لیے لکھا گیا۔")}

![شفاف پس منظر پر سرخ دائرہ](logo.png "شفافیت والا آزمائشی نشان")

[بازار کی رپورٹ]({{static}}report.pdf)

آخری پیراگراف۔
"""
    (articles / f"{LEAD_SLUG}.ur.md").write_text(story(
        "بارش کے بعد آزمائشی بازار دوبارہ کھل گیا", "2024-03-02 10:00", "پاکستان", LEAD_SLUG,
        "لیڈ تصویر والی آزمائشی خبر۔", urdu_body, lang="ur",
        extra="Image: market.jpg\nImage_Alt: صاف ہوتے آسمان تلے دکانیں اور خریدار\n"
              "Image_Caption: ایک آزمائشی صبح کا بازار۔\nImage_Credit: آزمائشی فوٹوگرافر",
    ), encoding="utf-8")
    (articles / f"{CARD_SLUG}.md").write_text(story(
        "Fixture bridge opens to traffic", "2024-03-01 12:00", "World", CARD_SLUG,
        "A generated fixture story whose photo shows on cards.",
        "**FIXTURE TOWN:** A generated story with a lead photo of its own.\n\nA second paragraph.",
        extra="Image: bridge.jpg\nImage_Alt: A generated bridge over a river",
    ), encoding="utf-8")
    (articles / f"{PLAIN_SLUG}.md").write_text(story(
        "Fixture story without a photo", "2024-03-01 09:00", "World", PLAIN_SLUG,
        "A generated fixture story with no photo.",
        "**FIXTURE TOWN:** A generated story without any photo.\n\nA second paragraph.",
    ), encoding="utf-8")
    return folder


# -- the built photo newsroom, once per test session ---------------------------

@dataclass
class PhotoSites:
    """The publish build of the photo newsroom at a served root and at /news/,
    built one after the other with one photo cache."""

    root: Site  # served at `url` (with its _headers, as a host would)
    news: Site  # built for `url`/news (links only)
    url: str
    content: Path
    cache: Path
    cache_after_first_build: dict
    cache_after_second_build: dict


def cache_files(cache):
    """{path: (inode, mtime_ns, size)} of every file in the photo cache; a
    build that uses an entry touches its manifest (the pruning keeps it), so
    a manifest's time is left out: its inode changes if it is written again."""
    return {path.relative_to(cache).as_posix(): (path.stat().st_ino, path.stat().st_size) + (
                () if path.name == "manifest.json" else (path.stat().st_mtime_ns,))
            for path in sorted((cache / "photos").rglob("*")) if path.is_file()}


@pytest.fixture(scope="session")
def photo_sites(tmp_path_factory):
    from gates.server import SiteServer

    folder = tmp_path_factory.mktemp("photo-site")
    content = write_photo_content(folder / "content")
    cache = folder / "cache"
    cache_setting = f"CACHE_PATH={json.dumps(str(cache))}"
    with SiteServer() as server:
        root = built(folder / "root", settings="publishconf.py", content=content,
                     env={"SITEURL": server.url}, extra_settings=[cache_setting])
        first = cache_files(cache)
        news = built(folder / "news", settings="publishconf.py", content=content,
                     env={"SITEURL": f"{server.url}/news"}, extra_settings=[cache_setting])
        second = cache_files(cache)
        server.serve(root)
        yield PhotoSites(Site(root), Site(news), server.url, content, cache, first, second)
