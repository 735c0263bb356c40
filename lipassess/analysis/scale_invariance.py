"""Measurement invariance of every subscale of an instrument: one :class:`InvarianceResult` per subscale.

The outcomes are those of :mod:`lipassess.analysis.cohort` (:class:`OutcomeData`,
whose ``items`` hold each wave's reverse-keyed item answers). The total is not
tested: it mixes several subscales, so one factor does not describe it; the
subscales are. Tests that cannot run (a subscale with fewer than three items,
too few participants, one language only) are recorded per subscale in
``missing``, as :func:`~lipassess.analysis.invariance.measurement_invariance` does.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import pandas as pd

from lipassess.analysis._results import ResultMixin, format_table
from lipassess.analysis.cohort import OutcomeData
from lipassess.analysis.invariance import CHEN_2007, Criteria, InvarianceResult, InvarianceTest, measurement_invariance
from lipassess.vocabulary import MEASUREMENT_WAVES, TOTAL


@dataclass(frozen=True, slots=True, kw_only=True)
class ScalesInvariance(ResultMixin):
    """Invariance across ``waves`` (and across the groups of ``group``) for each subscale, in order."""

    scope: str
    waves: tuple[str, ...]
    group: str | None
    scales: dict[str, InvarianceResult] = field(default_factory=dict)
    notes: tuple[str, ...] = ()

    def summary(self) -> str:
        rows = []
        for name, result in self.scales.items():
            rows.append([name, _verdict(result.across_waves, result.missing.get("waves")),
                         _verdict(result.across_groups, result.missing.get("groups"))])
        head = (f"Measurement invariance, {self.scope or 'data'}: across {', '.join(self.waves)}"
                + (f" and across {self.group}" if self.group else ""))
        lines = [head, format_table(["subscale", "across waves", f"across {self.group or 'groups'}"], rows)]
        lines += [f"note: {note}" for note in self.notes]
        details = [r.summary() for r in self.scales.values()]
        return "\n".join(lines) + "\n\n" + "\n\n".join(details)


def _verdict(test: InvarianceTest | None, missing: str | None) -> str:
    if test is None:
        return "not tested" if missing is None else "not tested (see below)"
    freed = [*test.free_loadings, *(i for i in test.free_intercepts if i not in test.free_loadings)]
    return test.verdict + (f" ({', '.join(freed)})" if freed else "")


def invariance_by_scale(outcomes: Sequence[OutcomeData], *, waves: Sequence[str] = MEASUREMENT_WAVES,
                        groups: pd.Series | None = None, group: str | None = None, scope: str = "",
                        criteria: Criteria = CHEN_2007) -> ScalesInvariance:
    """Test every subscale of ``outcomes`` across the ``waves`` that have answers (and across ``groups``).

    Parameters
    ----------
    outcomes : sequence of OutcomeData
        One per subscale (the total is skipped); ``items`` maps wave to item answers.
    waves : sequence of str
        Waves to compare, in time order; those without answers are skipped.
    groups : pandas.Series, optional
        Group of each participant (e.g. the language), tested at the first wave.
    group : str, optional
        The groups' name for the output, e.g. ``language``.

    Returns
    -------
    ScalesInvariance

    Examples
    --------
    >>> result = invariance_by_scale([], waves=("pre", "post"), scope="none")
    >>> result.scales, result.notes
    ({}, ('no subscale has item answers',))
    """
    scales: dict[str, InvarianceResult] = {}
    for outcome in outcomes:
        if outcome.name == TOTAL:
            continue
        frames = {w: outcome.items[w] for w in waves if w in outcome.items and len(outcome.items[w])}
        if not frames:
            continue
        scales[outcome.name] = measurement_invariance(frames, groups=groups, scale=outcome.name, criteria=criteria)
    notes = () if scales else ("no subscale has item answers",)
    return ScalesInvariance(scope=scope, waves=tuple(waves), group=group if groups is not None else None,
                            scales=scales, notes=notes)
