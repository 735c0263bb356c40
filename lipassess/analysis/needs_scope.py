"""The needs of one scope (a cohort or the program) put together: overall, by group, against change.

A plain container of :mod:`lipassess.analysis.needs` and
:mod:`lipassess.analysis.needs_loop` results that the needs report, the API
and the CLI read; :func:`lipassess.services.needs.needs_analysis` fills it
from the store.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any

from lipassess.analysis.needs import NeedsResult
from lipassess.analysis.needs_loop import NeedsLoopResult
from lipassess.analysis.subgroups import SubgroupResult, protect_subgroups
from lipassess.vocabulary import PRE

__all__ = ["NeedsAnalysis"]


@dataclass(frozen=True, slots=True, kw_only=True)
class NeedsAnalysis:
    """The needs of a scope (a cohort or the program), ready for the report, the API and the CLI.

    Attributes
    ----------
    scope : str
        Cohort shortname, or ``program``.
    overall : NeedsResult
        Everyone who answered.
    groups : dict of str to SubgroupResult
        One per :data:`GROUP_COLUMNS` entry that has values; the group of
        ``ministry_position`` is a ``(ministry, position code)`` pair.
    position_labels : dict of int to {en, km}
        The position level options of the instrument.
    loop : dict of wave to NeedsLoopResult
        Needs against change from pre to ``post`` and to ``followup``, when measured.
    min_group_size : int
        Groups under it are suppressed.
    synthetic : bool
        The figures describe simulated people (the demo).
    """

    scope: str
    overall: NeedsResult
    groups: dict[str, SubgroupResult]
    position_labels: dict[int, dict[str, str]]
    loop: dict[str, NeedsLoopResult]
    min_group_size: int
    synthetic: bool

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe: the overall result's keys (``competencies`` ...) at the top, then the rest."""
        return {"scope": self.scope, **self.overall.to_dict(),
                "groups": {name: result.to_dict() for name, result in self.groups.items()},
                "position_labels": {str(code): labels for code, labels in self.position_labels.items()},
                "loop": {wave: result.to_dict() for wave, result in self.loop.items()},
                "min_group_size": self.min_group_size, "synthetic": self.synthetic}

    def summary(self) -> str:
        """The overall table, each grouping, and the loop, as text."""
        parts = [f"Training needs of {self.scope}" + (" (synthetic data)" if self.synthetic else ""),
                 self.overall.summary()]
        parts += [result.summary() for result in self.groups.values()]
        parts += [f"Change {PRE} -> {wave}:\n{result.summary()}" for wave, result in self.loop.items()]
        return "\n\n".join(parts)

    def for_managers(self) -> NeedsAnalysis:
        """As a manager may see it: every grouping through the one small-group rule.

        Examples
        --------
        >>> import pandas as pd
        >>> from lipassess.analysis import needs_assessment, needs_by_group
        >>> data = pd.DataFrame({"ministry": ["A"] * 6 + ["B"] * 5 + ["C"] * 2,
        ...                      "a.importance": [5, 4] * 6 + [5], "a.competence": [2, 3] * 6 + [2]})
        >>> scope = NeedsAnalysis(scope="demo", overall=needs_assessment(data), position_labels={}, loop={},
        ...                       groups={"ministry": needs_by_group(data, "ministry")}, min_group_size=5,
        ...                       synthetic=True)
        >>> [(g.group, g.n) for g in scope.groups["ministry"].groups]  # an evaluator: C (2) is suppressed
        [('A', 6), ('B', 5), ('C', '<5')]
        >>> [(g.group, g.n) for g in scope.for_managers().groups["ministry"].groups]  # B too: C = total - A - B
        [('A', 6), ('B', 'hidden'), ('C', '<5')]
        """
        return dataclasses.replace(self, groups={name: protect_subgroups(result, self.min_group_size)
                                                 for name, result in self.groups.items()})
