"""Every interface string of the templates has an Urdu translation."""

import subprocess
import sys

from babel.messages.pofile import read_po

from sitebuild import ROOT


def extract_template_messages(folder):
    """The interface strings of the templates as they are now (not the committed .pot)."""
    pot = folder / "messages.pot"
    subprocess.run([sys.executable, "-m", "babel.messages.frontend", "extract", "--mapping", "babel.cfg",
                    "--no-location", "--omit-header", "--output", str(pot), "theme/templates"],
                   cwd=ROOT, check=True, capture_output=True)
    with pot.open("rb") as handle:
        return [message for message in read_po(handle) if message.id]


def test_every_template_string_is_translated_into_urdu(tmp_path):
    template_ids = {message.id if isinstance(message.id, str) else message.id[0]
                    for message in extract_template_messages(tmp_path)}
    with (ROOT / "theme/translations/ur/LC_MESSAGES/messages.po").open("rb") as handle:
        catalog = read_po(handle, locale="ur")
    translated = {}
    for message in catalog:
        if message.id and not message.fuzzy:
            key = message.id if isinstance(message.id, str) else message.id[0]
            strings = message.string if isinstance(message.string, tuple) else (message.string,)
            translated[key] = all(strings)
    assert len(template_ids) > 20
    missing = sorted(key for key in template_ids if not translated.get(key))
    assert missing == []


def test_extract_messages_with_nothing_changed_changes_no_byte(tmp_path):
    """`make extract-messages` run on the repository's templates and catalogs
    (in a copy) leaves both files byte for byte as committed, twice."""
    import shutil
    import subprocess

    from sitebuild import ROOT

    for name in ("Makefile", "babel.cfg"):
        shutil.copy2(ROOT / name, tmp_path / name)
    shutil.copytree(ROOT / "theme" / "templates", tmp_path / "theme" / "templates")
    shutil.copytree(ROOT / "theme" / "translations", tmp_path / "theme" / "translations",
                    ignore=shutil.ignore_patterns("*.mo"))
    (tmp_path / ".venv").symlink_to(ROOT / ".venv")
    catalogs = ["theme/translations/messages.pot", "theme/translations/ur/LC_MESSAGES/messages.po"]
    for _ in range(2):
        run = subprocess.run(["make", "--no-print-directory", "-o", ".venv/bin/.installed", "extract-messages"],
                             cwd=tmp_path, capture_output=True, text=True)
        assert run.returncode == 0, run.stdout + run.stderr
        for catalog in catalogs:
            assert (tmp_path / catalog).read_bytes() == (ROOT / catalog).read_bytes(), catalog
