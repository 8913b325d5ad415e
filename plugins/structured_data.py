"""What search engines and link previews read: canonical URL, OpenGraph,
Twitter card and schema.org JSON-LD, all computed here as Python values.

Adds to every article (and translation) of the edition being built:

* ``canonical_url``: the article's URL in its own edition, built from
  ``MAIN_SITEURL`` (absolute in the publish build; root-relative, ``/2018/…``,
  in the preview build, whose ``SITEURL`` is empty);
* ``description``: the summary as plain text (no markup, no ``&nbsp;``);
* ``social_meta``: ``[(attribute, key, value)]`` for ``<meta>`` tags, e.g.
  ``("property", "og:title", ...)`` and ``("name", "twitter:card", ...)``;
  with a lead photo (``lead_photo``, from ``photos``), ``og:image`` with its
  width, height, type and alt text, and a ``summary_large_image`` Twitter card;
* ``structured_data``: a schema.org ``NewsArticle`` as a dict, printed by the
  template with Jinja's ``tojson`` filter; its ``image`` is an ``ImageObject``
  for the lead photo (the JPEG/PNG variant link previews use, at most 1200 px
  wide).  Photo URLs are absolute in the publish build.

Adds to the template context ``website_structured_data``: a schema.org
``WebSite`` dict for the edition's home page, with a ``SearchAction`` pointing
at the search page (``SEARCH_URL``) when the build has one.

Dates are ISO 8601 with offset; ``dateModified`` and
``article:modified_time`` are the story's last change, the later of Modified
and Correction_Date (``last_modified``, see ``corrections``), and a
correction is a ``CorrectionComment``.  The publisher is an ``Organization``
named after the edition's ``SITENAME``; it is also the ``author`` of a story
without a byline.  A byline's authors are ``Person`` entries with the URL of
their author page (``article:author`` in OpenGraph).  Drafts (shown by
``make serve`` only) get the same attributes, so that their page renders.

Why our own: pelican-seo and similar plugins string-template their JSON-LD
and know nothing of editions or plain titles.

Settings read: ``SITENAME``, ``DEFAULT_LANG``, ``EDITIONS`` (``locale`` of each
edition, e.g. ``en_US``), ``MAIN_SITEURL`` (set by ``editions``),
``SEARCH_URL``, ``DIRECT_TEMPLATES``.
"""

from markupsafe import Markup
from pelican import signals

from editions import edition_siteurl, native_url

SCHEMA = "https://schema.org"


def plain_text(html):
    return " ".join(Markup(html or "").striptags().replace("\xa0", " ").split())


def plain_title(content):
    return getattr(content, "plain_title", None) or plain_text(content.title)


def canonical_url(content, settings):
    return f"{edition_siteurl(content.lang, settings)}/{native_url(content)}"


def publisher(settings):
    return {"@type": "Organization", "name": settings["SITENAME"], "url": edition_siteurl(settings["DEFAULT_LANG"], settings) + "/"}


def author_url(author, lang, settings):
    return f"{edition_siteurl(lang, settings)}/{author.url}"


def authors(article, settings, organization):
    """The byline as schema.org: a Person per author, else the paper (`organization`)."""
    people = [{"@type": "Person", "name": author.name, "url": author_url(author, article.lang, settings)}
              for author in getattr(article, "authors", ())]
    return people or organization


def last_change(article):
    return getattr(article, "last_modified", None) or getattr(article, "modified", None) or article.date


def news_article(article, settings, title, published, modified, organization):
    """`title`, `published`, `modified`: the plain title and the two dates in
    ISO 8601, which `social_meta` shows too; `organization`: `publisher`'s."""
    url = article.canonical_url
    data = {
        "@context": SCHEMA,
        "@type": "NewsArticle",
        "headline": title,
        "description": article.description,
        "inLanguage": article.lang,
        "articleSection": article.category.name,
        "keywords": [tag.name for tag in getattr(article, "tags", [])],
        "datePublished": published,
        "dateModified": modified,
        "url": url,
        "mainEntityOfPage": {"@type": "WebPage", "@id": url},
        "wordCount": getattr(article, "word_count", None),
        "isAccessibleForFree": True,
        "author": authors(article, settings, organization),
        "publisher": organization,
    }
    photo = getattr(article, "lead_photo", None)
    if photo is not None:
        data["image"] = image_object(photo)
    if getattr(article, "correction", None):
        data["correction"] = {"@type": "CorrectionComment", "text": article.correction,
                              "datePublished": article.correction_date.isoformat()}
    original_lang = getattr(article, "translated_from", None)
    for translation in article.translations:
        if translation.lang == original_lang:
            data["translationOfWork"] = {"@type": "NewsArticle", "@id": canonical_url(translation, settings)}
    translated_into = [t for t in article.translations if getattr(t, "translated_from", None) == article.lang]
    if translated_into:
        data["workTranslation"] = [{"@type": "NewsArticle", "@id": canonical_url(t, settings), "inLanguage": t.lang}
                                   for t in translated_into]
    return {key: value for key, value in data.items() if value is not None}


