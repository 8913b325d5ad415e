"""A photo an editor gets wrong stops the build with `path:line: message`,
and output/ is kept.  One build of a fixture content folder (never content/)
with every kind of mistake at once."""

import struct
import zlib

import pytest
from PIL import Image

from photo_fixture import readme_example, readme_example_errors
from sitebuild import build_site

HEADER = "Title: {title}\nDate: 2018-05-02\nCategory: Pakistan\nSlug: {slug}\n"


def png_header_only(path, width, height):
    """A PNG that claims `width` x `height` pixels (no pixel data): what a
    decompression bomb looks like to a program that reads its header."""
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0))
                     + chunk(b"IEND", b""))


def story(slug, metadata="", body="Body text."):
    return HEADER.format(title=f"Photo mistake {slug}", slug=slug) + metadata + "\n" + body + "\n"


# (file name, text, [expected lines on stderr for that file])
BAD_STORIES = [
    ("no-alt.md", story("no-alt", "Image: good.jpg\n"),
     ['content/articles/no-alt.md:5: Image_Alt is required with Image: describe what the photo shows for readers '
      'who cannot see it, e.g. "Image_Alt: Traders unload sacks of rice at the market"']),
    ("empty-alt.md", story("empty-alt", "Image: good.jpg\nImage_Alt:   \n"),
     ['content/articles/empty-alt.md:6: Image_Alt is required with Image: describe what the photo shows for '
      'readers who cannot see it, e.g. "Image_Alt: Traders unload sacks of rice at the market"']),
    ("missing.md", story("missing", "Image: nowhere.jpg\nImage_Alt: Something\n"),
     ["content/articles/missing.md:5: Image nowhere.jpg: no such file (content/articles/nowhere.jpg); "
      "put the photo in the same folder as the story"]),
    ("not-an-image.md", story("not-an-image", "Image: fake.jpg\nImage_Alt: Something\n"),
     ["content/articles/not-an-image.md:5: Image fake.jpg: not an image (JPEG, PNG, WebP, AVIF or GIF)"]),
    ("wrong-kind.md", story("wrong-kind", "Image: notes.txt\nImage_Alt: Something\n"),
     ["content/articles/wrong-kind.md:5: Image notes.txt is not a photo file; use a .jpg, .jpeg, .png, .webp, "
      ".avif or .gif file beside the story"]),
    ("remote.md", story("remote", "Image: https://example.org/photo.jpg\nImage_Alt: Something\n"),
     ["content/articles/remote.md:5: Image https://example.org/photo.jpg is on another site; the paper publishes "
      "only its own photos: save the file beside the story and write its name"]),
    ("caption-alone.md", story("caption-alone", "Image_Caption: A caption without a photo\n"),
     ['content/articles/caption-alone.md:5: Image_Caption without Image; add "Image: photo.jpg" (the photo file '
      "beside the story) or remove this line"]),
    ("too-large.md", story("too-large", "Image: huge.png\nImage_Alt: Something\n"),
     ["content/articles/too-large.md:5: Image huge.png: 9000×6000 px is 54 megapixels, more than the 50 the "
      "build accepts (PHOTO_MAX_MEGAPIXELS); scale it down first"]),
    ("bomb.md", story("bomb", "Image: bomb.png\nImage_Alt: Something\n"),
     ["content/articles/bomb.md:5: Image bomb.png: the image is too large to open safely (Image size "
      "(225000000 pixels) exceeds limit of 178956970 pixels, could be decompression bomb DOS attack.)"]),
    ("animated.md", story("animated", "Image: animated.gif\nImage_Alt: Something\n"),
     ["content/articles/animated.md:5: Image animated.gif: an animated GIF (2 frames); use a still image"]),
    ("inline.md", story("inline", body="First paragraph.\n\n![](good.jpg)\n\n![A scan](scan.tiff)\n\n"
                        '<img src="good.jpg">\n\n![A photo](https://example.org/photo.jpg)\n\n'
                        "![Fake](fake.jpg)\n\n    ![](in-code.jpg) is shown as code, not checked"),
     ["content/articles/inline.md:8: image good.jpg has no alt text; write what it shows between the brackets: "
      "![Traders unload rice at the market](photo.jpg)",
      "content/articles/inline.md:10: image scan.tiff is not a photo file; use a .jpg, .jpeg, .png, .webp, "
      ".avif, .gif or .svg file",
      "content/articles/inline.md:12: image good.jpg has no alt text; write what it shows between the brackets: "
      "![Traders unload rice at the market](photo.jpg)",
      "content/articles/inline.md:16: image fake.jpg: not an image (JPEG, PNG, WebP, AVIF or GIF)"]),
]


@pytest.fixture(scope="module")
def failed_build(tmp_path_factory):
    folder = tmp_path_factory.mktemp("photo-mistakes")
    articles = folder / "content" / "articles"
    articles.mkdir(parents=True)
    Image.new("RGB", (120, 80), (90, 120, 160)).save(articles / "good.jpg")
    Image.new("RGB", (120, 80), (90, 120, 160)).save(articles / "scan.tiff")
    (articles / "fake.jpg").write_text("this is text, not a photo\n", encoding="utf-8")
    (articles / "notes.txt").write_text("notes\n", encoding="utf-8")
    png_header_only(articles / "huge.png", 9000, 6000)
    png_header_only(articles / "bomb.png", 15000, 15000)
    frames = [Image.new("RGB", (40, 40), colour) for colour in ((200, 0, 0), (0, 0, 200))]
    frames[0].save(articles / "animated.gif", save_all=True, append_images=frames[1:], duration=100)
    (articles / "good-story.md").write_text(story(
        "good-story", "Image: good.jpg\nImage_Alt: A blue rectangle\nImage_Caption: Fine\nImage_Credit: Desk\n",
        "![A blue rectangle](good.jpg)\n"), encoding="utf-8")
    for name, text, _ in BAD_STORIES:
        (articles / name).write_text(text, encoding="utf-8")
    # The README's example without its alt texts, in the folder the README names.
    example = readme_example().replace("[A stall of mangoes under a blue tarpaulin]", "[]")
    example = "".join(line for line in example.splitlines(keepends=True) if not line.startswith("Image_Alt:"))
    (articles / "2024").mkdir()
    (articles / "2024" / "market-reopens.md").write_text(example, encoding="utf-8")
    Image.new("RGB", (120, 80), (90, 120, 160)).save(articles / "2024" / "market.jpg")
    Image.new("RGB", (120, 80), (160, 120, 90)).save(articles / "2024" / "mangoes.jpg")
    output = folder / "output"
    output.mkdir()
    (output / "index.html").write_text("previous site", encoding="utf-8")
    result = build_site(output, content=folder / "content")
    return result, output


def test_the_build_fails_and_keeps_the_previous_output(failed_build):
    result, output = failed_build
    assert result.returncode == 1
    assert (output / "index.html").read_text(encoding="utf-8") == "previous site"
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize("name, expected", [(name, lines) for name, _, lines in BAD_STORIES])
def test_each_photo_mistake_is_one_line_naming_file_and_line(failed_build, name, expected):
    result, _ = failed_build
    reported = [line for line in result.stderr.splitlines() if line.startswith(f"content/articles/{name}:")]
    assert reported == expected


def test_a_correct_story_with_photos_gets_no_complaint(failed_build):
    result, _ = failed_build
    assert "good-story.md" not in result.stderr


def test_the_readme_shows_the_errors_as_the_build_prints_them(failed_build):
    result, _ = failed_build
    reported = [line for line in result.stderr.splitlines() if line.startswith("content/articles/2024/")]
    assert reported == readme_example_errors()
