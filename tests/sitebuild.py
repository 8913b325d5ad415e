"""Building the site for tests, and reading what was built."""

import contextlib
import filecmp
import os
import subprocess
import sys
from pathlib import Path

from bs4 import BeautifulSoup

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "plugins"))
sys.path.insert(0, str(ROOT / "tools"))

from newsroom import BUILD_EPOCH, REFERENCE as REFERENCE_STORY  # noqa: E402

# A copy of shared/seeds/000_996c9248cdddef39.txt: the text of the reference page.
REFERENCE = ROOT / "tests" / "fixtures" / "reference_page.txt"
REFERENCE_EPOCH = BUILD_EPOCH
ARTICLE_SLUG = REFERENCE_STORY["slug"]
ARTICLE_PATH = f"2018/05/02/{ARTICLE_SLUG}/index.html"
ADMIN_FOLDER = "admin/"  # CMS_PATH: the editors' CMS (plugins/admin_cms.py)


def build_site(output, *, content, settings="pelicanconf.py", env=None, extra_settings=(), options=()):
    """Run tools/build.py on a fixture content folder (never content/);
    returns the CompletedProcess (output captured)."""
    environment = {**os.environ, "SOURCE_DATE_EPOCH": REFERENCE_EPOCH, **(env or {})}
    command = [sys.executable, str(ROOT / "tools" / "build.py"), "--settings", settings, "--output", str(output),
               "--content", str(content), *options]
    if extra_settings:
        command += ["--extra-settings", *extra_settings]
    return subprocess.run(command, cwd=ROOT, env=environment, capture_output=True, text=True)


def project_settings(name="pelicanconf.py"):
    """The project's settings file, read as Pelican reads it (from the
    repository, which its paths are relative to)."""
    from pelican.settings import read_settings

    cwd = os.getcwd()
    os.chdir(ROOT)
    try:
        return read_settings(str(ROOT / name))
    finally:
        os.chdir(cwd)


def without_fingerprints():
    """The extra setting for a full build whose pages link the plain asset
    names, as make serve's do: pelicanconf.py's PIPELINE_STEPS without
    ``fingerprint`` (plugins/pipeline.py)."""
    import json

    steps = project_settings()["PIPELINE_STEPS"]
    return f"PIPELINE_STEPS={json.dumps([step for step in steps if step != 'fingerprint'])}"


def built(output, **kwargs):
    result = build_site(output, **kwargs)
    assert result.returncode == 0, result.stdout + result.stderr
    return output


def differences(left, right):
    """Relative paths that differ between two folders (missing on one side or
    other bytes)."""
    def files(root):
        return {p.relative_to(root).as_posix() for p in Path(root).rglob("*") if p.is_file()}
    left_files, right_files = files(left), files(right)
    different = left_files ^ right_files
    for name in left_files & right_files:
        if not filecmp.cmp(Path(left) / name, Path(right) / name, shallow=False):
            different.add(name)
    return sorted(different)


class Site:
    """A built output folder with helpers to read its pages; `log` is what
    the build printed (stdout, then stderr), when it was built here."""

    def __init__(self, root, log=""):
        self.root = Path(root)
        self.log = log

    @classmethod
    def build(cls, output, **kwargs):
        result = build_site(output, **kwargs)
        assert result.returncode == 0, result.stdout + result.stderr
        return cls(output, result.stdout + result.stderr)

    def path(self, relative):
        return self.root / relative

    def text(self, relative):
        return self.path(relative).read_text(encoding="utf-8")

    def html(self, relative):
        return BeautifulSoup(self.text(relative), "html5lib")

    def pages(self):
        """The readers' pages (the CMS at /admin/ is not one: tests/test_admin.py)."""
        return sorted(p.relative_to(self.root).as_posix() for p in self.root.rglob("*.html")
                      if not p.relative_to(self.root).as_posix().startswith(ADMIN_FOLDER))


# A newsroom at scale for archives, pagination and search: the generated
# corpus of tools/bench_corpus.py (lorem-ipsum English, common-word Urdu, about
# three in ten stories translated, over three years), plus a few written
# stories whose topics pair across the editions and whose bodies carry words
# found nowhere else.
SCALE_STORIES = 300
SCALE_SEED = 16
SCALE_MARKER_EN = "kestrel"  # in one English story's body only
SCALE_MARKER_UR = "ثقافت"  # in its Urdu translation's body only
SCALE_PAIRED_TAGS = {"en": "Fixture rivers", "ur": "آزمائشی دریا"}
SCALE_COMMON_WORD = "heron"  # in the body of one English story in eight
SCALE_COMMON_EVERY = 8
# The scale site's search index in chunks of at most this many stories: a
# paper bigger than one chunk (plugins/search_index.py), scaled down.
SCALE_CHUNK_STORIES = 60


def write_scale_content(folder):
    from bench_corpus import write_corpus

    folder = Path(folder)
    written = write_corpus(folder, SCALE_STORIES, seed=SCALE_SEED)
    english = sorted(path for path in written if not path.name.endswith(".ur.md"))
    for path in english[::SCALE_COMMON_EVERY]:
        with path.open("a", encoding="utf-8") as story:
            story.write(f"\nA grey {SCALE_COMMON_WORD} stood in the shallows.\n")
    articles = folder / "articles" / "2024"
    articles.mkdir(parents=True, exist_ok=True)
    for number in range(3):
        slug = f"fixture-river-story-{number}"
        date = f"2024-04-1{number} 09:00"
        marker = f" A {SCALE_MARKER_EN} was seen over the water." if number == 0 else ""
        urdu_marker = f" اس علاقے کی {SCALE_MARKER_UR} پرانی ہے۔" if number == 0 else ""
        (articles / f"{slug}.md").write_text(
            f"Title: Generated fixture river story number {number}\nDate: {date}\nCategory: Pakistan\n"
            f"Tags: {SCALE_PAIRED_TAGS['en']}, Fixture weather {number}\nSlug: {slug}\n"
            f"Summary: A generated fixture story about rivers, number {number}.\n\n"
            f"**FIXTURE:** The generated river story number {number} says nothing true.{marker}\n\n"
            "Second paragraph of a generated fixture story.\n", encoding="utf-8")
        (articles / f"{slug}.ur.md").write_text(
            f"Title: دریا کی آزمائشی خبر نمبر {number}\nDate: {date}\nCategory: پاکستان\n"
            f"Tags: {SCALE_PAIRED_TAGS['ur']}, آزمائشی موسم {number}\nSlug: {slug}\nLang: ur\nTranslated_From: en\n"
            f"Summary: دریاؤں کے بارے میں آزمائشی خبر۔\n\n"
            f"**آزمائش:** یہ دریا کی آزمائشی خبر ہے اور اس میں کچھ سچ نہیں۔{urdu_marker}\n\n"
            "آزمائشی خبر کا دوسرا پیراگراف۔\n", encoding="utf-8")
    return folder


@contextlib.contextmanager
def pelican_signals_muted(keep=()):
    """Every Pelican signal muted but those in `keep`: the objects made inside
    see no plugin (the session's in-process builds, tests/test_incremental.py,
    leave ours connected to the signals, with settings of their own)."""
    import blinker
    from pelican.plugins import signals

    with contextlib.ExitStack() as stack:
        for signal in vars(signals).values():
            if isinstance(signal, blinker.Signal) and not any(signal is kept for kept in keep):
                stack.enter_context(signal.muted())
        yield
