"""Waves of the same participants: RM-ANOVA, Friedman, pairwise tests, mixed model."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats

from lipassess.analysis import _pairstats, _ranks
from lipassess.analysis._lmm import MixedModelResult, fit_random_intercept
from lipassess.analysis._results import ResultMixin, format_number
from lipassess.analysis.validation import check_ci, numeric_frame, require_rows
from lipassess.errors import InvalidInput


@dataclass(frozen=True, slots=True, kw_only=True)
class WaveSummary(ResultMixin):
    """Complete-case mean and SD of one wave."""

    wave: str
    n_obs: int
    mean: float
    sd: float


@dataclass(frozen=True, slots=True, kw_only=True)
class PairwiseComparison(ResultMixin):
    """Paired t-test of wave ``b`` against wave ``a`` (differences ``b - a``), complete cases."""

    a: str
    b: str
    n_obs: int
    mean_diff: float
    t: float
    df: int
    p_value: float
    p_holm: float
    d_z: float


@dataclass(frozen=True, slots=True, kw_only=True)
class RepeatedResult(ResultMixin):
    """Repeated-measures results; complete-case statistics plus a mixed model on all data.

    Attributes
    ----------
    n_obs : int
        Participants with a score at every wave (the complete-case analyses).
    waves : tuple of str
        Wave names in the order given.
    wave_summaries : tuple of WaveSummary
        Complete-case mean and SD per wave.
    f, df1, df2, p_value : float
        One-way repeated-measures ANOVA (sphericity assumed).
    gg_epsilon, p_value_gg : float
        Greenhouse-Geisser epsilon and the p-value with both df multiplied by it.
    hf_epsilon, p_value_hf : float
        Huynh-Feldt epsilon (as R reports it, may exceed 1) and the p-value with
        both df multiplied by ``min(1, hf_epsilon)``.
    mauchly_w, mauchly_p_value : float
        Mauchly's test of sphericity (three or more waves).
    eta2_partial, eta2_generalized : float
        Partial and generalized (Olejnik & Algina 2003) eta squared.
    friedman_q, friedman_df, friedman_p_value, kendall_w : float
        Friedman rank test (tie-corrected, as R) and Kendall's W = Q / (n (k - 1)).
    pairwise : tuple of PairwiseComparison
        Every pair of waves, Holm-adjusted.
    mixed_model : MixedModelResult
        ``score ~ wave + (1 | id)`` by REML on every available score.
    notes : tuple of str
    """

    n_obs: int
    waves: tuple[str, ...]
    wave_summaries: tuple[WaveSummary, ...]
    f: float
    df1: int
    df2: int
    p_value: float
    gg_epsilon: float
    p_value_gg: float
    hf_epsilon: float
    p_value_hf: float
    mauchly_w: float
    mauchly_p_value: float
    eta2_partial: float
    eta2_generalized: float
    friedman_q: float
    friedman_df: int
    friedman_p_value: float
    kendall_w: float
    pairwise: tuple[PairwiseComparison, ...]
    mixed_model: MixedModelResult
    notes: tuple[str, ...]

    def summary(self) -> str:
        """The ANOVA, Friedman and pairwise tables, then the mixed model."""
        fmt = format_number
        lines = [
            f"RepeatedResult: {self.n_obs} complete participants, waves {', '.join(self.waves)}",
            "  wave              n      mean        sd",
        ]
        for w in self.wave_summaries:
            lines.append(f"  {w.wave:<14}{w.n_obs:>5}{fmt(w.mean):>10}{fmt(w.sd):>10}")
        lines += [
            f"  RM-ANOVA F({self.df1}, {self.df2}) = {fmt(self.f)}, p = {fmt(self.p_value, 4)}; "
            f"GG epsilon {fmt(self.gg_epsilon)}, p_GG = {fmt(self.p_value_gg, 4)}",
            f"  HF epsilon {fmt(self.hf_epsilon)}, p_HF = {fmt(self.p_value_hf, 4)}; "
            f"Mauchly W = {fmt(self.mauchly_w)}, p = {fmt(self.mauchly_p_value, 4)}",
            f"  eta2_partial {fmt(self.eta2_partial)}, eta2_generalized "
            f"{fmt(self.eta2_generalized)}",
            f"  Friedman Q({self.friedman_df}) = {fmt(self.friedman_q)}, "
            f"p = {fmt(self.friedman_p_value, 4)}, Kendall's W {fmt(self.kendall_w)}",
            "  pair                      diff         t     df        p   p_holm       d_z",
        ]
        for c in self.pairwise:
            label = f"{c.b}-{c.a}"
            lines.append(
                f"  {label:<22}{fmt(c.mean_diff):>8}{fmt(c.t):>10}{c.df:>7}"
                f"{fmt(c.p_value, 4):>9}{fmt(c.p_holm, 4):>9}{fmt(c.d_z):>10}"
            )
        lines += [f"  note: {n}" for n in self.notes]
        lines.append(self.mixed_model.summary())
        return "\n".join(lines)


def holm(p_values: np.ndarray) -> np.ndarray:
    """Holm step-down adjustment, as R's ``p.adjust(p, "holm")`` (NaN stays NaN, not counted)."""
    p = np.asarray(p_values, dtype=float)
    out = np.full(p.shape, np.nan)
    ok = ~np.isnan(p)
    m = int(ok.sum())
    if m == 0:
        return out
    valid = p[ok]
    order = np.argsort(valid, kind="mergesort")
    adjusted = np.minimum(1.0, np.maximum.accumulate((m - np.arange(m)) * valid[order]))
    result = np.empty(m)
    result[order] = adjusted
    out[ok] = result
    return out


