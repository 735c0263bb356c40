"""Dashboard tables and charts: formatting, CSV, missing reasons, suppression for managers."""

from __future__ import annotations

import csv
import io
import math
import xml.etree.ElementTree as ET

import numpy as np
import pandas as pd
import pytest

from lipassess.analysis import by_group, paired
from lipassess.analysis.cohort import OutcomeData, analyze_cohort
from lipassess.reports import dashboard, tables
from lipassess.reports.tables import Column, Table, format_value, suppress_small_groups


def analysis_of(n: int = 40, *, seed: int = 3, followup: bool = True, ministries: list[str] | None = None):
    """A cohort of ``n`` with a subscale and the total, items per wave, and an application answer."""
    rng = np.random.default_rng(seed)
    ids = [f"P{i:03d}" for i in range(n)]
    trait = rng.normal(0, 1, n)
    waves = {"pre": 0.0, "post": 0.5, **({"followup": 0.4} if followup else {})}
    items = {w: pd.DataFrame({f"i{j}": np.clip(np.rint(3 + 0.8 * trait + s + rng.normal(0, .7, n)), 1, 5)
                              for j in range(4)}, index=ids) for w, s in waves.items()}
    if followup:  # every fifth participant is lost before the follow-up
        items["followup"] = items["followup"].drop(index=ids[::5])
    scores = pd.DataFrame({w: frame.mean(axis=1) for w, frame in items.items()}).reindex(ids)
    outcomes = [OutcomeData(name="communication", scores=scores, items=items),
                OutcomeData(name="total", scores=scores, items=items)]
    profile = pd.DataFrame({"ministry": ministries or ["Health"] * (n - 3) + ["Tiny"] * 3}, index=ids)
    applied = pd.Series([0.0 if i < 5 else 1.0 for i in range(n)], index=ids)
    return analyze_cohort(outcomes, scope="C1", profile=profile, applied=applied)


def test_cells_are_formatted_for_people() -> None:
    row = {"p": 0.0004, "p2": 0.0312, "share": 0.8333, "ci_low": -0.1234, "ci_high": 0.5, "x": float("nan"),
           "n": 12.0, "flag": True, "label": None}
    assert format_value(row, Column(key="p", header="p", kind="p")) == "<.001"
    assert format_value(row, Column(key="p2", header="p", kind="p")) == ".031"
    assert format_value(row, Column(key="share", header="s", kind="share")) == "83.3%"
    assert format_value(row, Column(key="ci", header="ci", kind="ci")) == "[\u22120.12, 0.50]"
    assert format_value(row, Column(key="x", header="x")) == "\u2013"
    assert format_value(row, Column(key="n", header="n", kind="int")) == "12"
    assert format_value(row, Column(key="flag", header="f", kind="bool")) == "yes"
    assert format_value(row, Column(key="label", header="l", kind="text")) == "\u2013"


def test_csv_has_full_precision_blank_missing_and_no_formulas() -> None:
    table = Table(name="t", caption="c", columns=(Column(key="group", header="Group", kind="text"),
                                                  Column(key="g", header="g"),
                                                  Column(key="g_ci", header="CI", kind="ci")),
                  rows=({"group": "=HYPERLINK(\"http://evil\")", "g": 1 / 3, "g_ci_low": 0.1, "g_ci_high": 0.2},
                        {"group": "ក្រសួងសុខាភិបាល", "missing": "too few pairs"}))
    rows = list(csv.reader(io.StringIO(table.csv())))
    assert rows[0] == ["group", "g", "g_ci_low", "g_ci_high", "missing_reason"]
    assert rows[1] == ["'=HYPERLINK(\"http://evil\")", repr(1 / 3), "0.1", "0.2", ""]
    assert rows[2] == ["ក្រសួងសុខាភិបាល", "", "", "", "too few pairs"]
    assert table.empty(table.rows[1]) and not table.empty(table.rows[0])


def test_no_missing_column_when_nothing_is_missing() -> None:
    table = Table(name="t", caption="c", columns=(Column(key="a", header="A", kind="int"),), rows=({"a": 1},))
    assert table.csv_header() == ["a"] and not table.has_partial_missing


