"""`make serve` keeps what the checks of each unchanged file found between its
builds (plugins/validation.py, VALIDATION_KEEP_RESULTS): every build still
reports exactly what a fresh run of the checks reports, after edits, new and
broken files, changed settings, a later clock and changed linked files."""

import os
import shutil
import time
from types import SimpleNamespace

import pytest
from PIL import Image

import file_stamps
import validation
from hostile import write_hostile_content
from incremental import Session
from sitebuild import REFERENCE_EPOCH, ROOT, project_settings
from test_validation import BAD_FILES, GOOD_ORIGINAL, NOT_UTF8, write_content

PHOTO_STORY = """Title: The market at dawn
Date: 2018-05-04
Category: Business
Image: market.jpg
Image_Alt: Traders unload sacks of rice

**KARACHI:** Traders arrived before the sun. ![The scales](scales.jpg)
"""
NESTED_STORY = """Title: What the budget holds
Date: 2018-05-04
Category: Business

**ISLAMABAD:** The budget, line by line:

- Roads
    - Highways
        - The coastal highway
"""


def problems(settings, keep):
    """What a run of the checks reports, with the results kept between runs or not."""
    found = validation.Validator({**settings, "VALIDATION_KEEP_RESULTS": keep}).run()
    return [str(problem) for problem in found]


def kept_run(settings):
    """A run with kept results, and the same run from nothing: they must agree."""
    reported = problems(settings, keep=True)
    stats = dict(validation.STATS)
    assert reported == problems(settings, keep=False)
    return reported, stats


def save(path, text):
    """Write `text`, with a modification time one second later than before
    (what a save a second later leaves; the size may stay the same)."""
    before = path.stat().st_mtime_ns if path.exists() else time.time_ns()
    path.write_text(text, encoding="utf-8")
    os.utime(path, ns=(before + 1_000_000_000, before + 1_000_000_000))


