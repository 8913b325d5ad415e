"""Every page type, in both editions, loads cleanly from our own host only."""

import pytest

from sitebuild import ARTICLE_SLUG

PAGES = [f"2018/05/02/{ARTICLE_SLUG}/", "", "section/syria/", "tag/deir-ezzor/", "archive/", "archive/2018/05/", "404.html",
         "author/", "author/omar-sample/"]
URDU_PAGES = [f"ur/2018/05/02/{ARTICLE_SLUG}/", "ur/", "ur/section/syria/", "ur/tag/", "ur/archive/", "ur/404.html",
              "ur/author/", "ur/author/omar-sample/"]


@pytest.mark.parametrize("path", PAGES + URDU_PAGES)
def test_no_console_errors_no_failed_or_foreign_requests(open_page, path):
    visit = open_page(path)
    visit.page.wait_for_load_state("networkidle")
    assert visit.console_errors == []
    assert visit.failed_requests == []
    assert visit.foreign_requests == []