def _rm_anova(y: np.ndarray, notes: list[str]) -> dict[str, float]:
    n, k = y.shape
    grand = y.mean()
    ss_total = float(((y - grand) ** 2).sum())
    ss_subjects = float(k * ((y.mean(axis=1) - grand) ** 2).sum())
    ss_waves = float(n * ((y.mean(axis=0) - grand) ** 2).sum())
    ss_error = max(ss_total - ss_subjects - ss_waves, 0.0)
    df1, df2 = k - 1, (n - 1) * (k - 1)
    nan = math.nan
    out = dict(f=nan, p=nan, eps=nan, p_gg=nan, hf=nan, p_hf=nan, mauchly_w=nan, mauchly_p=nan,
               pes=nan, ges=nan, df1=df1, df2=df2)
    if ss_error <= 1e-12 * max(ss_total, 1e-300):
        notes.append(
            "RM-ANOVA undefined (F, p and the corrected p-values): no participant-by-wave "
            "variation (error sum of squares is 0)"
        )
        if ss_total == 0:
            notes.append(
                "eta2_partial, eta2_generalized, the epsilons and Mauchly's test undefined: "
                "every score is the same"
            )
            return out
    else:
        f = (ss_waves / df1) / (ss_error / df2)
        out["f"] = f
        out["p"] = float(stats.f.sf(f, df1, df2))
    denom_p = ss_waves + ss_error
    denom_g = ss_waves + ss_subjects + ss_error
    out["pes"] = ss_waves / denom_p if denom_p > 0 else nan
    out["ges"] = ss_waves / denom_g if denom_g > 0 else nan
    # Greenhouse-Geisser: eigen-structure of the double-centred covariance matrix.
    cov = np.cov(y, rowvar=False)
    centre = np.eye(k) - 1.0 / k
    sc = centre @ cov @ centre
    tr2 = float(np.trace(sc @ sc))
    if tr2 > 0:
        eps = min(float(np.trace(sc)) ** 2 / ((k - 1) * tr2), 1.0)
        out["eps"] = eps
        # Huynh & Feldt (1976), as car and afex report it (not capped at 1).
        hf_denominator = df1 * (n - 1 - df1 * eps)
        hf = (n * df1 * eps - 2.0) / hf_denominator if hf_denominator > 0 else nan
        out["hf"] = hf
        if not math.isnan(out["f"]):
            out["p_gg"] = float(stats.f.sf(out["f"], df1 * eps, df2 * eps))
        if not hf > 0:
            notes.append(
                "Huynh-Feldt epsilon and its p undefined: too few participants for its "
                "correction (it is not positive)"
            )
        elif not math.isnan(out["f"]):
            capped = min(1.0, hf)
            out["p_hf"] = float(stats.f.sf(out["f"], df1 * capped, df2 * capped))
    else:
        notes.append(
            "Greenhouse-Geisser and Huynh-Feldt epsilons, their p-values and Mauchly's test "
            "are undefined: the wave differences have no variance"
        )
    if k < 3:
        notes.append("Mauchly's test needs three or more waves (two waves are always spherical)")
    elif tr2 > 0:
        out["mauchly_w"], out["mauchly_p"] = _mauchly(cov, n, notes)
    return out


