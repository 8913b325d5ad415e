"""Tabbing through the article page, in both editions (tools/gates/keyboard.py)."""

import pytest

from gates.keyboard import tab_through
from sitebuild import ARTICLE_SLUG


@pytest.mark.parametrize("edition", ["", "ur/"])
def test_skip_link_first_every_control_reachable_with_a_visible_focus_ring(browser, server, edition):
    problems, stops = tab_through(browser, f"{server}/{edition}2018/05/02/{ARTICLE_SLUG}/")
    assert problems == []
    assert stops >= 10  # skip link, language switch, masthead, sections, tags, footer
