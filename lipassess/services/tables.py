"""Use case: the evaluator dashboard's tables as data frames (one per topic), ready for CSV.

Built from an :class:`~lipassess.services.impact.ImpactReport` (its analysis and
figures) and the wave progress of the cohorts in scope. Column names are
snake_case ASCII; numbers are unrounded (rounding is the page's job); a
statistic the analysis could not give is an empty cell, and the ``missing``
table lists why. When the data are synthetic every table carries a
``synthetic`` column of 1s, so a CSV never loses the label.

Tables: ``waves`` (response and retention per wave and cohort), ``outcomes``
(pre/post per outcome), ``reliability`` (alpha and omega per outcome and
wave), ``items`` (item analysis), ``change`` (reliable change), ``followup``
(pre/follow-up), ``repeated`` (three waves: RM-ANOVA, Friedman, mixed model),
``pairwise`` (Holm-corrected wave pairs), ``then_test``, ``attrition``,
``application``, ``subgroups`` (suppressed rows have no numbers), ``cohorts``
(per-cohort effects, program only) and ``missing``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import pandas as pd

from lipassess.analysis.cohort import outcome_summary_rows
from lipassess.services.impact import ImpactReport
from lipassess.services.progress import WaveProgress


def _frame(rows: list[dict[str, Any]], columns: Sequence[str]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=list(columns))


def waves_table(progress: Mapping[str, Sequence[WaveProgress]]) -> pd.DataFrame:
    """One row per cohort and wave: students, invited, started, submitted, response rate, reminders."""
    rows = [{"cohort": cohort, **{k: v for k, v in p.to_dict().items() if k != "wave_id"}}
            for cohort, waves in progress.items() for p in waves]
    columns = ["cohort", "kind", "opens_at", "closes_at", "active_students", "invited", "started", "submitted",
               "response_rate", "reminders_sent", "messages_failed"]
    return _frame(rows, columns).rename(columns={"kind": "wave"})


def dashboard_tables(report: ImpactReport, progress: Mapping[str, Sequence[WaveProgress]]) -> dict[str, pd.DataFrame]:
    """Every dashboard table of ``report``; ``progress`` maps cohort shortname -> its waves' progress."""
    analysis, figures = report.analysis, report.figures
    tables: dict[str, pd.DataFrame] = {"waves": waves_table(progress)}
    tables["outcomes"] = pd.DataFrame(outcome_summary_rows(analysis))
    rel, items, change, followup, repeated, pairwise, then, missing = [], [], [], [], [], [], [], []
    for name, o in analysis.outcomes.items():
        for wave, r in o.reliability.items():
            rel.append({"outcome": name, "wave": wave, "n_obs": r.n_obs, "n_items": r.n_items,
                        "n_dropped": r.n_dropped, "alpha": r.alpha, "alpha_ci_low": r.alpha_ci_low,
                        "alpha_ci_high": r.alpha_ci_high, "omega_total": r.omega_total, "average_r": r.average_r})
            if name != "total":
                items += [{"outcome": name, "wave": wave, "item": i.item, "reversed": i.reversed, "mean": i.mean,
                           "sd": i.sd, "r_drop": i.r_drop, "alpha_if_deleted": i.alpha_if_deleted,
                           "floor": i.floor, "ceiling": i.ceiling} for i in r.items]
        if o.change is not None:
            c = o.change
            change.append({"outcome": name, "n_obs": c.n_obs, "reliability": c.reliability, "sdiff": c.sdiff,
                           **{f"{k}_{f}": getattr(getattr(c, k), a) for k in ("improved", "unchanged", "declined")
                              for f, a in (("count", "successes"), ("share", "share"), ("ci_low", "ci_low"),
                                           ("ci_high", "ci_high"))}})
        if o.pre_followup is not None:
            p = o.pre_followup
            followup.append({"outcome": name, "n_pairs": p.n_obs, "mean_pre": p.mean_pre, "mean_followup": p.mean_post,
                             "mean_diff": p.mean_diff, "d_z": p.d_z, "g_av": p.g_av, "g_av_ci_low": p.g_av_ci_low,
                             "g_av_ci_high": p.g_av_ci_high, "p_value": p.p_value})
        if o.repeated is not None:
            r3, mm = o.repeated, o.repeated.mixed_model
            repeated.append({"outcome": name, "n_complete": r3.n_obs, "f": r3.f, "df1": r3.df1, "df2": r3.df2,
                             "gg_epsilon": r3.gg_epsilon, "p_value_gg": r3.p_value_gg,
                             "eta2_generalized": r3.eta2_generalized, "friedman_q": r3.friedman_q,
                             "friedman_p_value": r3.friedman_p_value, "kendall_w": r3.kendall_w,
                             "mixed_n_participants": mm.n_participants, "mixed_f": mm.f, "mixed_df2": mm.df2,
                             "mixed_p_value": mm.p_value, "mixed_icc": mm.icc})
            pairwise += [{"outcome": name, "a": pw.a, "b": pw.b, "n_obs": pw.n_obs, "mean_diff": pw.mean_diff,
                          "t": pw.t, "df": pw.df, "p_value": pw.p_value, "p_holm": pw.p_holm, "d_z": pw.d_z}
                         for pw in r3.pairwise]
        if o.then_test is not None:
            t = o.then_test
            then.append({"outcome": name, "n_obs": t.n_obs, "gap_mean_diff": t.gap.mean_diff,
                         "gap_ci_low": t.gap.mean_diff_ci_low, "gap_ci_high": t.gap.mean_diff_ci_high,
                         "gap_g_av": t.gap.g_av, "d_av_pretest": t.with_pretest.d_av,
                         "d_av_retro_pre": t.with_retro_pre.d_av, "d_av_difference": t.d_av_difference,
                         "shift_direction": t.shift_direction})
        missing += [{"outcome": name, "statistic": stat, "why": why} for stat, why in o.missing.items()]
    missing += [{"outcome": "", "statistic": stat, "why": why} for stat, why in analysis.missing.items()]
    tables["reliability"] = _frame(rel, ["outcome", "wave", "n_obs", "n_items", "n_dropped", "alpha", "alpha_ci_low",
                                         "alpha_ci_high", "omega_total", "average_r"])
    tables["items"] = _frame(items, ["outcome", "wave", "item", "reversed", "mean", "sd", "r_drop",
                                     "alpha_if_deleted", "floor", "ceiling"])
    tables["change"] = pd.DataFrame(change)
    tables["followup"] = pd.DataFrame(followup)
    tables["repeated"] = pd.DataFrame(repeated)
    tables["pairwise"] = pd.DataFrame(pairwise)
    tables["then_test"] = pd.DataFrame(then)
    a = analysis.attrition
    tables["attrition"] = _frame(
        [{"variable": v.variable, "level": v.level, "n_retained": v.n_retained, "n_lost": v.n_lost,
          "retained_value": v.retained_value, "lost_value": v.lost_value, "effect_size": v.effect_size,
          "measure": v.measure, "wwc": v.wwc, "overall_attrition": a.overall_attrition}
         for v in (a.variables if a is not None else ())],
        ["variable", "level", "n_retained", "n_lost", "retained_value", "lost_value", "effect_size", "measure", "wwc",
         "overall_attrition"])
    p = analysis.applied
    tables["application"] = _frame(
        [{"applied": p.successes, "n_obs": p.n_obs, "share": p.share, "ci_low": p.ci_low, "ci_high": p.ci_high}]
        if p is not None else [], ["applied", "n_obs", "share", "ci_low", "ci_high"])
    tables["subgroups"] = _frame(
        [{"dimension": r.dimension, "group": r.label, "suppressed": r.suppressed, "n": r.n,
          "g_av": r.pre_post.g_av if r.pre_post else None, "g_av_ci_low": r.pre_post.ci_low if r.pre_post else None,
          "g_av_ci_high": r.pre_post.ci_high if r.pre_post else None, "n_pairs": r.pre_post.n if r.pre_post else None}
         for r in figures.subgroups],
        ["dimension", "group", "suppressed", "n", "g_av", "g_av_ci_low", "g_av_ci_high", "n_pairs"])
    if figures.cohorts:
        tables["cohorts"] = _frame(
            [{"cohort": c.label, "n_pairs": c.pre_post.n, "g_av": c.pre_post.g_av, "g_av_ci_low": c.pre_post.ci_low,
              "g_av_ci_high": c.pre_post.ci_high, "missing": c.pre_post.missing.reason.value
              if c.pre_post.missing else None} for c in figures.cohorts],
            ["cohort", "n_pairs", "g_av", "g_av_ci_low", "g_av_ci_high", "missing"])
    tables["missing"] = _frame(missing, ["outcome", "statistic", "why"])
    if figures.synthetic:
        tables = {name: table.assign(synthetic=1) for name, table in tables.items()}
    return tables
