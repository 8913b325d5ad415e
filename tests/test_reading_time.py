"""Reading time is computed from the body at 265 words a minute, never typed."""

import json

import pytest

from sitebuild import built
from reading_time import count_words, minutes_to_read


@pytest.mark.parametrize("words, minutes", [(0, 1), (1, 1), (361, 1), (397, 1), (398, 2), (530, 2), (800, 3), (1000, 4)])
def test_minutes_round_half_up_and_never_below_one(words, minutes):
    assert minutes_to_read(words) == minutes


def test_inline_markup_does_not_split_words_and_blocks_do():
    html = '<p><strong>AL TANAK:</strong> A <span class="caps">US</span>-backed alliance&nbsp;won.</p><p>Next</p>'
    assert count_words(html) == 7


def test_reference_body_counts_361_words(site):
    from sitebuild import ARTICLE_PATH

    page = site.html(ARTICLE_PATH)
    body = page.select_one(".story-body")
    assert len(body.get_text().replace("\xa0", " ").split()) == 361
    article_data = next(data for data in (json.loads(s.string) for s in page.find_all("script", type="application/ld+json"))
                        if data.get("@type") == "NewsArticle")
    assert article_data["wordCount"] == 361, "the plugin counts the words a reader sees"


def test_an_800_word_story_reads_in_3_minutes(tmp_path):
    content = tmp_path / "content" / "articles"
    content.mkdir(parents=True)
    body = "\n\n".join(" ".join(f"word{p}x{i}" for i in range(80)) for p in range(10))
    (content / "long.md").write_text(
        "Title: Generated fixture story\nDate: 2020-01-01\nCategory: World\nSlug: generated-fixture\n\n" + body,
        encoding="utf-8",
    )
    output = built(tmp_path / "output", content=tmp_path / "content")
    page = (output / "2020/01/01/generated-fixture/index.html").read_text(encoding="utf-8")
    assert '<span class="reading-time">3 min read</span>' in page
