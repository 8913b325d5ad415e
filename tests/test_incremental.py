"""`make serve` rebuilds only what an edit changed, and the result is the site
a full build of the same content writes, byte for byte."""

import contextlib
import gc
import os
import shutil
from pathlib import Path

import pytest

import jinja2
import watchfiles
from pelican import signals

from bench_corpus import write_corpus
import incremental
from incremental import Session
from serve import rebuild
from sitebuild import REFERENCE_EPOCH, ROOT, Site, built, differences, without_fingerprints

ARTICLES = 30


def translated_story(content):
    """An English story that has an Urdu translation."""
    return next(p for p in sorted((content / "articles").rglob("*.md"))
                if not p.name.endswith(".ur.md") and p.with_suffix(".ur.md").exists())


@pytest.fixture
def session(tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", REFERENCE_EPOCH)
    content = tmp_path / "content"
    write_corpus(content, ARTICLES, seed=7)
    theme = tmp_path / "theme"
    shutil.copytree(ROOT / "theme", theme, ignore=shutil.ignore_patterns("*.mo"))
    session = Session(tmp_path / "served", content, theme=theme)
    session.build(catalogs=True)
    return session


def full_build(session, tmp_path, name):
    session.wait_for_search_index()  # make serve refreshes it in the background
    return built(tmp_path / name, content=session.content,
                 extra_settings=[f'THEME="{session.theme}"', without_fingerprints(), "SHOW_DRAFTS=true"])


def test_unchanged_rebuild_renders_nothing(session):
    assert session.build() == 0
    assert session.stats["kept"] > ARTICLES


def replace_in_body(path, old, new):
    header, body = path.read_text(encoding="utf-8").split("\n\n", 1)
    assert old in body
    path.write_text(header + "\n\n" + body.replace(old, new, 1), encoding="utf-8")


def test_one_word_edit_renders_only_the_pages_that_show_the_story(session, tmp_path):
    story = translated_story(session.content)
    word = story.read_text(encoding="utf-8").split("\n\n", 1)[1].split()[3]
    replace_in_body(story, f" {word} ", " zanzibarium ")

    assert session.quick_update([story])

    full = full_build(session, tmp_path, "full")
    # Only what shows the story is rendered: its pages, the listings, related
    # stories and feeds that carry its title, nothing else.
    url = next(p for p in Site(full).pages() if f"/{story.stem}/" in p and not p.startswith("ur/")).removesuffix("index.html")
    showing = [p for p in Site(full).pages() + [f.relative_to(full).as_posix() for f in full.rglob("*.atom.xml")]
               if f"/{url}" in Site(full).text(p) or f"/{story.stem}/" in p]
    assert len(showing) <= session.stats["rendered"] < len(session.jobs) / 3
    # The search index is refreshed too, in the background (waited for above).
    assert differences(session.output, full) == []
    page = next(p for p in Site(session.output).pages() if f"/{story.stem}/" in p and not p.startswith("ur/"))
    assert "zanzibarium" in Site(session.output).html(page).select_one(".story-body").get_text()


def test_urdu_edit_with_a_new_letter_updates_the_font_too(session, tmp_path):
    urdu = next(p for p in sorted((session.content / "articles").rglob("*.ur.md")))
    font = next(session.output.rglob("*.woff2"))
    font_before = font.read_bytes()
    replace_in_body(urdu, "۔", " ڇ۔")  # a letter (Sindhi) that the generated Urdu never uses

    assert session.quick_update([urdu])

    assert font.read_bytes() != font_before
    assert differences(session.output, full_build(session, tmp_path, "full")) == []


def test_moving_a_story_to_another_section_needs_and_gets_a_full_rebuild(session, tmp_path):
    story = translated_story(session.content)
    text = story.read_text(encoding="utf-8")
    section = next(line for line in text.splitlines() if line.startswith("Category: "))
    other = "Opinion" if section != "Category: Opinion" else "Sport"
    story.write_text(text.replace(section, f"Category: {other}"), encoding="utf-8")

    assert not session.quick_update([story])
    session.build()

    assert differences(session.output, full_build(session, tmp_path, "full")) == []


def test_new_story_urdu_edit_and_template_change_match_a_full_build(session, tmp_path):
    urdu = next(p for p in sorted((session.content / "articles").rglob("*.ur.md")))
    urdu.write_text(urdu.read_text(encoding="utf-8").replace("۔", "؟", 1), encoding="utf-8")
    new_story = session.content / "articles" / "2024" / "a-new-story.md"
    new_story.parent.mkdir(parents=True, exist_ok=True)
    new_story.write_text(
        "Title: Lorem novum\nDate: 2024-04-10 09:00\nCategory: Sport\nTags: Lorem Ipsum\n"
        "Slug: lorem-novum\nSummary: Dolor sit amet.\n\nLorem ipsum dolor sit amet.\n",
        encoding="utf-8",
    )
    session.build()
    assert differences(session.output, full_build(session, tmp_path, "after-edits")) == []

    footer = Path(session.theme) / "templates" / "partials" / "footer.html"
    footer.write_text(footer.read_text(encoding="utf-8").replace("©", "© Lorem"), encoding="utf-8")
    session.forget_pages()
    session.build()
    assert differences(session.output, full_build(session, tmp_path, "after-template")) == []
    assert "© Lorem" in Site(session.output).text("index.html")


def add_the_newest_story(content):
    """A story of the newest story's section, later the same day (no new
    month in the archive, which every page's footer lists): it becomes a
    related story of every story of that section."""
    stories = [path for path in sorted((content / "articles").rglob("*.md")) if ".ur." not in path.name]
    metadata = {path: dict(line.split(": ", 1) for line in path.read_text(encoding="utf-8").split("\n\n", 1)[0]
                           .splitlines()) for path in stories}
    newest = max(stories, key=lambda path: metadata[path]["Date"])
    (newest.parent / "a-newer-story.md").write_text(
        f"Title: Lorem novissimum\nDate: {metadata[newest]['Date'][:10]} 23:59\n"
        f"Category: {metadata[newest]['Category']}\nTags: Lorem Novum\nSlug: lorem-novissimum\n"
        "Summary: Dolor sit amet.\n\nLorem ipsum dolor sit amet.\n", encoding="utf-8")


def test_a_new_story_leaves_the_pages_that_list_the_stories_it_is_related_to(session, tmp_path):
    """The stories the new one is related to change their own pages; the tag
    and archive pages that list them (and not the new story) do not change,
    and the site is a full build's."""
    before = dict(session.signatures)
    add_the_newest_story(session.content)
    session.build()
    assert differences(session.output, full_build(session, tmp_path, "full")) == []

    listings = [path for path in session.output.rglob("index.html")
                if path.relative_to(session.output).parts[0] in ("tag", "archive", "ur")
                and "lorem-novissimum" not in path.read_text(encoding="utf-8")]
    related = [story for generator in session.generators.values() for story in getattr(generator, "articles", ())
               if any(other.slug == "lorem-novissimum" for other in getattr(story, "related_stories", ()))]
    assert len(related) > 1
    listing_related = [path for path in listings
                       if any(f'href="/{story.url}"' in path.read_text(encoding="utf-8") for story in related)]
    assert listing_related  # pages that list a story the new one is related to, not the new one
    for path in listing_related:
        assert before[incremental.output_key(path)] == session.signatures[incremental.output_key(path)], path


def test_a_quick_edit_after_a_rebuild_reaches_every_page_that_shows_the_story_now(session, tmp_path):
    """A rebuild notes again which pages show which story only for the pages
    whose signature changed.  A story moved to another month joins listings
    that were there without it: a title edited after that must reach the
    pages that show it now, not the ones that did before."""
    stories = [path for path in sorted((session.content / "articles").rglob("*.md")) if ".ur." not in path.name]
    dates = {path: dict(line.split(": ", 1) for line in path.read_text(encoding="utf-8").split("\n\n", 1)[0]
                        .splitlines())["Date"] for path in stories}
    moved = stories[0]
    other_month = next(dates[path] for path in stories if dates[path][:7] != dates[moved][:7]
                       and not path.with_suffix(".ur.md").exists())
    moved.write_text(moved.read_text(encoding="utf-8").replace(f"Date: {dates[moved]}", f"Date: {other_month[:10]} 23:58"),
                     encoding="utf-8")
    session.build()

    header, body = moved.read_text(encoding="utf-8").split("\n\n", 1)
    header = "\n".join(line + " retitled" if line.startswith("Title:") else line for line in header.splitlines())
    moved.write_text(f"{header}\n\n{body}", encoding="utf-8")
    assert session.quick_update([moved])

    assert differences(session.output, full_build(session, tmp_path, "full")) == []
    shown = {path for paths in session.dependents.values() for path in paths}
    assert shown <= session.jobs.keys()  # no page gone is still noted as showing a story


def show_related_stories_in_cards(theme):
    """Edit the story card of `theme` to list each story's related stories; returns the card."""
    card = Path(theme) / "templates" / "partials" / "story_card.html"
    card.write_text(card.read_text(encoding="utf-8").replace(
        "</article>", '<p class="also">{% for other in story.related_stories %}{{ other.title }} {% endfor %}</p>\n'
                      "</article>"), encoding="utf-8")
    return card


def test_a_listing_that_shows_related_stories_is_rendered_again_when_they_change(session, tmp_path):
    """If a template lists the related stories of the stories it lists, a new
    story changes those listings too: make serve sees it in the templates."""
    show_related_stories_in_cards(session.theme)
    session.forget_pages()  # what make serve does after a template edit it cannot render alone
    session.build()
    add_the_newest_story(session.content)
    session.build()
    assert differences(session.output, full_build(session, tmp_path, "full")) == []


def test_a_template_edit_taken_by_a_full_build_still_changes_what_listings_name(session, tmp_path):
    """A template edit and a deleted file in one batch (a `git pull`) take a
    full build in another process; the builds in place after it still see
    that the story card now shows related stories."""
    (session.content / "extra").mkdir(exist_ok=True)
    leaflet = session.content / "extra" / "leaflet.pdf"
    leaflet.write_bytes(b"%PDF-1.4\n%%EOF\n")
    session.build()
    card = show_related_stories_in_cards(session.theme)
    leaflet.unlink()
    rebuild(session, {(watchfiles.Change.modified, str(card)), (watchfiles.Change.deleted, str(leaflet))})
    session.build()  # the next edit's build in place records every page's signature again
    add_the_newest_story(session.content)
    rebuild(session, {(watchfiles.Change.added, str(next(session.content.rglob("a-newer-story.md"))))})
    assert differences(session.output, full_build(session, tmp_path, "full")) == []


def test_an_editors_lock_file_among_the_templates_is_not_a_template(session):
    """Emacs marks a file being edited with a link to nothing (.#name.html)."""
    lock = Path(session.theme) / "templates" / "partials" / ".#story_card.html"
    try:
        os.symlink("editor@host.1234:1700000000", lock)
    except (OSError, NotImplementedError):
        pytest.skip("no symbolic links here")
    assert session.build() == 0


def pages_of(folder):
    return {page: page.read_bytes() for page in sorted(folder.rglob("*.html"))}


def test_a_template_edit_renders_the_recorded_pages_without_pelican_and_matches_a_full_build(session, tmp_path,
                                                                                          monkeypatch):
    """A template changes how the pages look, not which pages there are: they
    are rendered again from what the last build recorded, with Pelican not
    run, and later quick edits and builds use the edited template too."""
    footer = Path(session.theme) / "templates" / "partials" / "footer.html"
    saved = footer.stat()
    footer.write_text(footer.read_text(encoding="utf-8").replace("©", "© Lorem"), encoding="utf-8")
    # Saved within the clock tick of the last build's read (file systems that
    # keep seconds): Jinja's own check of the file's mtime would keep the old one.
    os.utime(footer, ns=(saved.st_atime_ns, saved.st_mtime_ns))
    article = Path(session.theme) / "templates" / "article.html"
    article.write_text(article.read_text(encoding="utf-8").replace(
        "{% block content %}", "{% block content %}<p>Lorem template</p>", 1), encoding="utf-8")

    def no_build(*args, **kwargs):
        raise AssertionError("Pelican ran for a template edit")

    with monkeypatch.context() as patch:
        patch.setattr(session, "build", no_build)
        rebuild(session, {(watchfiles.Change.modified, str(footer)), (watchfiles.Change.modified, str(article))})
    assert session.stats["rendered"] == sum(job[0] == "page" for job in session.jobs.values())
    assert differences(session.output, full_build(session, tmp_path, "after-template")) == []
    assert "© Lorem" in Site(session.output).text("ur/index.html")

    story = translated_story(session.content)
    header, body = story.read_text(encoding="utf-8").split("\n\n", 1)
    story.write_text(f"{header}\n\nLorem-edited {body}", encoding="utf-8")
    rebuild(session, {(watchfiles.Change.modified, str(story))})  # a quick edit: the recorded pages again
    assert session.stats["rendered"] < len(pages_of(session.output))
    assert differences(session.output, full_build(session, tmp_path, "after-edit")) == []


@contextlib.contextmanager
def open_in_a_browser(session, page, reload_open_pages):
    """The session as the preview server drives it: the output file `page`
    open in a browser, `reload_open_pages()` called when it is to reload.
    Yields the pages written, in order."""
    written = []

    def page_written(path, context):
        written.append(path)

    signals.content_written.connect(page_written)
    session.open_pages = lambda: {page}
    session.on_open_pages_rendered = reload_open_pages
    try:
        yield written
    finally:
        signals.content_written.disconnect(page_written)


def test_a_template_edit_renders_the_open_pages_first_then_a_page_asked_for(session, tmp_path, monkeypatch):
    """What the preview server sees: the open page has the edit when it is told
    to reload it, while most pages do not yet; a page a browser asks for then
    is pending until it comes next, before the batches of the others."""
    monkeypatch.setattr(incremental, "RENDER_BATCH", 64)  # several batches, each on every core
    footer = Path(session.theme) / "templates" / "partials" / "footer.html"
    footer.write_text(footer.read_text(encoding="utf-8").replace("©", "© Lorem"), encoding="utf-8")
    pages = sorted(path for path, job in session.jobs.items() if job[0] == "page")
    front, asked = str(session.output / "index.html"), pages[-1]
    at_reload = {}

    def reload_open_pages():
        at_reload["edited"] = {page for page in pages if "© Lorem" in Path(page).read_text(encoding="utf-8")}
        at_reload["asked pending"] = session.is_pending(asked)
        session.want(asked)

    with open_in_a_browser(session, front, reload_open_pages) as written:
        assert session.quick_template_update([str(footer)])
    assert at_reload == {"edited": {front}, "asked pending": True}
    assert written[:2] == [front, asked] and sorted(written) == pages
    assert session.stats["reloaded"] == 1 and not session.is_pending(asked)
    assert differences(session.output, full_build(session, tmp_path, "after-template")) == []


def test_a_new_story_reloads_the_open_page_once_it_lists_the_story_then_writes_the_others(session, tmp_path,
                                                                                         monkeypatch):
    """What an editor sees after adding a story with the front page open: the
    browser is told to reload once the front page lists the story, while the
    story's own page and the other pages that list it are still to write; a
    page a browser asks for then comes next, and the site is a full build's
    once the rebuild returns."""
    import parallel_pages

    monkeypatch.setattr(incremental, "RENDER_BATCH", 8)  # several batches, each on every core
    monkeypatch.setattr(parallel_pages, "PARALLEL_MIN_PAGES", 4)
    front = str(session.output / "index.html")
    add_the_newest_story(session.content)
    story = next(session.content.rglob("a-newer-story.md"))
    at_reload = {}

    def reload_open_pages():
        new_pages = [path for path in session.jobs if "/lorem-novissimum/" in path]
        at_reload["front lists it"] = "Lorem novissimum" in Path(front).read_text(encoding="utf-8")
        at_reload["its page pending"] = [session.is_pending(path) for path in new_pages]
        at_reload["its page written"] = [os.path.exists(path) for path in new_pages]
        session.want(new_pages[0])
        at_reload["asked"] = new_pages[0]

    with open_in_a_browser(session, front, reload_open_pages) as written:
        rebuild(session, {(watchfiles.Change.added, str(story))})
    assert at_reload.pop("front lists it") and at_reload.pop("its page pending") == [True]
    assert at_reload.pop("its page written") == [False]
    assert written[:2] == [front, at_reload["asked"]] and len(written) > 2 * 8
    assert session.stats["reloaded"] == 1 and not session.is_pending(at_reload["asked"])
    assert differences(session.output, full_build(session, tmp_path, "full")) == []


@pytest.mark.parametrize("then", ["the story kept", "the story deleted"])
def test_a_rebuild_that_fails_after_the_reload_keeps_the_pages_it_did_not_reach_for_the_next(session, tmp_path,
                                                                                          monkeypatch, then):
    """A rebuild compares its pages' signatures after the open page is
    reloaded.  When writing the others then fails (a full disk), the next
    rebuild renders the pages that changed, the open one too, even when the
    story that changed them is deleted meanwhile (the open page was written
    with it, the others were not), and keeps every page the edit did not
    change: the site is then a full build's."""
    import parallel_pages

    front = str(session.output / "index.html")
    add_the_newest_story(session.content)
    story = next(session.content.rglob("a-newer-story.md"))
    changed, pages_that_changed = [], session._pages_that_changed

    def noted(jobs):
        found = pages_that_changed(jobs)
        changed.extend(found)
        return found

    def full_disk(jobs, processes=None):
        raise OSError(28, "No space left on device")

    with monkeypatch.context() as patched:
        patched.setattr(session, "_pages_that_changed", noted)
        patched.setattr(parallel_pages, "render_on_every_core", full_disk)
        with open_in_a_browser(session, front, lambda: None) as written:
            with pytest.raises(OSError, match="No space left"):
                rebuild(session, {(watchfiles.Change.added, str(story))})
    assert written == [front] and "Lorem novissimum" in Path(front).read_text(encoding="utf-8")
    assert len(changed) > 2

    if then == "the story deleted":
        story.unlink()
    session.build(pages_after_serving=True)
    session.write_pages_left()
    if then == "the story kept":
        assert session.stats["rendered"] == len(changed)
        assert session.stats["kept"] == len(session.jobs) - len(changed) > len(changed)
    assert differences(session.output, full_build(session, tmp_path, "full")) == []


def test_a_new_urdu_story_with_a_new_letter_reloads_the_open_page_again_with_the_new_font(session, tmp_path,
                                                                                        monkeypatch):
    """The open Urdu page is reloaded once it lists the story, before the
    font has the story's new letter, which a second process adds once the
    Urdu pages are written; the server reloads the page again once the font
    is made (no "reloaded" in the stats)."""
    import urdu_font

    monkeypatch.setattr(urdu_font, "READ_HERE_AT_MOST", 0)  # the font's own process, as after many Urdu pages
    started, start_subset_process = [], urdu_font.start_subset_process

    def counted(*arguments):
        started.append(arguments)
        return start_subset_process(*arguments)
    monkeypatch.setattr(urdu_font, "start_subset_process", counted)
    urdu_front = str(session.output / "ur" / "index.html")
    font = next(session.output.rglob("*.woff2"))
    font_before = font.read_bytes()
    urdu = max((session.content / "articles").rglob("*.ur.md"),  # the newest: on the Urdu front page
               key=lambda path: path.read_text(encoding="utf-8").split("\nDate: ", 1)[1][:16])
    header, body = urdu.read_text(encoding="utf-8").split("\n\n", 1)
    story = urdu.with_name("lorem-sindhi.ur.md")
    kept = [line for line in header.splitlines() if not line.startswith(("Title:", "Slug:", "Summary:", "Translated_From:"))]
    story.write_text("\n".join(["Title: لورم ڇ", "Slug: lorem-sindhi", "Summary: ڇ۔", *kept]) + "\n\n" + body,
                     encoding="utf-8")
    at_reload = []

    def reload_open_pages():
        at_reload.append(("لورم ڇ" in Path(urdu_front).read_text(encoding="utf-8"), font.read_bytes() == font_before))

    with open_in_a_browser(session, urdu_front, reload_open_pages):
        rebuild(session, {(watchfiles.Change.added, str(story))})

    assert at_reload == [(True, True)] and len(started) == 1
    assert font.read_bytes() != font_before and "reloaded" not in session.stats
    assert differences(session.output, full_build(session, tmp_path, "full")) == []


def test_a_template_that_fails_for_one_story_fails_the_builds_after_it_too(session):
    """Page signatures do not name a template's text: after a template edit
    that failed half way, the next build must not keep the pages it did not
    reach (a full build fails on that story, and so does the preview)."""
    story = translated_story(session.content)
    slug = next(line.split(":", 1)[1].strip() for line in story.read_text(encoding="utf-8").splitlines()
                if line.startswith("Slug:"))
    template = Path(session.theme) / "templates" / "article.html"
    template.write_text(template.read_text(encoding="utf-8").replace(
        "{% block content %}",
        f"{{% block content %}}{{% if article.slug == {slug!r} %}}{{{{ article.lorem_missing.deeper }}}}{{% endif %}}",
        1), encoding="utf-8")
    with pytest.raises(jinja2.exceptions.UndefinedError, match="lorem_missing"):
        rebuild(session, {(watchfiles.Change.modified, str(template))})
    other = next(path for path in sorted((session.content / "articles").rglob("*.md"))
                 if path != story and not path.name.endswith(".ur.md"))
    header, body = other.read_text(encoding="utf-8").split("\n\n", 1)
    other.write_text(f"{header}\n\nLorem-edited {body}", encoding="utf-8")
    with pytest.raises(jinja2.exceptions.UndefinedError, match="lorem_missing"):
        rebuild(session, {(watchfiles.Change.modified, str(other))})


def test_a_template_syntax_mistake_is_raised_with_its_line_and_nothing_is_written(session, tmp_path):
    footer = Path(session.theme) / "templates" / "partials" / "footer.html"
    original = footer.read_text(encoding="utf-8")
    lines = original.splitlines(keepends=True)
    footer.write_text("".join(lines[:2]) + "{% if %}\n" + "".join(lines[2:]), encoding="utf-8")
    before = pages_of(session.output)
    with pytest.raises(jinja2.TemplateSyntaxError) as raised:
        rebuild(session, {(watchfiles.Change.modified, str(footer))})
    assert (raised.value.filename, raised.value.lineno) == (str(footer), 3)
    assert pages_of(session.output) == before

    footer.write_text(original.replace("©", "© Lorem"), encoding="utf-8")
    rebuild(session, {(watchfiles.Change.modified, str(footer))})
    assert differences(session.output, full_build(session, tmp_path, "fixed")) == []


def test_a_quick_edit_is_validated_like_a_full_build(session, capsys):
    story = translated_story(session.content)
    page = next(p for p in session.output.rglob(f"{story.stem}/index.html")
                if p.relative_to(session.output).parts[0] != "ur")
    before = page.read_bytes()
    text = story.read_text(encoding="utf-8")
    story.write_text(text + "\nSee [the earlier story]({filename}no-such-story.md).\n", encoding="utf-8")

    with pytest.raises(SystemExit):
        session.quick_update([story])

    error = capsys.readouterr().err
    assert f"{story.name}:" in error and "link to a missing file: {filename}no-such-story.md" in error
    assert page.read_bytes() == before


def test_a_quick_edit_with_unsafe_body_html_is_refused(session, capsys):
    story = translated_story(session.content)
    page = next(p for p in session.output.rglob(f"{story.stem}/index.html")
                if p.relative_to(session.output).parts[0] != "ur")
    before = page.read_bytes()
    text = story.read_text(encoding="utf-8")
    story.write_text(text + '\n<img src="https://tracker.example/pixel.gif" alt="x">\n', encoding="utf-8")
    line = len((text + "\n").splitlines()) + 1

    with pytest.raises(SystemExit):
        session.quick_update([story])

    error = capsys.readouterr().err
    assert f"{story.name}:{line}: the image https://tracker.example/pixel.gif is on another site" in error
    assert page.read_bytes() == before
def test_the_first_edit_after_start_subsets_no_font(session, monkeypatch, tmp_path):
    """The font's character map is read at start-up; an edit whose pages use
    only characters the served font has does not subset it again (issue 13:
    the first save took 4-15 s)."""
    import urdu_font

    session.remember_urdu_font()

    def no_subset(*args, **kwargs):
        raise AssertionError("the font was subset on the edit path")

    monkeypatch.setattr(urdu_font, "write_subset", no_subset)
    monkeypatch.setattr(urdu_font, "cached_subset", no_subset)
    story = translated_story(session.content)
    replace_in_body(story, " ", " lorem ")
    assert session.quick_update([story])
    urdu = story.with_suffix(".ur.md")
    replace_in_body(urdu, "۔", "۔ ۔")  # Urdu text, no new character
    assert session.quick_update([urdu])
    assert differences(session.output, full_build(session, tmp_path, "full")) == []


@pytest.mark.parametrize("read_here_at_most, second_process", [(200, False), (0, True)],
                         ids=["few pages rewritten: subset here", "many: in a second process"])
def test_a_build_in_place_subsets_the_font_where_it_reads_fewer_pages(session, monkeypatch, tmp_path,
                                                                     read_here_at_most, second_process):
    """After start-up the server has read every Urdu page: a build in place that
    rewrote few of them subsets the font in its own process, reading only
    those (a second process would read them all); the font is a full build's."""
    import subprocess
    from types import SimpleNamespace

    import urdu_font

    session.remember_urdu_font()
    started = []

    def popen(command, *args, **kwargs):
        started.append(command)
        return subprocess.Popen(command, *args, **kwargs)
    monkeypatch.setattr(urdu_font, "subprocess", SimpleNamespace(Popen=popen, PIPE=subprocess.PIPE))
    monkeypatch.setattr(urdu_font, "READ_HERE_AT_MOST", read_here_at_most)
    urdu = next(p for p in sorted((session.content / "articles").rglob("*.ur.md")))
    urdu.write_text(urdu.read_text(encoding="utf-8").replace("Tags: ", "Tags: ڇ ", 1), encoding="utf-8")

    assert not session.quick_update([urdu])  # a new tag: a build in place
    session.build()

    assert bool(started) == second_process
    assert differences(session.output, full_build(session, tmp_path, "full")) == []


def test_a_story_without_summary_shows_its_new_description_at_once(session, tmp_path):
    """The description (meta, OpenGraph, JSON-LD) comes from the body when a
    story has no Summary: Pelican memoizes it per object, and the quick path
    must drop that memo before deriving from it (issue 13: the page showed
    the previous save)."""
    story = translated_story(session.content)
    header, body = story.read_text(encoding="utf-8").split("\n\n", 1)
    header = "\n".join(line for line in header.splitlines() if not line.startswith("Summary:"))
    session.build()  # the story without Summary, as the first version
    for marker in ("FIRSTVERSION", "SECONDVERSION"):
        story.write_text(f"{header}\n\n{marker} opens the story.\n\n{body}", encoding="utf-8")
        assert session.quick_update([story]) or session.build() is not None
        page = next(p for p in session.output.rglob(f"{story.stem}/index.html") if p.relative_to(session.output).parts[0] != "ur")
        assert f'content="{marker} opens the story.' in page.read_text(encoding="utf-8")
    assert differences(session.output, full_build(session, tmp_path, "full")) == []


def test_a_stylesheet_edit_is_copied_without_rendering_and_matches_a_full_build(session, tmp_path):
    stylesheet = Path(session.theme) / "static" / "css" / "site.css"
    stylesheet.write_text(stylesheet.read_text(encoding="utf-8") + "\n.lorem-rule { color: rebeccapurple; }\n",
                          encoding="utf-8")

    assert session.quick_theme_update([str(stylesheet)])

    assert session.stats["rendered"] == 0 and session.stats["copied"] == 1
    assert "rebeccapurple" in (session.output / "theme" / "css" / "site.css").read_text(encoding="utf-8")
    assert differences(session.output, full_build(session, tmp_path, "full")) == []


def test_a_new_theme_file_or_a_template_is_not_a_copy(session):
    new_script = Path(session.theme) / "static" / "js" / "lorem.js"
    new_script.write_text("export const lorem = 1;\n", encoding="utf-8")
    footer = Path(session.theme) / "templates" / "partials" / "footer.html"

    assert not session.quick_theme_update([str(new_script)])  # a build copies it (and lists it nowhere else)
    assert not session.quick_theme_update([str(footer)])


def test_a_deleted_story_and_its_translation_leave_in_place_as_in_a_full_build(session, tmp_path):
    story = translated_story(session.content)
    translation = story.with_suffix(".ur.md")
    alone = next(p for p in sorted((session.content / "articles").rglob("*.md"))
                 if not p.name.endswith(".ur.md") and not p.with_suffix(".ur.md").exists())
    pages_before = set(Site(session.output).pages())
    gone = [str(story), str(translation), str(alone)]
    for path in gone:
        Path(path).unlink()

    assert session.can_remove_in_place(gone)
    session.build()

    # Their pages in both editions are gone, folders and all (and listing
    # pages they alone filled, as in a full build).
    removed = pages_before - set(Site(session.output).pages())
    assert sum(page.split("/")[-2] in (story.stem, alone.stem) for page in removed) == 3
    assert 3 <= len(removed) <= session.stats["removed"]
    assert differences(session.output, full_build(session, tmp_path, "full")) == []


def test_the_preview_full_build_links_the_plain_asset_names_like_builds_in_place(session, tmp_path):
    """make serve's full build (after a deleted photo) takes the preview's
    steps, not the profile's: no fingerprinted names the next build in
    place would not link."""
    session.full_build()

    assert (session.output / "theme" / "css" / "site.css").is_file()
    assert differences(session.output, full_build(session, tmp_path, "full")) == []


@pytest.mark.parametrize("mode", ["forked", "one process", "a forked process fails"])
def test_pages_rendered_on_every_core_are_the_pages_of_one_process(session, tmp_path, monkeypatch, mode):
    """A template edit renders every page again: shared among forked copies
    of the process on Linux, in this one elsewhere (macOS, Windows: no safe
    fork), and again here for a share whose process failed."""
    import parallel_pages
    import processes

    parent = os.getpid()
    forks = []
    real_fork, real_render_share = os.fork, parallel_pages.render_share
    forking = mode != "one process" and processes.can_fork()

    def counting_fork():
        forks.append(1)
        return real_fork()

    def failing_in_child(jobs, announce=False):
        if os.getpid() != parent:
            raise OSError("disk full")
        real_render_share(jobs, announce)

    monkeypatch.setattr(os, "fork", counting_fork)
    monkeypatch.setattr(processes, "available_cpus", lambda: 2)
    if mode == "one process":
        monkeypatch.setattr(processes, "can_fork", lambda: False)
    if mode == "a forked process fails":
        monkeypatch.setattr(parallel_pages, "render_share", failing_in_child)
    footer = Path(session.theme) / "templates" / "partials" / "footer.html"
    footer.write_text(footer.read_text(encoding="utf-8").replace("©", "© Ipsum"), encoding="utf-8")
    session.forget_pages()

    session.build()

    assert session.stats["rendered"] == len(session.jobs)
    assert bool(forks) == forking
    site = Site(session.output)
    assert all("© Ipsum" in site.text(page) for page in site.pages() if not page.startswith("ur/"))
    assert differences(session.output, full_build(session, tmp_path, "full")) == []


def test_a_summary_removed_by_a_quick_edit_stays_removed_in_later_builds(session, tmp_path):
    """A quick edit refreshes the story object in place: what the old text
    set and the new one does not (its Summary) must go too, or the next build
    in place (another story added) brings the old description back."""
    story = translated_story(session.content)
    header, body = story.read_text(encoding="utf-8").split("\n\n", 1)
    assert "\nSummary:" in f"\n{header}"
    header = "\n".join(line for line in header.splitlines() if not line.startswith("Summary:"))
    story.write_text(f"{header}\n\nNOSUMMARY opens the story.\n\n{body}", encoding="utf-8")
    assert session.quick_update([story])

    for _ in range(2):  # (Pelican wrote the old Summary back at the end of the first)
        session.forget_pages()  # every page is rendered again from the objects in memory
        session.build()

    page = next(p for p in session.output.rglob(f"{story.stem}/index.html") if p.relative_to(session.output).parts[0] != "ur")
    assert 'name="description" content="NOSUMMARY opens the story.' in page.read_text(encoding="utf-8")
    assert differences(session.output, full_build(session, tmp_path, "full")) == []


def test_a_deleted_story_with_an_attached_file_takes_a_full_build_and_keeps_its_file_in_place(session, tmp_path):
    """A story's {attach} file is published beside its page: built in place
    like in a full build (the page's HTML is made before the static files
    are copied), and a deleted story that linked a file is not a build in
    place (that would leave its file published)."""
    story = translated_story(session.content)
    (story.parent / "lorem-report.txt").write_text("Lorem ipsum report.\n", encoding="utf-8")
    header, body = story.read_text(encoding="utf-8").split("\n\n", 1)
    story.write_text(f"{header}\n\n[The report]({{attach}}lorem-report.txt)\n\n{body}", encoding="utf-8")
    session.forget_pages()
    session.build()

    assert story.stem in [p.parent.name for p in session.output.rglob("lorem-report.txt")]
    assert differences(session.output, full_build(session, tmp_path, "full")) == []
    assert not session.can_remove_in_place([str(story)])


def test_a_template_error_while_rendering_raises_it_and_leaves_the_pages_as_they_were(session, tmp_path):
    """Pages render after the edition's pages are known, some in forked
    processes: a template's error still reaches the server as itself (which
    names the template and line), and no page is left empty."""
    import jinja2

    template = Path(session.theme) / "templates" / "article.html"
    original = template.read_text(encoding="utf-8")
    template.write_text(original.replace("{% block content %}", "{% block content %}{{ article.lorem_missing.deeper }}", 1),
                        encoding="utf-8")
    session.forget_pages()
    with pytest.raises(jinja2.exceptions.UndefinedError, match="lorem_missing"):
        session.build()
    assert all(page.stat().st_size > 0 for page in session.output.rglob("*.html"))

    template.write_text(original, encoding="utf-8")
    session.forget_pages()
    session.build()
    assert differences(session.output, full_build(session, tmp_path, "full")) == []


def test_a_build_runs_without_the_collector_collects_once_and_turns_it_on_again_even_when_it_fails(session):
    """While a build makes its objects, the cyclic garbage collector would
    scan everything the last build kept, two or three times (1.2 s of a
    4.5 s rebuild at 5,000 stories): it is paused but for the pages' render,
    the build collects once at its end and freezes what it keeps.  A build
    that fails turns it back on: a server left without it would grow with
    every edit."""
    during, rendering = [], []

    def note_collector(sender, **_):
        during.append(gc.isenabled())

    def note_collector_while_rendering(path, **_):
        rendering.append(gc.isenabled())

    signals.article_generator_finalized.connect(note_collector)
    signals.content_written.connect(note_collector_while_rendering)
    template = Path(session.theme) / "templates" / "article.html"
    original = template.read_text(encoding="utf-8")
    try:
        session.forget_pages()
        session.build()
        assert during and not any(during)
        # On while pages render: their garbage, collected as they go (7,400
        # pages' left a server 100 MB larger).
        assert rendering and all(rendering)
        assert gc.isenabled() and gc.get_freeze_count() > 0

        during.clear()
        template.write_text(original.replace("{% block content %}", "{% block content %}{{ article.lorem_missing.deeper }}",
                                             1), encoding="utf-8")
        session.forget_pages()
        with pytest.raises(jinja2.exceptions.UndefinedError, match="lorem_missing"):
            session.build()
        assert during and not any(during)
        assert gc.isenabled()
    finally:
        signals.article_generator_finalized.disconnect(note_collector)
        signals.content_written.disconnect(note_collector_while_rendering)
        template.write_text(original, encoding="utf-8")


def test_the_urdu_characters_of_a_page_rewritten_again_and_again_are_kept_once(tmp_path):
    """make serve reads a rewritten Urdu page's characters again (a template
    edit rewrites them all): the new ones replace the old, in one entry."""
    import urdu_font

    page = tmp_path / "ur" / "index.html"
    page.parent.mkdir()
    for number, text in enumerate(["لالٹین", "لالٹین گزٹ", "گزٹ؟"]):
        page.write_text(f"<!doctype html><html lang=ur><body><p>{text}</p></body></html>", encoding="utf-8")
        os.utime(page, ns=(10**18 + number, 10**18 + number))
        assert urdu_font.characters_of([page]) == set(text)
    assert [key for key in urdu_font._PAGE_CHARACTERS if str(tmp_path) in str(key)] == [str(page)]


def test_the_server_takes_the_urdu_pages_characters_from_the_fonts_second_process(tmp_path, monkeypatch):
    """At start-up the font's second process reads every Urdu page to subset
    the font; it hands back what it read, so the server reads none of them
    again before it serves (4.8 s at 5,000 stories), and what the server holds
    for each page is what reading the page gives."""
    import urdu_font
    from processes import files_under

    monkeypatch.setenv("SOURCE_DATE_EPOCH", REFERENCE_EPOCH)
    monkeypatch.setattr(urdu_font, "_PAGE_CHARACTERS", {})  # a server that has read no page yet
    content = tmp_path / "content"
    write_corpus(content, ARTICLES, seed=11)
    session = Session(tmp_path / "served", content)
    session.build(catalogs=True, fresh=True)
    handed_back = dict(urdu_font._PAGE_CHARACTERS)
    read_here = []
    feed = urdu_font.TextCollector.feed
    monkeypatch.setattr(urdu_font.TextCollector, "feed", lambda collector, text: (read_here.append(text),
                                                                                  feed(collector, text))[1])
    session.remember_urdu_font()

    assert read_here == []
    urdu_pages = files_under(session.output / session.main_settings["EDITIONS"]["ur"]["path"], [".html"])
    assert len(urdu_pages) > ARTICLES // 10
    for page in urdu_pages:
        collector = urdu_font.TextCollector()
        feed(collector, page.read_text(encoding="utf-8"))
        assert set(handed_back[str(page)][1]) == collector.characters, page
        assert handed_back[str(page)][0] == urdu_font.page_stamp(page)


def test_a_new_server_starts_from_an_empty_folder_and_the_previous_one_goes(session):
    """The first build of a server starts from an empty output folder; the
    previous preview is deleted beside it while the build reads."""
    import threading

    stale = session.output / "lorem-stale" / "index.html"
    stale.parent.mkdir()
    stale.write_text("<p>stale</p>", encoding="utf-8")
    session.build(fresh=True)
    for thread in threading.enumerate():
        if thread.name == "remove the previous preview":
            thread.join(60)

    assert not stale.parent.exists()
    assert (session.output / "index.html").is_file()
    assert sorted(p.name for p in session.output.parent.iterdir()) == sorted([session.output.name, "content", "theme"])


def test_a_first_build_can_leave_its_pages_until_the_server_answers(tmp_path, monkeypatch):
    """make serve's first build reads the site and records every page, and
    the server answers before they are written: no page is written yet, a page
    a browser asks for is pending and written before the others; once the
    Urdu pages are written the font's subset starts in a second process
    while the English ones render, as in a build; then the steps after the
    pages run (the font, the search index).  The site is a full build's, the
    server need not read the Urdu pages again, and the next build renders
    nothing."""
    import subprocess
    from types import SimpleNamespace

    import urdu_font
    from parallel_pages import pages_to_render

    monkeypatch.setenv("SOURCE_DATE_EPOCH", REFERENCE_EPOCH)
    monkeypatch.setattr(incremental, "RENDER_BATCH", 64)  # several batches, each on every core
    monkeypatch.setattr(urdu_font, "_PAGE_CHARACTERS", {})
    content = tmp_path / "content"
    write_corpus(content, ARTICLES, seed=7)
    theme = tmp_path / "theme"
    shutil.copytree(ROOT / "theme", theme, ignore=shutil.ignore_patterns("*.mo"))
    session = Session(tmp_path / "served", content, theme=theme)
    session.build(catalogs=True, fresh=True, pages_after_serving=True)

    pages = sorted(job.path for job in pages_to_render(session.pages_left))
    assert len(pages) > ARTICLES and not any(Path(page).exists() for page in pages)
    assert not list(session.output.rglob("*.html"))
    # What it read waits out of the collector's scans (they would cost the
    # first requests) until the pages are written and it is collected once.
    assert gc.isenabled() and gc.get_freeze_count() > 0
    asked = pages[-1]
    assert session.is_pending(asked) and session.is_pending(str(session.output / "index.html"))
    font = session.output / "theme" / "fonts" / session.main_settings["URDU_FONT_FILE"]
    assert session.is_pending(str(font))  # the Urdu pages sent meanwhile ask for it
    session.want(asked)
    written, english_pending_at_font = [], []
    urdu_root = session.output / "ur"
    english = [page for page in pages if not Path(page).is_relative_to(urdu_root)]

    def popen(command, *args, **kwargs):
        english_pending_at_font.append(sum(map(session.is_pending, english)))
        assert not any(map(session.is_pending, set(pages) - set(english)))
        return subprocess.Popen(command, *args, **kwargs)
    monkeypatch.setattr(urdu_font, "subprocess", SimpleNamespace(Popen=popen, PIPE=subprocess.PIPE))

    def page_written(path, context):
        written.append(path)

    signals.content_written.connect(page_written)
    try:
        assert session.write_pages_left()
    finally:
        signals.content_written.disconnect(page_written)
    assert written[0] == asked and sorted(written) == pages
    assert not session.is_pending(asked) and session.pages_left is None
    assert not session.is_pending(str(font)) and font.is_file()
    assert len(english_pending_at_font) == 1 and english_pending_at_font[0] > 0
    read_here = []
    feed = urdu_font.TextCollector.feed
    with monkeypatch.context() as patch:
        patch.setattr(urdu_font.TextCollector, "feed", lambda collector, text: (read_here.append(text),
                                                                               feed(collector, text))[1])
        session.remember_urdu_font()
    assert read_here == []
    assert session.build() == 0
    assert differences(session.output, full_build(session, tmp_path, "full")) == []


def test_a_first_build_whose_pages_fail_to_render_holds_no_request_and_the_next_build_is_full(tmp_path, monkeypatch):
    """A template mistake met while the pages left by a first build are
    written: the error is raised as itself, no request is held for a page
    that will not come, no font subset is left running, and once the template
    is mended the next build writes the site a full build writes."""
    import urdu_font

    monkeypatch.setenv("SOURCE_DATE_EPOCH", REFERENCE_EPOCH)
    monkeypatch.setattr(incremental, "RENDER_BATCH", 16)
    monkeypatch.setattr(urdu_font, "_PAGE_CHARACTERS", {})  # the font's subset starts in a second process
    content = tmp_path / "content"
    write_corpus(content, ARTICLES, seed=7)
    theme = tmp_path / "theme"
    shutil.copytree(ROOT / "theme", theme, ignore=shutil.ignore_patterns("*.mo"))
    template = theme / "templates" / "index.html"
    original = template.read_text(encoding="utf-8")
    template.write_text(original.replace(  # the English front page: once the Urdu pages are written
        "{% block content %}", "{% block content %}{% if DEFAULT_LANG == 'en' %}{{ lorem_missing.deeper }}{% endif %}", 1),
        encoding="utf-8")
    session = Session(tmp_path / "served", content, theme=theme)
    session.build(catalogs=True, fresh=True, pages_after_serving=True)
    front, last = str(session.output / "index.html"), session.pages_left[-1].path
    assert session.is_pending(front) and session.is_pending(last)
    subsets = []
    start_subset_process = urdu_font.start_subset_process
    monkeypatch.setattr(urdu_font, "start_subset_process",
                        lambda *args: (subsets.append(args), start_subset_process(*args))[1])

    with pytest.raises(jinja2.exceptions.UndefinedError, match="lorem_missing"):
        session.write_pages_left()
    assert not session.is_pending(front) and not session.is_pending(last)
    assert not session.is_pending(str(session.output / "theme" / "fonts" / session.main_settings["URDU_FONT_FILE"]))
    assert len(subsets) == 1 and "job" not in urdu_font._PENDING  # started, then stopped

    template.write_text(original, encoding="utf-8")
    session.forget_pages()
    session.build()
    assert differences(session.output, full_build(session, tmp_path, "full")) == []


WARNING_FILTER_SETTINGS = """\
import logging
import sys
sys.path.insert(0, {root!r})
from pelicanconf import *  # noqa: F401,F403


def lorem_warn(value):
    logging.getLogger("lorem").warning("lorem: a warning logged while a page renders")
    return value


JINJA_FILTERS = {{**globals().get("JINJA_FILTERS", {{}}), "lorem_warn": lorem_warn}}
"""


def test_with_strict_a_warning_logged_while_the_first_pages_render_fails_the_start(tmp_path, monkeypatch):
    """STRICT=1 fails a build on any warning, those logged while its pages
    render included (plugins/build_log.py counts them at the build's end).
    The pages a first build leaves are rendered after that end: the count is
    checked again once they are written."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", REFERENCE_EPOCH)
    monkeypatch.setenv("STRICT", "1")
    content = tmp_path / "content"
    write_corpus(content, ARTICLES, seed=7)
    theme = tmp_path / "theme"
    shutil.copytree(ROOT / "theme", theme, ignore=shutil.ignore_patterns("*.mo"))
    template = theme / "templates" / "index.html"
    template.write_text(template.read_text(encoding="utf-8").replace(
        "{% block content %}", "{% block content %}{% if DEFAULT_LANG == 'en' %}{{ output_file|lorem_warn }}{% endif %}", 1),
        encoding="utf-8")
    settings = tmp_path / "settings.py"
    settings.write_text(WARNING_FILTER_SETTINGS.format(root=str(ROOT)), encoding="utf-8")
    session = Session(tmp_path / "served", content, settings_file=settings, theme=theme)
    session.build(catalogs=True, fresh=True, pages_after_serving=True)

    with pytest.raises(SystemExit):
        session.write_pages_left()


def test_a_page_asked_for_while_its_own_batch_renders_is_rendered_once(session, monkeypatch):
    """A browser that asks for a page while the batch that holds it renders
    gets it from that batch: the page is not rendered a second time (a
    reader could get it half rewritten)."""
    monkeypatch.setattr(incremental, "RENDER_BATCH", 16)
    footer = Path(session.theme) / "templates" / "partials" / "footer.html"
    footer.write_text(footer.read_text(encoding="utf-8").replace("©", "© Lorem"), encoding="utf-8")
    written = []

    def asked_for_as_it_is_written(path, context):
        written.append(path)
        session.want(path)  # still pending: its batch is not done

    signals.content_written.connect(asked_for_as_it_is_written)
    try:
        assert session.quick_template_update([str(footer)])
    finally:
        signals.content_written.disconnect(asked_for_as_it_is_written)
    pages = sorted(path for path, job in session.jobs.items() if job[0] == "page")
    assert sorted(written) == pages
