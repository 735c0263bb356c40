r"""Random-intercept linear mixed model for waves, fitted by profiled REML in closed form.

The model is :math:`y_{ij} = \mu_j + b_i + e_{ij}` with one fixed mean per
wave j, :math:`b_i \sim N(0, \sigma_b^2)` per participant and
:math:`e_{ij} \sim N(0, \sigma^2)`: R's
``lme4::lmer(score ~ wave + (1 | id), REML = TRUE)``. A participant seen at
:math:`n_i` waves has :math:`V_i = \sigma^2 (I + \gamma J)` with
:math:`\gamma = \sigma_b^2/\sigma^2`, whose inverse and determinant are
known: :math:`V_i^{-1} = \sigma^{-2}(I - w_i J)`,
:math:`w_i = \gamma / (1 + n_i \gamma)`, :math:`|V_i| = \sigma^{2 n_i}(1 + n_i \gamma)`.
So every quantity REML needs (:math:`X'V^{-1}X`, :math:`X'V^{-1}y`,
:math:`y'V^{-1}y`, :math:`\log|V|`) is a sum over cluster sizes of
precomputed k x k sums weighted by :math:`w(n_i)`; profiling
:math:`\sigma^2` out leaves a 1-D minimisation over
:math:`\theta = \sqrt\gamma` (lme4's relative covariance factor), done with
Brent's method. The cost after one pass over the data is independent of the
number of participants.

Inference follows lmerTest: Satterthwaite degrees of freedom from the
Jacobian of :math:`\mathrm{Cov}(\hat\beta)` and the inverse Hessian of the
REML deviance with respect to the variance parameters (analytic here, in the
parameterisation :math:`(\gamma, \sigma^2)`; the df are invariant to that
choice at an interior optimum), and the multi-df F test of ``contestMD``.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy import optimize, stats

from lipassess.analysis._pairstats import t_two_sided_p
from lipassess.analysis._results import ResultMixin, format_number

LOG_2PI = math.log(2.0 * math.pi)


@dataclass(frozen=True, slots=True, kw_only=True)
class WaveMean(ResultMixin):
    """Model-estimated mean of one wave (REML, Satterthwaite df)."""

    wave: str
    estimate: float
    se: float
    df: float
    ci_low: float
    ci_high: float


@dataclass(frozen=True, slots=True, kw_only=True)
class WaveContrast(ResultMixin):
    """Model-estimated difference ``wave - reference`` with a Satterthwaite t-test."""

    wave: str
    reference: str
    estimate: float
    se: float
    df: float
    t: float
    p_value: float
    ci_low: float
    ci_high: float


@dataclass(frozen=True, slots=True, kw_only=True)
class MixedModelResult(ResultMixin):
    """Random-intercept LMM ``score ~ wave + (1 | id)`` fitted by REML.

    Attributes
    ----------
    n_obs : int
        Observations (participant x wave) used.
    n_participants : int
        Participants with at least one wave.
    n_complete : int
        Participants seen at every wave.
    reml_criterion : float
        -2 x REML log-likelihood (lme4's ``REMLcrit``).
    var_participant, var_residual : float
        Variance of the random intercept and of the residual.
    icc : float
        ``var_participant / (var_participant + var_residual)``.
    means : tuple of WaveMean
        Estimated mean per wave.
    contrasts : tuple of WaveContrast
        Each later wave minus the first.
    f, df1, df2, p_value : float
        Omnibus F test of the wave effect (Satterthwaite, as ``anova()`` of lmerTest).
    ci : float
        Confidence level of the intervals.
    method : str
        Estimation and df method.
    notes : tuple of str
    """

    n_obs: int
    n_participants: int
    n_complete: int
    reml_criterion: float
    var_participant: float
    var_residual: float
    icc: float
    means: tuple[WaveMean, ...]
    contrasts: tuple[WaveContrast, ...]
    f: float
    df1: int
    df2: float
    p_value: float
    ci: float
    method: str
    notes: tuple[str, ...]

    def summary(self) -> str:
        """Variance components, the F test, then per-wave means and contrasts."""
        lines = [
            "Mixed model (REML, random intercept per participant)",
            f"  observations {self.n_obs}, participants {self.n_participants} "
            f"({self.n_complete} complete)",
            f"  var_participant {format_number(self.var_participant)}  "
            f"var_residual {format_number(self.var_residual)}  icc {format_number(self.icc)}",
            f"  F({self.df1}, {format_number(self.df2, 1)}) = {format_number(self.f)}, "
            f"p = {format_number(self.p_value, 4)}",
            "  wave              mean      se        df    ci_low   ci_high",
        ]
        for m in self.means:
            lines.append(f"  {m.wave:<14}{_cols(m.estimate, m.se, m.df, m.ci_low, m.ci_high)}")
        lines.append("  contrast          diff      se        df    ci_low   ci_high        p")
        for c in self.contrasts:
            label = f"{c.wave}-{c.reference}"
            lines.append(
                f"  {label:<14}{_cols(c.estimate, c.se, c.df, c.ci_low, c.ci_high)}"
                f" {format_number(c.p_value, 4):>8}"
            )
        lines += [f"  note: {n}" for n in self.notes]
        return "\n".join(lines)


def _cols(*values: float) -> str:
    return "".join(f"{format_number(v):>10}" for v in values)


class _Sufficient:
    """Per-cluster-size sums of a wide score matrix with NaN for missing waves.

    With :math:`v(s) = 1 / (s (1 + s\\gamma))`, the REML pieces are
    :math:`\\sigma^2 X'V^{-1}X = W + \\sum_s v(s) A_s`,
    :math:`\\sigma^2 X'V^{-1}y = u_w + \\sum_s v(s) b_s` and
    :math:`\\sigma^2 y'V^{-1}y = q_w + \\sum_s v(s) q_s`, where the ``w``
    terms are within-participant sums computed once from deviations around
    each participant's mean. Writing them this way (rather than as
    :math:`D - \\sum_s w(s) A_s`) avoids cancellation when the participant
    variance dwarfs the residual one. Scores are centred on their wave means
    first; the shift lies in the column space of X, so only the estimated
    means change, and they are shifted back.
    """

    def __init__(self, y: np.ndarray) -> None:
        observed = ~np.isnan(y)
        sizes_all = observed.sum(axis=1)
        keep = sizes_all > 0
        if not keep.all():
            observed, sizes_all, y = observed[keep], sizes_all[keep], y[keep]
        filled = np.where(observed, y, 0.0)
        self.shift = filled.sum(axis=0) / observed.sum(axis=0)
        yc = np.where(observed, y - self.shift, 0.0)
        cluster_sum = yc.sum(axis=1)
        dev = np.where(observed, yc - (cluster_sum / sizes_all)[:, None], 0.0)
        self.k = y.shape[1]
        self.n_participants = int(keep.sum())
        self.n_complete = int((sizes_all == self.k).sum())
        self.n_obs = int(sizes_all.sum())
        sizes = np.flatnonzero(np.bincount(sizes_all))  # the cluster sizes present, no sort
        obs_f = observed.astype(float)
        self.sizes = sizes.astype(float)
        self.m = np.empty(sizes.size)
        self.a = np.empty((sizes.size, self.k, self.k))
        self.b = np.empty((sizes.size, self.k))
        self.q = np.empty(sizes.size)
        for i, s in enumerate(sizes):
            rows = sizes_all == s
            o = obs_f[rows]
            cs = cluster_sum[rows]
            self.m[i] = rows.sum()
            self.a[i] = o.T @ o
            self.b[i] = o.T @ cs
            self.q[i] = cs @ cs
        self.wave_counts = obs_f.sum(axis=0)
        self.within_mat = np.diag(self.wave_counts) - np.einsum(
            "s,sij->ij", 1.0 / self.sizes, self.a
        )
        self.within_vec = dev.sum(axis=0)
        self.within_ss = float((dev * dev).sum())
        self.total_ss = float((yc * yc).sum())

    def weights(self, gamma: float, order: int = 0) -> np.ndarray:
        """d^order/dgamma^order of v(s) = 1 / (s (1 + s gamma)) for each cluster size s."""
        den = 1.0 + self.sizes * gamma
        if order == 0:
            return 1.0 / (self.sizes * den)
        if order == 1:
            return -1.0 / den**2
        return 2.0 * self.sizes / den**3

    def system(self, v: np.ndarray) -> tuple[np.ndarray, np.ndarray, float]:
        """(sigma^2 X'V^-1 X, sigma^2 X'V^-1 y, sigma^2 y'V^-1 y) for weights v."""
        mat = self.within_mat + np.einsum("s,sij->ij", v, self.a)
        vec = self.within_vec + v @ self.b
        return mat, vec, self.within_ss + float(v @ self.q)

    def d_system(self, dv: np.ndarray) -> tuple[np.ndarray, np.ndarray, float]:
        """Derivatives of :meth:`system` given derivatives dv of the weights."""
        return np.einsum("s,sij->ij", dv, self.a), dv @ self.b, float(dv @ self.q)


def _profiled(suff: _Sufficient, gamma: float) -> tuple[float, np.ndarray, float, np.ndarray]:
    """REML criterion with sigma^2 profiled out; also beta, rss and X'H^-1X."""
    n_p = suff.n_obs - suff.k
    mat, vec, yvy = suff.system(suff.weights(gamma))
    chol = np.linalg.cholesky(mat)
    beta = np.linalg.solve(mat, vec)
    rss = yvy - float(vec @ beta)
    if rss <= 0.0:
        return math.inf, beta, rss, mat
    logdet_h = float(suff.m @ np.log1p(suff.sizes * gamma))
    logdet_m = 2.0 * float(np.log(np.diag(chol)).sum())
    crit = n_p * (1.0 + LOG_2PI + math.log(rss / n_p)) + logdet_h + logdet_m
    return crit, beta, rss, mat


def _fit_gamma(suff: _Sufficient) -> float:
    """Minimise the profiled REML criterion over theta = sqrt(gamma) >= 0."""

    def objective(phi: float) -> float:
        theta = phi / (1.0 - phi)
        return _profiled(suff, theta * theta)[0]

    res = optimize.minimize_scalar(
        objective, bounds=(0.0, 1.0 - 1e-9), method="bounded", options={"xatol": 1e-11}
    )
    phi = float(res.x)
    if objective(0.0) <= res.fun:
        phi = 0.0
    theta = phi / (1.0 - phi)
    return theta * theta


def _variance_hessian(
    suff: _Sufficient,
    gamma: float,
    sigma2: float,
    mat_inv: np.ndarray,
    beta: np.ndarray,
    rss: float,
) -> tuple[np.ndarray, tuple[np.ndarray, np.ndarray]]:
    """Hessian of the REML deviance and Jacobian of Cov(beta) in lmerTest's (theta, sigma).

    Derivatives are taken analytically in (gamma, sigma^2), gamma = theta^2,
    then mapped by the chain rule, keeping the first-derivative term so that
    a fit on the boundary (theta = 0) gives what lmerTest's numerical Hessian
    gives there.
    """
    n_p = suff.n_obs - suff.k
    dm, dg, dc = suff.d_system(suff.weights(gamma, 1))
    d2m, d2g, d2c = suff.d_system(suff.weights(gamma, 2))
    # rss(gamma) = c - g' M^-1 g and its first two derivatives (beta = M^-1 g).
    dbeta = mat_inv @ (dg - dm @ beta)
    drss = dc - 2.0 * float(dg @ beta) + float(beta @ dm @ beta)
    d2rss = (
        d2c
        - 2.0 * float(d2g @ beta)
        - 2.0 * float(dg @ dbeta)
        + 2.0 * float(beta @ dm @ dbeta)
        + float(beta @ d2m @ beta)
    )
    den = 1.0 + suff.sizes * gamma
    mi_dm = mat_inv @ dm
    f_g = float(suff.m @ (suff.sizes / den)) + float(np.trace(mi_dm)) + drss / sigma2
    f_gg = (
        -float(suff.m @ (suff.sizes**2 / den**2))
        + float(np.trace(mat_inv @ d2m))
        - float(np.trace(mi_dm @ mi_dm))
        + d2rss / sigma2
    )
    f_gs = -drss / sigma2**2
    f_s = n_p / sigma2 - rss / sigma2**2
    f_ss = -n_p / sigma2**2 + 2.0 * rss / sigma2**3
    theta, sigma = math.sqrt(gamma), math.sqrt(sigma2)
    hess = np.array(
        [
            [4.0 * gamma * f_gg + 2.0 * f_g, 4.0 * theta * sigma * f_gs],
            [4.0 * theta * sigma * f_gs, 4.0 * sigma2 * f_ss + 2.0 * f_s],
        ]
    )
    d_cov_gamma = -sigma2 * mi_dm @ mat_inv
    jac = (2.0 * theta * d_cov_gamma, 2.0 * sigma * mat_inv)
    return hess, jac


def _pinv_sym(hess: np.ndarray, tol: float = 1e-8) -> np.ndarray:
    """Moore-Penrose inverse over eigenvalues > tol, as lmerTest's ``as_lmerModLT``."""
    vals, vecs = np.linalg.eigh(hess)
    pos = vals > tol
    return (vecs[:, pos] / vals[pos]) @ vecs[:, pos].T


def _satterthwaite(
    contrast: np.ndarray, cov: np.ndarray, jac: Sequence[np.ndarray], a_cov: np.ndarray
) -> float:
    """Satterthwaite df of contrast' beta: 2 v^2 / (grad' A grad)."""
    v = float(contrast @ cov @ contrast)
    grad = np.array([float(contrast @ j @ contrast) for j in jac])
    denom = float(grad @ a_cov @ grad)
    if not denom > 0:
        return math.nan
    return 2.0 * v * v / denom


def _f_ddf(nu: np.ndarray) -> float:
    """lmerTest's ``get_Fstat_ddf``: combine per-direction df into the F denominator df."""
    if nu.size == 1 or np.all(np.abs(nu - nu[0]) < 1e-8):
        return float(nu[0])
    if np.any(nu <= 2):
        return 2.0
    e = float(np.sum(nu / (nu - 2.0)))
    return 2.0 * e / (e - nu.size)


def fit_random_intercept(
    y: np.ndarray, waves: Sequence[str], *, ci: float = 0.95
) -> MixedModelResult:
    """Fit ``score ~ wave + (1 | id)`` by REML to a wide matrix (rows participants, NaN missing).

    The caller guarantees at least two complete rows and two waves.
    """
    notes: list[str] = []
    suff = _Sufficient(y)
    k = suff.k
    dropped = y.shape[0] - suff.n_participants
    if dropped:
        notes.append(f"{dropped} participant(s) with no score at any wave left out")
    incomplete = suff.n_participants - suff.n_complete
    if incomplete:
        notes.append(
            f"{incomplete} participant(s) with a missing wave kept (their other waves count)"
        )
    wave_low, wave_high = np.nanmin(y, axis=0), np.nanmax(y, axis=0)
    if (wave_low == wave_high).all() or not suff.total_ss > 0.0:
        notes.append(
            "every score equals its wave mean (no variation left): the mixed model is undefined "
            "(its variances, icc, REML criterion, df, t, p and F are NaN), but the wave means "
            "and their differences are exact, so they are reported with se 0 and an interval "
            "of zero width"
        )
        return _empty(suff, waves, ci, notes, exact_means=wave_low)
    if not suff.within_ss > 1e-12 * suff.total_ss:
        notes.append(
            "no variation left once participants and waves are accounted for (every "
            "participant changed by exactly the average change): the mixed model is undefined"
        )
        return _empty(suff, waves, ci, notes)

    gamma = _fit_gamma(suff)
    crit, beta_c, rss, mat = _profiled(suff, gamma)
    n_p = suff.n_obs - k
    sigma2 = rss / n_p
    if not sigma2 > 1e-12 * suff.total_ss / suff.n_obs:
        notes.append(
            "no variation left once participants and waves are accounted for (every "
            "participant changed by exactly the average change): the mixed model is undefined"
        )
        return _empty(suff, waves, ci, notes)
    beta = beta_c + suff.shift
    mat_inv = np.linalg.inv(mat)
    cov = sigma2 * mat_inv
    hess, jac = _variance_hessian(suff, gamma, sigma2, mat_inv, beta_c, rss)
    if math.sqrt(gamma) < 1e-4:
        notes.append(
            "participant variance estimated at (nearly) zero (singular fit, as lme4 would say)"
        )
    a_cov = 2.0 * _pinv_sym(hess)

    alpha = 1.0 - ci
    means = []
    for j, name in enumerate(waves):
        e = np.zeros(k)
        e[j] = 1.0
        se = math.sqrt(cov[j, j])
        df = _satterthwaite(e, cov, jac, a_cov)
        half = float(stats.t.isf(alpha / 2.0, df)) * se if df > 0 else math.nan
        means.append(
            WaveMean(
                wave=str(name),
                estimate=float(beta[j]),
                se=se,
                df=df,
                ci_low=float(beta[j]) - half,
                ci_high=float(beta[j]) + half,
            )
        )
    contrasts = []
    for j in range(1, k):
        lvec = np.zeros(k)
        lvec[0], lvec[j] = -1.0, 1.0
        est = float(lvec @ beta)
        se = math.sqrt(float(lvec @ cov @ lvec))
        df = _satterthwaite(lvec, cov, jac, a_cov)
        t = est / se
        half = float(stats.t.isf(alpha / 2.0, df)) * se if df > 0 else math.nan
        contrasts.append(
            WaveContrast(
                wave=str(waves[j]),
                reference=str(waves[0]),
                estimate=est,
                se=se,
                df=df,
                t=t,
                p_value=t_two_sided_p(t, df),
                ci_low=est - half,
                ci_high=est + half,
            )
        )
    f, df2 = _omnibus(_anova_contrasts(suff.wave_counts), beta, cov, jac, a_cov)
    df1 = k - 1
    var_b = gamma * sigma2
    return MixedModelResult(
        n_obs=suff.n_obs,
        n_participants=suff.n_participants,
        n_complete=suff.n_complete,
        reml_criterion=crit,
        var_participant=var_b,
        var_residual=sigma2,
        icc=var_b / (var_b + sigma2),
        means=tuple(means),
        contrasts=tuple(contrasts),
        f=f,
        df1=df1,
        df2=df2,
        p_value=float(stats.f.sf(f, df1, df2)) if df2 > 0 else math.nan,
        ci=ci,
        method="REML (profiled, closed form); Satterthwaite df as lmerTest",
        notes=tuple(notes),
    )


def _anova_contrasts(counts: np.ndarray) -> np.ndarray:
    """The wave rows of lmerTest's type I/III contrast matrix, in cell-means coding.

    lmerTest builds L from the normalised Doolittle (unit LDL') factorisation
    of X'X for the treatment-coded design and keeps the rows of the wave
    terms. The Satterthwaite denominator df of a multi-df F test depends on
    that basis, so we use the same one to get the same df.
    """
    k = counts.size
    xtx = np.zeros((k, k))
    xtx[0, 0] = counts.sum()
    xtx[0, 1:] = xtx[1:, 0] = counts[1:]
    xtx[np.arange(1, k), np.arange(1, k)] = counts[1:]
    chol = np.linalg.cholesky(xtx)
    upper = (chol / np.diag(chol)).T
    # beta_treatment = A mu, with A mapping cell means to (mu_1, mu_j - mu_1).
    to_trt = np.eye(k)
    to_trt[1:, 0] = -1.0
    return upper[1:] @ to_trt


def _omnibus(
    lmat: np.ndarray,
    beta: np.ndarray,
    cov: np.ndarray,
    jac: Sequence[np.ndarray],
    a_cov: np.ndarray,
) -> tuple[float, float]:
    """Multi-df Wald F with Satterthwaite denominator df (lmerTest ``contestMD``)."""
    vl = lmat @ cov @ lmat.T
    d, p = np.linalg.eigh(vl)
    order = np.argsort(d)[::-1]
    d, p = d[order], p[:, order]
    pos = d > max(np.finfo(float).eps * d[0], 0.0)
    ptl = (p.T @ lmat)[pos]
    d = d[pos]
    t2 = (ptl @ beta) ** 2 / d
    f = float(t2.sum() / d.size)
    nu = np.array([_satterthwaite(row, cov, jac, a_cov) for row in ptl])
    return f, _f_ddf(nu)


def _empty(
    suff: _Sufficient,
    waves: Sequence[str],
    ci: float,
    notes: list[str],
    exact_means: np.ndarray | None = None,
) -> MixedModelResult:
    """The result of a model that cannot be fitted; ``exact_means`` when every answer at a wave is the same."""
    nan = math.nan
    mean = [nan] * len(waves) if exact_means is None else [float(m) for m in exact_means]
    spread = nan if exact_means is None else 0.0
    return MixedModelResult(
        n_obs=suff.n_obs,
        n_participants=suff.n_participants,
        n_complete=suff.n_complete,
        reml_criterion=nan,
        var_participant=nan,
        var_residual=nan,
        icc=nan,
        means=tuple(
            WaveMean(wave=str(w), estimate=m, se=spread, df=nan, ci_low=m, ci_high=m)
            for w, m in zip(waves, mean, strict=True)
        ),
        contrasts=tuple(
            WaveContrast(
                wave=str(w),
                reference=str(waves[0]),
                estimate=m - mean[0],
                se=spread,
                df=nan,
                t=nan,
                p_value=nan,
                ci_low=m - mean[0],
                ci_high=m - mean[0],
            )
            for w, m in zip(waves[1:], mean[1:], strict=True)
        ),
        f=nan,
        df1=len(waves) - 1,
        df2=nan,
        p_value=nan,
        ci=ci,
        method="REML (profiled, closed form); Satterthwaite df as lmerTest",
        notes=tuple(notes),
    )
