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
    ("future.md", "Title: Tomorrow's news\nDate: 2024-04-22 09:00\nCategory: World\n\nBody text.\n",
     ["content/articles/future.md:2: Date 2024-04-22 09:00 is in the future (the build's date is "
      "2024-04-19 05:00); correct the date, or publish the story later"]),
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


def test_an_unknown_template_names_the_templates_there_are(tmp_path):
    """Pelican would only fail when it writes the page (a traceback, not a line)."""
    import validation
    from pelican.settings import read_settings

    from sitebuild import ROOT

    content = write_content(tmp_path / "content", [
        ("a-original.md", GOOD_ORIGINAL),
        ("special.md", "Title: Special layout\nDate: 2018-05-03\nCategory: World\nTemplate: gallery\n\nBody.\n"),
        ("page-like.md", "Title: Plain layout\nDate: 2018-05-03\nCategory: World\nTemplate: page\n\nBody.\n"),
    ])
    settings = read_settings(str(ROOT / "pelicanconf.py"), override={"PATH": str(content)})
    problems = [str(problem) for problem in validation.Validator(settings).run()]
    assert len(problems) == 1
    assert problems[0].startswith('content/articles/special.md:4: unknown Template "gallery"; use one of: ')
    assert " article, " in problems[0] and problems[0].endswith("(the templates in the theme), or leave the line out")