def _mauchly(cov: np.ndarray, n: int, notes: list[str]) -> tuple[float, float]:
    """Mauchly's W and its p, with R's (``mauchly.test``) second-order chi-square correction."""
    k = cov.shape[0]
    p = k - 1
    # Orthonormal contrasts: the QR of the centring matrix minus its last column.
    contrasts = np.linalg.qr(np.eye(k)[:, :p] - 1.0 / k)[0]
    psi = contrasts.T @ cov @ contrasts
    sign, logdet = np.linalg.slogdet(psi)
    if sign <= 0:
        notes.append(
            "Mauchly's test undefined: the covariance of the wave differences is singular "
            "(fewer participants than waves, or a wave difference that is constant)"
        )
        return math.nan, math.nan
    df_error = n - 1
    if df_error < p:
        notes.append("Mauchly's test undefined: it needs more participants than waves")
        return math.nan, math.nan
    log_w = logdet - p * math.log(float(np.trace(psi)) / p)
    rho = 1.0 - (2.0 * p * p + p + 2.0) / (6.0 * p * df_error)
    # R's mauchly.test (and car and afex, which use it) has the number of waves k
    # where Anderson's formula has p = k - 1 in the "3p" term; we follow R so the
    # p-values agree (the two differ in the 3rd digit at n = 12, less as n grows).
    w2 = (p + 2) * (p - 1) * (p - 2) * (2 * p**3 + 6 * p**2 + 3 * k + 2) / (
        288.0 * (df_error * p * rho) ** 2
    )
    z = -df_error * rho * log_w
    f = p * (p + 1) / 2 - 1
    pr1 = float(stats.chi2.sf(z, f))
    pr2 = float(stats.chi2.sf(z, f + 4))
    return math.exp(log_w), pr1 + w2 * (pr2 - pr1)


def _friedman(y: np.ndarray, notes: list[str]) -> tuple[float, float, float]:
    n, k = y.shape
    q, p = _ranks.friedman(y)
    if math.isnan(q):
        notes.append(
            "Friedman test undefined (and Kendall's W): every participant gave the same score "
            "at all waves"
        )
        return math.nan, math.nan, math.nan
    return q, p, q / (n * (k - 1))


def _pairwise(
    y: np.ndarray, waves: list[str], notes: list[str]
) -> tuple[PairwiseComparison, ...]:
    n, k = y.shape
    rows = []
    for i in range(k):
        for j in range(i + 1, k):
            diff = y[:, j] - y[:, i]
            mean = float(diff.mean())
            sd = _pairstats.sd(diff)
            grid = _ranks.tie_safe(diff)
            if sd > 0 and grid.min() != grid.max():
                t = mean / (sd / math.sqrt(n))
                p = _pairstats.t_two_sided_p(t, n - 1)
                dz = mean / sd
            else:
                t = p = dz = math.nan
                exact_t = "infinite" if grid[0] != 0 else "0/0"
                notes.append(
                    f"{waves[j]} - {waves[i]}: every participant changed by the same amount, "
                    f"so t is {exact_t} and t, p, p_holm and d_z are undefined"
                )
            rows.append((waves[i], waves[j], mean, t, p, dz))
    adjusted = holm(np.array([r[4] for r in rows]))
    return tuple(
        PairwiseComparison(
            a=a, b=b, n_obs=n, mean_diff=mean, t=t, df=n - 1, p_value=p, p_holm=float(ph), d_z=dz
        )
        for (a, b, mean, t, p, dz), ph in zip(rows, adjusted, strict=True)
    )


