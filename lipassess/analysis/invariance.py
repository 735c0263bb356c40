"""Measurement invariance of a subscale across waves and across groups (languages).

A change in a scale score means a change in behaviour only if the questions
measure the same thing at every wave and in both languages. Each test fits
three nested one-factor models of the subscale's items by maximum likelihood
(:mod:`lipassess.analysis._invariance_models`, fitted by
:func:`lipassess.analysis._cfa.fit_cfa`):

1. **configural**: the same items load on the factor everywhere;
2. **metric** (weak): the loadings are equal;
3. **scalar** (strong): the intercepts are equal too. Only then can means be
   compared: a participant at the same level of behaviour gives the same
   expected answer before and after, in Khmer and in English.

Across waves the model is one wide model with the residuals of the same item
correlated over time; participants need every wave tested (listwise). Across
groups it is a multi-group model, at one wave (the first given by default).

Each constrained model is compared with the one before by the chi-square
difference test ``T_1 - T_0`` on ``df_1 - df_0`` degrees of freedom and by the
changes in CFI and RMSEA. Following Chen (2007), a step **fails** when CFI
falls by at least ``delta_cfi`` (.010) *together with* a rise of RMSEA by at
least ``delta_rmsea`` (.015); the chi-square test is reported but, being
sensitive to sample size, does not decide (Cheung & Rensvold 2002).

When a step fails, its constraints are released one item at a time, each time
the one whose release lowers the chi-square most (the likelihood-ratio
version of the modification index), until the step holds or fewer than
``min_invariant_items`` (2) constrained items would remain (Byrne, Shavelson &
Muthen 1989; Steenkamp & Baumgartner 1998). Items whose loadings were
released have their intercepts released too. The verdict:

* ``invariant``: metric and scalar hold with every item constrained;
* ``partially_invariant``: both hold once the items named in
  ``free_loadings`` / ``free_intercepts`` are released;
* ``not_invariant``: metric or scalar fails even then; ``level`` says which
  level did hold (``metric`` or ``configural``).

References
----------
Byrne, B. M., Shavelson, R. J., & Muthen, B. (1989). Psychological Bulletin, 105(3), 456-466.
Chen, F. F. (2007). Sensitivity of goodness of fit indexes to lack of measurement invariance.
Structural Equation Modeling, 14(3), 464-504.
Cheung, G. W., & Rensvold, R. B. (2002). Structural Equation Modeling, 9(2), 233-255.
Meredith, W. (1993). Measurement invariance, factor analysis and factorial invariance. Psychometrika, 58, 525-543.
Steenkamp, J.-B. E. M., & Baumgartner, H. (1998). Journal of Consumer Research, 25(1), 78-90.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy import stats

from lipassess.analysis._cfa import CFAFit, GroupModel, Moments, fit_cfa
from lipassess.analysis._invariance_models import CONFIGURAL, METRIC, SCALAR, group_models, longitudinal_model
from lipassess.analysis._results import ResultMixin, format_table
from lipassess.analysis.validation import complete_rows, numeric_frame, require_rows, require_unique_ids, shown
from lipassess.errors import InvalidInput, LipassessError

INVARIANT, PARTIAL, NOT_INVARIANT = "invariant", "partially_invariant", "not_invariant"
WAVES, GROUPS = "waves", "groups"
MIN_ITEMS = 3
MIN_ROWS = 50
MIN_GROUP_ROWS = 30


@dataclass(frozen=True, slots=True, kw_only=True)
class Criteria:
    """When a constrained model fits worse than the one before (Chen 2007, for N > 300)."""

    delta_cfi: float = 0.010
    delta_rmsea: float = 0.015
    min_invariant_items: int = 2


CHEN_2007 = Criteria()


@dataclass(frozen=True, slots=True, kw_only=True)
class ModelFit(ResultMixin):
    """One fitted model: lavaan's ML chi-square, df, p, CFI, RMSEA, and the loadings per item and wave/group."""

    model: str
    chisq: float
    df: int
    p_value: float
    cfi: float
    rmsea: float
    n_obs: int
    converged: bool
    free_loadings: tuple[str, ...] = ()
    free_intercepts: tuple[str, ...] = ()
    loadings: dict[str, dict[str, float]] = field(default_factory=dict)


