"""Bad content stops the build with one clear line per problem, and output/ is kept.

Each test writes a fixture content folder (never in content/) and runs
tools/build.py on it, as an editor's `make html` would.
"""

import hashlib
import re
from pathlib import Path

import pytest

from sitebuild import build_site

GOOD_ORIGINAL = """\
Title: Council opens the new river bridge
Date: 2018-05-02
Category: Pakistan
Tags: Bridges
Slug: council-opens-bridge
Summary: The bridge links the two halves of the old town.

**LAHORE:** The council opened the bridge on Tuesday.
"""

# (file name, text, [expected stderr lines for that file])
BAD_FILES = [
    ("no-title.md", "Date: 2018-05-03\nCategory: World\n\nBody text.\n",
     ['content/articles/no-title.md:1: missing Title; add a line "Title: the headline" at the top of the file']),
    ("empty-title.md", "Title:   \nDate: 2018-05-03\nCategory: World\nSlug: empty-title\n\nBody text.\n",
     ['content/articles/empty-title.md:1: empty Title; write the headline after "Title:"']),
    ("no-date.md", "Title: Undated\nCategory: World\n\nBody text.\n",
     ['content/articles/no-date.md:1: missing Date; add a line "Date: YYYY-MM-DD" '
      "(time optional: YYYY-MM-DD HH:MM)"]),
    ("bad-date.md", "Title: Bad date\nCategory: World\nDate: 2 May 2018\n\nBody text.\n",
     ['content/articles/bad-date.md:3: Date "2 May 2018" is not a date; write it as YYYY-MM-DD or '
      "YYYY-MM-DD HH:MM"]),
    # A future Date is a scheduled story; one more than a year ahead is a typo.
    ("future.md", "Title: Next year's news\nDate: 2025-04-22 09:00\nCategory: World\n\nBody text.\n",
     ["content/articles/future.md:2: Date 2025-04-22 09:00 is more than 366 days after the build's date "
      "(2024-04-19 05:00); is the year right? (a story dated in the future is published on that date)"]),
    ("modified-future.md", "Title: Updated tomorrow\nDate: 2018-05-03\nModified: 2024-04-22 09:00\nCategory: World\n\n"
     "Body text.\n",
     ["content/articles/modified-future.md:3: Modified 2024-04-22 09:00 is in the future (the build's date is "
      "2024-04-19 05:00); date an update when it is made"]),
    ("klingon.md", "Title: Unknown language\nDate: 2018-05-03\nCategory: World\nLang: tlh\n\nBody text.\n",
     ['content/articles/klingon.md:4: unknown Lang "tlh"; use one of: en, ur']),
    ("weather.md", "Title: Sunny\nDate: 2018-05-03\nCategory: Weather\n\nBody text.\n",
     ['content/articles/weather.md:3: unknown section "Weather" for Lang en; use one of: Pakistan, World, '
      "Syria, Business, Sport, Opinion (sections are SECTIONS in pelicanconf.py)"]),
    ("urdu-section-in-english.md", "Title: Wrong language section\nDate: 2018-05-03\nCategory: شام\n\nBody.\n",
     ['content/articles/urdu-section-in-english.md:3: unknown section "شام" for Lang en; use one of: '
      "Pakistan, World, Syria, Business, Sport, Opinion (sections are SECTIONS in pelicanconf.py)"]),
    ("duplicate.md", "Title: Another bridge story\nDate: 2018-05-04\nCategory: Pakistan\n"
     "Slug: council-opens-bridge\n\nBody text.\n",
     ['content/articles/duplicate.md:4: slug "council-opens-bridge" is already used by '
      "content/articles/a-original.md (en); give one of them a different Slug"]),
    ("orphan.ur.md", "Title: ترجمہ\nDate: 2018-05-03\nCategory: دنیا\nSlug: no-such-original\nLang: ur\n"
     "Translated_From: en\n\nمتن۔\n",
     ['content/articles/orphan.ur.md:6: translation of a missing original: no en article has Slug '
      '"no-such-original"; give this file the Slug of the original']),
    ("empty-body.md", "Title: Nothing to say\nDate: 2018-05-03\nCategory: World\n\n\n   \n",
     ["content/articles/empty-body.md:5: the story has no body; write the text after the metadata and "
      "one blank line"]),
    ("typo.md", "Title: Misspelt key\nDate: 2018-05-03\nCategory: World\nSumary: A summary.\nTgas: x\n\nBody.\n",
     ['content/articles/typo.md:4: unknown metadata key "Sumary"; did you mean "Summary"?',
      'content/articles/typo.md:5: unknown metadata key "Tgas"; did you mean "Tags"?']),
    ("byline-typo.md", "Title: Misspelt bylines\nDate: 2018-05-03\nCategory: World\nAutors: Jane Reporter\n"
     "Byline: Ali Khan\nCorection: Wrong.\n\nBody.\n",
     ['content/articles/byline-typo.md:4: unknown metadata key "Autors"; did you mean "Authors"?',
      'content/articles/byline-typo.md:5: unknown metadata key "Byline"; did you mean "Authors"?',
      'content/articles/byline-typo.md:6: unknown metadata key "Corection"; did you mean "Correction"?']),
    ("links.md", "Title: Broken links\nDate: 2018-05-03\nCategory: World\n\n"
     "See [the bridge]({filename}a-original.md) and [the old story]({filename}gone.md).\n\n"
     "![Map]({static}/images/map.png)\n\n"
     "Read [the section](/section/world/) and [this](/2018/05/02/council-opens-bridge/), "
     "not [that](/2018/05/02/never-written/).\n\n"
     '<img src="images/photo.jpg" alt="Photo">\n\n'
     "```\nExample: [not a link](/nowhere/)\n```\n",
     ["content/articles/links.md:5: link to a missing file: {filename}gone.md (no content/articles/gone.md); "
      "correct the path or add the file",
      "content/articles/links.md:7: link to a missing file: {static}/images/map.png (no content/images/map.png); "
      "correct the path or add the file",
      "content/articles/links.md:9: link to a missing page: /2018/05/02/never-written/; no story, page or file "
      "of the site has this address",
      "content/articles/links.md:11: link to a missing file: images/photo.jpg; link other content as "
      "{filename}path/to/story.md and images as {static}path/to/image.jpg, relative to this file"]),
    ("control.md", "Title: Bell\x07 and \u202eoverride\nDate: 2018-05-03\nCategory: World\nTags: ok, bad\x1btag\n\nBody.\n",
     ["content/articles/control.md:1: Title contains invisible control characters (U+0007 control character, "
      "U+202E RIGHT-TO-LEFT OVERRIDE); delete them (retype the line if you cannot see them)",
      "content/articles/control.md:4: Tags contains invisible control characters (U+001B control character); "
      "delete them (retype the line if you cannot see them)"]),
]
BAD_FILES.append(
    ("no-letters.md", "Title: <<< !!! >>>\nDate: 2018-05-03\nCategory: World\nTags: Gaza, \"><img src=x>\n\nBody.\n",
     ["content/articles/no-letters.md:1: the Title has no letters or digits to make the URL from; add a Slug: "
      "of a few words",
      'content/articles/no-letters.md:4: the tag "\"><img src=x>" has no letters or digits to make its URL '
      "from; reword it"]))