@pytest.fixture
def newsroom_with_problems(tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", REFERENCE_EPOCH)
    content = write_content(tmp_path / "content", [("a-original.md", GOOD_ORIGINAL), ("photo.md", PHOTO_STORY),
                                                          ("nested.md", NESTED_STORY)]
                            + [(name, text) for name, text, _ in BAD_FILES])
    name, text, _ = NOT_UTF8
    (content / "articles" / name).write_bytes(text.encode("latin-1"))
    for photo, size in (("market.jpg", (64, 48)), ("scales.jpg", (40, 30))):
        Image.new("RGB", size, (120, 90, 40)).save(content / "articles" / photo)
    validation._KEPT.__init__()  # another test's results are not this one's
    settings = {**project_settings(), "PATH": str(content)}
    return content, settings


def markdown_files(content):
    return len(list(content.rglob("*.md")))


def test_an_unchanged_folder_is_reported_from_the_kept_results(newsroom_with_problems):
    content, settings = newsroom_with_problems
    first, stats = kept_run(settings)
    assert stats == {"kept": 0, "checked": markdown_files(content)}
    assert len(first) > 30  # the bad files' problems are there
    again, stats = kept_run(settings)
    assert again == first
    assert stats == {"kept": markdown_files(content), "checked": 0}


def test_an_edited_new_or_deleted_file_is_checked_again(newsroom_with_problems):
    content, settings = newsroom_with_problems
    kept_run(settings)
    articles = content / "articles"
    # A good story gets an unknown key and a deep list; a bad one is repaired;
    # a new bad one appears; one goes.
    save(articles / "a-original.md", GOOD_ORIGINAL.replace("Tags:", "Tgas:") + "\n" + ">" * 25 + " deep\n")
    save(articles / "typo.md", "Title: Misspelt key\nDate: 2018-05-03\nCategory: World\nSummary: A summary.\n\nBody.\n")
    save(articles / "new.md", "Title: New\nDate: 2018-05-03\nCategory: Weather\n\nBody.\n")
    (articles / "weather.md").unlink()
    reported, stats = kept_run(settings)
    assert stats == {"kept": markdown_files(content) - 3, "checked": 3}
    assert any(line.startswith("content/articles/a-original.md:4: unknown metadata key \"Tgas\"") for line in reported)
    assert any(line.startswith("content/articles/a-original.md:10: lists or quotes are nested") for line in reported)
    assert not any(line.startswith("content/articles/typo.md:") for line in reported)
    assert any(line.startswith("content/articles/new.md:3: unknown section \"Weather\"") for line in reported)
    assert not any(line.startswith("content/articles/weather.md:") for line in reported)


def test_a_save_in_the_same_clock_tick_is_checked_again(newsroom_with_problems, monkeypatch):
    """A file system whose clock ticks in seconds (FAT, HFS+) can leave a
    same-size save's status as it was: a recent file's stamp has its bytes'
    digest (file_stamps)."""
    content, settings = newsroom_with_problems
    monkeypatch.setattr(file_stamps, "RACY_NS", 10 ** 20)  # the file counts as recent however slow the machine
    story = content / "articles" / "typo.md"
    status = os.stat(story)
    real_stat = os.stat
    monkeypatch.setattr(file_stamps, "os", SimpleNamespace(
        stat=lambda path: status if os.path.samefile(path, story) else real_stat(path)))
    kept_run(settings)
    story.write_text(story.read_text(encoding="utf-8").replace("Tgas", "Tags"), encoding="utf-8")
    reported, stats = kept_run(settings)
    assert not any("Tgas" in line for line in reported)
    assert stats["checked"] == 1


def test_a_kept_file_is_not_read_again_once_it_is_no_longer_recent(newsroom_with_problems, monkeypatch):
    """A file stamped within RACY_NS of a save is compared by its bytes; once
    older, its kept stamp is the status alone, and no build reads it again."""
    content, settings = newsroom_with_problems
    monkeypatch.setattr(file_stamps, "RACY_NS", 10 ** 20)
    kept_run(settings)  # every file and photo stamped with its digest
    monkeypatch.setattr(file_stamps, "RACY_NS", 0)
    kept_run(settings)
    digests = []
    digest_of = file_stamps.digest_of
    monkeypatch.setattr(file_stamps, "digest_of", lambda path: digests.append(path) or digest_of(path))
    _, stats = kept_run(settings)
    assert stats == {"kept": markdown_files(content), "checked": 0}
    assert digests == []


@pytest.mark.parametrize("change", [
    {"SECTIONS": "without World"},
    {"MAX_NESTING_DEPTH": 2},
    {"METADATA_KEYS": "without Summary"},
    {"META_DESCRIPTION_MAX_LENGTH": 20},
    {"SLUG_REGEX_SUBSTITUTIONS": [(r"bridge", "crossing")]},
    {"MAX_SOURCE_BYTES": 120},
])
def test_a_setting_the_kept_checks_read_makes_them_run_again(newsroom_with_problems, change):
    content, settings = newsroom_with_problems
    before, _ = kept_run(settings)
    name, value = next(iter(change.items()))
    if value == "without World":
        value = [section for section in settings["SECTIONS"] if section["en"] != "World"]
    elif value == "without Summary":
        value = [key for key in settings["METADATA_KEYS"] if key != "Summary"]
    after, stats = kept_run({**settings, name: value})
    assert after != before  # the setting matters to these files
    assert stats == {"kept": 0, "checked": markdown_files(content)}


TAGGED_STORY = "Title: Feeds\nDate: 2018-05-03\nCategory: World\nSlug: feeds\nTags: Floods, Flood\n\nBody.\n"


@pytest.mark.parametrize("change, found", [
    ({"TAG_REGEX_SUBSTITUTIONS": [(r"floods", "flood")]},
     'content/articles/tagged.md:5: the tag "Flood" would share its page /tag/flood/ with the tag "Floods"'),
    ({"ARTICLE_URL": "{slug}/"}, "content/articles/tagged.md:4: the article's address /feeds/ is one"),
])
def test_a_setting_the_checks_across_files_read_makes_them_look_again(newsroom_with_problems, change, found):
    """What those checks find of each file alone (its URL, its tags' URLs) is
    kept with its checks: a setting it depends on makes every file checked again."""
    content, settings = newsroom_with_problems
    (content / "articles" / "tagged.md").write_text(TAGGED_STORY, encoding="utf-8")
    before, _ = kept_run(settings)
    assert not any(line.startswith(found) for line in before)
    (name, value), = change.items()
    after, stats = kept_run({**settings, name: settings.get(name, []) + value if isinstance(value, list) else value})
    assert any(line.startswith(found) for line in after), after
    assert stats == {"kept": 0, "checked": markdown_files(content)}


@pytest.mark.parametrize("change", [{"RESERVED_PATHS": ["2018"]}, {"ARCHIVES_SAVE_AS": "2018/archives.html"}])
def test_the_addresses_the_site_writes_itself_are_taken_at_every_build(newsroom_with_problems, change):
    """Which first path segments the site writes comes from every *_SAVE_AS and
    *_URL setting: not kept with a file; each file's address is."""
    content, settings = newsroom_with_problems
    (content / "articles" / "tagged.md").write_text(TAGGED_STORY, encoding="utf-8")
    found = "content/articles/tagged.md:4: the article's address /2018/05/03/feeds/ is one the site writes itself"
    before, _ = kept_run(settings)
    assert not any(line.startswith(found) for line in before)
    (name, value), = change.items()
    after, stats = kept_run({**settings, name: settings.get(name, []) + value if isinstance(value, list) else value})
    assert any(line.startswith(found) for line in after), after
    assert stats == {"kept": markdown_files(content), "checked": 0}


def test_a_setting_the_checks_do_not_read_keeps_the_results(newsroom_with_problems):
    content, settings = newsroom_with_problems
    kept_run(settings)
    _, stats = kept_run({**settings, "SITENAME": "Another name", "FEED_MAX_ITEMS": 3})
    assert stats == {"kept": markdown_files(content), "checked": 0}


def test_the_build_time_checks_run_at_every_build(newsroom_with_problems, monkeypatch):
    """A story dated 2024-05-01 is scheduled at the reference date and a year
    ahead of 2023-04-01 (one day ahead of 2024-04-30): the kept run agrees."""
    _, settings = newsroom_with_problems
    at_reference, _ = kept_run(settings)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(int(REFERENCE_EPOCH) - 384 * 86400))
    a_year_before, stats = kept_run(settings)
    assert stats["checked"] == 0
    assert any(line.startswith("content/articles/f-scheduled.md:2: Date 2024-05-01 is more than 366 days")
               for line in a_year_before)
    assert a_year_before != at_reference


