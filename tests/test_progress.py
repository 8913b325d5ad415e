"""A long build shows its progress on a terminal and stays quiet in CI and logs."""

import io

from progress import wanted


class Terminal(io.StringIO):
    def isatty(self):
        return True


def test_progress_shows_on_a_terminal_outside_ci():
    assert wanted(Terminal(), environ={})
    assert wanted(Terminal(), environ={"CI": "false"})


def test_progress_is_silent_in_ci_and_when_not_on_a_terminal():
    assert not wanted(Terminal(), environ={"CI": "true"})
    assert not wanted(io.StringIO(), environ={})
