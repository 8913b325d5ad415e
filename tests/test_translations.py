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
