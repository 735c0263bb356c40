"""Tables of change in the outcomes: pre/post pairs, reliable change, repeated measures, mixed model, then-test."""

from __future__ import annotations

from typing import Any

from lipassess.analysis.cohort import CohortAnalysis
from lipassess.analysis.paired import PairedResult
from lipassess.reports.tables.base import (
    WAVE_NAMES,
    Column,
    Table,
    _ci,
    _explain,
    _paired_values,
    _share_values,
    ordered_outcomes,
    outcome_label,
)

PAIRED_COLUMNS = (
    Column(key="outcome", header="Outcome", kind="text"),
    Column(key="n", header="Pairs", kind="int"),
    Column(key="mean_pre", header="Mean before"),
    Column(key="mean_post", header="Mean after"),
    Column(key="mean_diff", header="Change"),
    Column(key="mean_diff_ci", header="95% CI", kind="ci"),
    Column(key="p_value", header="p (t)", kind="p"),
    Column(key="wilcoxon_p_value", header="p (Wilcoxon)", kind="p"),
    Column(key="d_z", header="d_z"),
    Column(key="d_z_ci", header="d_z 95% CI", kind="ci"),
    Column(key="g_av", header="g_av"),
    Column(key="g_av_ci", header="g_av 95% CI", kind="ci"),
)



def paired_table(analysis: CohortAnalysis, which: str = "pre_post") -> Table:
    """Pre/post (``pre_post``) or pre/follow-up (``pre_followup``) per outcome: means, d_z, g_av, CIs."""
    rows = []
    for o in ordered_outcomes(analysis):
        result: PairedResult | None = getattr(o, which)
        row: dict[str, Any] = {"outcome": outcome_label(o.name), "outcome_id": o.name}
        if result is None:
            row["missing"] = o.missing.get(which, "not computed")
        else:
            row = _explain({**row, **_paired_values(result)}, result.notes)
        rows.append(row)
    later = "after the training" if which == "pre_post" else "at the follow-up"
    caption = (f"Change from before the training to {later}: paired means, Cohen's d_z and Hedges' g_av "
               "with 95% CIs")
    return Table(name=which, caption=caption, columns=PAIRED_COLUMNS, rows=tuple(rows))



def change_table(analysis: CohortAnalysis) -> Table:
    """Reliable change (Jacobson-Truax) pre -> post: shares improved, unchanged, declined with Wilson CIs."""
    rows = []
    for o in ordered_outcomes(analysis):
        row: dict[str, Any] = {"outcome": outcome_label(o.name), "outcome_id": o.name}
        c = o.change
        if c is None:
            row["missing"] = o.missing.get("change", "not computed")
        else:
            row.update({"n": c.n_obs, "reliability": c.reliability, "sdiff": c.sdiff,
                        **_share_values("improved", c.improved), "unchanged": c.unchanged.share,
                        **_share_values("declined", c.declined)})
            _explain(row, c.notes)
        rows.append(row)
    columns = (
        Column(key="outcome", header="Outcome", kind="text"),
        Column(key="n", header="Pairs", kind="int"),
        Column(key="reliability", header="alpha (pre) used"),
        Column(key="sdiff", header="SE of difference"),
        Column(key="improved", header="Reliably improved", kind="share"),
        Column(key="improved_ci", header="95% CI", kind="share_ci"),
        Column(key="unchanged", header="No reliable change", kind="share"),
        Column(key="declined", header="Reliably declined", kind="share"),
        Column(key="declined_ci", header="95% CI", kind="share_ci"),
    )
    return Table(name="reliable_change", caption="Share of participants who reliably improved or declined "
                 "from before to after the training (RCI, |RCI| > 1.96; Wilson 95% CIs)", columns=columns,
                 rows=tuple(rows))



