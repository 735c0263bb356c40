"""Tables of reliability and item analysis, per outcome and wave."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from lipassess.analysis.cohort import CohortAnalysis, OutcomeAnalysis
from lipassess.reports.tables.base import (
    WAVE_NAMES,
    Column,
    Table,
    _ci,
    _explain,
    ordered_outcomes,
    outcome_label,
)
from lipassess.vocabulary import MEASUREMENT_WAVES


def _waves_of(o: OutcomeAnalysis) -> list[str]:
    """pre, post, follow-up (each gets a row, with a reason when it has no data), then any other wave."""
    seen = set(o.reliability) | {k.removeprefix("reliability_") for k in o.missing if k.startswith("reliability_")}
    return [*MEASUREMENT_WAVES, *sorted(seen - set(MEASUREMENT_WAVES))]



def reliability_table(analysis: CohortAnalysis) -> Table:
    """Cronbach's alpha (Feldt CI) and McDonald's omega total per outcome and wave."""
    rows = []
    for o in ordered_outcomes(analysis):
        for wave in _waves_of(o):
            row: dict[str, Any] = {"outcome": outcome_label(o.name), "outcome_id": o.name,
                                   "wave": WAVE_NAMES.get(wave, wave), "wave_id": wave}
            result = o.reliability.get(wave)
            if result is None:
                row["missing"] = o.missing.get(f"reliability_{wave}", f"no {WAVE_NAMES.get(wave, wave)} responses yet")
            else:
                row.update({
                    "n": result.n_obs, "n_items": result.n_items, "alpha": result.alpha,
                    **_ci("alpha_ci", result.alpha_ci_low, result.alpha_ci_high),
                    "omega_total": result.omega_total,
                    **_ci("omega_ci", result.omega_ci_low, result.omega_ci_high),
                    "mean_score": result.mean_score, "sd_score": result.sd_score, "sem": result.sem,
                    "notes": "; ".join(result.notes) or None,
                })
                _explain(row, result.notes)
            rows.append(row)
    columns = (
        Column(key="outcome", header="Outcome", kind="text"),
        Column(key="wave", header="Wave", kind="text"),
        Column(key="n", header="n", kind="int"),
        Column(key="n_items", header="Items", kind="int"),
        Column(key="alpha", header="alpha"),
        Column(key="alpha_ci", header="alpha 95% CI", kind="ci"),
        Column(key="omega_total", header="omega total"),
        Column(key="omega_ci", header="omega 95% CI", kind="ci"),
        Column(key="mean_score", header="Mean"),
        Column(key="sd_score", header="SD"),
        Column(key="sem", header="SEM"),
        Column(key="notes", header="Notes", kind="note"),
    )
    return Table(name="reliability", caption="Reliability per outcome and wave: Cronbach's alpha (Feldt 95% CI) "
                 "and McDonald's omega total (one-factor ML, 95% CI Wald on the logit scale)", columns=columns,
                 rows=tuple(rows), row_headers=2)



ITEM_COLUMNS = (
    Column(key="item", header="Item", kind="text"),
    Column(key="reversed", header="Reverse-keyed", kind="bool"),
    Column(key="mean", header="Mean"),
    Column(key="sd", header="SD"),
    Column(key="r_drop", header="Corrected item-total r"),
    Column(key="alpha_if_deleted", header="alpha if deleted"),
    Column(key="floor", header="At lowest", kind="share"),
    Column(key="ceiling", header="At highest", kind="share"),
    Column(key="loading", header="Loading"),
)



def item_rows(analysis: CohortAnalysis, reverse_keyed: Iterable[str] = ()) -> list[dict[str, Any]]:
    """One row per outcome, wave and item (the item analysis behind each reliability).

    The analysis receives answers already reverse-keyed; ``reverse_keyed`` names the
    items the instrument reverses, so the table can say which they are.
    """
    reversed_items = set(reverse_keyed)
    rows = []
    for o in ordered_outcomes(analysis):
        for wave in MEASUREMENT_WAVES:
            result = o.reliability.get(wave)
            if result is None:
                continue
            for item in result.items:
                rows.append({"outcome": outcome_label(o.name), "outcome_id": o.name,
                             "wave": WAVE_NAMES.get(wave, wave), "wave_id": wave, "item": item.item,
                             "reversed": item.reversed or str(item.item) in reversed_items, "mean": item.mean,
                             "sd": item.sd, "r_drop": item.r_drop, "alpha_if_deleted": item.alpha_if_deleted,
                             "floor": item.floor, "ceiling": item.ceiling, "loading": item.loading})
    return rows



def items_table(analysis: CohortAnalysis, *, outcome: str | None = None, wave: str | None = None,
                reverse_keyed: Iterable[str] = ()) -> Table:
    """Item analysis: all outcomes and waves (the CSV), or one outcome and wave (an expandable block)."""
    rows = [r for r in item_rows(analysis, reverse_keyed)
            if (outcome is None or r["outcome_id"] == outcome) and (wave is None or r["wave_id"] == wave)]
    if outcome is None:
        columns = (Column(key="outcome", header="Outcome", kind="text"),
                   Column(key="wave", header="Wave", kind="text"), *ITEM_COLUMNS)
        return Table(name="items", caption="Item analysis per outcome and wave", columns=columns,
                     rows=tuple(rows), row_headers=3)
    caption = f"Item analysis: {outcome_label(outcome)}, {WAVE_NAMES.get(wave or '', wave)}"
    return Table(name="items", caption=caption, columns=ITEM_COLUMNS, rows=tuple(rows))



def item_tables(analysis: CohortAnalysis, reverse_keyed: Iterable[str] = ()) -> dict[tuple[str, str], Table]:
    """One item-analysis table per outcome and wave that has a reliability, total first, waves in order."""
    keyed = frozenset(reverse_keyed)
    return {(o.name, wave): items_table(analysis, outcome=o.name, wave=wave, reverse_keyed=keyed)
            for o in ordered_outcomes(analysis) for wave in MEASUREMENT_WAVES if wave in o.reliability}
