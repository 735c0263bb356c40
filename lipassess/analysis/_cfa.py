"""A small maximum-likelihood fitter for confirmatory factor models with means, one or more groups.

Each group has the usual LISREL-type matrices: loadings Lambda (p x m), factor
covariances Phi (m x m), residual covariances Theta (p x p), intercepts nu (p)
and factor means alpha (m). Every cell of them is either a fixed number or a
parameter **label**; cells that share a label (within a group or across
groups) share one free parameter, which is how equality constraints are
written. The model implies, per group g,

    Sigma_g = Lambda Phi Lambda' + Theta,    mu_g = nu + Lambda alpha.

The ML discrepancy minimised is the weighted sum over groups (Joreskog 1971;
Sorbom 1974 for the mean structure; Bollen 1989, ch. 4 and 8)

    F = sum_g (n_g / N) [ log|Sigma_g| + tr(S_g Sigma_g^-1) - log|S_g| - p
                          + (m_g - mu_g)' Sigma_g^-1 (m_g - mu_g) ],

with S_g the covariance matrix with divisor n_g and m_g the means. It is
minimised by Fisher scoring (damped Levenberg-Marquardt style where the
likelihood is flat): the gradient is
``dF/dtheta_k = tr(G Sigma_k) - 2 mu_k' Sigma^-1 d`` with
``G = Sigma^-1 - Sigma^-1 (S + d d') Sigma^-1`` and ``d = m - mu``, and the
expected Hessian ``tr(Sigma^-1 Sigma_k Sigma^-1 Sigma_l) + 2 mu_k' Sigma^-1 mu_l``
(both summed over groups with weight n_g / N).

Fit follows lavaan's definitions for ``estimator = "ML"`` (Rosseel 2012):
``T = N F``; ``df`` = moments (``p(p+1)/2 + p`` per group) minus free
parameters; the baseline model has free variances and means only;
``CFI = 1 - max(T - df, 0) / max(T_b - df_b, T - df, 0)`` (Bentler 1990);
``RMSEA = sqrt(G) sqrt(max(T / (N df) - 1 / N, 0))`` (Steiger 1998 for the
sqrt(G) of several groups). ``tests/analysis/test_cfa.py`` checks all of them
and the loadings against ``lavaan`` 0.6 (script in ``tests/analysis/r``).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
from scipy import stats
from threadpoolctl import threadpool_limits

Cell = float | str
"""A matrix cell: a fixed value, or the label of a free parameter."""

MAX_ITERATIONS = 200
#: Convergence: the Newton decrement g' H^-1 g, a second-order estimate of the F still to gain.
TOLERANCE = 1e-14
#: When rounding stops every step from lowering F, a decrement below this still counts as converged.
STALLED_TOLERANCE = 1e-9
MIN_DAMPING, MAX_DAMPING = 1e-4, 1e8


@dataclass(frozen=True, slots=True, kw_only=True)
class GroupModel:
    """The pattern of one group's matrices; symmetric matrices are read from their upper triangle."""

    loadings: Sequence[Sequence[Cell]]
    factor_cov: Sequence[Sequence[Cell]]
    residual_cov: Sequence[Sequence[Cell]]
    intercepts: Sequence[Cell]
    factor_means: Sequence[Cell]


@dataclass(frozen=True, slots=True)
class Moments:
    """A group's sample size, covariance matrix (divisor n) and means."""

    n: int
    cov: np.ndarray
    mean: np.ndarray

    @classmethod
    def of(cls, values: np.ndarray) -> Moments:
        """Moments of complete rows (observations x variables)."""
        mean = values.mean(axis=0)
        centred = values - mean
        return cls(n=values.shape[0], cov=centred.T @ centred / values.shape[0], mean=mean)


@dataclass(frozen=True, slots=True, kw_only=True)
class CFAFit:
    """Fit of a model: lavaan's chi-square, df, CFI and RMSEA, and the estimates by label."""

    chisq: float
    df: int
    p_value: float
    cfi: float
    rmsea: float
    baseline_chisq: float
    baseline_df: int
    n_obs: int
    converged: bool
    estimates: dict[str, float] = field(default_factory=dict)
    loadings: tuple[np.ndarray, ...] = ()


@dataclass(frozen=True, slots=True)
class _Matrix:
    """Where the free parameters sit in one matrix: their index (-1 fixed) and the fixed values."""

    index: np.ndarray
    fixed: np.ndarray
    symmetric: bool

    def value(self, theta: np.ndarray) -> np.ndarray:
        return np.where(self.index >= 0, theta[np.maximum(self.index, 0)], self.fixed)

    def indicator(self, q: int) -> np.ndarray:
        """(q, *shape) 0/1 array: which cells hold parameter k."""
        return (self.index[None, ...] == np.arange(q).reshape((q,) + (1,) * self.index.ndim)).astype(float)


