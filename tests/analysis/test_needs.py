"""Borich MWDS, its CI, ranks and Locus for Focus quadrants: by hand and against R."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose

from lipassess.analysis import needs_assessment, needs_by_group
from lipassess.analysis.needs import competency_columns
from lipassess.errors import InvalidInput

NAN = np.nan
DATA = Path(__file__).parent / "data"
T_975_4 = 2.7764451051977987  # R: qt(0.975, 4)


@pytest.fixture
def hand() -> pd.DataFrame:
    """Six respondents, five competencies: missing answers, a tie, one respondent, nobody.

    a: 5 pairs; b: r5 skipped importance (4 pairs); c: r6 skipped competence (5 pairs);
    d: one pair; e: none. r6 has no complete pair at all.
    """
    return pd.DataFrame({
        "a.importance": [5, 4, 5, 4, 4, NAN], "a.competence": [2, 3, 3, 2, 2, NAN],
        "b.importance": [4, 4, 4, 4, NAN, NAN], "b.competence": [3, 3, 3, 3, 1, NAN],
        "c.importance": [5, 5, 5, 5, 5, 5], "c.competence": [4, 4, 5, 5, 3, NAN],
        "d.importance": [3, NAN, NAN, NAN, NAN, NAN], "d.competence": [1, NAN, NAN, NAN, NAN, NAN],
        "e.importance": [NAN] * 6, "e.competence": [NAN] * 6,
    }, index=[f"r{i}" for i in range(1, 7)])


def test_mwds_by_hand(hand: pd.DataFrame) -> None:
    result = needs_assessment(hand)
    a = result.competency("a")
    # d = 3 1 2 2 2: Ibar 22/5 = 4.4, Cbar 12/5 = 2.4, dbar 2, MWDS 4.4 x 2 = 8.8
    # (the mean of I x d would be 45/5 = 9: a different, older statistic)
    assert (a.n, a.importance_mean, a.competence_mean, a.discrepancy_mean) == (5, 4.4, 2.4, 2.0)
    assert a.mwds == pytest.approx(8.8, abs=1e-12)
    # sd(d) = sqrt(2 / 4); CI = 4.4 x (2 -/+ qt(.975, 4) sqrt(0.5) / sqrt(5))
    half = T_975_4 * math.sqrt(0.5) / math.sqrt(5)
    assert_allclose([a.mwds_ci_low, a.mwds_ci_high], [4.4 * (2 - half), 4.4 * (2 + half)], rtol=1e-12)
    assert_allclose([a.mwds_ci_low, a.mwds_ci_high], [4.936848254, 12.663151746], rtol=1e-9)
    # b: r5 left out (no importance), r6 too: d = 1 1 1 1, sd 0, so the CI is the point 4
    b = result.competency("b")
    assert (b.n, b.importance_mean, b.competence_mean, b.discrepancy_sd) == (4, 4.0, 3.0, 0.0)
    assert (b.mwds, b.mwds_ci_low, b.mwds_ci_high) == (4.0, 4.0, 4.0)
    # c: r6 left out (no competence): d = 1 1 0 0 2, Ibar 5, dbar 0.8, MWDS 4; sd = sqrt(2.8 / 4)
    c = result.competency("c")
    assert (c.n, c.importance_mean, c.discrepancy_mean) == (5, 5.0, 0.8)
    half = T_975_4 * math.sqrt(0.7) / math.sqrt(5)
    assert_allclose([c.mwds, c.mwds_ci_low, c.mwds_ci_high], [4.0, 5 * (0.8 - half), 5 * (0.8 + half)],
                    rtol=1e-12)
    # d: one respondent: MWDS 3 x 2 = 6, no CI; e: nobody
    d, e = result.competency("d"), result.competency("e")
    assert (d.n, d.mwds) == (1, 6.0) and math.isnan(d.mwds_ci_low) and math.isnan(d.discrepancy_sd)
    assert e.n == 0 and math.isnan(e.mwds) and e.rank is None and e.quadrant is None
    assert (result.n_respondents, result.n_obs) == (6, 5)


def test_ranks_with_a_tie_share_the_lower_number(hand: pd.DataFrame) -> None:
    result = needs_assessment(hand)
    # MWDS a 8.8, d 6, b 4, c 4 (a tie reached two ways: 4 x 1 and 5 x 0.8), e none
    assert [(r.competency, r.rank) for r in result.competencies] == [
        ("a", 1), ("d", 2), ("b", 3), ("c", 3), ("e", None)]


def test_locus_for_focus_quadrants_by_hand(hand: pd.DataFrame) -> None:
    result = needs_assessment(hand)
    # axes: mean of Ibar (4.4, 4, 5, 3) = 4.1 and of dbar (2, 1, 0.8, 2) = 1.45; e has no point
    assert result.importance_cut == pytest.approx(4.1)
    assert result.discrepancy_cut == pytest.approx(1.45)
    quadrants = {r.competency: r.quadrant for r in result.competencies}
    assert quadrants == {"a": "HH", "b": "LL", "c": "HL", "d": "LH", "e": None}


def test_missing_answers_are_left_out_per_competency_and_noted(hand: pd.DataFrame) -> None:
    notes = " ".join(needs_assessment(hand).notes)
    assert "a 1, b 2, c 1, d 5, e 6" in notes
    assert "Only one respondent for d" in notes and "Nobody answered both questions for e" in notes


def test_json_keys_are_the_contract(hand: pd.DataFrame) -> None:
    data = needs_assessment(hand).to_dict()
    row = data["competencies"][0]
    assert {"competency", "n", "importance_mean", "competence_mean", "discrepancy_mean", "mwds", "mwds_ci_low",
            "mwds_ci_high", "rank", "quadrant"} <= set(row)
    assert data["competencies"][-1]["mwds"] is None  # NaN -> null


def test_against_r_with_missing_answers() -> None:
    # tests/analysis/r/needs_reference.R (base R; pairwise deletion per competency)
    data = pd.read_csv(DATA / "needs_sim.csv", index_col="id")
    result = needs_assessment(data)
    expected = {  # n, importance, competence, mwds, low, high, rank, quadrant
        "communication": (33, 3.66666666666667, 2.33333333333333, 4.88888888888889, 3.52270677886508,
                          6.25507099891270, 3, "LH"),
        "conflict_management": (33, 3.93939393939394, 2.72727272727273, 4.77502295684114, 3.34548772180991,
                                6.20455819187237, 4, "HL"),
        "digital_government": (34, 3.94117647058824, 2.67647058823529, 4.98442906574394, 3.57598635850772,
                               6.39287177298017, 2, "HL"),
        "managing_change": (34, 3.79411764705882, 2.41176470588235, 5.24480968858131, 3.75080493152340,
                            6.73881444563922, 1, "LH"),
    }
    assert [r.competency for r in result.competencies] == [
        "managing_change", "digital_government", "communication", "conflict_management"]
    for name, (n, imp, comp, mwds, low, high, rank, quadrant) in expected.items():
        row = result.competency(name)
        assert (row.n, row.rank, row.quadrant) == (n, rank, quadrant)
        assert_allclose([row.importance_mean, row.competence_mean, row.mwds, row.mwds_ci_low, row.mwds_ci_high],
                        [imp, comp, mwds, low, high], rtol=1e-12)


def test_by_group_against_r_and_the_small_group_rule() -> None:
    data = pd.read_csv(DATA / "needs_sim.csv", index_col="id")
    result = needs_by_group(data, "ministry", min_n=5)
    groups = {g.group: g for g in result.groups}
    assert (groups["Interior"].n, groups["Interior"].suppressed, groups["Interior"].result) == ("<5", True, None)
    assert groups["Education"].n == 12 and not groups["Education"].suppressed
    health = groups["Health"].result
    # R: the same function on x[x$ministry == "Health", ]
    assert [(r.competency, r.rank, r.quadrant) for r in health.competencies] == [
        ("digital_government", 1, "HH"), ("managing_change", 2, "LH"), ("conflict_management", 3, "HL"),
        ("communication", 4, "LL")]
    assert_allclose([health.competency("digital_government").mwds, health.competency("digital_government").mwds_ci_low,
                     health.competency("communication").mwds_ci_high],
                    [5.68421052631579, 3.52241654800473, 6.01657325733128], rtol=1e-12)


def test_competencies_can_be_chosen_and_ordered(hand: pd.DataFrame) -> None:
    result = needs_assessment(hand, ["c", "b"])
    # ties keep the order given; the axes now rest on b and c only
    assert [(r.competency, r.rank) for r in result.competencies] == [("c", 1), ("b", 1)]
    assert result.importance_cut == pytest.approx(4.5)


@pytest.mark.parametrize(("edit", "message"), [
    (lambda d: d.drop(columns=["b.competence"]), r"Competency 'b' has no column 'b.competence'"),
    (lambda d: d.assign(**{"a.importance": [5, 4, 6, 4, 4, NAN]}), r"outside the scale 1-5"),
    (lambda d: d.assign(**{"a.competence": [2, "x", 3, 2, 2, NAN]}), r"non-numeric value 'x'"),
    (lambda d: d[["a.competence"]], r"No competency columns found"),
])
def test_bad_input_says_what_to_fix(hand: pd.DataFrame, edit, message: str) -> None:
    with pytest.raises(InvalidInput, match=message):
        needs_assessment(edit(hand))


def test_nobody_with_a_pair_is_too_few_rows() -> None:
    data = pd.DataFrame({"a.importance": [5, NAN], "a.competence": [NAN, 2]})
    with pytest.raises(InvalidInput, match="nothing to rank") as info:
        needs_assessment(data)
    assert info.value.errors["reason"] == "too_few_rows"


def test_column_names() -> None:
    assert competency_columns("managing_change") == ("managing_change.importance", "managing_change.competence")


# --- closing the loop -----------------------------------------------------------------------------


def test_needs_against_change_by_hand(hand: pd.DataFrame) -> None:
    from lipassess.analysis.needs_loop import needs_and_change

    needs = needs_assessment(hand)
    # MWDS a 8.8, d 6, b 4, c 4 -> ranks 4, 3, 1.5, 1.5; change .9 .5 .2 .3 -> ranks 4, 3, 1, 2
    # rho = 4.5 / sqrt(4.5 x 5) = 0.948683 (R: cor(c(8.8, 6, 4, 4), c(.9, .5, .2, .3), method = "spearman"))
    result = needs_and_change(needs, {"a": (0.9, 0.5, 1.3), "d": 0.5, "b": 0.2, "c": 0.3})
    assert result.spearman_rho == pytest.approx(4.5 / math.sqrt(22.5), abs=1e-12)
    assert (result.n_obs, result.verdict, result.not_measured) == (4, "aligned", ("e",))
    assert [(r.competency, r.change) for r in result.rows][:2] == [("a", 0.9), ("d", 0.5)]
    assert (result.rows[0].change_ci_low, result.rows[0].change_ci_high) == (0.5, 1.3)
    assert result.rows[-1].competency == "e" and math.isnan(result.rows[-1].change)


def test_needs_against_change_opposite_and_too_few(hand: pd.DataFrame) -> None:
    from lipassess.analysis.needs_loop import needs_and_change

    needs = needs_assessment(hand)
    opposite = needs_and_change(needs, {"a": 0.1, "d": 0.2, "b": 0.8, "c": 0.6})
    # change ranks 1, 2, 4, 3 against 4, 3, 1.5, 1.5: rho = -4.5 / sqrt(22.5)
    assert opposite.spearman_rho == pytest.approx(-4.5 / math.sqrt(22.5)) and opposite.verdict == "opposite"
    few = needs_and_change(needs, {"a": 0.1, "b": 0.8, "zz": 1.0})
    assert few.verdict == "too_few" and math.isnan(few.spearman_rho)
    assert any("zz" in note for note in few.notes)