@dataclass(frozen=True, slots=True, kw_only=True)
class Comparison(ResultMixin):
    """A constrained model against the less constrained one: chi-square difference, delta CFI and RMSEA."""

    constrained: str
    reference: str
    chisq_diff: float
    df_diff: int
    p_value: float
    delta_cfi: float
    delta_rmsea: float
    holds: bool


@dataclass(frozen=True, slots=True, kw_only=True)
class Release(ResultMixin):
    """One step of the search for partial invariance: the constraint released and the comparison after it."""

    parameter: str  # "loading" or "intercept"
    item: str
    comparison: Comparison


@dataclass(frozen=True, slots=True, kw_only=True)
class InvarianceTest(ResultMixin):
    """Configural, metric and scalar invariance of one subscale across waves or across groups.

    ``metric_vs_configural`` and ``scalar_vs_metric`` compare the fully constrained models;
    ``releases`` lists the partial-invariance search in order; ``final_metric`` and
    ``final_scalar`` are the models the verdict rests on (equal to the full ones when
    nothing was released).
    """

    across: str
    labels: tuple[str, ...]
    items: tuple[str, ...]
    n_obs: int
    n_dropped: int
    configural: ModelFit
    metric: ModelFit
    scalar: ModelFit
    metric_vs_configural: Comparison
    scalar_vs_metric: Comparison
    releases: tuple[Release, ...]
    final_metric: ModelFit
    final_scalar: ModelFit
    verdict: str
    level: str
    free_loadings: tuple[str, ...]
    free_intercepts: tuple[str, ...]
    criteria: Criteria = CHEN_2007
    notes: tuple[str, ...] = ()

    def summary(self) -> str:
        fits = [self.configural, self.metric, self.scalar]
        if self.final_metric is not self.metric:
            fits.append(self.final_metric)
        if self.final_scalar is not self.scalar:
            fits.append(self.final_scalar)
        rows = [[f.model, f.chisq, f.df, f.p_value, f.cfi, f.rmsea] for f in fits]
        lines = [f"Measurement invariance across {self.across} ({', '.join(self.labels)}), "
                 f"items {', '.join(self.items)}, n = {self.n_obs}",
                 format_table(["model", "chisq", "df", "p", "CFI", "RMSEA"], rows)]
        steps = [self.metric_vs_configural, self.scalar_vs_metric] + [r.comparison for r in self.releases]
        lines.append(format_table(["comparison", "d_chisq", "d_df", "p", "d_CFI", "d_RMSEA", "holds"],
                                  [[f"{c.constrained} vs {c.reference}", c.chisq_diff, c.df_diff, c.p_value,
                                    c.delta_cfi, c.delta_rmsea, "yes" if c.holds else "no"] for c in steps]))
        freed = [f"loadings of {', '.join(self.free_loadings)}"] if self.free_loadings else []
        freed += [f"intercepts of {', '.join(self.free_intercepts)}"] if self.free_intercepts else []
        lines.append(f"verdict: {self.verdict} (highest level: {self.level})"
                     + (f"; released: {'; '.join(freed)}" if freed else ""))
        lines += [f"note: {note}" for note in self.notes]
        return "\n".join(lines)