def test_links_and_photos_are_checked_against_the_files_of_this_build(newsroom_with_problems):
    content, settings = newsroom_with_problems
    before, _ = kept_run(settings)
    assert not any(line.startswith("content/articles/photo.md:") for line in before)
    (content / "articles" / "e-draft.md").unlink()  # g-links-to-unpublished.md links it
    (content / "articles" / "scales.jpg").write_bytes(b"not a photo")
    (content / "articles" / "market.jpg").unlink()
    after, stats = kept_run(settings)
    assert stats["checked"] == 0
    assert any(line.startswith("content/articles/g-links-to-unpublished.md:5: link to a missing file") for line in after)
    assert any(line.startswith("content/articles/photo.md:4: Image market.jpg: no such file") for line in after)
    assert any(line.startswith("content/articles/photo.md:7: image scales.jpg:") for line in after)
    Image.new("RGB", (64, 48), (10, 90, 40)).save(content / "articles" / "market.jpg")
    Image.new("RGB", (40, 30), (10, 90, 40)).save(content / "articles" / "scales.jpg")
    repaired, _ = kept_run(settings)
    assert not any(line.startswith("content/articles/photo.md:") for line in repaired)


def test_a_template_that_leaves_the_theme_is_reported_at_the_next_build(newsroom_with_problems, tmp_path):
    content, settings = newsroom_with_problems
    theme = tmp_path / "theme"
    shutil.copytree(ROOT / "theme", theme)
    settings = {**settings, "THEME": str(theme)}
    save(content / "articles" / "a-original.md", GOOD_ORIGINAL.replace("Slug:", "Template: article\nSlug:"))
    before, _ = kept_run(settings)
    assert not any(line.startswith("content/articles/a-original.md:") for line in before)
    (theme / "templates" / "article.html").unlink()
    after, stats = kept_run(settings)
    assert stats["checked"] == 0
    assert any(line.startswith("content/articles/a-original.md:5: Template \"article\" is not in the theme")
               for line in after)


def test_hostile_metadata_is_reported_alike_from_kept_results(tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", REFERENCE_EPOCH)
    content = tmp_path / "content"
    write_hostile_content(content)
    validation._KEPT.__init__()
    settings = {**project_settings(), "PATH": str(content)}
    first, _ = kept_run(settings)
    again, stats = kept_run(settings)
    assert again == first and stats["checked"] == 0


def test_a_publish_build_keeps_nothing(newsroom_with_problems):
    _, settings = newsroom_with_problems
    problems(settings, keep=False)
    assert validation._KEPT.files == {} and validation.STATS == {"kept": 0, "checked": 0}


def test_make_serve_keeps_the_checks_of_unchanged_files_and_reports_a_new_problem(tmp_path, monkeypatch, newsroom):
    """Through make serve's own settings (tools/incremental.py): nothing they
    add between builds makes the kept results go, and a build after an edit
    still stops on the edit's problem."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", REFERENCE_EPOCH)
    content = tmp_path / "content"
    shutil.copytree(newsroom, content)
    session = Session(tmp_path / "served", content)
    session.build(catalogs=True, fresh=True)
    session.build()
    assert validation.STATS == {"kept": markdown_files(content), "checked": 0}

    story = next(path for path in sorted(content.rglob("*.md")) if ".ur." not in path.name)
    text = story.read_text(encoding="utf-8")
    save(story, text.replace("Category:", "Categroy:", 1))
    with pytest.raises(validation.ContentProblems) as stopped:
        session.build()
    assert [problem.message.split(";")[0] for problem in stopped.value.problems
            if problem.path.endswith(story.name)] == ["missing Category", 'unknown metadata key "Categroy"']
    assert validation.STATS == {"kept": markdown_files(content) - 1, "checked": 1}
    save(story, text)
    session.build()
    assert validation.STATS == {"kept": markdown_files(content) - 1, "checked": 1}
    session.stop_search_index()
