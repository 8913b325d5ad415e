"""The front page and section navigation, computed once per edition.

Adds to the template context:

* ``front_page``: ``{"lead": Article, "secondary": [Article, ...],
  "sections": [(Category, [Article, ...])]}``: the newest story leads, the next
  ``FRONT_PAGE_SECONDARY_STORIES`` stand beside it; then, for each section in
  ``SECTIONS`` order that has stories, its latest
  ``FRONT_PAGE_STORIES_PER_SECTION`` stories (those already at the top
  excluded).
* ``section_nav``: the sections that have stories, in ``SECTIONS`` order, as
  Pelican ``Category`` objects, for the masthead navigation.
* the Jinja global ``section_is_current(section)``: true on that section's own
  listing pages (for ``aria-current="page"``), not on its stories.

Settings read: ``SECTIONS`` (names per language), ``DEFAULT_LANG``,
``FRONT_PAGE_STORIES_PER_SECTION``, ``FRONT_PAGE_SECONDARY_STORIES`` (default 3).
"""

from jinja2 import pass_context
from pelican import signals


def ordered_sections(categories, configured, lang):
    rank = {section[lang]: index for index, section in enumerate(configured) if lang in section}
    return sorted(categories, key=lambda pair: (rank.get(pair[0].name, len(rank)), pair[0].name))


def add_front_page(generator):
    settings = generator.settings
    per_section = settings.get("FRONT_PAGE_STORIES_PER_SECTION", 4)
    articles = generator.articles  # newest first (ARTICLE_ORDER_BY)
    sections = ordered_sections(generator.categories, settings.get("SECTIONS", []), settings["DEFAULT_LANG"])
    lead = articles[0] if articles else None
    secondary = articles[1:1 + settings.get("FRONT_PAGE_SECONDARY_STORIES", 3)]
    at_the_top = {id(story) for story in [lead, *secondary]}
    front_sections = []
    for category, stories in sections:
        shown = [story for story in stories if id(story) not in at_the_top][:per_section]
        if shown:
            front_sections.append((category, shown))
    generator.context["front_page"] = {"lead": lead, "secondary": secondary, "sections": front_sections}
    generator.context["section_nav"] = [category for category, _ in sections]


@pass_context
def section_is_current(context, section):
    listing = section.save_as.removesuffix("index.html")
    return (context.get("output_file") or "").startswith(listing)


def add_globals(pelican):
    settings = pelican.settings
    settings["JINJA_GLOBALS"] = {**settings.get("JINJA_GLOBALS", {}), "section_is_current": section_is_current}


def register():
    signals.initialized.connect(add_globals)
    signals.article_generator_finalized.connect(add_front_page)