@dataclass(frozen=True, slots=True, kw_only=True)
class InvarianceResult(ResultMixin):
    """Both tests of one subscale; a test that could not run is None and ``missing`` says why."""

    scale: str | None
    across_waves: InvarianceTest | None
    across_groups: InvarianceTest | None
    missing: dict[str, str] = field(default_factory=dict)
    notes: tuple[str, ...] = ()

    def summary(self) -> str:
        parts = [f"Measurement invariance{f' of {self.scale}' if self.scale else ''}"]
        parts += [t.summary() for t in (self.across_waves, self.across_groups) if t is not None]
        parts += [f"not tested across {name}: {why}" for name, why in self.missing.items()]
        return "\n\n".join(parts)


Builder = Callable[[str, Collection[str], Collection[str]], list[GroupModel]]


def _moments(values: np.ndarray, what: str) -> Moments:
    moments = Moments.of(values)
    spread = np.diag(moments.cov)
    if np.any(spread <= 0):
        raise InvalidInput(f"{what}: an item has the same answer from everyone, so no factor model can be fitted; "
                           "leave that item out with --items")
    return moments


class _Fitter:
    """Fits the models of one test, reporting a fit that fails as a message the user can act on."""

    def __init__(self, build: Builder, data: Sequence[Moments], items: Sequence[str], places: Sequence[str],
                 what: str) -> None:
        self.build, self.data, self.items, self.places, self.what = build, data, items, places, what

    def fit(self, level: str, free_loadings: Collection[str] = (), free_intercepts: Collection[str] = (),
            name: str | None = None) -> ModelFit:
        try:
            raw = fit_cfa(self.build(level, free_loadings, free_intercepts), self.data)
        except ValueError as exc:
            raise InvalidInput(f"{self.what}: the {level} factor model cannot be fitted ({exc}); "
                               "check that the items belong to one scale and that there is enough data") from None
        return ModelFit(model=name or level, chisq=raw.chisq, df=raw.df, p_value=raw.p_value, cfi=raw.cfi,
                        rmsea=raw.rmsea, n_obs=raw.n_obs, converged=raw.converged,
                        free_loadings=tuple(free_loadings), free_intercepts=tuple(free_intercepts),
                        loadings=self._loadings(raw))

    def _loadings(self, raw: CFAFit) -> dict[str, dict[str, float]]:
        k = len(self.items)
        if len(raw.loadings) == 1 and len(self.places) > 1 and raw.loadings[0].shape[0] == k * len(self.places):
            wide = raw.loadings[0]
            return {item: {place: float(wide[t * k + j, t]) for t, place in enumerate(self.places)}
                    for j, item in enumerate(self.items)}
        return {item: {place: float(raw.loadings[g][j, 0]) for g, place in enumerate(self.places)}
                for j, item in enumerate(self.items)}


def compare(constrained: ModelFit, reference: ModelFit, criteria: Criteria = CHEN_2007) -> Comparison:
    """Chi-square difference test and Chen's (2007) rule on delta CFI and delta RMSEA.

    ``chisq_diff = T_c - T_r`` on ``df_c - df_r`` (lavaan's ``lavTestLRT`` for ML);
    ``delta_cfi = CFI_c - CFI_r``, ``delta_rmsea = RMSEA_c - RMSEA_r``; the constraints
    hold unless ``delta_cfi <= -criteria.delta_cfi`` and ``delta_rmsea >= criteria.delta_rmsea``.
    """
    diff = constrained.chisq - reference.chisq
    df = constrained.df - reference.df
    delta_cfi = constrained.cfi - reference.cfi
    delta_rmsea = constrained.rmsea - reference.rmsea
    # A small tolerance keeps a difference that equals the cut-off, up to rounding, on the failing side.
    fails = delta_cfi <= -criteria.delta_cfi + 1e-12 and delta_rmsea >= criteria.delta_rmsea - 1e-12
    return Comparison(constrained=constrained.model, reference=reference.model, chisq_diff=diff, df_diff=df,
                      p_value=float(stats.chi2.sf(max(diff, 0.0), df)) if df > 0 else math.nan,
                      delta_cfi=delta_cfi, delta_rmsea=delta_rmsea, holds=not fails)


