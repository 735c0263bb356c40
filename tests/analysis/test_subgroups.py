"""by_group(): per-group statistics, and suppression of small groups."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose

from lipassess.analysis import by_group, proportion, reliability, reliable_change
from lipassess.errors import InvalidInput

ITEMS = ["A1", "A2", "A3", "A4", "A5"]


def test_reliability_by_gender_matches_psych_per_group(bfi):
    result = by_group(bfi, "gender", reliability, columns=ITEMS, reverse=["A1"], scale=(1, 6))
    assert [g.group for g in result.groups] == [1, 2]
    assert [g.n for g in result.groups] == [919, 1881]  # table(b$gender)
    # for (g in 1:2) { x <- na.omit(b[b$gender == g, c("A1","A2","A3","A4","A5")])
    #                  psych::alpha(x, keys = "A1")$total$raw_alpha }
    assert_allclose(
        [g.result.alpha for g in result.groups],
        [0.710650579508513, 0.679166593970183],
        rtol=1e-10,
    )
    assert [g.result.n_obs for g in result.groups] == [896, 1813]  # nrow(x) per gender
    assert result.n_suppressed == 0


def _small_and_large() -> pd.DataFrame:
    rng = np.random.default_rng(5)
    site = ["big"] * 12 + ["tiny"] * 3 + ["edge"] * 5
    return pd.DataFrame(
        {
            "site": site,
            "pre": rng.normal(3, 0.5, len(site)),
            "post": rng.normal(3.4, 0.5, len(site)),
        }
    )


def test_small_groups_are_suppressed_and_their_estimates_never_appear():
    data = _small_and_large()
    data.loc[data.site == "tiny", "post"] = 4.987654321  # a value we can search for
    result = by_group(
        data, "site", reliable_change, columns={"pre": "pre", "post": "post"}, reliability=0.8
    )
    groups = {g.group: g for g in result.groups}
    assert list(groups) == ["big", "edge", "tiny"]
    assert groups["tiny"].suppressed and groups["tiny"].result is None
    assert groups["tiny"].n == "<5"
    assert not groups["edge"].suppressed and groups["edge"].n == 5  # exactly min_n is shown
    assert groups["big"].result.n_obs == 12
    payload = result.to_dict()
    text = json.dumps(payload)
    assert "4.98765" not in text
    tiny = next(g for g in payload["groups"] if g["group"] == "tiny")
    assert tiny == {"group": "tiny", "n": "<5", "suppressed": True, "result": None}
    assert result.n_suppressed == 1
    assert "tiny (n <5): suppressed" in result.summary()


def test_group_with_too_few_complete_rows_is_suppressed():
    data = _small_and_large()
    data.loc[data.index[12:20], "post"] = np.nan  # 'edge' and 'tiny' lose all post scores
    data.loc[data.index[19], "post"] = 3.0  # one complete pair left in 'edge'
    result = by_group(
        data, "site", reliable_change, columns={"pre": "pre", "post": "post"}, reliability=0.8
    )
    edge = next(g for g in result.groups if g.group == "edge")
    assert edge.suppressed and edge.result is None and edge.n == "<5"


def test_group_whose_result_rests_on_fewer_than_min_n_rows_is_suppressed():
    data = _small_and_large()
    data.loc[data.index[15:17], "post"] = np.nan  # 'edge': 3 complete pairs of 5 rows
    result = by_group(
        data,
        "site",
        reliable_change,
        columns={"pre": "pre", "post": "post"},
        reliability=0.8,
        min_n=4,
    )
    edge = next(g for g in result.groups if g.group == "edge")
    assert edge.suppressed and edge.n == "<4"


def test_frame_passed_without_group_column_by_default():
    data = pd.DataFrame({"g": ["a"] * 6, "q1": [1, 2, 3, 4, 5, 3], "q2": [2, 2, 3, 5, 4, 3],
                         "q3": [1, 3, 3, 4, 5, 2]})  # fmt: skip
    result = by_group(data, "g", reliability)
    assert [i.item for i in result.groups[0].result.items] == ["q1", "q2", "q3"]


def test_custom_statistic_and_missing_group_values():
    data = pd.DataFrame({"g": ["a"] * 6 + [None] * 2, "applied": [1, 1, 1, 0, 1, 1, 0, 0]})
    result = by_group(data, "g", lambda rows: proportion(int(rows.applied.sum()), len(rows)))
    assert result.groups[0].result.successes == 5
    assert result.notes == ("fewer than 5 rows with no g value were left out.",)


def test_every_group_small():
    data = pd.DataFrame({"g": ["a", "a", "b"], "x": [1, 2, 3]})
    result = by_group(data, "g", lambda rows: proportion(1, len(rows)))
    assert result.n_suppressed == 2
    assert any("Every group" in note for note in result.notes)


@pytest.mark.parametrize(
    ("kwargs", "words"),
    [
        ({"group_col": "region"}, "Group column 'region' not found"),
        ({"group_col": "site", "min_n": 0}, "min_n must be"),
        ({"group_col": "site", "columns": ["pre", "later"]}, "'later' not found"),
        ({"group_col": "site", "columns": {"pre": "pre", "post": "after"}}, "'after' not found"),
    ],
)
def test_bad_arguments_raise(kwargs, words):
    with pytest.raises(InvalidInput, match=words):
        by_group(_small_and_large(), statistic=reliable_change, reliability=0.8, **kwargs)


def test_statistic_errors_name_the_group():
    data = _small_and_large()
    with pytest.raises(InvalidInput, match="In group site = 'big': reliability must be"):
        by_group(data, "site", reliable_change, columns={"pre": "pre", "post": "post"},
                 reliability=1.5)  # fmt: skip


@pytest.mark.parametrize(("sizes", "unlisted", "hidden"), [
    ({"A": 20, "B": 9, "C": 1, "D": 12}, 0, {"B", "C"}),      # one hidden: the next smallest too
    ({"A": 20, "B": 4, "C": 3, "D": 12}, 0, {"B", "C"}),      # two hidden, together 7: enough
    ({"A": 20, "B": 1, "C": 1, "D": 12}, 0, {"B", "C", "D"}),  # two hidden but together 2: one more
    ({"A": 20, "B": 9}, 1, {"B"}),                            # one person with no value counts
    ({"A": 20, "B": 9}, 0, set()),
    ({"A": 3}, 0, {"A"}),
    ({"A": 20, "B": None}, 0, {"A", "B"}),                    # a size only known to be small
])
def test_groups_to_hide(sizes, unlisted, hidden) -> None:
    from lipassess.analysis.subgroups import groups_to_hide

    assert groups_to_hide(sizes, 5, unlisted=unlisted) == hidden


def test_protect_subgroups_hides_the_complement() -> None:
    from lipassess.analysis import paired
    from lipassess.analysis.subgroups import protect_subgroups

    rng = np.random.default_rng(2)
    data = pd.DataFrame({"g": ["a"] * 20 + ["b"] * 8 + ["c"], "pre": rng.normal(3, 1, 29)})
    data["post"] = data["pre"] + rng.normal(0.3, 0.5, 29)
    result = protect_subgroups(by_group(data, "g", paired, columns={"pre": "pre", "post": "post"}, min_n=1), 5)
    assert [(g.group, g.suppressed, g.result is None) for g in result.groups] == [
        ("a", False, False), ("b", True, True), ("c", True, True)]
    assert "8" not in str(result.to_dict()["groups"][1]) and result.n_suppressed == 2