def repeated(waves: pd.DataFrame, *, ci: float = 0.95) -> RepeatedResult:
    r"""Analyse two or more waves of the same participants.

    Parameters
    ----------
    waves : pandas.DataFrame
        One row per participant (index = participant id), one numeric column
        per wave in chronological order; missing scores as NaN.
    ci : float, default 0.95
        Confidence level of the mixed-model intervals.

    Returns
    -------
    RepeatedResult

    Raises
    ------
    lipassess.errors.InvalidInput
        Not a DataFrame, fewer than two wave columns, non-numeric values,
        duplicate ids, fewer than 2 participants with every wave.

    Notes
    -----
    Complete-case analyses (participants with every wave, ``n_obs``):

    * One-way RM-ANOVA: :math:`F = (SS_{wave}/(k-1)) / (SS_{error}/((n-1)(k-1)))`,
      :math:`SS_{error} = SS_{total} - SS_{subject} - SS_{wave}`.
      Greenhouse-Geisser :math:`\hat\varepsilon = tr(S_c)^2 / ((k-1)\,tr(S_c^2))`
      with :math:`S_c` the double-centred covariance of the waves (Box 1954;
      Greenhouse & Geisser 1959); the corrected p uses
      :math:`F(\hat\varepsilon(k-1), \hat\varepsilon(n-1)(k-1))`.
      :math:`\eta^2_p = SS_{wave}/(SS_{wave}+SS_{error})`,
      :math:`\eta^2_G = SS_{wave}/(SS_{wave}+SS_{subject}+SS_{error})`
      (Olejnik & Algina 2003; Bakeman 2005). R:
      ``afex::aov_ez("id", "score", long, within = "wave",
      anova_table = list(es = c("pes", "ges")))`` with ``summary()`` for
      epsilon. pingouin's ``rm_anova`` gives the same values.
    * Huynh-Feldt :math:`\tilde\varepsilon = (n(k-1)\hat\varepsilon - 2) /
      ((k-1)(n-1-(k-1)\hat\varepsilon))` (Huynh & Feldt 1976; for one group
      equal to Lecoutre's 1991 correction), reported as computed (it may
      exceed 1); its p uses both df times :math:`\min(1, \tilde\varepsilon)`.
      R: ``summary(afex::aov_ez(...))$pval.adjustments`` (car's ``HF eps`` and
      ``Pr(>F[HF])``).
    * Mauchly's test (Mauchly 1940) on orthonormal contrasts :math:`S` of the
      covariance: :math:`W = |S| / (tr(S)/p)^p`, p = k - 1, with the
      chi-square approximation and Anderson's second-order correction as R's
      ``mauchly.test`` computes it. R:
      ``summary(afex::aov_ez(...))$sphericity.tests``. Undefined with two
      waves (always spherical) or fewer participants than waves.
    * Friedman: :math:`Q = 12 \sum_j (R_j - n(k+1)/2)^2 / (nk(k+1) - \sum(t^3-t)/(k-1))`,
      :math:`\chi^2_{k-1}`; Kendall's :math:`W = Q/(n(k-1))`. R:
      ``friedman.test(as.matrix(wide))``.
    * Pairwise: paired t-tests for every pair of waves (differences later
      minus earlier), Holm-adjusted over the k(k-1)/2 pairs, with
      :math:`d_z = \bar D / s_D`. R:
      ``pairwise.t.test(long$score, long$wave, paired = TRUE, p.adjust.method = "holm")``.

    All available data (participants with a missing wave kept):

    * Mixed model ``score ~ wave + (1 | id)`` by REML, profiled to a 1-D
      problem via the compound-symmetric covariance of a random-intercept
      model; per-wave means and contrasts against the first wave with
      Satterthwaite df, and the F test of the wave effect. R:
      ``lmerTest::lmer(score ~ wave + (1 | id), REML = TRUE)`` with
      ``summary()``, ``anova()`` and ``emmeans::emmeans(m, ~ wave)``.
      statsmodels' ``MixedLM`` gives the same estimates but z-based
      (not Satterthwaite) inference.

    References
    ----------
    Greenhouse, S. W., & Geisser, S. (1959). On methods in the analysis of
    profile data. Psychometrika, 24(2), 95-112.
    Huynh, H., & Feldt, L. S. (1976). Estimation of the Box correction for
    degrees of freedom from sample data in randomized block and split-plot
    designs. Journal of Educational Statistics, 1(1), 69-82.
    Mauchly, J. W. (1940). Significance test for sphericity of a normal
    n-variate distribution. Annals of Mathematical Statistics, 11, 204-209.
    Olejnik, S., & Algina, J. (2003). Generalized eta and omega squared
    statistics. Psychological Methods, 8(4), 434-447.
    Kuznetsova, A., Brockhoff, P. B., & Christensen, R. H. B. (2017).
    lmerTest package: Tests in linear mixed effects models. Journal of
    Statistical Software, 82(13).

    Examples
    --------
    >>> import pandas as pd
    >>> w = pd.DataFrame({"pre": [3.0, 2.5, 4.0, 3.5], "post": [3.5, 3.5, 4.5, 3.5],
    ...                   "followup": [4.0, 3.0, 4.5, 4.0]})
    >>> res = repeated(w)
    >>> round(res.f, 4), res.df1, res.df2  # R (afex::aov_ez on the long data): F = 5.72727
    (5.7273, 2, 6)
    """
    ci = check_ci(ci)
    if not isinstance(waves, pd.DataFrame):
        raise InvalidInput("waves must be a table (pandas DataFrame) with one column per wave")
    if waves.shape[1] < 2:
        raise InvalidInput(
            f"repeated needs at least two wave columns, got {waves.shape[1]}; "
            "give one column per wave (for example pre, post, followup)"
        )
    frame = numeric_frame(waves, unique_ids=True)
    names = [str(c) for c in frame.columns]
    y = frame.to_numpy(dtype=float)
    complete = ~np.isnan(y).any(axis=1)
    yc = y[complete]
    n = int(yc.shape[0])
    require_rows(n, 2, what="repeated", dropped=y.shape[0] - n)
    notes: list[str] = []
    if n < y.shape[0]:
        notes.append(
            f"{y.shape[0] - n} participant(s) with a missing wave left out of the "
            "complete-case analyses (RM-ANOVA, Friedman, pairwise); the mixed model keeps them"
        )
    summaries = tuple(
        WaveSummary(wave=w, n_obs=n, mean=float(yc[:, j].mean()), sd=float(yc[:, j].std(ddof=1)))
        for j, w in enumerate(names)
    )
    anova = _rm_anova(yc, notes)
    q, fp, kw = _friedman(yc, notes)
    return RepeatedResult(
        n_obs=n,
        waves=tuple(names),
        wave_summaries=summaries,
        f=anova["f"],
        df1=int(anova["df1"]),
        df2=int(anova["df2"]),
        p_value=anova["p"],
        gg_epsilon=anova["eps"],
        p_value_gg=anova["p_gg"],
        hf_epsilon=anova["hf"],
        p_value_hf=anova["p_hf"],
        mauchly_w=anova["mauchly_w"],
        mauchly_p_value=anova["mauchly_p"],
        eta2_partial=anova["pes"],
        eta2_generalized=anova["ges"],
        friedman_q=q,
        friedman_df=len(names) - 1,
        friedman_p_value=fp,
        kendall_w=kw,
        pairwise=_pairwise(yc, names, notes),
        mixed_model=fit_random_intercept(y, names, ci=ci),
        notes=tuple(notes),
    )