def test_every_statistic_reaches_its_table() -> None:
    analysis = analysis_of()
    built = tables.cohort_tables(analysis, sees_individuals=True, min_group_size=5, reverse_keyed={"i2"})
    total = next(r for r in built["pre_post"].rows if r["outcome_id"] == "total")
    assert total["g_av"] == analysis.outcomes["total"].pre_post.g_av
    assert built["pre_post"].rows[0]["outcome"] == "Leadership behaviour (total)"  # total first
    rel = next(r for r in built["reliability"].rows if r["outcome_id"] == "total" and r["wave_id"] == "post")
    result = analysis.outcomes["total"].reliability["post"]
    assert (rel["alpha"], rel["omega_ci_low"]) == (result.alpha, result.omega_ci_low)
    assert {r["item"] for r in built["items"].rows if r["reversed"]} == {"i2"}
    assert built["applied"].rows[0]["share"] == analysis.applied.share == 35 / 40
    assert len(built["reliable_change_participants"].rows) == 2 * 40
    assert built["reliable_change_participants"].per_participant
    assert built["attrition"].rows[0]["n_lost"] == 8
    assert {r["comparison"] for r in built["pairwise"].rows} == {
        "post \u2212 pre", "follow-up \u2212 pre", "follow-up \u2212 post"}
    assert {r["statistic"] for r in built["missing"].rows} == {"then test"}  # no retrospective pretest


def test_managers_get_no_per_participant_table() -> None:
    built = tables.cohort_tables(analysis_of(), sees_individuals=False, min_group_size=5)
    assert "reliable_change_participants" not in built
    assert not any(t.per_participant for t in built.values())


def test_missing_statistics_keep_their_row_and_reason() -> None:
    analysis = analysis_of(followup=False)
    built = tables.cohort_tables(analysis, sees_individuals=True, min_group_size=5)
    row = next(r for r in built["pre_followup"].rows if r["outcome_id"] == "total")
    assert row["missing"] == analysis.outcomes["total"].missing["pre_followup"] == "no followup scores yet"
    assert built["pre_followup"].empty(row)
    follow = next(r for r in built["reliability"].rows if r["outcome_id"] == "total" and r["wave_id"] == "followup")
    assert follow["missing"] == "no follow-up responses yet"
    assert built["attrition"].rows[0]["missing"] == analysis.missing["attrition"]
    reasons = {(r["scope"], r["statistic"]) for r in built["missing"].rows}
    assert ("Leadership behaviour (total)", "repeated") in reasons and ("cohort", "attrition") in reasons


def test_undefined_numbers_carry_the_analysis_notes() -> None:
    ids = [f"P{i}" for i in range(6)]
    same = pd.DataFrame({"pre": 3.0, "post": 3.0}, index=ids)
    analysis = analyze_cohort([OutcomeData(name="total", scores=same)], scope="flat")
    row = tables.paired_table(analysis).rows[0]
    assert math.isnan(row["d_z"]) and "sd of differences is 0" in row["missing"]


def _groups(sizes: dict[str, int]):
    rng = np.random.default_rng(1)
    frames = [pd.DataFrame({"g": name, "pre": rng.normal(3, .5, n), "post": rng.normal(3.4, .5, n)})
              for name, n in sizes.items()]
    return by_group(pd.concat(frames, ignore_index=True), "g", paired, columns={"pre": "pre", "post": "post"},
                    min_n=2)


def test_one_hidden_group_hides_the_next_smallest_too() -> None:
    shown = {label: n for label, n, _ in suppress_small_groups(_groups({"A": 20, "B": 9, "C": 3, "D": 12}), 5)}
    assert shown == {"A": 20, "B": None, "C": None, "D": 12}


def test_two_hidden_groups_need_no_extra_suppression() -> None:
    shown = {label: n for label, n, _ in suppress_small_groups(_groups({"A": 20, "B": 4, "C": 3, "D": 12}), 5)}
    assert shown == {"A": 20, "B": None, "C": None, "D": 12}


def test_subgroup_table_for_managers_and_evaluators() -> None:
    result = _groups({"A": 20, "B": 9, "C": 3})
    manager = {r["group"]: r for r in tables.subgroup_table("ministry", result, min_group_size=5).rows}
    assert manager["A"]["n"] == 20 and "missing" not in manager["A"]
    assert manager["B"].get("n") is None and manager["C"].get("g_av") is None and "hidden" in manager["C"]["missing"]
    evaluator = {r["group"]: r for r in tables.subgroup_table("ministry", result).rows}
    assert evaluator["C"]["n"] == 3 and evaluator["C"]["g_av"] is not None


