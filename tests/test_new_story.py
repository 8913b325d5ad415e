"""`make new`: a ready-to-edit draft with every key, never over an existing story."""

import os
import subprocess
import sys
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from pelican.settings import read_settings

import new_story
from newsroom import write_newsroom
from sitebuild import ROOT, Site, build_site
from validation import Validator

NOW = datetime(2024, 4, 19, 10, 30, 45, tzinfo=ZoneInfo("Asia/Karachi"))
ENGLISH = """\
Title: TO WRITE: the headline, as readers will see it
Date: 2024-04-19 10:30
Category: Business
Tags:
Slug: budget-vote-delayed
Summary: TO WRITE: one or two sentences for the front page and search results (under 160 characters)
Authors:
Status: draft

**TO WRITE:** start with the dateline in bold (**KARACHI:**), then the first paragraph.

The next paragraphs, separated by blank lines.
"""


@pytest.fixture
def content(tmp_path):
    return write_newsroom(tmp_path / "content")


def problems(content):
    settings = read_settings(str(ROOT / "pelicanconf.py"), override={"PATH": str(content)})
    cwd = os.getcwd()
    os.chdir(content.parent)  # problems are printed relative to the working folder
    try:
        return [str(problem) for problem in Validator(settings).run()]
    finally:
        os.chdir(cwd)


def test_a_new_english_story_is_a_draft_with_every_key_dated_now_in_karachi(content):
    path = new_story.new_story("budget-vote-delayed", "business", content=content, now=NOW)
    assert path == content / "articles" / "2024" / "budget-vote-delayed.md"
    assert path.read_text(encoding="utf-8") == ENGLISH
    assert problems(content) == [], "validation accepts it as it is"


def test_once_published_validation_asks_for_what_is_still_to_write(content):
    path = new_story.new_story("budget-vote-delayed", "Business", content=content, now=NOW)
    path.write_text(path.read_text(encoding="utf-8").replace("Status: draft\n", ""), encoding="utf-8")
    assert problems(content) == [
        'content/articles/2024/budget-vote-delayed.md:1: Title still says "TO WRITE:"; write it (or keep "Status: draft" '
        "until the story is ready)",
        'content/articles/2024/budget-vote-delayed.md:6: Summary still says "TO WRITE:"; write it (or keep "Status: draft" '
        "until the story is ready)",
        'content/articles/2024/budget-vote-delayed.md:9: the story still says "TO WRITE:"; write the text there (or keep '
        '"Status: draft" until the story is ready)',
    ]


def test_the_urdu_translation_pairs_with_the_english_story(content):
    english = content / "articles" / "2024" / "fixture-noon-pakistan.md"
    urdu = new_story.new_story("fixture-noon-pakistan", lang="ur", content=content)
    assert urdu == english.with_name("fixture-noon-pakistan.ur.md")
    assert urdu.read_text(encoding="utf-8") == (
        "Title: TO WRITE: the headline in Urdu\n"
        "Date: 2024-03-02 12:00\n"
        "Category: پاکستان\n"
        "Tags:\n"
        "Slug: fixture-noon-pakistan\n"
        "Lang: ur\n"
        "Translated_From: en\n"
        "Summary: TO WRITE: the summary in Urdu (under 160 characters)\n"
        "Authors: Omar Sample\n"
        "Status: draft\n"
        "\n"
        "**TO WRITE:** the dateline in bold (**کراچی:**), then the Urdu text.\n")
    assert problems(content) == []


def test_it_never_overwrites_and_needs_an_original(content):
    new_story.new_story("budget-vote-delayed", content=content, now=NOW)
    with pytest.raises(new_story.Refused, match="already has the slug budget-vote-delayed"):
        new_story.new_story("budget-vote-delayed", "world", content=content, now=NOW)
    with pytest.raises(new_story.Refused, match="already has the slug us-backed-alliance"):
        new_story.new_story("us-backed-alliance-launches-final-battle-against-is-in-syria", content=content)
    with pytest.raises(new_story.Refused, match="already has the slug fixture-just-after-midnight"):
        new_story.new_story("fixture-just-after-midnight", lang="ur", content=content)
    with pytest.raises(new_story.Refused, match="no en story has the slug no-such-story"):
        new_story.new_story("no-such-story", lang="ur", content=content)
    with pytest.raises(new_story.Refused, match='unknown section "weather"'):
        new_story.new_story("sunny-spells", "weather", content=content)
    with pytest.raises(new_story.Refused, match="is not a slug"):
        new_story.new_story("Sunny Spells", content=content)


def test_the_command_line_reports_and_refuses(content):
    command = [sys.executable, str(ROOT / "tools" / "new_story.py"), "--content", str(content)]
    made = subprocess.run([*command, "sunny-spells", "--section", "world"], capture_output=True, text=True)
    assert made.returncode == 0, made.stderr
    written = next(content.rglob("sunny-spells.md"))
    assert made.stdout.splitlines()[0] == f"wrote content/articles/{written.parent.name}/sunny-spells.md"
    again = subprocess.run([*command, "sunny-spells"], capture_output=True, text=True)
    assert again.returncode == 1 and again.stdout == ""
    assert again.stderr.startswith(f"make new: content/articles/{written.parent.name}/sunny-spells.md already has")


def test_a_new_story_builds_as_a_draft_that_only_the_preview_shows(content, tmp_path):
    new_story.new_story("budget-vote-delayed", "business", content=content, now=NOW)
    new_story.new_story("budget-vote-delayed", lang="ur", content=content)
    preview = build_site(tmp_path / "serve", content=content, extra_settings=["SHOW_DRAFTS=true"])
    assert preview.returncode == 0, preview.stderr
    page = Site(tmp_path / "serve").html("2024/04/19/budget-vote-delayed/index.html")
    assert page.select_one(".draft-notice strong").get_text() == "Draft"
    assert Site(tmp_path / "serve").path("ur/2024/04/19/budget-vote-delayed/index.html").is_file()


@pytest.mark.parametrize("arguments, environment, expected", [
    (["SLUG=budget-vote-delayed"], {"LANG": "en_US.UTF-8"}, '"budget-vote-delayed"'),
    (["SLUG=budget-vote-delayed", "SECTION=business", "LANG=ur"], {"LANG": "C.UTF-8"},
     '"budget-vote-delayed" --section "business" --lang "ur"'),
])
def test_make_new_passes_only_what_was_typed(arguments, environment, expected):
    """`make -n` prints the command: the locale in LANG is not a language of the paper."""
    dry_run = subprocess.run(["make", "--no-print-directory", "-n", "new", *arguments], cwd=ROOT,
                             capture_output=True, text=True, env={**os.environ, **environment})
    assert dry_run.returncode == 0, dry_run.stderr
    command = dry_run.stdout.strip().splitlines()[-1]
    assert command.endswith(f"tools/new_story.py {expected}")