def change_participants_table(analysis: CohortAnalysis) -> Table:
    """One row per participant and outcome: RCI and category (pseudonyms; evaluators and admins only)."""
    rows = []
    for o in ordered_outcomes(analysis):
        if o.change is None:
            continue
        for p in o.change.participants:
            rows.append({"participant": str(p.id), "outcome": outcome_label(o.name), "outcome_id": o.name,
                         "rci": p.rci, "category": p.category})
    columns = (
        Column(key="participant", header="Participant (pseudonym)", kind="text"),
        Column(key="outcome", header="Outcome", kind="text"),
        Column(key="rci", header="RCI"),
        Column(key="category", header="Category", kind="text"),
    )
    return Table(name="reliable_change_participants", caption="Reliable change index per participant "
                 "(pseudonymous)", columns=columns, rows=tuple(rows), row_headers=2, per_participant=True)



def repeated_table(analysis: CohortAnalysis) -> Table:
    """Three waves, complete cases: wave means, RM-ANOVA with Greenhouse-Geisser, Friedman."""
    rows = []
    for o in ordered_outcomes(analysis):
        row: dict[str, Any] = {"outcome": outcome_label(o.name), "outcome_id": o.name}
        r = o.repeated
        if r is None:
            row["missing"] = o.missing.get("repeated", "not computed")
        else:
            means = {f"mean_{w.wave}": w.mean for w in r.wave_summaries}
            row.update({"n": r.n_obs, **means, "f": r.f, "df1": r.df1, "df2": r.df2, "p_value": r.p_value,
                        "gg_epsilon": r.gg_epsilon, "p_value_gg": r.p_value_gg,
                        "eta2_generalized": r.eta2_generalized, "friedman_q": r.friedman_q,
                        "friedman_p_value": r.friedman_p_value, "kendall_w": r.kendall_w})
            _explain(row, r.notes)
        rows.append(row)
    columns = (
        Column(key="outcome", header="Outcome", kind="text"),
        Column(key="n", header="Complete cases", kind="int"),
        Column(key="mean_pre", header="Mean pre"),
        Column(key="mean_post", header="Mean post"),
        Column(key="mean_followup", header="Mean follow-up"),
        Column(key="f", header="F"),
        Column(key="df1", header="df1", kind="int"),
        Column(key="df2", header="df2", kind="int"),
        Column(key="gg_epsilon", header="GG epsilon"),
        Column(key="p_value_gg", header="p (GG)", kind="p"),
        Column(key="eta2_generalized", header="eta2 (generalized)", kind="num3"),
        Column(key="friedman_q", header="Friedman Q"),
        Column(key="friedman_p_value", header="p (Friedman)", kind="p"),
        Column(key="kendall_w", header="Kendall's W", kind="num3"),
    )
    return Table(name="repeated", caption="Three waves, complete cases: repeated-measures ANOVA "
                 "(Greenhouse-Geisser corrected) and Friedman test", columns=columns, rows=tuple(rows))



def pairwise_table(analysis: CohortAnalysis) -> Table:
    """Every pair of waves (complete cases), paired t with Holm-adjusted p."""
    rows = []
    for o in ordered_outcomes(analysis):
        if o.repeated is None:
            continue
        for c in o.repeated.pairwise:
            rows.append(_explain({"outcome": outcome_label(o.name), "outcome_id": o.name,
                                  "comparison": f"{WAVE_NAMES.get(c.b, c.b)} \u2212 {WAVE_NAMES.get(c.a, c.a)}",
                                  "n": c.n_obs, "mean_diff": c.mean_diff, "t": c.t, "df": c.df,
                                  "p_value": c.p_value, "p_holm": c.p_holm, "d_z": c.d_z}, o.repeated.notes))
    columns = (
        Column(key="outcome", header="Outcome", kind="text"),
        Column(key="comparison", header="Comparison", kind="text"),
        Column(key="n", header="n", kind="int"),
        Column(key="mean_diff", header="Difference"),
        Column(key="t", header="t"),
        Column(key="df", header="df", kind="int"),
        Column(key="p_value", header="p", kind="p"),
        Column(key="p_holm", header="p (Holm)", kind="p"),
        Column(key="d_z", header="d_z"),
    )
    return Table(name="pairwise", caption="Pairwise comparisons of the three waves (complete cases, Holm)",
                 columns=columns, rows=tuple(rows), row_headers=2)



