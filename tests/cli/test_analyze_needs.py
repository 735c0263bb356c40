"""``lipassess analyze needs``: a CSV or a cohort; JSON keys as documented; bad input is one line, exit 2."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.needs_world import build_needs_cohort

DATA = Path(__file__).parent.parent / "analysis" / "data"
SIM = DATA / "needs_sim.csv"
KEYS = {"competency", "n", "importance_mean", "competence_mean", "discrepancy_mean", "mwds", "mwds_ci_low",
        "mwds_ci_high", "rank", "quadrant"}


def test_a_csv_as_json(run_cli) -> None:
    result = run_cli("analyze", "needs", str(SIM), "--json")
    assert result.exit_code == 0, result
    data = json.loads(result.out)
    rows = data["competencies"]
    assert KEYS <= set(rows[0])
    # R (tests/analysis/r/needs_reference.R): managing change first, MWDS 5.24480968858131
    assert [(r["competency"], r["rank"]) for r in rows] == [
        ("managing_change", 1), ("digital_government", 2), ("communication", 3), ("conflict_management", 4)]
    assert rows[0]["mwds"] == pytest.approx(5.24480968858131, rel=1e-12)
    assert rows[0]["mwds_ci_low"] == pytest.approx(3.75080493152340, rel=1e-12)


def test_a_csv_by_ministry_hides_small_groups(run_cli) -> None:
    result = run_cli("analyze", "needs", str(SIM), "--by", "ministry", "--json")
    assert result.exit_code == 0, result
    groups = {g["group"]: g for g in json.loads(result.out)["by"]["ministry"]["groups"]}
    assert groups["Interior"] == {"group": "Interior", "n": "<5", "suppressed": True, "result": None}
    assert groups["Health"]["result"]["competencies"][0]["competency"] == "digital_government"


def test_text_output_and_blank_cells(run_cli, tmp_path: Path) -> None:
    path = tmp_path / "needs.csv"
    path.write_text("id,a.importance,a.competence,b.importance,b.competence\n"
                    "1,5,2,3,3\n2,4,3,3,2\n3,5,3,,1\n", encoding="utf-8")
    result = run_cli("analyze", "needs", str(path))
    assert result.exit_code == 0, result
    # a: Ibar 14/3, dbar 2 -> 9.333; b: r3 blank importance -> Ibar 3, dbar 0.5 -> 1.5
    assert "a              1  3       4.667" in result.out and "9.333" in result.out
    assert "b              2  2       3.000" in result.out and "1.500" in result.out
    assert "b 1" in result.out  # the note on the left-out answer


@pytest.mark.parametrize(("args", "message"), [
    ((), "give either FILE (a CSV) or --cohort COHORT"),
    (("nope.csv",), "file not found: nope.csv"),
    ((str(SIM), "--by", "rank"), "has no column 'rank'"),
    ((str(SIM), "--competencies", "communication,leadership"), "Competency 'leadership' has no column"),
    ((str(SIM), "--cohort", "3"), "not both"),
])
def test_bad_input_is_one_line_and_exit_2(run_cli, args, message: str) -> None:
    result = run_cli("analyze", "needs", *args)
    assert result.exit_code == 2, result
    assert message in result.err and result.err.startswith("error: ") and result.err.count("\n") == 1


@pytest.mark.postgres
def test_a_cohort_from_the_store(run_cli, session) -> None:
    build_needs_cohort(session)
    session.commit()
    result = run_cli("analyze", "needs", "--cohort", "LIP-N3", "--json")
    assert result.exit_code == 0, result
    data = json.loads(result.out)
    assert data["scope"] == "LIP-N3" and data["competencies"][0]["competency"] == "conflict_management"
    assert data["competencies"][0]["mwds"] == pytest.approx(15.75)
    assert data["loop"]["post"]["verdict"] == "aligned"
    text = run_cli("analyze", "needs", "--cohort", "all")
    assert text.exit_code == 0 and "Training needs of program" in text.out
    unknown = run_cli("analyze", "needs", "--cohort", "LIP-NONE")
    assert unknown.exit_code == 2 and "LIP-N3" in unknown.err
