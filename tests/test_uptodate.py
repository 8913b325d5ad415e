"""A build with nothing changed since the last one stops at once (tools/uptodate.py).

An editor who runs `make publish` twice, or a deploy job that rebuilds on a
schedule, gets the same site without waiting for every page to be made
again; any change that could change a page (a story, the theme, a setting,
the environment, the output folder itself, or the clock passing midnight or
a scheduled story's time) builds in full.
"""

import os
import time
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

import uptodate
from sitebuild import ROOT, Site, build_site

KARACHI = ZoneInfo("Asia/Karachi")
UP_TO_DATE = "is up to date: nothing changed since its last build"


def epoch(*when):
    return str(int(datetime(*when, tzinfo=KARACHI).timestamp()))


def stat_of_every_file(root):
    return {path.relative_to(root).as_posix(): (path.stat().st_ino, path.stat().st_mtime_ns)
            for path in sorted(root.rglob("*")) if path.is_file()}


def test_the_publish_build_run_again_says_up_to_date_and_touches_nothing(published, newsroom):
    before = stat_of_every_file(published.root)
    again = build_site(published.root, content=newsroom, settings="publishconf.py")
    assert again.returncode == 0, again.stderr
    assert f"{published.root} {UP_TO_DATE} (--force builds it again)" in again.stdout
    assert "Processed" not in again.stdout + again.stderr
    assert stat_of_every_file(published.root) == before


# -- what counts as a change (the decision, on a record written here) ----------

@pytest.fixture
def recorded(tmp_path):
    """A content folder, an output folder and the record of a build of one into the other."""
    content, output = tmp_path / "content", tmp_path / "output"
    (content / "articles").mkdir(parents=True)
    (content / "articles" / "story.md").write_text("Title: A story\n\nText.\n", encoding="utf-8")
    (output / "a-story").mkdir(parents=True)
    (output / "a-story" / "index.html").write_text("<p>Text.</p>\n", encoding="utf-8")
    settings = ROOT / "publishconf.py"
    key = uptodate.command_key(settings, output, content, False, [])
    now = time.time()
    stamps = uptodate.stamp_inputs(uptodate.input_files(content, output=output), now)
    uptodate.write_record(output, key, stamps, {"valid_from": now - 60, "valid_until": now + 3600, "extra_inputs": []})

    def why(moment=None, environ=None, extra_settings=()):
        key = uptodate.command_key(settings, output, content, False, list(extra_settings), environ or os.environ)
        return uptodate.why_build(output, key, content, now if moment is None else moment)

    assert why() is None
    return content, output, why, now


def test_an_edited_story_is_named(recorded):
    content, _, why, _ = recorded
    story = content / "articles" / "story.md"
    story.write_text("Title: A story\n\nText, edited at greater length.\n", encoding="utf-8")
    assert why() == f"{story} changed"