def social_meta(article, settings, title, published, modified):
    editions = settings["EDITIONS"]
    meta = [
        ("property", "og:type", "article"),
        ("property", "og:site_name", settings["SITENAME"]),
        ("property", "og:title", title),
        ("property", "og:description", article.description),
        ("property", "og:url", article.canonical_url),
        ("property", "og:locale", editions[article.lang]["locale"]),
    ]
    for translation in article.translations:
        meta.append(("property", "og:locale:alternate", editions[translation.lang]["locale"]))
    meta += [
        ("property", "article:published_time", published),
    ]
    if getattr(article, "last_modified", None) or getattr(article, "modified", None):
        meta.append(("property", "article:modified_time", modified))
    for author in getattr(article, "authors", ()):
        meta.append(("property", "article:author", author_url(author, article.lang, settings)))
    meta.append(("property", "article:section", article.category.name))
    for tag in getattr(article, "tags", []):
        meta.append(("property", "article:tag", tag.name))
    photo = getattr(article, "lead_photo", None)
    meta += photo_meta(photo)
    meta += [
        ("name", "twitter:card", "summary_large_image" if photo is not None else "summary"),
        ("name", "twitter:title", title),
        ("name", "twitter:description", article.description),
    ]
    if photo is not None:
        meta += [("name", "twitter:image", photo.social["url"]), ("name", "twitter:image:alt", photo.alt)]
    return meta


def image_object(photo):
    """schema.org ImageObject of a lead photo (plugins/photos.py `Photo`)."""
    social = photo.social
    data = {
        "@type": "ImageObject",
        "url": social["url"],
        "contentUrl": social["url"],
        "width": social["width"],
        "height": social["height"],
        "encodingFormat": social["type"],
        "caption": photo.caption or photo.alt,
        "creditText": photo.credit or None,
    }
    return {key: value for key, value in data.items() if value is not None}


def photo_meta(photo):
    """OpenGraph tags of a lead photo; [] without one."""
    if photo is None:
        return []
    social = photo.social
    return [
        ("property", "og:image", social["url"]),
        ("property", "og:image:type", social["type"]),
        ("property", "og:image:width", str(social["width"])),
        ("property", "og:image:height", str(social["height"])),
        ("property", "og:image:alt", photo.alt),
    ]


def website(settings):
    home = edition_siteurl(settings["DEFAULT_LANG"], settings) + "/"
    data = {
        "@context": SCHEMA,
        "@type": "WebSite",
        "name": settings["SITENAME"],
        "url": home,
        "inLanguage": settings["DEFAULT_LANG"],
        "publisher": publisher(settings),
    }
    if "search" in settings.get("DIRECT_TEMPLATES", ()) and settings.get("SEARCH_URL"):
        data["potentialAction"] = {
            "@type": "SearchAction",
            "target": {"@type": "EntryPoint", "urlTemplate": f"{home}{settings['SEARCH_URL']}?q={{search_term_string}}"},
            "query-input": "required name=search_term_string",
        }
    return data


def annotate(article, settings, organization=None):
    """Set the article's metadata attributes from what it says now (also
    called by `make serve` after an edit re-read the article).
    `organization`: `publisher(settings)`, when the caller has it."""
    article.canonical_url = canonical_url(article, settings)
    article.description = plain_text(article.summary)
    title = plain_title(article)
    published = article.date.isoformat()
    changed = last_change(article)
    modified = published if changed is article.date else changed.isoformat()
    article.social_meta = social_meta(article, settings, title, published, modified)
    article.structured_data = news_article(article, settings, title, published, modified,
                                           organization or publisher(settings))


def add_structured_data(generator):
    settings = generator.settings
    organization = publisher(settings)  # one dict in every story's data: the templates only print it
    for article in generator.articles + generator.translations + generator.drafts:
        annotate(article, settings, organization)
    generator.context["website_structured_data"] = website(settings)


def register():
    signals.article_generator_finalized.connect(add_structured_data)