BAD_FILES += [
    ("no-section.md", "Title: Homeless story\nDate: 2018-05-03\nTranslatedFrom: en\n\nBody.\n",
     ['content/articles/no-section.md:1: missing Category; add "Category: " with a section: Pakistan, World, '
      "Syria, Business, Sport, Opinion",
      'content/articles/no-section.md:3: unknown metadata key "TranslatedFrom"; did you mean "Translated_From"?']),
    ("long-slug.md", "Title: " + "word " * 60 + "\nDate: 2018-05-03\nCategory: World\n\nBody.\n",
     ["content/articles/long-slug.md:1: the slug is 299 bytes long, too long for a URL; give a Slug of a few "
      "words (at most 200 bytes)"]),
]
# Newsroom keys: status, make new's placeholders, bylines, corrections, links to unpublished stories.
BAD_FILES += [
    ("status.md", "Title: Half done\nDate: 2018-05-03\nCategory: World\nStatus: Drft\n\nBody.\n",
     ['content/articles/status.md:4: unknown Status "Drft"; use one of: published, draft '
      "(or leave Status out to publish)"]),
    ("placeholder.md", "Title: TO WRITE: the headline\nDate: 2018-05-03\nCategory: World\n\nFirst.\n\n"
     "**TO WRITE:** the story.\n",
     ['content/articles/placeholder.md:1: Title still says "TO WRITE:"; write it (or keep "Status: draft" until the '
      "story is ready)",
      'content/articles/placeholder.md:7: the story still says "TO WRITE:"; write the text there (or keep '
      '"Status: draft" until the story is ready)']),
    ("two-bylines.md", "Title: Two bylines\nDate: 2018-05-03\nCategory: World\nAuthor: Jane Reporter\n"
     "Authors: Jane Reporter, !!!\n\nBody.\n",
     ['content/articles/two-bylines.md:4: both "Author" and "Authors"; keep one line: "Authors: Jane Reporter, '
      'Ali Khan"',
      'content/articles/two-bylines.md:5: the author "!!!" has no letters or digits to make an author page URL '
      "from; write the name"]),
    ("correction-undated.md", "Title: Corrected\nDate: 2018-05-03\nCategory: World\nCorrection: It was Tuesday.\n\nBody.\n",
     ['content/articles/correction-undated.md:4: Correction without a Correction_Date; add "Correction_Date: '
      'YYYY-MM-DD HH:MM", when the story was corrected']),
    ("correction-early.md", "Title: Corrected early\nDate: 2018-05-03 10:00\nCategory: World\n"
     "Correction: It was Tuesday.\nCorrection_Date: 2018-05-02 09:00\n\nBody.\n",
     ["content/articles/correction-early.md:5: Correction_Date 2018-05-02 09:00 is before the story's Date "
      "2018-05-03 10:00; a story is corrected after it is published"]),
    ("correction-alone.md", "Title: Dated correction\nDate: 2018-05-03\nCategory: World\nCorrection_Date: 2018-05-04\n"
     "Correction:   \n\nBody.\n",
     ["content/articles/correction-alone.md:5: empty Correction; write what was wrong and what is right, or delete "
      "the line"]),
    ("correction-bad-date.md", "Title: Badly dated correction\nDate: 2018-05-03\nCategory: World\n"
     "Correction: It was Tuesday.\nCorrection_Date: the next day\n\nBody.\n",
     ['content/articles/correction-bad-date.md:5: Correction_Date "the next day" is not a date; write it as '
      "YYYY-MM-DD or YYYY-MM-DD HH:MM"]),
    ("b-bylined.md", "Title: By Jane\nDate: 2018-05-03\nCategory: World\nAuthors: Jane Reporter\n\nBody.\n", []),
    ("b-bylined.ur.md", "Title: جین کی خبر\nDate: 2018-05-03\nCategory: دنیا\nSlug: by-jane\nLang: ur\n"
     "Translated_From: en\nAuthors: جین رپورٹر\n\nمتن۔\n", []),
    ("c-bylined.md", "Title: By Ali\nDate: 2018-05-03\nCategory: World\nAuthors: Ali Khan\n\nBody.\n", []),
    ("c-bylined.ur.md", "Title: علی کی خبر\nDate: 2018-05-03\nCategory: دنیا\nSlug: by-ali\nLang: ur\n"
     "Translated_From: en\nAuthors: جین رپورٹر\n\nمتن۔\n",
     ['content/articles/c-bylined.ur.md:7: the author "جین رپورٹر" stands for "Jane Reporter" in '
      'content/articles/b-bylined.ur.md but for "Ali Khan" here; write each author\'s name the same way in every '
      "story"]),
    ("d-unbylined.ur.md", "Title: ترجمہ\nDate: 2018-05-02\nCategory: پاکستان\nSlug: council-opens-bridge\nLang: ur\n"
     "Translated_From: en\nAuthor: جین رپورٹر\n\nمتن۔\n",
     ["content/articles/d-unbylined.ur.md:7: this translation names 1 author and its original "
      "content/articles/a-original.md 0 (no byline); a translation names the same authors, in the same order, "
      "in its own script"]),
    ("e-draft.md", "Title: Not yet\nDate: 2018-05-03\nCategory: World\nStatus: draft\n\n"
     "[Scheduled](/2024/05/01/f-scheduled/) is fine from a draft.\n", []),
    ("f-scheduled.md", "Title: Later\nDate: 2024-05-01\nCategory: World\nSlug: f-scheduled\n\nBody.\n", []),
    ("g-links-to-unpublished.md", "Title: Links\nDate: 2018-05-03\nCategory: World\n\n"
     "See [the draft]({filename}e-draft.md).\n\nAnd [the scheduled one](/2024/05/01/f-scheduled/).\n",
     ["content/articles/g-links-to-unpublished.md:5: link to a story that is not published: {filename}e-draft.md is "
      "a draft (Status: draft); remove the link until that story is published",
      "content/articles/g-links-to-unpublished.md:7: link to a story that is not published: /2024/05/01/f-scheduled/ "
      "is scheduled for 2024-05-01 00:00; remove the link until that story is published"]),
]
NOT_UTF8 = ("latin1.md", "Title: Caf\u00e9 owners protest\nDate: 2018-05-03\nCategory: Business\n\nCaf\u00e9.\n",
            ["content/articles/latin1.md:1: not valid UTF-8 (byte 0xe9 at column 11); save the file with "
             "UTF-8 encoding"])