def test_a_save_in_the_same_clock_tick_as_the_build_is_seen(recorded):
    """Same size, same inode, same modification time (a coarse file-system
    clock): only the content differs."""
    content, _, why, _ = recorded
    story = content / "articles" / "story.md"
    stat = story.stat()
    with story.open("r+", encoding="utf-8") as file:
        file.write("Title: B")
    os.utime(story, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    assert (story.stat().st_size, story.stat().st_ino, story.stat().st_mtime_ns) == \
        (stat.st_size, stat.st_ino, stat.st_mtime_ns)
    assert why() == f"{story} changed"


def test_added_and_deleted_stories_are_named(recorded):
    content, _, why, _ = recorded
    added = content / "articles" / "another.md"
    added.write_text("Title: Another\n\nText.\n", encoding="utf-8")
    assert why() == f"{added} was added"
    added.unlink()
    (content / "articles" / "story.md").unlink()
    assert why() == f"{content / 'articles' / 'story.md'} was deleted"


def test_hidden_files_such_as_an_editors_swap_file_change_nothing(recorded):
    content, _, why, _ = recorded
    (content / "articles" / ".story.md.swp").write_bytes(b"\0swap")
    assert why() is None


def test_an_output_folder_changed_by_hand_is_built_again(recorded):
    _, output, why, _ = recorded
    (output / "a-story" / "index.html").write_text("<p>Changed by hand.</p>\n", encoding="utf-8")
    assert why() == f"{output} is not what the last build left"


def test_a_deleted_output_file_is_built_again(recorded):
    _, output, why, _ = recorded
    (output / "a-story" / "index.html").unlink()
    assert why() == f"{output} is not what the last build left"


def test_another_environment_or_setting_is_built_again(recorded):
    *_, why, _ = recorded
    assert why(environ={**os.environ, "SITEURL": "https://elsewhere.example"}) is not None
    assert why(extra_settings=['SITENAME="Another paper"']) is not None
    assert why(environ={**os.environ, "PYTEST_CURRENT_TEST": "another test", "SOURCE_DATE_EPOCH": "1"}) is None


def test_a_time_outside_the_window_is_built_again(recorded):
    *_, why, now = recorded
    assert why(moment=now + 3599) is None
    assert "outside the window" in why(moment=now + 3600)
    assert "outside the window" in why(moment=now - 61)


def test_a_link_to_nothing_or_an_unreadable_folder_is_a_reason_to_build_not_a_crash(recorded):
    content, _, why, _ = recorded
    broken = content / "articles" / "gone.md"
    broken.symlink_to(content / "nowhere.md")
    assert why() == f"{broken} is neither a file nor a folder (a link to nothing?)"
    broken.unlink()
    (content / "photos").symlink_to(content / "articles", target_is_directory=True)
    assert why() == f"{content / 'photos'} is a symbolic link to a folder"


def test_output_permissions_changed_by_hand_are_built_again(recorded):
    _, output, why, _ = recorded
    (output / "a-story" / "index.html").chmod(0o600)
    assert why() == f"{output} is not what the last build left"


def test_no_record_or_a_damaged_one_means_a_build(recorded):
    _, output, why, _ = recorded
    uptodate.record_path(output).write_text("{not json", encoding="utf-8")
    assert "unreadable" in why()
    uptodate.record_path(output).unlink()
    assert why() == "no record of an earlier build"


# -- the clock: midnight and scheduled stories, on real builds -----------------

SCHEDULED_SLUG = "a-scheduled-story"


@pytest.fixture(scope="module")
def schedule(tmp_path_factory):
    """A tiny newsroom with one story scheduled for 15:00 on 20 April 2024 (Karachi)."""
    folder = tmp_path_factory.mktemp("schedule")
    articles = folder / "content" / "articles" / "2024"
    articles.mkdir(parents=True)
    (articles / "story.md").write_text("Title: A story\nDate: 2024-04-19 10:00\nCategory: World\nSlug: a-story\n\n"
                                       "**KARACHI:** Generated fixture text.\n", encoding="utf-8")
    (articles / "later.md").write_text(f"Title: A scheduled story\nDate: 2024-04-20 15:00\nCategory: World\n"
                                       f"Slug: {SCHEDULED_SLUG}\n\n**KARACHI:** Generated fixture text.\n",
                                       encoding="utf-8")
    return folder


def build_at(schedule, when, *options):
    result = build_site(schedule / "output", content=schedule / "content", env={"SOURCE_DATE_EPOCH": when},
                        options=options)
    assert result.returncode == 0, result.stdout + result.stderr
    return result


def test_the_clock_rebuilds_at_a_scheduled_story_and_at_midnight(schedule):
    output = schedule / "output"
    scheduled_page = output / "2024" / "04" / "20" / SCHEDULED_SLUG / "index.html"

    first = build_at(schedule, epoch(2024, 4, 20, 9, 0))
    assert UP_TO_DATE not in first.stdout and not scheduled_page.exists()
    before = stat_of_every_file(output)

    later_that_morning = build_at(schedule, epoch(2024, 4, 20, 11, 0))
    assert UP_TO_DATE in later_that_morning.stdout
    assert stat_of_every_file(output) == before

    after_its_time = build_at(schedule, epoch(2024, 4, 20, 15, 30))
    assert UP_TO_DATE not in after_its_time.stdout
    assert scheduled_page.is_file()
    assert Site(output).html("index.html").select_one(".edition-date time").get_text() == "Saturday, April 20th 2024"

    after_midnight = build_at(schedule, epoch(2024, 4, 21, 0, 30))
    assert UP_TO_DATE not in after_midnight.stdout
    assert Site(output).html("index.html").select_one(".edition-date time").get_text() == "Sunday, April 21st 2024"


def test_force_builds_when_nothing_changed(schedule):
    output = schedule / "output"
    when = epoch(2024, 4, 21, 1, 0)
    build_at(schedule, when)
    before = stat_of_every_file(output)
    assert UP_TO_DATE in build_at(schedule, when).stdout
    forced = build_at(schedule, when, "--force")
    assert UP_TO_DATE not in forced.stdout
    after = stat_of_every_file(output)
    assert after.keys() == before.keys() and after != before
