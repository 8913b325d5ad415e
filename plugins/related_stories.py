"""Related stories under each article: same section first, then shared topics.

Adds ``related_stories`` (a list of at most ``RELATED_STORIES_MAX`` articles of
the same edition) to every article.  Stories of the same section come first,
newest first; then stories of other sections that share at least one tag, the
most shared tags first, then newest first.  A story never lists itself.

Why our own: pelican-related-posts ranks by shared tags only and knows
nothing of sections.

Settings read: ``RELATED_STORIES_MAX`` (default 4).
"""

from pelican import signals

DEFAULT_MAX = 4


def related_to(article, candidates, limit):
    tags = set(getattr(article, "tags", []) or [])
    same_section = []
    sharing_tags = []
    for other in candidates:
        if other is article:
            continue
        if other.category == article.category:
            same_section.append(other)
            continue
        shared = len(tags & set(getattr(other, "tags", []) or []))
        if shared:
            sharing_tags.append((shared, other))
    same_section.sort(key=lambda story: story.date, reverse=True)
    sharing_tags.sort(key=lambda pair: (pair[0], pair[1].date), reverse=True)
    return (same_section + [story for _, story in sharing_tags])[:limit]


def add_related_stories(generator):
    limit = generator.settings.get("RELATED_STORIES_MAX", DEFAULT_MAX)
    articles = generator.articles
    for article in articles:
        article.related_stories = related_to(article, articles, limit)
    for translation in generator.translations:
        translation.related_stories = []


def register():
    signals.article_generator_finalized.connect(add_related_stories)
