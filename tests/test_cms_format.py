"""The CMS's file format (admin/lantern-cms.js), run under Node.js as Decap runs it.

A story file read by the CMS and written back unchanged is the same bytes;
what the CMS writes is what an editor writes by hand (TEAM.md's metadata
contract); the checks before a save refuse what the build would refuse.
"""

import json
import shutil
import subprocess

import pytest

from sitebuild import ROOT

SCRIPT = ROOT / "admin" / "lantern-cms.js"
RUNNER = """
const cms = require(process.argv[1]);
cms.configure({timeZone: 'Asia/Karachi', defaultLang: 'en'});
const cases = JSON.parse(require('fs').readFileSync(0, 'utf8'));
const results = cases.map(([operation, input]) => {
  if (operation === 'roundtrip') return cms.format.toFile(cms.format.fromFile(input));
  if (operation === 'read') return cms.format.fromFile(input);
  if (operation === 'write') return cms.format.toFile(input);
  if (operation === 'problems') return cms.problemsOf(input);
  throw new Error(operation);
});
process.stdout.write(JSON.stringify(results));
"""

ENGLISH = """Title: US-backed alliance launches ‘final’ battle against IS in Syria
Date: 2018-05-02
Category: Syria
Tags: Islamic State, Syrian Democratic Forces, Deir Ezzor
Slug: us-backed-alliance-launches-final-battle-against-is-in-syria
Summary: A US-backed Kurdish-led alliance announced it is launching the final stage of its battle.

**AL TANAK:** A US-backed Kurdish-led alliance announced it is launching the final stage.

Backed by the US-led coalition, the Syrian Democratic Forces have driven the jihadists out.
"""
URDU = """Title: امریکی حمایت یافتہ اتحاد نے شام میں داعش کے خلاف ‘حتمی’ جنگ کا آغاز کر دیا
Date: 2018-05-02
Category: شام
Tags: داعش, سیریئن ڈیموکریٹک فورسز, دیر الزور
Slug: us-backed-alliance-launches-final-battle-against-is-in-syria
Lang: ur
Translated_From: en
Summary: امریکہ کی حمایت یافتہ اور کردوں کی زیرِ قیادت اتحاد نے جنگ کے آخری مرحلے کا اعلان کر دیا۔

**التنک:** امریکہ کی حمایت یافتہ اتحاد نے اعلان کیا ہے۔
"""
EVERY_KEY = """Title: Fixture story with every key
Date: 2024-03-02 14:00
Modified: 2024-03-03 09:15
Category: Pakistan
Tags: Fixture roads
Slug: fixture-every-key
Authors: Jane Reporter, Ali Khan
Summary: Every key of the contract.
Image: photo.jpg
Image_Alt: What the photo shows
Image_Caption: Caption text
Image_Credit: Photographer / Agency
Status: draft
Correction: An earlier version misspelt a name.
Correction_Date: 2024-03-03 10:30
Template: article

Body with an inline photo: ![The harbour](photo.jpg)
"""


def run(cases):
    node = shutil.which("node")
    if node is None:
        pytest.fail("Node.js is needed (make test installs the npm tools with it)")
    result = subprocess.run([node, "-e", RUNNER, str(SCRIPT)], input=json.dumps(cases),
                            capture_output=True, text=True, check=True)
    return json.loads(result.stdout)


@pytest.mark.parametrize("text", [ENGLISH, URDU, EVERY_KEY], ids=["english", "urdu", "every-key"])
def test_a_story_read_and_written_back_is_the_same_bytes(text):
    assert run([["roundtrip", text]]) == [text]


def test_what_the_cms_edits():
    [story] = run([["read", EVERY_KEY]])
    assert story["date"] == "2024-03-02T14:00Z"  # Karachi wall-clock time, "Z" for Decap's {{year}}
    assert story["tags"] == ["Fixture roads"]
    assert story["authors"] == ["Jane Reporter", "Ali Khan"]
    assert story["image"] == "photo.jpg" and story["image_alt"] == "What the photo shows"
    assert story["lang"] == "en" and story["status"] == "draft"
    assert story["body"] == "Body with an inline photo: ![The harbour](photo.jpg)"


def test_dates_are_written_in_karachi_time():
    written = run([
        ["roundtrip", "Title: T\nDate: 2024-03-02T20:30:00+00:00\nCategory: World\n\nBody.\n"],
        ["roundtrip", "Title: T\nDate: 2024-03-02 00:10 +05:00\nCategory: World\n\nBody.\n"],
        ["roundtrip", "Title: T\nDate: 2024-03-02 00:00\nCategory: World\n\nBody.\n"],
    ])
    assert written == [
        "Title: T\nDate: 2024-03-03 01:30\nCategory: World\n\nBody.\n",
        "Title: T\nDate: 2024-03-02 00:10\nCategory: World\n\nBody.\n",
        "Title: T\nDate: 2024-03-02\nCategory: World\n\nBody.\n",
    ]


def test_defaults_and_spellings_as_an_editor_writes_them():
    written = run([
        ["roundtrip", "title: T\nDATE: 2024-03-02\nCategory: World\nLang: en\nStatus: published\nAuthor: Jane Reporter\n\nBody.\n"],
        ["roundtrip", "Title: A title that goes on\n    on a continuation line\nDate: 2024-03-02\nCategory: World\nBody without a blank line.\n"],
        ["write", {"title": "Two\nlines", "date": "2024-03-02T08:05Z", "category": "World", "lang": "ur",
                   "translated_from": "en", "slug": "s", "tags": ["a", " b ", ""], "summary": "",
                   "status": "published", "body": "Body.\n\n\n"}],
    ])
    assert written == [
        "Title: T\nDate: 2024-03-02\nCategory: World\nAuthors: Jane Reporter\n\nBody.\n",
        "Title: A title that goes on on a continuation line\nDate: 2024-03-02\nCategory: World\n\nBody without a blank line.\n",
        "Title: Two lines\nDate: 2024-03-02 08:05\nCategory: World\nTags: a, b\nSlug: s\nLang: ur\nTranslated_From: en\n\nBody.\n",
    ]


def test_saving_what_the_build_refuses_is_refused_with_the_field_named():
    problems = run([
        ["problems", {"title": "T", "image": "photo.jpg"}],
        ["problems", {"title": "T", "correction": "A correction."}],
        ["problems", {"title": "T", "date": "2024-03-02T14:00Z", "correction": "C", "correction_date": "2024-03-01T10:00Z"}],
        ["problems", {"title": "T", "date": "2024-03-02T14:00Z", "image": "p.jpg", "image_alt": "Alt",
                      "correction": "C", "correction_date": "2024-03-02T15:00Z"}],
    ])
    assert [len(found) for found in problems] == [1, 1, 1, 0]
    assert problems[0][0].startswith("Photo description")
    assert problems[1][0].startswith("Correction date")
    assert "not before" in problems[2][0]
