"""`make bench` says, target by target, whether issue 18's targets were met
in its run (tools/bench.py's table, from the figures the run measured)."""

from bench import targets


def run(n, ours_wall, stock_wall, second_wall, ours_tree=300.0, stock_tree=150.0):
    return {"n": n, "ours": {"wall": ours_wall, "tree_mb": ours_tree}, "stock": {"wall": stock_wall, "tree_mb": stock_tree},
            "second": {"wall": second_wall}}


def edit_loop(**seconds):
    figures = {"article": [0.2, 0.25, 0.3], "stylesheet": [0.1] * 3, "new_article": [6.0] * 3,
               "deleted_article": [0.9, 0.8, 5.0], "template": [0.2] * 3, "first_page_s": 30.0,
               "restart_first_page_s": 6.0, **seconds}
    return {"n": 5000, "edit_visible": True, "stylesheet_served": True, "deleted_gone": True, **figures}


def verdicts(table):
    """target's first words -> its verdict column."""
    rows = [line.split(" | ") for line in table.splitlines()[2:]]
    return {row[0].lstrip("| "): row[-1].rstrip(" |") for row in rows}


def test_each_target_is_met_only_by_the_figures_this_run_measured():
    table = targets([run(1000, 9.0, 10.0, 0.2), run(5000, 55.0, 50.0, 0.5, ours_tree=226.0)], edit_loop())
    found = verdicts(table)

    assert found["cold publish build ≤ 1.0× stock Pelican + typogrify per article, N = 1000 and 5000"] == "no"
    assert "0.90× at 1000; 1.10× at 5000" in table
    assert found["warm publish build, nothing changed, ≤ 1 ms per article"] == "**yes**"
    assert found["`make serve` at N = 5000, one-word edit: ≤ 0.3 s and no slower than `hugo server`"] == "**yes**"
    assert found["`make serve` at N = 5000, stylesheet edit: ≤ 0.2 s and no slower than `hugo server`"] == "no"
    assert found["`make serve` at N = 5000, new story: ≤ 1 s and no slower than `hugo server`"] == "no"
    assert found["`make serve` at N = 5000, deleted story: ≤ 1 s and no slower than `hugo server`"] == "**yes**"
    assert found["`make serve` at N = 5000, start-up (to the front page), the first start, from an empty cache: "
                 "≤ 10 s and no slower than `hugo server`"] == "no"
    assert found["`make serve` at N = 5000, start-up (to the front page), a start after a start, which kept its reads: "
                 "≤ 10 s and no slower than `hugo server`"] == "**yes**"
    assert found["peak memory of the whole build ≤ 1.5× stock at N = 5000"] == "no"
    assert "226 MB against 150 MB: 1.51×" in table


def test_a_start_under_the_limit_but_slower_than_hugo_server_is_not_met():
    found = verdicts(targets([run(1000, 9.0, 10.0, 0.2)], edit_loop(restart_first_page_s=7.0)))

    assert found["`make serve` at N = 5000, start-up (to the front page), a start after a start, which kept its reads: "
                 "≤ 10 s and no slower than `hugo server`"] == "no"


def test_a_target_of_a_size_the_run_did_not_build_is_not_measured():
    found = verdicts(targets([run(100, 5.0, 1.0, 0.1)], None))

    assert found["cold publish build ≤ 1.0× stock Pelican + typogrify per article, N = 1000 and 5000"] == \
        "not measured at both sizes"
    assert found["`make serve` at N = 5000, start-up (to the front page), the first start, from an empty cache: "
                 "≤ 10 s and no slower than `hugo server`"] == "not measured"
    assert found["peak memory of the whole build ≤ 1.5× stock at N = 5000"] == "not measured"


def test_a_target_of_two_sizes_met_at_the_one_measured_is_not_called_met():
    found = verdicts(targets([run(1000, 9.0, 10.0, 0.2)], None))

    assert found["cold publish build ≤ 1.0× stock Pelican + typogrify per article, N = 1000 and 5000"] == \
        "not measured at both sizes"
    assert found["warm publish build, nothing changed, ≤ 1 ms per article"] == "not measured at both sizes"
