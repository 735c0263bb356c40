"""Undefined means undefined, with a reason (issue 15, point 6).

Every NaN in a result (and in the rows nested in it that have no notes of their
own) must be explained by a note of that result: the degenerate data sets below
produce NaNs, and each NaN field names the words a note must contain.
"""

from __future__ import annotations

import dataclasses
import math
import re
from collections.abc import Callable, Iterator
from typing import Any

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose

from lipassess.analysis import attrition, paired, proportion, reliability, repeated

# Field name -> a pattern one of the result's notes must match (case-insensitive).
REASONS: list[tuple[str, str]] = [
    (r"^wilcoxon_r_rb", r"rank-biserial"),
    (r"^wilcoxon_", r"wilcoxon"),
    (r"^(g_z|d_z)", r"\bd_z\b|\bg_z\b"),
    (r"^(d_av|g_av)", r"\bd_av\b"),
    (r"^r$", r"\br undefined"),
    (r"^(t|p_value|p_holm)$", r"\bt is\b|\bt, p\b"),
    (r"^(f|p_value)$", r"rm-anova"),
    (r"^(gg_epsilon|p_value_gg)$", r"greenhouse-geisser|epsilons"),
    (r"^(p_value_gg|p_value_hf)$", r"corrected p-values"),
    (r"^(hf_epsilon|p_value_hf)$", r"huynh-feldt|epsilons"),
    (r"^mauchly", r"mauchly"),
    (r"^eta2", r"eta2"),
    (r"^(friedman|kendall)", r"friedman"),
    (r"^(alpha|sem|average_r|r_drop|r_cor|r_item_total)", r"alpha|same answer|reliability"),
    (r"^r_cor$", r"r_cor"),
    (r"^(omega|loading)", r"omega"),
    (r"^(effect_size|max_abs_effect|t_student|p_student)", r"standardized difference|cox|nobody"),
    (r"^(t_welch|df_welch|p_welch)", r"welch|numeric variables"),
    (r"^(mann_whitney|rank_biserial)", r"mann-whitney"),
    (r"^differential", r"differential"),
    (r"^(retained_sd|lost_sd)", r"group of one"),
]
# Not applicable by kind, as BaselineDifference's docstring says.
BY_KIND = {"numeric": {"diff_proportion"}, "categorical": {"retained_sd", "lost_sd"}}


def nan_fields(result: Any) -> Iterator[str]:
    """Names of the NaN fields of ``result`` and of nested rows without notes of their own."""
    for f in dataclasses.fields(result):
        value = getattr(result, f.name)
        rows = value if isinstance(value, tuple) else (value,)
        for row in rows:
            if dataclasses.is_dataclass(row) and not hasattr(row, "notes"):
                skip = BY_KIND.get(getattr(row, "kind", ""), set())
                yield from (name for name in nan_fields(row) if name not in skip)
        if isinstance(value, float) and math.isnan(value):
            yield f.name


def unexplained(result: Any, *, whole: str | None = None) -> list[str]:
    """NaN fields no note explains; ``whole``: a pattern that explains every field at once."""
    text = " ".join(result.notes).lower()
    missing = []
    for name in sorted(set(nan_fields(result))):
        patterns = [reason for field, reason in REASONS if re.search(field, name)]
        patterns += [whole] if whole else []
        if not any(re.search(p, text) for p in patterns):
            missing.append(name)
    return missing


def frame(**columns: list[float]) -> pd.DataFrame:
    return pd.DataFrame(columns)


