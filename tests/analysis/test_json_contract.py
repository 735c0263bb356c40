"""The JSON of `lipassess analyze` and of every result only gains keys (issue 15, Done when).

The key sets below are those of the results before issue 15 (commit 75f1a55);
a key may be added, none may go or be renamed.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from lipassess.analysis import (
    attrition,
    paired,
    proportion,
    reliability,
    reliable_change,
    repeated,
    then_test,
)

DATA = Path(__file__).parent / "data"

BEFORE: dict[str, set[str]] = {
    "paired": {
        "ci",
        "d_av",
        "d_av_ci_high",
        "d_av_ci_low",
        "d_z",
        "d_z_ci_high",
        "d_z_ci_low",
        "df",
        "g_av",
        "g_av_ci_high",
        "g_av_ci_low",
        "mean_diff",
        "mean_diff_ci_high",
        "mean_diff_ci_low",
        "mean_post",
        "mean_pre",
        "method",
        "n_obs",
        "notes",
        "p_value",
        "r",
        "sd_post",
        "sd_pre",
        "t",
        "wilcoxon_method",
        "wilcoxon_p_value",
        "wilcoxon_statistic",
    },
    "repeated": {
        "df1",
        "df2",
        "eta2_generalized",
        "eta2_partial",
        "f",
        "friedman_df",
        "friedman_p_value",
        "friedman_q",
        "gg_epsilon",
        "kendall_w",
        "mixed_model",
        "n_obs",
        "notes",
        "p_value",
        "p_value_gg",
        "pairwise",
        "wave_summaries",
        "waves",
    },
    "repeated.pairwise": {
        "a",
        "b",
        "d_z",
        "df",
        "mean_diff",
        "n_obs",
        "p_holm",
        "p_value",
        "t",
    },
    "repeated.wave_summaries": {
        "mean",
        "n_obs",
        "sd",
        "wave",
    },
    "repeated.mixed_model": {
        "ci",
        "contrasts",
        "df1",
        "df2",
        "f",
        "icc",
        "means",
        "method",
        "n_complete",
        "n_obs",
        "n_participants",
        "notes",
        "p_value",
        "reml_criterion",
        "var_participant",
        "var_residual",
    },
    "reliability": {
        "alpha",
        "alpha_ci_high",
        "alpha_ci_low",
        "alpha_standardized",
        "average_r",
        "ci",
        "items",
        "mean_score",
        "method",
        "missing",
        "n_dropped",
        "n_items",
        "n_obs",
        "notes",
        "omega_ci_high",
        "omega_ci_low",
        "omega_se",
        "omega_total",
        "reversed",
        "scale",
        "sd_score",
        "sem",
    },
    "reliability.items": {
        "alpha_if_deleted",
        "ceiling",
        "floor",
        "item",
        "loading",
        "mean",
        "r_drop",
        "reversed",
        "sd",
    },
    "attrition": {
        "differential_attrition",
        "flag",
        "groups",
        "max_abs_effect",
        "n_lost",
        "n_obs",
        "n_retained",
        "notes",
        "overall_attrition",
        "variables",
        "wwc_category",
    },
    "attrition.variables": {
        "diff_proportion",
        "effect_size",
        "kind",
        "level",
        "lost_sd",
        "lost_value",
        "measure",
        "n_lost",
        "n_retained",
        "retained_sd",
        "retained_value",
        "suppressed",
        "variable",
        "wwc",
    },
    "proportion": {
        "ci",
        "ci_high",
        "ci_low",
        "method",
        "n_obs",
        "notes",
        "share",
        "successes",
    },
    "change": {
        "ci",
        "criterion",
        "declined",
        "higher_is_better",
        "improved",
        "method",
        "n_dropped",
        "n_obs",
        "notes",
        "participants",
        "reliability",
        "sd_pre",
        "sdiff",
        "sem",
        "unchanged",
    },
    "change.participants": {
        "category",
        "id",
        "rci",
    },
    "then_test": {
        "d_av_difference",
        "gap",
        "interpretation",
        "n_obs",
        "notes",
        "shift_direction",
        "with_pretest",
        "with_retro_pre",
    },
}


def current() -> dict[str, set[str]]:
    w = pd.read_csv(DATA / "waves_small.csv", index_col="id")
    bfi = pd.read_csv(DATA / "bfi_agreeableness.csv", index_col="id")
    r = repeated(w).to_dict()
    rel = reliability(bfi[["A1", "A2", "A3", "A4", "A5"]], reverse=["A1"], scale=(1, 6)).to_dict()
    a = attrition(pd.DataFrame({"s": [1, 2, 3, 4.0], "g": ["a", "b", "a", "b"]}),
                  [True, False, True, False]).to_dict()
    c = reliable_change(w["pre"], w["post"], reliability=0.8).to_dict()
    return {
        "paired": set(paired(w["pre"], w["post"]).to_dict()),
        "repeated": set(r),
        "repeated.pairwise": set(r["pairwise"][0]),
        "repeated.wave_summaries": set(r["wave_summaries"][0]),
        "repeated.mixed_model": set(r["mixed_model"]),
        "reliability": set(rel),
        "reliability.items": set(rel["items"][0]),
        "attrition": set(a),
        "attrition.variables": set(a["variables"][0]),
        "proportion": set(proportion(3, 7).to_dict()),
        "change": set(c),
        "change.participants": set(c["participants"][0]),
        "then_test": set(then_test(w["pre"], w["post"], w["followup"]).to_dict()),
    }


def test_results_only_gain_keys() -> None:
    now = current()
    lost = {name: sorted(keys - now[name]) for name, keys in BEFORE.items() if keys - now[name]}
    assert lost == {}
    # and the new figures are there
    assert {"g_z", "wilcoxon_r_rb"} <= now["paired"]
    assert {"hf_epsilon", "mauchly_w"} <= now["repeated"]
    assert {"alpha_pairwise", "n_obs_pairwise", "alpha_duhachek_ci_low"} <= now["reliability"]
    assert {"t_welch", "mann_whitney_u"} <= now["attrition.variables"]
    assert {"clopper_pearson_ci_low", "wilson_cc_ci_low"} <= now["proportion"]