def _compile(cells: Sequence[Sequence[Cell]] | Sequence[Cell], labels: dict[str, int],
             symmetric: bool = False) -> _Matrix:
    grid = np.array(cells, dtype=object)
    index = np.full(grid.shape, -1, dtype=int)
    fixed = np.zeros(grid.shape)
    for pos, cell in np.ndenumerate(grid):
        if symmetric and pos[0] > pos[1]:
            cell = grid[pos[1], pos[0]]
        if isinstance(cell, str):
            index[pos] = labels.setdefault(cell, len(labels))
        else:
            fixed[pos] = float(cell)
    return _Matrix(index, fixed, symmetric)


@dataclass(frozen=True, slots=True)
class _Group:
    lam: _Matrix
    phi: _Matrix
    theta: _Matrix
    nu: _Matrix
    alpha: _Matrix
    moments: Moments
    weight: float


class _Problem:
    """The compiled model and data; evaluates F, its gradient and expected Hessian."""

    def __init__(self, models: Sequence[GroupModel], data: Sequence[Moments]) -> None:
        self.labels: dict[str, int] = {}
        total = sum(m.n for m in data)
        self.groups = [
            _Group(_compile(model.loadings, self.labels), _compile(model.factor_cov, self.labels, True),
                   _compile(model.residual_cov, self.labels, True), _compile(model.intercepts, self.labels),
                   _compile(model.factor_means, self.labels), moments, moments.n / total)
            for model, moments in zip(models, data, strict=True)
        ]
        q = len(self.labels)
        self.indicators = [
            tuple(m.indicator(q) for m in (g.lam, g.phi, g.theta, g.nu, g.alpha)) for g in self.groups
        ]

    def start(self) -> np.ndarray:
        """Starting values: loadings sqrt(s_ii / 2), residual variances s_ii / 2, intercepts the means."""
        theta = np.full(len(self.labels), np.nan)
        for g in self.groups:
            s = np.diag(g.moments.cov)
            guesses = (
                (g.lam, np.sqrt(np.maximum(s, 1e-6) / 2)[:, None] * np.ones(g.lam.index.shape)),
                (g.phi, np.eye(g.phi.index.shape[0])),
                (g.theta, np.diag(s / 2)),
                (g.nu, g.moments.mean),
                (g.alpha, np.zeros(g.alpha.index.shape)),
            )
            for matrix, guess in guesses:
                for pos, k in np.ndenumerate(matrix.index):
                    if k >= 0 and np.isnan(theta[k]):
                        theta[k] = guess[pos]
        return theta

    def evaluate(self, theta: np.ndarray, *, derivatives: bool = True
                 ) -> tuple[float, np.ndarray | None, np.ndarray | None]:
        """F at theta (inf when a Sigma is not positive definite), with gradient and expected Hessian."""
        q = theta.size
        value = 0.0
        grad = np.zeros(q)
        hess = np.zeros((q, q))
        for g, (d_lam, d_phi, d_theta, d_nu, d_alpha) in zip(self.groups, self.indicators, strict=True):
            lam, phi, resid = g.lam.value(theta), g.phi.value(theta), g.theta.value(theta)
            sigma = lam @ phi @ lam.T + resid
            mu = g.nu.value(theta) + lam @ g.alpha.value(theta)
            try:
                chol = np.linalg.cholesky(sigma)
            except np.linalg.LinAlgError:
                return math.inf, None, None
            inv = np.linalg.inv(sigma)
            d = g.moments.mean - mu
            p = sigma.shape[0]
            log_det = 2.0 * float(np.log(np.diag(chol)).sum())
            sample_log_det = float(np.linalg.slogdet(g.moments.cov)[1])
            value += g.weight * (log_det + float(np.trace(g.moments.cov @ inv)) - sample_log_det - p
                                 + float(d @ inv @ d))
            if not derivatives:
                continue
            # Sigma_k = dL Phi L' + L Phi dL' + L dPhi L' + dTheta; mu_k = dnu + dL alpha + L dalpha.
            side = d_lam @ (phi @ lam.T)
            sigma_k = side + side.transpose(0, 2, 1) + lam @ d_phi @ lam.T + d_theta
            mu_k = d_nu + d_lam @ g.alpha.value(theta) + d_alpha @ lam.T
            big_g = inv - inv @ (g.moments.cov + np.outer(d, d)) @ inv
            flat = sigma_k.reshape(q, p * p)
            grad += g.weight * (flat @ big_g.ravel() - 2.0 * mu_k @ (inv @ d))  # tr(G Sigma_k), G symmetric
            a = inv @ sigma_k
            # tr(A_k A_l) = sum_ij A_k[i, j] A_l[j, i]
            hess += g.weight * (a.reshape(q, p * p) @ a.transpose(0, 2, 1).reshape(q, p * p).T
                                + 2.0 * mu_k @ inv @ mu_k.T)
        return value, grad, hess


def _decrement(hess: np.ndarray, grad: np.ndarray) -> float:
    """Newton decrement g' H^-1 g (inf when H is singular)."""
    try:
        return float(grad @ np.linalg.solve(hess, grad))
    except np.linalg.LinAlgError:
        return math.inf


