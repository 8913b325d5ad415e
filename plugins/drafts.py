"""Drafts: a story with ``Status: draft`` is seen in ``make serve`` only.

``make serve`` sets ``SHOW_DRAFTS`` (tools/incremental.py); ``make publish``,
``make html`` and ``make check`` do not.  With it, each edition writes its
drafts

* at the URL they will have once published (``DRAFT_URL`` and
  ``DRAFT_SAVE_AS`` become ``ARTICLE_URL`` and ``ARTICLE_SAVE_AS``, and the
  same for the ``_LANG_`` settings), with the article template, which marks
  the page "Draft" and ``noindex`` and keeps it out of the search index
  (it tests ``article.status``);
* listed at ``DRAFTS_SAVE_AS`` (``drafts/``, template ``drafts.html``,
  ``noindex``), in each edition.

Without it, ``DRAFT_SAVE_AS`` and ``DRAFT_LANG_SAVE_AS`` are emptied, so
Pelican writes no draft.  Either way a draft is never listed anywhere else:
Pelican keeps drafts out of sections, tags, archives and feeds, and the
other plugins (front page, paper, sitemap, related stories) read published
stories only.

Each edition keeps its own language's drafts: pelican-i18n-subsites would
leave a draft that has no original in the main edition's list (an Urdu
draft would be written into the English site).

Settings read: ``SHOW_DRAFTS``, ``ARTICLE_URL``, ``ARTICLE_SAVE_AS``,
``ARTICLE_LANG_URL``, ``ARTICLE_LANG_SAVE_AS``, ``DRAFTS_URL``,
``DRAFTS_SAVE_AS``, ``DEFAULT_LANG``.  Sets ``DRAFT_URL``,
``DRAFT_SAVE_AS``, ``DRAFT_LANG_URL``, ``DRAFT_LANG_SAVE_AS``.
"""

from pelican import signals


def set_draft_urls(pelican):
    settings = pelican.settings
    for kind in ("", "LANG_"):
        if settings.get("SHOW_DRAFTS"):
            settings[f"DRAFT_{kind}URL"] = settings[f"ARTICLE_{kind}URL"]
            settings[f"DRAFT_{kind}SAVE_AS"] = settings[f"ARTICLE_{kind}SAVE_AS"]
        else:
            settings[f"DRAFT_{kind}SAVE_AS"] = ""


def keep_own_drafts(generator):
    """The edition's drafts are the drafts in its language."""
    lang = generator.settings["DEFAULT_LANG"]
    generator.drafts = [draft for draft in generator.drafts if draft.lang == lang]
    generator.drafts_translations = []


def write_drafts_listing(generator, writer):
    settings = generator.settings
    if not settings.get("SHOW_DRAFTS") or not settings.get("DRAFTS_SAVE_AS"):
        return
    writer.write_file(settings["DRAFTS_SAVE_AS"], generator.get_template("drafts"), generator.context,
                      url=settings["DRAFTS_URL"], drafts=generator.drafts, edition_path=settings["DRAFTS_URL"])


def register():
    signals.initialized.connect(set_draft_urls)
    signals.article_generator_pretaxonomy.connect(keep_own_drafts)
    signals.article_writer_finalized.connect(write_drafts_listing)