PROBLEM_LINE = re.compile(r"^content/[^:]+\.md:\d+: \S.*$")


def write_content(folder, files):
    articles = folder / "articles"
    articles.mkdir(parents=True, exist_ok=True)
    for name, text in files:
        (articles / name).write_text(text, encoding="utf-8")
    return folder


def tree_hashes(root):
    return {p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(Path(root).rglob("*")) if p.is_file()}


@pytest.fixture
def previous_output(tmp_path):
    """An output folder as a previous build left it."""
    output = tmp_path / "output"
    (output / "2018").mkdir(parents=True)
    (output / "index.html").write_text("<!DOCTYPE html><title>Yesterday's paper</title>", encoding="utf-8")
    (output / "2018" / "story.html").write_text("<p>Yesterday's story</p>", encoding="utf-8")
    return output


def test_every_problem_is_reported_once_per_line_and_output_is_untouched(tmp_path, previous_output):
    content = write_content(tmp_path / "content", [("a-original.md", GOOD_ORIGINAL)]
                            + [(name, text) for name, text, _ in BAD_FILES])
    name, text, _ = NOT_UTF8
    (content / "articles" / name).write_bytes(text.encode("latin-1"))
    before = tree_hashes(previous_output)

    result = build_site(previous_output, content=content)

    assert result.returncode != 0
    problem_lines = [line for line in result.stderr.splitlines() if line.startswith("content/")]
    expected = [line for _, _, lines in BAD_FILES + [NOT_UTF8] for line in lines]
    assert sorted(problem_lines) == sorted(expected)
    assert all(PROBLEM_LINE.match(line) for line in problem_lines)
    assert "Traceback" not in result.stderr
    assert tree_hashes(previous_output) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["content", "output"]


