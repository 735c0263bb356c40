"""Tables across groups: subgroups with small groups suppressed, and cohorts side by side.

:func:`suppress_small_groups` hides subgroups under the minimum size for managers.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from lipassess.analysis.cohort import CohortAnalysis
from lipassess.analysis.subgroups import SubgroupResult, protect_subgroups
from lipassess.reports.tables.base import (
    TOTAL,
    Column,
    Table,
    _ci,
    _explain,
)


def suppress_small_groups(result: SubgroupResult, min_group_size: int) -> list[tuple[str, int | None, Any]]:
    """(group, n or None, result or None) with groups under ``min_group_size`` hidden.

    The rule is :func:`lipassess.analysis.subgroups.groups_to_hide` (through
    :func:`~lipassess.analysis.subgroups.protect_subgroups`): when exactly one group
    would be hidden, the next smallest is hidden too, so its numbers cannot be worked
    out from the others and the total.
    """
    return [(str(g.group), None, None) if g.suppressed else (str(g.group), g.n if isinstance(g.n, int) else None,
                                                                 g.result)
            for g in protect_subgroups(result, min_group_size).groups]



def subgroup_table(dimension: str, result: SubgroupResult | None, *, missing: str | None = None,
                   min_group_size: int | None = None) -> Table:
    """Pre/post change of the behaviour total per ministry or province.

    ``min_group_size`` (managers) hides groups under that size (see :func:`suppress_small_groups`);
    without it every computed group is shown.
    """
    rows: list[dict[str, Any]] = []
    if result is None:
        rows.append({"group": "all", "missing": missing or "not computed"})
    else:
        if min_group_size is not None:
            entries = suppress_small_groups(result, min_group_size)
            why = f"hidden: groups under {min_group_size} people are not shown"
        else:
            entries = [(str(g.group), g.n if isinstance(g.n, int) else None, g.result) for g in result.groups]
            why = f"too few pairs ({result.min_n} needed)"
        for label, n, paired_result in entries:
            row: dict[str, Any] = {"group": label}
            if paired_result is None:
                row["missing"] = why
            else:
                row.update({"n": n, "mean_diff": paired_result.mean_diff, "d_z": paired_result.d_z,
                            "g_av": paired_result.g_av,
                            **_ci("g_av_ci", paired_result.g_av_ci_low, paired_result.g_av_ci_high),
                            "p_value": paired_result.p_value})
                _explain(row, paired_result.notes)
            rows.append(row)
    columns = (
        Column(key="group", header=dimension.capitalize(), kind="text"),
        Column(key="n", header="Pairs", kind="int"),
        Column(key="mean_diff", header="Change"),
        Column(key="d_z", header="d_z"),
        Column(key="g_av", header="g_av"),
        Column(key="g_av_ci", header="g_av 95% CI", kind="ci"),
        Column(key="p_value", header="p", kind="p"),
    )
    return Table(name=f"subgroups_{dimension}", caption=f"Change in leadership behaviour (total) by {dimension}",
                 columns=columns, rows=tuple(rows))



def cohort_comparison_table(cohorts: Sequence[Mapping[str, Any]]) -> Table:
    """The cohorts side by side: response rates, retention and the behaviour-total effects.

    Each mapping has ``cohort`` (label), ``students``, ``response_rates`` (wave -> rate),
    ``n_pre``, ``n_retained`` and ``analysis`` (its :class:`CohortAnalysis`).
    """
    rows = []
    for c in cohorts:
        analysis: CohortAnalysis = c["analysis"]
        rates = c.get("response_rates", {})
        row: dict[str, Any] = {
            "cohort": c["cohort"], "students": c["students"], "response_pre": rates.get("pre"),
            "response_post": rates.get("post"), "response_followup": rates.get("followup"),
            "retention": c["n_retained"] / c["n_pre"] if c["n_pre"] else None,
            "applied": analysis.applied.share if analysis.applied else None,
        }
        total = analysis.outcomes.get(TOTAL)
        if total is None or total.pre_post is None:
            row["missing"] = (total.missing.get("pre_post") if total is not None else None) or \
                "no answers to the leadership behaviour survey yet"
        else:
            pp, pf = total.pre_post, total.pre_followup
            row.update({"n_pairs": pp.n_obs, "g_av": pp.g_av, **_ci("g_av_ci", pp.g_av_ci_low, pp.g_av_ci_high),
                        "g_av_followup": pf.g_av if pf else None,
                        **_ci("g_av_followup_ci", pf.g_av_ci_low if pf else None, pf.g_av_ci_high if pf else None),
                        "improved": total.change.improved.share if total.change else None})
            _explain(row, pp.notes)
            if pf is None and not row.get("missing"):
                row["missing"] = total.missing.get("pre_followup")
        rows.append(row)
    columns = (
        Column(key="cohort", header="Cohort", kind="text"),
        Column(key="students", header="Active students", kind="int"),
        Column(key="response_pre", header="Response pre", kind="share"),
        Column(key="response_post", header="Response post", kind="share"),
        Column(key="response_followup", header="Response follow-up", kind="share"),
        Column(key="retention", header="Retention", kind="share"),
        Column(key="n_pairs", header="Pre/post pairs", kind="int"),
        Column(key="g_av", header="g_av after"),
        Column(key="g_av_ci", header="95% CI", kind="ci"),
        Column(key="g_av_followup", header="g_av follow-up"),
        Column(key="g_av_followup_ci", header="95% CI", kind="ci"),
        Column(key="improved", header="Reliably improved", kind="share"),
        Column(key="applied", header="Applied at 6 months", kind="share"),
    )
    return Table(name="cohorts", caption="Cohorts side by side: leadership behaviour (total)", columns=columns,
                 rows=tuple(rows))