def _search(fitter: _Fitter, level: str, reference: ModelFit, start: ModelFit, free_loadings: Sequence[str],
            criteria: Criteria) -> tuple[ModelFit, Comparison, list[Release]]:
    """Release the worst constraint of ``level`` one item at a time until the step holds (see module docs).

    At the scalar level the intercepts of the items in ``free_loadings`` start released.
    """
    current, comparison = start, compare(start, reference, criteria)
    released: list[str] = [] if level == METRIC else list(free_loadings)
    steps: list[Release] = []
    while not comparison.holds:
        candidates = [item for item in fitter.items if item not in released]
        if len(candidates) - 1 < criteria.min_invariant_items:
            break
        trials = {
            item: (fitter.fit(METRIC, [*released, item], (), name="metric_partial") if level == METRIC
                   else fitter.fit(SCALAR, free_loadings, [*released, item], name="scalar_partial"))
            for item in candidates
        }
        worst = min(candidates, key=lambda item: trials[item].chisq)
        released.append(worst)
        current, comparison = trials[worst], compare(trials[worst], reference, criteria)
        steps.append(Release(parameter="loading" if level == METRIC else "intercept", item=worst,
                             comparison=comparison))
    return current, comparison, steps


def _run(fitter: _Fitter, *, across: str, n_obs: int, n_dropped: int, criteria: Criteria,
         notes: Sequence[str]) -> InvarianceTest:
    configural = fitter.fit(CONFIGURAL)
    if not configural.converged:
        # Typically items that hardly correlate: the factor is not defined, so neither is invariance.
        raise InvalidInput(f"{fitter.what}: the configural factor model did not converge (do the items "
                           "correlate enough to form one scale?); check the items with lipassess analyze reliability")
    metric = fitter.fit(METRIC)
    scalar = fitter.fit(SCALAR)
    metric_vs_configural = compare(metric, configural, criteria)
    releases: list[Release] = []
    final_metric, metric_holds = metric, metric_vs_configural
    if not metric_vs_configural.holds:
        final_metric, metric_holds, releases = _search(fitter, METRIC, configural, metric, (), criteria)
    free_loadings = final_metric.free_loadings
    final_scalar = scalar
    if free_loadings:
        final_scalar = fitter.fit(SCALAR, free_loadings, free_loadings, name="scalar_partial")
    scalar_holds = compare(final_scalar, final_metric, criteria)
    if metric_holds.holds and not scalar_holds.holds:
        final_scalar, scalar_holds, more = _search(fitter, SCALAR, final_metric, final_scalar, free_loadings,
                                                   criteria)
        releases += more
    if not metric_holds.holds:
        verdict, level = NOT_INVARIANT, CONFIGURAL
    elif not scalar_holds.holds:
        verdict, level = NOT_INVARIANT, METRIC
    else:
        verdict, level = (PARTIAL if final_scalar.free_intercepts else INVARIANT), SCALAR
    extra = list(notes)
    if configural.cfi < 0.90 or configural.rmsea > 0.10:
        extra.append(f"the configural model itself fits poorly (CFI {configural.cfi:.3f}, RMSEA "
                     f"{configural.rmsea:.3f}): one factor may not describe these items")
    if not all(f.converged for f in (configural, metric, scalar, final_metric, final_scalar)):
        extra.append("a model did not converge fully; read its fit with care")
    return InvarianceTest(
        across=across, labels=tuple(fitter.places), items=tuple(fitter.items), n_obs=n_obs, n_dropped=n_dropped,
        configural=configural, metric=metric, scalar=scalar, metric_vs_configural=metric_vs_configural,
        scalar_vs_metric=compare(scalar, metric, criteria), releases=tuple(releases), final_metric=final_metric,
        final_scalar=final_scalar, verdict=verdict, level=level, free_loadings=tuple(free_loadings),
        free_intercepts=tuple(i for i in final_scalar.free_intercepts), criteria=criteria, notes=tuple(extra))