def test_good_content_builds_and_a_long_summary_only_warns(tmp_path):
    long_summary = "The bridge links the two halves of the old town, " * 4
    content = write_content(tmp_path / "content", [
        ("a-original.md", GOOD_ORIGINAL.replace("The bridge links the two halves of the old town.", long_summary.strip())),
        ("a-original.ur.md", "Title: کونسل نے دریا کے نئے پل کا افتتاح کر دیا\nDate: 2018-05-02\nCategory: پاکستان\n"
                             "Slug: council-opens-bridge\nLang: ur\nTranslated_From: en\n\n**لاہور:** افتتاح منگل کو ہوا۔\n"),
    ])
    output = tmp_path / "output"

    result = build_site(output, content=content)

    assert result.returncode == 0, result.stderr
    warning = f"content/articles/a-original.md:6: warning: Summary is {len(long_summary.strip())} characters; " \
              "search results cut descriptions at 160, shorten it"
    assert [line for line in result.stderr.splitlines() if line.startswith("content/")] == [warning]
    assert (output / "2018/05/02/council-opens-bridge/index.html").is_file()
    assert (output / "ur/2018/05/02/council-opens-bridge/index.html").is_file()

    before = tree_hashes(output)
    strict = build_site(output, content=content, env={"STRICT": "1"})
    assert strict.returncode != 0
    assert warning in strict.stderr.splitlines()
    assert tree_hashes(output) == before