def _damped_step(problem: _Problem, theta: np.ndarray, value: float, grad: np.ndarray, hess: np.ndarray,
                 damping: float) -> tuple[np.ndarray | None, float, float]:
    """A Fisher-scoring step damped Levenberg-Marquardt style until F does not rise.

    Solves ``(H + lambda diag(H)) step = g``; lambda grows tenfold after a step that raises F
    (or leaves Sigma not positive definite) and shrinks tenfold after one that lowers it, which
    keeps flat directions (items that hardly load) from throwing the fit far off.
    Returns the new theta (None when no damping helps), F there, and the next lambda.
    """
    diagonal = np.diag(np.maximum(np.diag(hess), 1e-12))
    while damping <= MAX_DAMPING:
        try:
            step = np.linalg.solve(hess + damping * diagonal, grad)
        except np.linalg.LinAlgError:
            step = None
        if step is not None:
            trial = theta - step
            trial_value, _, _ = problem.evaluate(trial, derivatives=False)
            if trial_value <= value:
                return trial, trial_value, damping / 10 if damping > MIN_DAMPING else 0.0
        damping = max(MIN_DAMPING, damping * 10)
    return None, value, damping


def _baseline(data: Sequence[Moments]) -> tuple[float, int]:
    """Independence model (free variances and means): T_b = sum n_g (sum log s_ii - log|S_g|)."""
    chisq = sum(m.n * (float(np.log(np.diag(m.cov)).sum()) - float(np.linalg.slogdet(m.cov)[1])) for m in data)
    p = data[0].cov.shape[0]
    return chisq, len(data) * p * (p - 1) // 2


def fit_cfa(models: Sequence[GroupModel], data: Sequence[Moments]) -> CFAFit:
    """Fit ``models`` (one per group) to ``data`` by ML; see the module docstring for F and the indices.

    Raises
    ------
    ValueError
        When a sample covariance matrix is singular or the model is not identified
        (its information matrix is singular); callers turn it into a message.
    """
    for m in data:
        if m.n <= m.cov.shape[0] or np.linalg.eigvalsh(m.cov)[0] <= 1e-12:
            raise ValueError("singular sample covariance matrix")
    # Hundreds of tiny matrix products: BLAS threads cost far more than they save (30 ms against
    # 0.06 ms for one product on a busy two-core machine), so the fit runs on one thread.
    with threadpool_limits(limits=1, user_api="blas"):
        return _fit(models, data)


def _fit(models: Sequence[GroupModel], data: Sequence[Moments]) -> CFAFit:
    problem = _Problem(models, data)
    theta = problem.start()
    value, grad, hess = problem.evaluate(theta)  # Sigma = L L' + diag(s) / 2 is positive definite
    converged = False
    damping = 0.0
    for _ in range(MAX_ITERATIONS):
        if grad is None or hess is None:
            raise ValueError("the model implies a covariance matrix that is not positive definite")
        decrement = _decrement(hess, grad)
        if decrement < TOLERANCE:
            converged = True
            break
        trial, trial_value, damping = _damped_step(problem, theta, value, grad, hess, damping)
        if trial is None:  # no step lowers F: at the optimum up to rounding, or stuck
            converged = decrement < STALLED_TOLERANCE
            break
        theta = trial
        value, grad, hess = problem.evaluate(theta)
    if hess is None or np.linalg.cond(hess) > 1e12:
        raise ValueError("the model is not identified")
    n_total = sum(m.n for m in data)
    p = data[0].cov.shape[0]
    df = len(data) * (p * (p + 1) // 2 + p) - theta.size
    chisq = max(n_total * value, 0.0)  # F >= 0; a saturated model can land a rounding error below
    base_chisq, base_df = _baseline(data)
    return CFAFit(
        chisq=chisq, df=df, p_value=float(stats.chi2.sf(chisq, df)) if df > 0 else math.nan,
        cfi=cfi(chisq, df, base_chisq, base_df), rmsea=rmsea(chisq, df, n_total, len(data)),
        baseline_chisq=base_chisq, baseline_df=base_df, n_obs=n_total, converged=converged,
        estimates={label: float(theta[k]) for label, k in problem.labels.items()},
        loadings=tuple(g.lam.value(theta) for g in problem.groups),
    )


def cfi(chisq: float, df: int, baseline_chisq: float, baseline_df: int) -> float:
    """Comparative fit index (Bentler 1990): ``1 - max(T - df, 0) / max(T_b - df_b, T - df, 0)``; 1 when both are 0."""
    denominator = max(baseline_chisq - baseline_df, chisq - df, 0.0)
    return 1.0 if denominator == 0 else 1.0 - max(chisq - df, 0.0) / denominator


def rmsea(chisq: float, df: int, n_obs: int, groups: int = 1) -> float:
    """RMSEA as lavaan gives it: ``sqrt(G) sqrt(max(T / (N df) - 1 / N, 0))``; 0 for a saturated model."""
    if df <= 0:
        return 0.0
    return math.sqrt(groups) * math.sqrt(max(chisq / (n_obs * df) - 1.0 / n_obs, 0.0))
