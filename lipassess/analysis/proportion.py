"""A share of participants with its Wilson score confidence interval."""

from __future__ import annotations

import math
import numbers
from dataclasses import dataclass

from scipy import stats

from lipassess.analysis._results import ResultMixin
from lipassess.analysis.validation import check_ci
from lipassess.errors import InvalidInput

__all__ = ["ProportionResult", "proportion", "wilson_interval"]

METHOD = "Wilson score interval (Wilson 1927), no continuity correction"


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

    References
    ----------
    Wilson, E. B. (1927). Probable inference, the law of succession, and
    statistical inference. JASA, 22, 209-212.
    Brown, L. D., Cai, T. T., & DasGupta, A. (2001). Interval estimation for a
    binomial proportion. Statistical Science, 16, 101-133.

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
    )
