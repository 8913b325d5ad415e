"""Related stories under each article: same section first, then shared topics.

Adds ``related_stories`` (a list of at most ``RELATED_STORIES_MAX`` articles of
the same edition) to every article.  Stories of the same section come first,
newest first; then stories of other sections that share at least one tag, the
most shared tags first, then newest first.  A story never lists itself.

Why our own: pelican-related-posts ranks by shared tags only and knows
nothing of sections.

Settings read: ``RELATED_STORIES_MAX`` (default 4).
"""

from collections import defaultdict

from pelican import signals

DEFAULT_MAX = 4


def related_to(article, by_section, by_tag, position, limit):
    same_section = [story for story in by_section[article.category][:limit + 1] if story is not article]
    if len(same_section) >= limit:
        return same_section[:limit]
    shared = {}
    for tag in set(getattr(article, "tags", None) or ()):
        for other in by_tag[tag]:
            if other.category != article.category:
                shared[other] = shared.get(other, 0) + 1
    sharing_tags = sorted(shared, key=lambda story: (-shared[story], position[story]))
    return (same_section + sharing_tags)[:limit]


def add_related_stories(generator):
    limit = generator.settings.get("RELATED_STORIES_MAX", DEFAULT_MAX)
    # Newest first; stories of the same date keep the generator's order.
    newest_first = sorted(generator.articles, key=lambda story: story.date, reverse=True)
    position = {story: index for index, story in enumerate(newest_first)}
    by_section = defaultdict(list)
    by_tag = defaultdict(list)
    for story in newest_first:
        by_section[story.category].append(story)
        for tag in set(getattr(story, "tags", None) or ()):
            by_tag[tag].append(story)
    for article in generator.articles:
        article.related_stories = related_to(article, by_section, by_tag, position, limit)
    for translation in generator.translations:
        translation.related_stories = []


def register():
    signals.article_generator_finalized.connect(add_related_stories)