def _items_of(frames: Mapping[str, pd.DataFrame], items: Sequence[str] | None) -> list[str]:
    first = next(iter(frames.values()))
    chosen = list(items) if items is not None else [str(c) for c in first.columns]
    for wave, frame in frames.items():
        missing = [i for i in chosen if i not in frame.columns]
        if missing:
            raise InvalidInput(f"wave {wave!r} has no item {', '.join(map(shown, missing))}; "
                               "give the same items at every wave")
    if len(chosen) < MIN_ITEMS:
        raise InvalidInput(f"a factor model needs at least {MIN_ITEMS} items of one subscale, not {len(chosen)}; "
                           "name more items")
    return chosen


def invariance_across_waves(items_by_wave: Mapping[str, pd.DataFrame], *, items: Sequence[str] | None = None,
                            criteria: Criteria = CHEN_2007, min_rows: int = MIN_ROWS) -> InvarianceTest:
    """Longitudinal invariance of one subscale over the waves of ``items_by_wave`` (in its order).

    Parameters
    ----------
    items_by_wave : mapping of wave name to pandas.DataFrame
        Index participant id, one column per item (reverse-keyed items already reversed).
    items : sequence of str, optional
        The items to use (default: the columns of the first wave).
    criteria : Criteria
        Cut-offs of the fit comparisons (default Chen 2007).
    min_rows : int
        Fewest participants with every item at every wave.

    Raises
    ------
    InvalidInput
        Fewer than two waves or three items, items missing at a wave, too few complete participants.

    Returns
    -------
    InvarianceTest
        The three fits, the two comparisons, the partial-invariance search and the verdict.

    Notes
    -----
    Models, comparisons and the verdict rule are in the module docstring. lavaan gives the
    same fits: ``lavaan(model, meanstructure = TRUE, auto.var = TRUE, auto.cov.lv.x = TRUE,
    auto.fix.first = FALSE)`` with the models written out in ``tests/analysis/r/invariance_reference.R``.

    References
    ----------
    Chen (2007); Meredith (1993); Widaman, Ferrer & Conger (2010), Child Development Perspectives, 4(1), 10-18.

    Examples
    --------
    Behaviour rises by 0.4 (in factor units) and every item follows its loading: invariant.

    >>> import numpy as np
    >>> rng = np.random.default_rng(1)
    >>> level = rng.normal(size=(300, 1))
    >>> frames = {wave: pd.DataFrame(3 + (level + shift + rng.normal(scale=0.3, size=(300, 1))) * [0.8, 0.7, 0.6]
    ...                              + rng.normal(scale=0.5, size=(300, 3)), columns=["a", "b", "c"])
    ...           for wave, shift in (("pre", 0.0), ("post", 0.4))}
    >>> result = invariance_across_waves(frames)
    >>> result.verdict, result.configural.df, result.metric.df, result.scalar.df
    ('invariant', 5, 7, 9)
    """
    waves = [str(w) for w in items_by_wave]
    if len(waves) < 2:
        raise InvalidInput("invariance across waves needs at least two waves, for example --waves pre,post")
    chosen = _items_of(items_by_wave, items)
    for wave in waves:
        require_unique_ids(items_by_wave[wave].index, f"wave {wave!r}")
    wide = pd.concat([items_by_wave[wave][chosen].set_axis([f"{wave}_{item}" for item in chosen], axis=1)
                      for wave in waves], axis=1, join="outer", sort=False)
    wide = numeric_frame(wide, what="item")
    complete, dropped = complete_rows(wide)
    require_rows(len(complete), min_rows, what="invariance across waves", dropped=dropped)
    what = f"invariance across {', '.join(waves)}"
    moments = _moments(complete.to_numpy(float), what)

    def build(level: str, free_l: Collection[str], free_i: Collection[str]) -> list[GroupModel]:
        return [longitudinal_model(chosen, waves, level, free_loadings=free_l, free_intercepts=free_i)]

    notes = [f"{dropped} participants without every item at every wave were left out"] if dropped else []
    return _run(_Fitter(build, [moments], chosen, waves, what), across=WAVES, n_obs=len(complete),
                n_dropped=dropped, criteria=criteria, notes=notes)


