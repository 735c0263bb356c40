"""Tables of who took part: wave progress, retention, attrition and its baseline check, application, missing."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from lipassess.analysis.cohort import CohortAnalysis
from lipassess.analysis.subgroups import protect_attrition
from lipassess.reports.narrative import PROGRAM_EARLIER_APPLIED_SHARE
from lipassess.reports.tables.base import (
    WAVE_NAMES,
    Column,
    Table,
    _ci,
    _explain,
    ordered_outcomes,
    outcome_label,
)


def progress_table(waves: Iterable[Mapping[str, Any]]) -> Table:
    """Per wave: dates, invited, started, submitted, response rate, reminders (``WaveProgress.to_dict()``)."""
    rows = []
    for w in waves:
        rows.append({**w, "wave": WAVE_NAMES.get(str(w["kind"]), str(w["kind"])),
                     "opens_at": _date(w.get("opens_at")), "closes_at": _date(w.get("closes_at"))})
    columns = (
        Column(key="wave", header="Wave", kind="text"),
        Column(key="opens_at", header="Opens", kind="date"),
        Column(key="closes_at", header="Closes", kind="date"),
        Column(key="active_students", header="Active students", kind="int"),
        Column(key="invited", header="Invited", kind="int"),
        Column(key="started", header="Started", kind="int"),
        Column(key="submitted", header="Submitted", kind="int"),
        Column(key="response_rate", header="Response rate", kind="share"),
        Column(key="reminders_sent", header="Reminders sent", kind="int"),
        Column(key="messages_failed", header="Messages failed", kind="int"),
        Column(key="messages_unknown", header="Messages of unknown fate", kind="int"),
        Column(key="messages_pending", header="Messages pending", kind="int"),
    )
    return Table(name="progress", caption="Response rate and reminders per wave (submitted / active students)",
                 columns=columns, rows=tuple(rows))



def _date(value: Any) -> str | None:
    if value is None:
        return None
    text = value.isoformat() if hasattr(value, "isoformat") else str(value)
    return text[:10]



def retention_table(n_pre: int, n_retained: int) -> Table:
    """Pre respondents and how many of them answered the follow-up."""
    row: dict[str, Any] = {"n_pre": n_pre, "n_retained": n_retained,
                           "retention_rate": n_retained / n_pre if n_pre else None}
    if not n_pre:
        row["missing"] = "nobody has answered the pre-training survey yet"
    columns = (
        Column(key="n_pre", header="Answered the pre survey", kind="int"),
        Column(key="n_retained", header="Of them answered the follow-up", kind="int"),
        Column(key="retention_rate", header="Retention", kind="share"),
    )
    return Table(name="retention", caption="Retention from the pre survey to the follow-up", columns=columns,
                 rows=(row,), row_headers=0)



def attrition_table(analysis: CohortAnalysis) -> Table:
    """Overall and differential attrition at the follow-up and the WWC baseline-equivalence check."""
    a = analysis.attrition
    row: dict[str, Any] = {}
    if a is None:
        row["missing"] = analysis.missing.get("attrition", "not computed")
    else:
        row.update({"n": a.n_obs, "n_retained": a.n_retained, "n_lost": a.n_lost,
                    "overall_attrition": a.overall_attrition, "differential_attrition": a.differential_attrition,
                    "max_abs_effect": a.max_abs_effect, "wwc_category": a.wwc_category, "flag": a.flag})
        _explain(row, a.notes)
    columns = (
        Column(key="n", header="At baseline", kind="int"),
        Column(key="n_retained", header="Retained", kind="int"),
        Column(key="n_lost", header="Lost", kind="int"),
        Column(key="overall_attrition", header="Attrition", kind="share"),
        Column(key="differential_attrition", header="Differential attrition", kind="share"),
        Column(key="max_abs_effect", header="Largest baseline difference"),
        Column(key="wwc_category", header="WWC baseline equivalence", kind="text"),
        Column(key="flag", header="Needs attention", kind="bool"),
    )
    notes = tuple(a.notes) if a is not None else ()
    return Table(name="attrition", caption="Attrition before the follow-up", columns=columns, rows=(row,),
                 row_headers=0, notes=notes)



def attrition_baseline_table(analysis: CohortAnalysis, *, min_group_size: int | None = None) -> Table:
    """Baseline differences between retained and lost participants, one row per variable or level.

    With ``min_group_size`` (managers), a categorical level held by fewer people than that,
    and a second one when only one would be hidden
    (:func:`lipassess.analysis.subgroups.protect_attrition`), is shown without numbers.
    """
    a = analysis.attrition
    if a is not None and min_group_size is not None:
        a = protect_attrition(a, min_group_size)
    rows = []
    if a is None:
        rows.append({"variable": "baseline", "missing": analysis.missing.get("attrition", "not computed")})
    else:
        for v in a.variables:
            row: dict[str, Any] = {"variable": v.variable.replace("_", " "), "level": v.level}
            if v.suppressed:
                row["missing"] = (f"fewer than {min_group_size} people, or hidden so that such a group "
                                  "cannot be worked out: not shown")
            else:
                row.update({"n_retained": v.n_retained, "n_lost": v.n_lost, "retained_value": v.retained_value,
                            "lost_value": v.lost_value, "effect_size": v.effect_size, "measure": v.measure,
                            "wwc": v.wwc})
                label = v.variable if v.level is None else f"{v.variable}={v.level}"
                _explain(row, [note for note in a.notes if note.startswith(label)] or a.notes)
            rows.append(row)
    columns = (
        Column(key="variable", header="Variable", kind="text"),
        Column(key="level", header="Level", kind="text"),
        Column(key="n_retained", header="n retained", kind="int"),
        Column(key="n_lost", header="n lost", kind="int"),
        Column(key="retained_value", header="Retained (mean or share)"),
        Column(key="lost_value", header="Lost (mean or share)"),
        Column(key="effect_size", header="Standardized difference"),
        Column(key="measure", header="Measure", kind="text"),
        Column(key="wwc", header="WWC", kind="text"),
    )
    return Table(name="attrition_baseline", caption="Did those lost before the follow-up differ at baseline?",
                 columns=columns, rows=tuple(rows), row_headers=2)



def applied_table(analysis: CohortAnalysis) -> Table:
    """Share who applied the skills at six months (Wilson CI), beside the program's earlier figure."""
    p = analysis.applied
    row: dict[str, Any] = {"earlier": PROGRAM_EARLIER_APPLIED_SHARE}
    if p is None:
        row["missing"] = analysis.missing.get("applied", "not computed")
    else:
        row.update({"n": p.n_obs, "applied": p.successes, "share": p.share, **_ci("share_ci", p.ci_low, p.ci_high)})
    columns = (
        Column(key="n", header="Answered", kind="int"),
        Column(key="applied", header="Applied the skills", kind="int"),
        Column(key="share", header="Share", kind="share"),
        Column(key="share_ci", header="95% CI (Wilson)", kind="share_ci"),
        Column(key="earlier", header="Program's earlier figure", kind="share"),
    )
    return Table(name="applied", caption="Application of the skills at six months", columns=columns, rows=(row,),
                 row_headers=0)



def missing_table(analysis: CohortAnalysis) -> Table:
    """Every statistic that could not be computed, and why."""
    rows = [{"scope": outcome_label(o.name), "statistic": stat.replace("_", " "), "reason": why}
            for o in ordered_outcomes(analysis) for stat, why in o.missing.items()]
    rows += [{"scope": "cohort" if analysis.scope != "program" else "program", "statistic": stat.replace("_", " "),
              "reason": why} for stat, why in analysis.missing.items()]
    columns = (
        Column(key="scope", header="Outcome", kind="text"),
        Column(key="statistic", header="Statistic", kind="text"),
        Column(key="reason", header="Why it is missing", kind="note"),
    )
    return Table(name="missing", caption="Statistics that could not be computed, and why", columns=columns,
                 rows=tuple(rows), row_headers=2)
