"""The dashboard's "What supervisors saw" table: :class:`~lipassess.reports.observer_figures.ObserverFigures` rows.

One row per statistic (observer change, the participants' own change on the
same people, the self-observer gap, agreement among observers), each with its
n, estimate, CI and d_z, or the reason it is missing, worded as the summary
words it. Aggregates only: the minimum-raters rule was applied when the
figures were built.
"""

from __future__ import annotations

from typing import Any

from lipassess.reports.figures import Missing, MissingReason
from lipassess.reports.observer_figures import ObserverChange, ObserverFigures
from lipassess.reports.tables.base import Column, Table

__all__ = ["observers_table"]

COLUMNS = (
    Column(key="statistic", header="Statistic", kind="text"),
    Column(key="n", header="n", kind="int"),
    Column(key="estimate", header="Estimate", kind="num"),
    Column(key="ci", header="95% CI", kind="ci"),
    Column(key="d_z", header="d_z", kind="num"),
)


def _why(missing: Missing) -> str:
    wave = f" ({missing.wave})" if missing.wave else ""
    match missing.reason:
        case MissingReason.NOT_YET:
            return f"not yet: the wave has not taken place{wave}"
        case MissingReason.TOO_FEW:
            return f"too few: {missing.n} of the {missing.needed} needed{wave}"
        case MissingReason.NO_VARIANCE:
            return "no variance: everyone rated alike"
        case MissingReason.NOT_MEASURED:
            return "not measured"
        case _:
            return f"error: {missing.detail or 'the analysis could not run'}"


def _change_row(label: str, change: ObserverChange | None) -> dict[str, Any]:
    if change is None or change.missing is not None:
        return {"statistic": label, "n": change.n if change else None,
                "missing": _why(change.missing) if change and change.missing else "not measured"}
    return {"statistic": label, "n": change.n, "estimate": change.mean_diff, "ci_low": change.ci_low,
            "ci_high": change.ci_high, "d_z": change.d_z}


def observers_table(observers: ObserverFigures) -> Table:
    """The table of one scope's observer figures (supervisors, or all observers when too few supervisors)."""
    who = "supervisors" if observers.group == "supervisor" else "all observers"
    caption = f"What {'supervisors' if observers.group == 'supervisor' else 'observers'} saw: ratings by {who} " \
              f"(at least {observers.min_raters} raters of a relation; mean change on the 1-5 scale)"
    if observers.missing is not None:
        rows: list[dict[str, Any]] = [{"statistic": "Observer ratings", "missing": _why(observers.missing)}]
        return Table(name="observers", caption=caption, columns=COLUMNS, rows=tuple(rows))
    rows = [
        _change_row(f"Change seen by {who}, before \u2192 after", observers.pre_post),
        _change_row(f"Change seen by {who}, before \u2192 follow-up", observers.pre_followup),
        _change_row("Participants' own change, same people, before \u2192 after", observers.self_pre_post),
    ]
    gap = observers.gap
    if gap is not None and gap.missing is None:
        rows += [{"statistic": "Self minus observer, before", "n": gap.n, "estimate": gap.pre},
                 {"statistic": "Self minus observer, after", "n": gap.n, "estimate": gap.post},
                 {"statistic": f"Self-rated minus observer-rated change (gap {gap.verdict})", "n": gap.n,
                  "estimate": gap.change, "ci_low": gap.ci_low, "ci_high": gap.ci_high}]
    elif gap is not None and gap.missing is not None:
        rows.append({"statistic": "Self minus observer gap", "missing": _why(gap.missing)})
    agreement = observers.agreement
    if agreement is not None and agreement.missing is None:
        rows += [{"statistic": "ICC(1): one observer's reliability", "n": agreement.n, "estimate": agreement.icc1},
                 {"statistic": "ICC(1,k): reliability of the observers' mean", "n": agreement.n,
                  "estimate": agreement.icc1k},
                 {"statistic": "Median r_wg (agreement within a person's observers)", "n": agreement.n,
                  "estimate": agreement.rwg_median}]
    elif agreement is not None and agreement.missing is not None:
        rows.append({"statistic": "Agreement among observers", "missing": _why(agreement.missing)})
    notes = tuple(f"Fewer than {observers.min_raters} raters of the relation {r}: counted with all observers."
                  for r in observers.merged)
    return Table(name="observers", caption=caption, columns=COLUMNS, rows=tuple(rows), notes=notes)
