"""A share of participants with its Wilson score interval (also continuity-corrected) and Clopper-Pearson's."""

from __future__ import annotations

import math
import numbers
from dataclasses import dataclass

from scipy import special, stats

from lipassess.analysis._results import ResultMixin
from lipassess.analysis.validation import check_ci
from lipassess.errors import InvalidInput

__all__ = ["ProportionResult", "proportion", "wilson_interval"]

METHOD = (
    "Wilson score interval (Wilson 1927), no continuity correction; beside it Wilson with "
    "R's continuity correction (prop.test) and the Clopper-Pearson exact interval (binom.test)"
)


@dataclass(frozen=True, slots=True, kw_only=True)
class ProportionResult(ResultMixin):
    """A proportion ``successes / n_obs`` with its confidence interval.

    Attributes
    ----------
    successes : int
        Count of participants with the outcome.
    n_obs : int
        Count of participants asked.
    share : float
        ``successes / n_obs``.
    ci_low, ci_high : float
        Wilson score interval at level ``ci``.
    wilson_cc_ci_low, wilson_cc_ci_high : float
        Wilson score interval with continuity correction, as R's ``prop.test(x, n)``.
    clopper_pearson_ci_low, clopper_pearson_ci_high : float
        Clopper-Pearson exact interval, as R's ``binom.test(x, n)``.
    ci : float
        Confidence level.
    method : str
        CI method, in words.
    notes : tuple of str
        Anything worth knowing when reading the figure.
    """

    successes: int
    n_obs: int
    share: float
    ci_low: float
    ci_high: float
    ci: float
    method: str
    notes: tuple[str, ...]
    wilson_cc_ci_low: float
    wilson_cc_ci_high: float
    clopper_pearson_ci_low: float
    clopper_pearson_ci_high: float


def wilson_interval(successes: int, n: int, level: float) -> tuple[float, float]:
    """Wilson score interval for ``successes`` out of ``n`` (``n >= 1``), no checks."""
    z = float(stats.norm.ppf(0.5 + level / 2.0))
    p = successes / n
    z2 = z * z
    centre = (p + z2 / (2 * n)) / (1 + z2 / n)
    half = z / (1 + z2 / n) * math.sqrt(p * (1 - p) / n + z2 / (4 * n * n))
    low = 0.0 if successes == 0 else max(0.0, centre - half)
    high = 1.0 if successes == n else min(1.0, centre + half)
    return low, high


def wilson_cc_interval(successes: int, n: int, level: float) -> tuple[float, float]:
    r"""Wilson score interval with continuity correction, exactly as R's ``prop.test(x, n)``.

    With :math:`c = \min(1/2, |x - n/2|)/n` (R reduces the correction when x
    is within 1/2 of n/2, the null of ``prop.test``), :math:`\hat p = x/n` and
    :math:`z` the ``(1 + level)/2`` quantile, the limits are
    :math:`(p_\pm + z^2/2n \pm z\sqrt{p_\pm(1-p_\pm)/n + z^2/4n^2})/(1 + z^2/n)`
    at :math:`p_\pm = \hat p \pm c`, and 0 (1) when :math:`p_- \le 0`
    (:math:`p_+ \ge 1`) (Newcombe 1998, method 4).
    """
    z = float(stats.norm.ppf(0.5 + level / 2.0))
    p = successes / n
    c = min(0.5, abs(successes - n * 0.5)) / n
    z22n = z * z / (2 * n)

    def limit(pc: float, sign: float) -> float:
        return (pc + z22n + sign * z * math.sqrt(pc * (1 - pc) / n + z22n / (2 * n))) / (1 + 2 * z22n)

    upper = p + c
    lower = p - c
    high = 1.0 if upper >= 1 else min(limit(upper, 1.0), 1.0)
    low = 0.0 if lower <= 0 else max(limit(lower, -1.0), 0.0)
    return low, high


def clopper_pearson_interval(successes: int, n: int, level: float) -> tuple[float, float]:
    r"""Clopper-Pearson (1934) interval from beta quantiles, as R's ``binom.test(x, n)``.

    :math:`[B(\alpha/2; x, n - x + 1),\ B(1 - \alpha/2; x + 1, n - x)]`, with
    0 when x = 0 and 1 when x = n.
    """
    tail = (1.0 - level) / 2.0
    low = 0.0 if successes == 0 else float(special.betaincinv(successes, n - successes + 1, tail))
    high = 1.0 if successes == n else float(special.betaincinv(successes + 1, n - successes, 1 - tail))
    return low, high