SCENARIOS: dict[str, Callable[[], Any]] = {
    "paired, equal change": lambda: paired([1, 2, 3, 4.0], [2, 3, 4, 5.0]),
    "paired, equal change up to float noise": lambda: paired(
        np.array([20, 23, 21, 26, 22]) / 6, np.array([21, 24, 22, 27, 23]) / 6),
    "paired, no change": lambda: paired([1, 2, 3, 4.0], [1, 2, 3, 4.0]),
    "paired, two pairs": lambda: paired([1, 2.0], [3, 5.0]),
    "paired, constant waves": lambda: paired([3, 3, 3.0], [4, 4, 4.0]),
    "repeated, identical": lambda: repeated(frame(a=[3.0] * 4, b=[3.0] * 4, c=[3.0] * 4)),
    "repeated, constant waves": lambda: repeated(frame(a=[3.0] * 4, b=[4.0] * 4, c=[5.0] * 4)),
    "repeated, additive": lambda: repeated(frame(a=[1, 2, 3, 4.0], b=[2, 3, 4, 5.0],
                                                 c=[3, 4, 5, 6.0])),
    "repeated, two participants": lambda: repeated(frame(a=[1, 2.0], b=[2, 4.0], c=[3, 3.0])),
    "reliability, identical": lambda: reliability(frame(a=[3] * 4, b=[3] * 4, c=[3] * 4)),
    "reliability, two items": lambda: reliability(frame(a=[1, 2, 3, 4], b=[2, 2, 4, 5])),
    "reliability, a constant item": lambda: reliability(
        frame(a=[1, 2, 3, 4], b=[2, 2, 4, 5], c=[3, 3, 3, 3])),
    "reliability, fewer rows than items": lambda: reliability(
        frame(a=[1, 2, 4], b=[2, 1, 5], c=[1, 3, 3], d=[2, 2, 5], e=[5, 1, 4])),
    "attrition, nobody lost": lambda: attrition(frame(s=[1, 2, 3.0]), [True] * 3),
    "attrition, one lost": lambda: attrition(
        pd.DataFrame({"s": [1, 2, 3.0], "g": ["a", "b", "a"]}), [True, True, False]),
    "attrition, no variance": lambda: attrition(frame(s=[2, 2, 2, 2.0]),
                                                [True, True, False, False]),
    "share of nobody": lambda: proportion(0, 5),
}


@pytest.mark.parametrize("name", list(SCENARIOS))
def test_every_nan_has_its_reason(name: str) -> None:
    result = SCENARIOS[name]()
    assert unexplained(result) == []
    if hasattr(result, "mixed_model"):
        # A model that cannot be fitted says so once for all its figures.
        assert unexplained(result.mixed_model, whole=r"mixed model is undefined") == []


def test_exact_wave_means_are_reported_not_nan() -> None:
    res = repeated(frame(a=[0.1] * 5, b=[0.4] * 5, c=[0.4, 0.4, 0.4, 0.4, np.nan]))
    means = res.mixed_model.means
    assert_allclose([m.estimate for m in means], [0.1, 0.4, 0.4], rtol=0)
    assert all(m.se == 0.0 and m.ci_low == m.ci_high == m.estimate for m in means)
    assert_allclose([c.estimate for c in res.mixed_model.contrasts], [0.3, 0.3], rtol=1e-15)
    assert [w.mean for w in res.wave_summaries] == pytest.approx([0.1, 0.4, 0.4])
    assert any("exact" in note for note in res.mixed_model.notes)


def test_equal_change_up_to_float_noise_is_not_a_huge_t() -> None:
    # Without the tie-safe check, sd(diff) ~ 1e-16 gives t ~ 1e15 and p = 0.
    res = paired(np.array([20, 23, 21, 26, 22]) / 6, np.array([21, 24, 22, 27, 23]) / 6)
    assert math.isnan(res.t) and math.isnan(res.d_z)
    assert any("t is infinite" in note for note in res.notes)


def test_r_cor_is_undefined_when_the_correlations_are_singular() -> None:
    # Three rows, five items: R has rank 2, so the squared multiple correlations
    # psych puts on its diagonal do not exist (an inverse would be rounding noise).
    r = reliability(frame(a=[1, 2, 4], b=[2, 1, 5], c=[1, 3, 3], d=[2, 2, 5], e=[5, 1, 4]))
    assert all(math.isnan(item.r_cor) for item in r.items)
    assert any(note.startswith("r_cor is NaN") for note in r.notes)
