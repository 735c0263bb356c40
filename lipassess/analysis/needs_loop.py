"""Closing the loop: did the competencies with the largest training needs change most?

:func:`needs_and_change` sets each competency's need (Borich MWDS, from
:func:`lipassess.analysis.needs_assessment`) against how much the matching
outcome changed after the course (an effect size per competency, computed by
the caller, e.g. Hedges' g_av pre to post of the behaviour subscale).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
from scipy import stats

from lipassess.analysis._ranks import tie_safe
from lipassess.analysis._results import ResultMixin, format_table
from lipassess.analysis.needs import NeedsResult
from lipassess.errors import InvalidInput

__all__ = ["ALIGNED", "OPPOSITE", "TOO_FEW", "UNCLEAR", "NeedChange", "NeedsLoopResult", "needs_and_change"]

ALIGNED, OPPOSITE, UNCLEAR, TOO_FEW = "aligned", "opposite", "unclear", "too_few"
STRONG_RHO = 0.5
"""|rho| from which the verdict is ``aligned`` or ``opposite`` (Cohen's 1988 "large" correlation)."""
MIN_COMPETENCIES = 3


@dataclass(frozen=True, slots=True, kw_only=True)
class NeedChange(ResultMixin):
    """One competency: its need and its change.

    Attributes
    ----------
    competency : str
        Its id.
    rank : int or None
        Its need rank (1 = largest MWDS).
    mwds : float
        Its need.
    change, change_ci_low, change_ci_high : float
        Its change and CI as given (NaN when not measured).
    """

    competency: str
    rank: int | None
    mwds: float
    change: float
    change_ci_low: float
    change_ci_high: float


@dataclass(frozen=True, slots=True, kw_only=True)
class NeedsLoopResult(ResultMixin):
    """Needs against change.

    Attributes
    ----------
    rows : tuple of NeedChange
        In need order; competencies without a change measure last.
    n_obs : int
        Competencies with both a need and a change.
    spearman_rho : float
        Rank correlation of MWDS and change over those (NaN with fewer than 3).
    verdict : str
        ``aligned`` (rho >= 0.5: the largest needs changed most), ``opposite``
        (rho <= -0.5), ``unclear`` or ``too_few`` (under 3 competencies).
    not_measured : tuple of str
        Competencies with a need but no change measure.
    method : str
        In words.
    notes : tuple of str
        Data facts.
    """

    rows: tuple[NeedChange, ...]
    n_obs: int
    spearman_rho: float
    verdict: str
    not_measured: tuple[str, ...]
    method: str
    notes: tuple[str, ...]

    def summary(self) -> str:
        """The table, then rho and the verdict."""
        table = format_table(["competency", "rank", "mwds", "change", "ci_low", "ci_high"],
                             [[r.competency, r.rank if r.rank is not None else "NA", r.mwds, r.change,
                               r.change_ci_low, r.change_ci_high] for r in self.rows])
        lines = ["Needs against change", table,
                 f"  Spearman rho {self.spearman_rho:.3f} over {self.n_obs} competencies: {self.verdict}"]
        lines += [f"  note: {note}" for note in self.notes]
        return "\n".join(lines)


def _triple(value: float | tuple[float, float, float] | None) -> tuple[float, float, float]:
    if value is None:
        return math.nan, math.nan, math.nan
    if isinstance(value, tuple):
        if len(value) != 3:
            raise InvalidInput("Give each change as a number or as (estimate, ci_low, ci_high).")
        return float(value[0]), float(value[1]), float(value[2])
    return float(value), math.nan, math.nan


def needs_and_change(needs: NeedsResult,
                     change: Mapping[str, float | tuple[float, float, float] | None]) -> NeedsLoopResult:
    """Whether the competencies with the largest needs changed most, as a rank correlation.

    Parameters
    ----------
    needs : NeedsResult
        The needs assessment (before the course).
    change : mapping of competency id to float or (estimate, ci_low, ci_high)
        How much each competency's outcome changed after the course; a
        competency missing here (or None) is "not measured".

    Returns
    -------
    NeedsLoopResult
        JSON keys: ``rows`` (``competency``, ``rank``, ``mwds``, ``change``,
        ``change_ci_low``, ``change_ci_high``), ``n_obs``, ``spearman_rho``,
        ``verdict``, ``not_measured``, ``method``, ``notes``.

    Notes
    -----
    Spearman's rho between MWDS_k and change_k over the competencies that have
    both (average ranks for ties; R's ``cor(mwds, change, method =
    "spearman")``). With six or nine competencies rho describes, it does not
    test: no p-value is given. The verdict reads rho against 0.5, a large
    correlation in Cohen's (1988) terms.

    References
    ----------
    Cohen, J. (1988). Statistical power analysis for the behavioral sciences
    (2nd ed.). Hillsdale, NJ: Erlbaum.

    Examples
    --------
    >>> import pandas as pd
    >>> from lipassess.analysis import needs_assessment
    >>> needs = needs_assessment(pd.DataFrame({"a.importance": [5, 5], "a.competence": [1, 2],
    ...     "b.importance": [4, 4], "b.competence": [3, 3], "c.importance": [3, 4], "c.competence": [3, 3]}))
    >>> result = needs_and_change(needs, {"a": 0.9, "b": 0.4, "c": 0.1})
    >>> round(result.spearman_rho, 3), result.verdict  # cor(c(17.5, 4, 1.75), c(.9, .4, .1), method="spearman")
    (1.0, 'aligned')
    """
    if not isinstance(needs, NeedsResult):
        raise InvalidInput("needs must be the result of needs_assessment.")
    known = {r.competency for r in needs.competencies}
    unknown = sorted(set(change) - known)
    notes = []
    if unknown:
        notes.append(f"Change given for competencies the needs assessment does not have: {', '.join(unknown)}.")
    rows, measured, not_measured = [], [], []
    for need in needs.competencies:
        estimate, low, high = _triple(change.get(need.competency))
        rows.append(NeedChange(competency=need.competency, rank=need.rank, mwds=need.mwds, change=estimate,
                               change_ci_low=low, change_ci_high=high))
        if math.isnan(estimate):
            not_measured.append(need.competency)
        elif not math.isnan(need.mwds):
            measured.append((need.mwds, estimate))
    rows.sort(key=lambda r: (math.isnan(r.change), r.rank is None, r.rank or 0))
    rho = math.nan
    if len(measured) >= MIN_COMPETENCIES:
        # Ranks on a 10-significant-digit grid: needs or changes equal up to float noise tie.
        x, y = (tie_safe(v) for v in np.array(measured).T)
        if np.ptp(x) > 0 and np.ptp(y) > 0:
            rho = float(stats.spearmanr(x, y).statistic)
        else:
            notes.append("Every competency had the same need or the same change: no rank correlation.")
    if len(measured) < MIN_COMPETENCIES:
        verdict = TOO_FEW
        notes.append(f"Only {len(measured)} competencies have both a need and a change; at least "
                     f"{MIN_COMPETENCIES} are needed.")
    elif math.isnan(rho):
        verdict = UNCLEAR
    else:
        verdict = ALIGNED if rho >= STRONG_RHO else OPPOSITE if rho <= -STRONG_RHO else UNCLEAR
    return NeedsLoopResult(rows=tuple(rows), n_obs=len(measured), spearman_rho=rho, verdict=verdict,
                           not_measured=tuple(not_measured),
                           method="Spearman rank correlation of MWDS and change across competencies",
                           notes=tuple(notes))
