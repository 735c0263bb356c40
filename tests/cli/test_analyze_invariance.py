"""``lipassess analyze invariance``: on a CSV (values as lavaan gives them) and on a cohort in the store."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pandas as pd
import pytest
from numpy.testing import assert_allclose

DATA = Path(__file__).parent.parent / "analysis" / "data"
SIM = DATA / "invariance_sim.csv"


@pytest.fixture
def database_url(demo_database, tmp_path: Path) -> str:
    """The synthetic demo program (run_cli reads this fixture)."""
    target = tmp_path / "demo.sqlite3"
    shutil.copyfile(demo_database[0], target)
    return f"sqlite:///{target}"


@pytest.fixture(scope="module")
def reference() -> dict:
    return json.loads((DATA / "invariance_reference.json").read_text(encoding="utf-8"))


def test_csv_json_matches_lavaan(run_cli, reference) -> None:
    result = run_cli("analyze", "invariance", str(SIM), "--items", "i1,i2,i3,i4", "--waves", "pre,post,followup",
                     "--group", "language", "--json")
    assert result.exit_code == 0, result
    payload = json.loads(result.out)
    waves, groups = payload["across_waves"], payload["across_groups"]
    expected = reference["waves"]["pre,post,followup"]
    for level in ("configural", "metric", "scalar"):
        assert waves[level]["df"] == expected[level]["df"]
        assert_allclose([waves[level]["chisq"], waves[level]["cfi"], waves[level]["rmsea"]],
                        [expected[level]["chisq"], expected[level]["cfi"], expected[level]["rmsea"]], atol=1e-7)
        assert_allclose(groups[level]["chisq"], reference["languages"][level]["chisq"], atol=1e-7)
    assert waves["verdict"] == "partially_invariant" and waves["free_intercepts"] == ["i3"]
    assert groups["labels"] == ["en", "km"] and groups["free_intercepts"] == ["i4"]
    assert groups["n_obs"] == 420


def test_csv_summary_and_group_wave(run_cli) -> None:
    result = run_cli("analyze", "invariance", str(SIM), "--items", "i1,i2,i3,i4", "--waves", "pre,post",
                     "--group", "language", "--group-wave", "post")
    assert result.exit_code == 0, result
    assert "across waves (pre, post)" in result.out and "across groups (en, km)" in result.out
    assert "verdict: partially_invariant (highest level: scalar); released: intercepts of i3" in result.out


def test_one_wave_with_a_group_tests_groups_only(run_cli) -> None:
    result = run_cli("analyze", "invariance", str(SIM), "--items", "i1,i2,i3,i4", "--waves", "pre",
                     "--group", "language", "--json")
    payload = json.loads(result.out)
    assert payload["across_waves"] is None and payload["across_groups"]["verdict"] == "partially_invariant"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--items", "i1,i2,i3"), "give either FILE or --cohort"),
        ((str(SIM), "--cohort", "1", "--items", "i1,i2,i3"), "give either FILE or --cohort"),
        ((str(SIM),), "--items is required"),
        ((str(SIM), "--items", "i1,i2,x"), "has no column 'pre_x', 'post_x', 'followup_x'"),
        ((str(SIM), "--items", "i1,i2,i3", "--waves", "pre"), "at least two waves"),
        ((str(SIM), "--items", "i1,i2,i3", "--group", "region"), "has no column 'region'"),
        ((str(SIM), "--items", "i1,i2,i3", "--group-wave", "later"), "--group-wave 'later' is not among"),
        ((str(SIM), "--items", "i1,i2"), "at least 3 items"),
        (("--cohort", "1", "--items", "AL1,AL2,AL3"), "--items is for FILE"),
        (("--cohort", "DEMO-LIP-C5", "--group", "shoe_size"), "unknown group 'shoe_size'"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(run_cli, args, message) -> None:
    result = run_cli("analyze", "invariance", *args)
    assert result.exit_code == 2, result
    assert result.err.startswith("error: ") and message in result.err
    assert len(result.err.strip().splitlines()) == 1 and result.out == ""


def test_too_few_participants_is_exit_2(run_cli, tmp_path: Path) -> None:
    small = tmp_path / "small.csv"
    pd.read_csv(SIM).head(40).to_csv(small, index=False)
    result = run_cli("analyze", "invariance", str(small), "--items", "i1,i2,i3,i4", "--waves", "pre,post")
    assert result.exit_code == 2
    assert ("needs at least 50 participants with complete data; 39 remain after removing 1 with missing values"
            in result.err)


def test_cohort_in_the_store(run_cli) -> None:
    result = run_cli("analyze", "invariance", "--cohort", "DEMO-LIP-C5", "--waves", "pre,post",
                     "--group", "language", "--json")
    assert result.exit_code == 0, result
    payload = json.loads(result.out)
    assert payload["scope"] == "DEMO-LIP-C5" and payload["waves"] == ["pre", "post"]
    assert set(payload["scales"]) == {"adaptive_leadership", "communication", "conflict_management",
                                      "problem_solving_pdia", "cross_sector_collaboration",
                                      "self_awareness_wellbeing"}
    communication = payload["scales"]["communication"]
    assert communication["across_waves"]["items"] == ["CM1", "CM2", "CM3", "CM4", "CM5"]
    assert communication["across_groups"]["labels"] == ["en", "km"]