def invariance_across_groups(items: pd.DataFrame, groups: pd.Series, *, criteria: Criteria = CHEN_2007,
                             min_group_rows: int = MIN_GROUP_ROWS) -> InvarianceTest:
    """Multi-group invariance of one subscale (one wave) across the groups in ``groups`` (e.g. language).

    ``items`` and ``groups`` are indexed by participant; groups are ordered by name and the first
    is the reference (its factor variance 1, mean 0). Groups with fewer than ``min_group_rows``
    complete participants are left out with a note; at least two must remain.
    """
    if len(items.columns) < MIN_ITEMS:
        raise InvalidInput(f"a factor model needs at least {MIN_ITEMS} items of one subscale, "
                           f"not {len(items.columns)}; name more items")
    chosen = [str(c) for c in items.columns]
    frame = numeric_frame(items, what="item", unique_ids=True)
    label = groups.reindex(frame.index)
    complete, dropped = complete_rows(frame[label.notna()])
    dropped += int(label.isna().sum())
    label = label.loc[complete.index].astype(str)
    notes = [f"{dropped} participants without every item or without a group were left out"] if dropped else []
    kept, data = [], []
    for name in sorted(label.unique()):
        rows = complete[label == name]
        if len(rows) < min_group_rows:
            notes.append(f"group {name!r} left out: {len(rows)} complete participants, {min_group_rows} needed")
            continue
        kept.append(name)
        data.append(_moments(rows.to_numpy(float), f"invariance across groups ({name!r})"))
    if len(kept) < 2:
        raise InvalidInput(f"invariance across groups needs two groups of at least {min_group_rows} participants "
                           f"with every item; found {len(kept)}",
                           errors={"reason": "too_few_groups", "groups": kept})

    def build(level: str, free_l: Collection[str], free_i: Collection[str]) -> list[GroupModel]:
        return group_models(chosen, kept, level, free_loadings=free_l, free_intercepts=free_i)

    what = f"invariance across groups ({', '.join(kept)})"
    return _run(_Fitter(build, data, chosen, kept, what), across=GROUPS, n_obs=sum(m.n for m in data),
                n_dropped=dropped, criteria=criteria, notes=notes)


def measurement_invariance(items_by_wave: Mapping[str, pd.DataFrame], *, groups: pd.Series | None = None,
                           group_wave: str | None = None, items: Sequence[str] | None = None,
                           scale: str | None = None, criteria: Criteria = CHEN_2007) -> InvarianceResult:
    """Both tests of one subscale; one that cannot run is recorded in ``missing`` instead of raising.

    Across groups the items of ``group_wave`` (default: the first wave) are used.
    """
    missing: dict[str, str] = {}
    across_waves = across_groups = None
    if len(items_by_wave) >= 2:
        try:
            across_waves = invariance_across_waves(items_by_wave, items=items, criteria=criteria)
        except LipassessError as exc:
            missing[WAVES] = exc.message
    else:
        missing[WAVES] = "only one wave has answers"
    if groups is not None:
        wave = group_wave or next(iter(items_by_wave), None)
        if wave is None or wave not in items_by_wave:
            missing[GROUPS] = f"wave {wave!r} has no answers"
        else:
            frame = items_by_wave[wave]
            try:
                chosen = _items_of({wave: frame}, items)
                across_groups = invariance_across_groups(frame[chosen], groups, criteria=criteria)
            except LipassessError as exc:
                missing[GROUPS] = exc.message
    return InvarianceResult(scale=scale, across_waves=across_waves, across_groups=across_groups, missing=missing)