def test_strict_option_of_the_build_tool_fails_on_warnings(tmp_path):
    import build

    content = write_content(tmp_path / "content", [
        ("a-original.md", GOOD_ORIGINAL.replace("old town.", "old town. " + "More words here. " * 12)),
    ])
    assert build.main(["--content", str(content), "--output", str(tmp_path / "output"), "--strict"]) != 0
    assert not (tmp_path / "output").exists()


def test_metadata_block_is_read_like_pelicans_markdown_reader():
    from validation import parse_markdown

    metadata, order, body, body_start = parse_markdown(
        "Title: A long\n    headline\nDate: 2018-05-02\n\nFirst paragraph.\nKey: not metadata\n")
    assert metadata == {"title": (1, "A long headline"), "date": (3, "2018-05-02")}
    assert [key for _, _, key in order] == ["title", "date"]
    assert body_start == 5
    assert body == [(5, "First paragraph."), (6, "Key: not metadata")]


# -- issue 14: what must never be published, each a path:line error -----------

STORY = "Title: {title}\nDate: 2018-05-03\nCategory: World\nSlug: {slug}\n{extra}\nBody text.\n"


def story(slug, extra="", title=None):
    return STORY.format(title=title or f"Story {slug}", slug=slug, extra=extra)


# (file name, text, [expected stderr lines for that file]); content/articles/ unless the name says otherwise.
REFUSED = [
    ("status-typo.md", story("status-typo", "Status: publishd\n"),
     ['content/articles/status-typo.md:5: unknown Status "publishd"; use one of: published, draft '
      "(or leave Status out to publish)"]),
    ("status-hidden.md", story("status-hidden", "Status: hidden\n"),
     ['content/articles/status-hidden.md:5: unknown Status "hidden"; use one of: published, draft '
      "(or leave Status out to publish)"]),
    ("two-titles.md", "Title: One\nTitle: Two\nDate: 2018-05-03\nCategory: World\nSlug: two-titles\n\nBody.\n",
     ["content/articles/two-titles.md:2: Title is given twice (lines 1 and 2); keep one (Pelican would use only "
      "one of them, or none)"]),
    ("template.md", story("template", "Template: nosuch\n"),
     ['content/articles/template.md:5: Template "nosuch" is not a template for articles; use one of: article '
      "(STORY_TEMPLATES in pelicanconf.py), or leave Template out"]),
    ("dots.md", story("../../../search"),
     ['content/articles/dots.md:4: Slug "../../../search" cannot be a URL as it is; use lowercase letters a-z, '
      'digits and single hyphens, for example "council-opens-bridge"']),
    ("spaces.md", story("two words\u200bhidden", title="Spaces in the slug"),
     ["content/articles/spaces.md:4: Slug contains invisible control characters (U+200B ZERO WIDTH SPACE); delete "
      "them (retype the line if you cannot see them)",
      'content/articles/spaces.md:4: Slug "two words\u200bhidden" cannot be a URL as it is; use lowercase letters '
      'a-z, digits and single hyphens, for example "council-opens-bridge"']),
    ("bidi.md", story("bidi", title="Mark\u200f and \u2067isolate\u2069"),
     ["content/articles/bidi.md:1: Title contains invisible control characters (U+200F RIGHT-TO-LEFT MARK, "
      "U+2067 RIGHT-TO-LEFT ISOLATE, U+2069 POP DIRECTIONAL ISOLATE); delete them (retype the line if you cannot "
      "see them)"]),
    ("modified.md", story("modified", "Modified: 2018-05-02 09:00\n"),
     ["content/articles/modified.md:5: Modified 2018-05-02 09:00 is before Date 2018-05-03; an update comes after "
      "the story (correct one of them)"]),
    ("tags.md", story("tags", "Tags: C, C++, C#, Deir Ezzor, Deir-Ezzor\n"),
     ['content/articles/tags.md:5: the tag "Deir-Ezzor" would share its page /tag/deir-ezzor/ with the tag '
      '"Deir Ezzor" of content/articles/tags.md:5; spell them alike, or reword one of them']),
    ("nested.md", story("nested") + "\n" + "> " * 5000 + "deep\n",
     ["content/articles/nested.md:8: lists or quotes are nested more than 20 levels deep here (MAX_NESTING_DEPTH); "
      "Markdown would take minutes over this: flatten them"]),
    ("nested-list.md", story("nested-list") + "\n" + "\n".join("    " * i + "- item" for i in range(30)) + "\n",
     ["content/articles/nested-list.md:28: lists or quotes are nested more than 20 levels deep here "
      "(MAX_NESTING_DEPTH); Markdown would take minutes over this: flatten them"]),
    ("huge.md", story("huge") + "word " * 200_001,
     ["content/articles/huge.md:1: the file is 1,000,079 bytes, more than a story may be (1,000,000 bytes, "
      "MAX_SOURCE_BYTES); remove pasted data or split the story"]),
    ("outside-link.md", story("outside-link") + "\n![x]({static}/../../../../../../etc/hostname)\n",
     ["content/articles/outside-link.md:8: link to a file outside the content folder: "
      "{static}/../../../../../../etc/hostname; link only files of the site"]),
    ("story.html", "<html><head><title>Unchecked</title><meta name=date content=2099-01-01></head></html>\n",
     ["content/articles/story.html:1: .html files are not published here: stories and pages are Markdown (.md), "
      "which is checked before publishing and may contain the HTML a story needs; rewrite it as a .md file"]),
    ("story.rst", "Unchecked\n#########\n\n:date: 2099-01-01\n:category: Weather\n\nBody.\n",
     ["content/articles/story.rst:1: .rst files are not published here: stories and pages are Markdown (.md), "
      "which is checked before publishing and may contain the HTML a story needs; rewrite it as a .md file"]),
    ("shouting.MD", story("shouting"),
     ['content/articles/shouting.MD:1: the extension ".MD" must be written in lower case (.md); Pelican skips the '
      "file as it is"]),
    ("../pages/search.md", "Title: Search\nSlug: search\n\nBody.\n",
     ["content/pages/search.md:2: the page's address /search/ is one the site writes itself (/search); give it "
      "another Slug"]),
    ("../pages/ur.md", "Title: Urdu home\nSlug: ur\n\nBody.\n",
     ["content/pages/ur.md:2: the page's address /ur/ is one the site writes itself (/ur); give it another Slug"]),
    ("../pages/admin.md", "Title: Admin\nSlug: admin\n\nBody.\n",
     ["content/pages/admin.md:2: the page's address /admin/ is one the site writes itself (/admin); give it "
      "another Slug"]),
    ("../pages/sitemap.md", "Title: Sitemap\n\nBody.\n",
     ["content/pages/sitemap.md:1: the page's address /sitemap/ is one the site writes itself (/sitemap); give it "
      "another Slug"]),
    ("../pages/paper.md", "Title: Paper\nSlug: paper\nTemplate: article\n\nBody.\n",
     ["content/pages/paper.md:2: the page's address /paper/ is one the site writes itself (/paper); give it "
      "another Slug",
      'content/pages/paper.md:3: Template "article" is not a template for pages; use one of: page '
      "(STORY_TEMPLATES in pelicanconf.py), or leave Template out"]),
    ("notes.txt", "Title: Not a story\n",
     ["content/articles/notes.txt:1: warning: this file is neither a story (.md) nor a photo, and is not published; "
      "rename it to .md if it is a story, or move it out of the folder"]),
    ("photo.jpg", "not really a photo, but beside the stories it is not a story either", []),
    ("../extra/page.html", "<script>alert(1)</script>\n",
     ["content/extra/page.html:1: .html files are not published from extra/: a browser would run it as a page or a "
      "script of the site; put the text in a story or a page"]),
    ("../extra/app.js", "alert(1)\n",
     ["content/extra/app.js:1: .js files are not published from extra/: a browser would run it as a page or a "
      "script of the site; put the text in a story or a page"]),
    ("../extra/logo.svg", '<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"></svg>\n',
     ["content/extra/logo.svg:1: this SVG has a script, an event handler or a link to another site, which run when "
      "the file is opened; export it again as a plain drawing"]),
]
SECRET = "SECRET-TOKEN-of-the-build-machine"