def _count(value: object, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise InvalidInput(f"{name} must be a whole number, not {value!r}.")
    if isinstance(value, numbers.Integral):
        return int(value)
    as_float = float(value)
    if not math.isfinite(as_float) or as_float != round(as_float):
        raise InvalidInput(
            f"{name} must be a whole number (a count of participants), not {value!r}."
        )
    return int(as_float)


def proportion(successes: int, n: int, *, ci: float = 0.95) -> ProportionResult:
    """Share of ``n`` participants with an outcome, with a Wilson score CI.

    Parameters
    ----------
    successes : int
        Participants with the outcome (for example "applied the skills").
    n : int
        Participants asked (at least 1).
    ci : float
        Confidence level.

    Returns
    -------
    ProportionResult
        JSON keys: ``successes``, ``n_obs``, ``share``, ``ci_low``, ``ci_high``,
        ``ci``, ``method``, ``notes``.

    Raises
    ------
    InvalidInput
        Counts that are not whole numbers, ``n < 1`` or ``successes`` outside ``0..n``.

    Notes
    -----
    With p = x / n and z the ``(1 + ci) / 2`` normal quantile::

        (p + z^2 / 2n  -/+  z sqrt(p (1 - p) / n + z^2 / 4n^2)) / (1 + z^2 / n)

    (Wilson 1927). It keeps good coverage near 0 and 1 and for small n, where
    the Wald interval fails (Brown, Cai & DasGupta 2001). The interval equals
    R's ``prop.test(x, n, correct = FALSE)$conf.int`` (prop.test without the
    continuity correction inverts the score test, which is Wilson's interval)
    and ``binom::binom.wilson(x, n)``. When x = 0 (x = n) the bound at 0 (1)
    is exact.

    Beside it, for evaluators who report one of the others (Newcombe 1998;
    Brown, Cai & DasGupta 2001 compare them): ``wilson_cc_ci_*``, the Wilson
    interval with continuity correction exactly as R's default
    ``prop.test(x, n)$conf.int`` computes it (see :func:`wilson_cc_interval`),
    and ``clopper_pearson_ci_*``, the exact interval
    :math:`[B(a/2; x, n-x+1), B(1-a/2; x+1, n-x)]` of
    ``binom.test(x, n)$conf.int`` (Clopper & Pearson 1934), conservative by
    construction.

    References
    ----------
    Wilson, E. B. (1927). Probable inference, the law of succession, and
    statistical inference. JASA, 22, 209-212.
    Brown, L. D., Cai, T. T., & DasGupta, A. (2001). Interval estimation for a
    binomial proportion. Statistical Science, 16, 101-133.
    Newcombe, R. G. (1998). Two-sided confidence intervals for the single
    proportion: comparison of seven methods. Statistics in Medicine, 17, 857-872.
    Clopper, C. J., & Pearson, E. S. (1934). The use of confidence or fiducial
    limits illustrated in the case of the binomial. Biometrika, 26, 404-413.

    Examples
    --------
    >>> result = proportion(89, 100)
    >>> round(result.ci_low, 4), round(result.ci_high, 4)  # prop.test(89, 100, correct = FALSE)
    (0.8137, 0.9375)
    """
    level = check_ci(ci)
    x = _count(successes, "successes")
    total = _count(n, "n")
    if total < 1:
        raise InvalidInput(f"n must be at least 1 participant, not {n!r}.")
    if not 0 <= x <= total:
        raise InvalidInput(f"successes must be between 0 and n ({total}), not {successes!r}.")
    low, high = wilson_interval(x, total, level)
    cc_low, cc_high = wilson_cc_interval(x, total, level)
    cp_low, cp_high = clopper_pearson_interval(x, total, level)
    notes: tuple[str, ...] = ()
    if total < 10:
        notes = (f"Only {total} participants: the interval is wide.",)
    return ProportionResult(
        successes=x,
        n_obs=total,
        share=x / total,
        ci_low=low,
        ci_high=high,
        ci=level,
        method=METHOD,
        notes=notes,
        wilson_cc_ci_low=cc_low,
        wilson_cc_ci_high=cc_high,
        clopper_pearson_ci_low=cp_low,
        clopper_pearson_ci_high=cp_high,
    )