def mixed_model_table(analysis: CohortAnalysis) -> Table:
    """Mixed model ``score ~ wave + (1 | id)`` on every available score: wave means and change from pre."""
    rows = []
    for o in ordered_outcomes(analysis):
        base: dict[str, Any] = {"outcome": outcome_label(o.name), "outcome_id": o.name}
        if o.repeated is None:
            rows.append({**base, "missing": o.missing.get("repeated", "not computed")})
            continue
        model = o.repeated.mixed_model
        contrasts = {c.wave: c for c in model.contrasts}
        for m in model.means:
            c = contrasts.get(m.wave)
            rows.append(_explain({
                **base, "wave": WAVE_NAMES.get(m.wave, m.wave), "wave_id": m.wave,
                "n_participants": model.n_participants, "estimate": m.estimate,
                **_ci("estimate_ci", m.ci_low, m.ci_high),
                "change": c.estimate if c else None,
                **_ci("change_ci", c.ci_low if c else None, c.ci_high if c else None),
                "p_value": c.p_value if c else None,
                "f": model.f, "f_p_value": model.p_value, "icc": model.icc,
            }, model.notes))
    columns = (
        Column(key="outcome", header="Outcome", kind="text"),
        Column(key="wave", header="Wave", kind="text"),
        Column(key="n_participants", header="Participants", kind="int"),
        Column(key="estimate", header="Estimated mean"),
        Column(key="estimate_ci", header="95% CI", kind="ci"),
        Column(key="change", header="Change from pre"),
        Column(key="change_ci", header="95% CI", kind="ci"),
        Column(key="p_value", header="p", kind="p"),
        Column(key="f", header="F (wave)"),
        Column(key="f_p_value", header="p (F)", kind="p"),
        Column(key="icc", header="ICC"),
    )
    return Table(name="mixed_model", caption="Mixed model (REML, random intercept per participant, "
                 "Satterthwaite df): keeps participants with a missing wave", columns=columns, rows=tuple(rows),
                 row_headers=2)



def then_test_table(analysis: CohortAnalysis) -> Table:
    """Retrospective pretest vs real pretest (response shift), and the pre/post effect both ways."""
    rows = []
    for o in ordered_outcomes(analysis):
        row: dict[str, Any] = {"outcome": outcome_label(o.name), "outcome_id": o.name}
        t = o.then_test
        if t is None:
            row["missing"] = o.missing.get("then_test", "not computed")
        else:
            row.update({
                "n": t.n_obs, "gap": t.gap.mean_diff, **_ci("gap_ci", t.gap.mean_diff_ci_low, t.gap.mean_diff_ci_high),
                "gap_d_z": t.gap.d_z, "g_av_pretest": t.with_pretest.g_av,
                **_ci("g_av_pretest_ci", t.with_pretest.g_av_ci_low, t.with_pretest.g_av_ci_high),
                "g_av_retro": t.with_retro_pre.g_av,
                **_ci("g_av_retro_ci", t.with_retro_pre.g_av_ci_low, t.with_retro_pre.g_av_ci_high),
                "direction": t.shift_direction.replace("_", " "),
            })
            _explain(row, (*t.notes, *t.gap.notes))
        rows.append(row)
    columns = (
        Column(key="outcome", header="Outcome", kind="text"),
        Column(key="n", header="n", kind="int"),
        Column(key="gap", header="Gap (retro \u2212 pre)"),
        Column(key="gap_ci", header="95% CI", kind="ci"),
        Column(key="gap_d_z", header="Gap d_z"),
        Column(key="g_av_pretest", header="g_av with pretest"),
        Column(key="g_av_pretest_ci", header="95% CI", kind="ci"),
        Column(key="g_av_retro", header="g_av with retro pretest"),
        Column(key="g_av_retro_ci", header="95% CI", kind="ci"),
        Column(key="direction", header="Shift", kind="text"),
    )
    return Table(name="then_test", caption="Then-test: the retrospective pretest against the real pretest "
                 "(response shift)", columns=columns, rows=tuple(rows))