def test_small_baseline_levels_are_hidden_from_managers() -> None:
    analysis = analysis_of()
    levels = {r["level"]: r for r in tables.attrition_baseline_table(analysis, min_group_size=5).rows}
    assert "not shown" in levels["Tiny"]["missing"] and levels["Tiny"].get("n_retained") is None
    # with two levels, Health's shares are one minus Tiny's: Health is hidden as well (issue 12, point 2)
    assert "not shown" in levels["Health"]["missing"] and levels["Health"].get("retained_value") is None
    open_levels = {r["level"]: r for r in tables.attrition_baseline_table(analysis).rows}
    assert open_levels["Tiny"]["n_retained"] == 32
    assert open_levels["Health"]["n_retained"] == 32
    # everybody lost was from the Health ministry, so its Cox index is undefined, and says so
    assert open_levels["Health"]["missing"] == "ministry=Health: Cox index undefined (a proportion of 0 or 1); " \
                                               "read diff_proportion"


def test_a_hidden_level_leaves_no_trace_in_the_attrition_tables() -> None:
    analysis = analysis_of(ministries=["Health"] * 20 + ["Interior"] * 19 + ["Planning"])
    rows = {r["level"]: r for r in tables.attrition_baseline_table(analysis, min_group_size=5).rows}
    # Planning (one person) is hidden, and so is the next smallest level, Interior
    assert rows["Planning"].get("lost_value") is None and rows["Interior"].get("lost_value") is None
    assert rows["Health"]["lost_value"] is not None
    attrition = tables.cohort_tables(analysis, sees_individuals=False, min_group_size=5)["attrition"].rows[0]
    assert not any("Planning" in str(v) for v in attrition.values())


def test_cohort_comparison_rows() -> None:
    full, thin = analysis_of(), analysis_of(followup=False)
    table = tables.cohort_comparison_table([
        {"cohort": "C1", "students": 40, "response_rates": {"pre": 1.0}, "n_pre": 40, "n_retained": 30,
         "analysis": full},
        {"cohort": "C2", "students": 40, "response_rates": {"pre": 1.0}, "n_pre": 0, "n_retained": 0,
         "analysis": thin},
    ])
    one, two = table.rows
    assert one["g_av"] == full.outcomes["total"].pre_post.g_av and one["retention"] == 0.75
    assert two["retention"] is None and two["missing"] == "no followup scores yet"


def test_dashboard_charts_keep_words_as_text() -> None:
    analysis = analysis_of(followup=False)
    svg = dashboard.effect_forest(analysis).svg()
    words = ["".join(t.itertext()) for t in ET.fromstring(svg).iter("{http://www.w3.org/2000/svg}text")]
    # a long row label wraps onto two lines, each its own text element
    assert "Leadership behaviour (total)" in " ".join(words) and "Before \u2192 follow-up" in words
    assert words.count("not available") == 2  # no follow-up yet: both outcomes say so
    both = dashboard.both_widths(lambda width, size: dashboard.effect_forest(analysis, width=width, font_size=size))
    wide, narrow = (ET.fromstring(part.split(">", 1)[1].rsplit("</div>", 1)[0]) for part in both.split("</div><div"))
    assert wide.get("width") == "460" and narrow.get("width") == "340"
    sizes = {ET.tostring(n).decode().split('font-size="')[1].split('"')[0]
             for n in narrow.iter("{http://www.w3.org/2000/svg}text")}
    assert min(float(size) for size in sizes) >= 11.0  # a phone shows the narrow chart about as wide as drawn
    timeline = dashboard.response_chart([("pre", [(0.0, 0.0), (2.0, 0.5), (9.0, 0.9)]), ("post", [])]).svg()
    assert "Pre (90%)" in timeline and "Post (\u2013)" in timeline


@pytest.mark.parametrize("n", [3, 12])
def test_builders_never_fail_on_thin_data(n: int) -> None:
    built = tables.cohort_tables(analysis_of(n, followup=n > 3), sees_individuals=True, min_group_size=5)
    for table in built.values():
        table.csv()
        for row in table.rows:
            table.cells(row)