def test_files_that_must_not_be_published_are_refused_with_their_place(tmp_path, previous_output):
    content = write_content(tmp_path / "content", [("a-original.md", GOOD_ORIGINAL)])
    (content / "pages").mkdir()
    (content / "extra").mkdir()
    (content / "extra" / "plain.svg").write_text('<svg xmlns="http://www.w3.org/2000/svg"><rect width="1" '
                                                  'height="1"/></svg>\n', encoding="utf-8")
    for name, text, _ in REFUSED:
        (content / "articles" / name).write_text(text, encoding="utf-8")
    # Links that leave the content folder, to files whose contents must never be printed.
    outside = tmp_path / "outside"
    (outside / "folder").mkdir(parents=True)
    (outside / "secret.txt").write_text(f"{SECRET}: yes\nroot:x:0:0:root:/root:/bin/bash\n", encoding="utf-8")
    (outside / "folder" / "story.md").write_text(story("from-a-linked-folder", f"Status: {SECRET}\n"),
                                                 encoding="utf-8")
    links = {
        content / "articles" / "linked-story.md": outside / "secret.txt",
        content / "articles" / "linked-folder": outside / "folder",
        content / "extra" / "environ": outside / "secret.txt",
        content / "extra" / "dangling.txt": outside / "missing.txt",
        content / "pages" / "inside.md": content / "articles" / "a-original.md",  # inside: read as any file
    }
    for link, target in links.items():
        link.symlink_to(target)
    before = tree_hashes(previous_output)

    result = build_site(previous_output, content=content)

    expected = [line for _, _, lines in REFUSED for line in lines] + [
        f"content/articles/linked-story.md:1: a symbolic link to a file outside content/ ({outside}/secret.txt); "
        "only files inside it are published: copy the file in, if it belongs to the site",
        f"content/articles/linked-folder:1: a symbolic link to a folder ({outside}/folder); folders here must be "
        "real folders (a linked folder would be read without the checks): move the files in",
        f"content/extra/environ:1: a symbolic link to a file outside content/ ({outside}/secret.txt); only files "
        "inside it are published: copy the file in, if it belongs to the site",
        f"content/extra/dangling.txt:1: a symbolic link to nothing ({outside}/missing.txt); delete it or put the "
        "file itself here",
    ]  # content/pages/inside.md, a link to a file inside content/, is read as any page
    assert result.returncode != 0
    problem_lines = [line for line in result.stderr.splitlines() if line.startswith("content/")]
    assert sorted(problem_lines) == sorted(expected)
    assert SECRET not in result.stderr + result.stdout and "root:x:0" not in result.stderr + result.stdout
    assert "Traceback" not in result.stderr
    assert tree_hashes(previous_output) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["content", "output", "outside"]
