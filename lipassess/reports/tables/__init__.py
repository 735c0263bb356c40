"""The dashboard's tables: analysis results -> named tables for HTML and CSV.

Each builder takes results of :mod:`lipassess.analysis` (or plain mappings)
and returns a :class:`Table`: a name (the CSV file name), a caption, typed
columns and one mapping per row. A row whose statistic could not be computed
keeps its labels, leaves every number ``None`` and says why under ``missing``
(the reason the analysis recorded), so no number ever disappears silently.

Rounding happens only in :meth:`Table.cells` (for people); :meth:`Table.csv`
writes full precision. Confidence intervals are one column on screen
(``[low, high]``) and two in CSV (``<key>_low``, ``<key>_high``).

Tables marked ``per_participant`` hold one row per (pseudonymous) participant
and are only for evaluators and admins; :func:`suppress_small_groups` hides
subgroups under the minimum size for managers.


Modules
-------
:mod:`.base`
    :class:`Column`, :class:`Table`, cell formatting, labels and row helpers.
:mod:`.participation`
    who answered: progress, retention, attrition, application, missing statistics.
:mod:`.outcomes`
    change in the outcomes: pre/post pairs, reliable change, repeated measures,
    mixed model, then-test.
:mod:`.items`
    reliability and item analysis per outcome and wave.
:mod:`.program`
    subgroups (with small-group suppression) and cohorts side by side.

``from lipassess.reports import tables`` keeps every builder importable as
``tables.<name>``; :func:`cohort_tables` assembles a cohort dashboard.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from lipassess.analysis.cohort import CohortAnalysis
from lipassess.analysis.subgroups import SubgroupResult, protect_attrition
from lipassess.reports.tables.base import (
    DASH,
    KINDS,
    TOTAL,
    WAVE_NAMES,
    Column,
    Table,
    format_value,
    ordered_outcomes,
    outcome_label,
)
from lipassess.reports.tables.items import ITEM_COLUMNS, item_rows, item_tables, items_table, reliability_table
from lipassess.reports.tables.outcomes import (
    PAIRED_COLUMNS,
    change_participants_table,
    change_table,
    mixed_model_table,
    paired_table,
    pairwise_table,
    repeated_table,
    then_test_table,
)
from lipassess.reports.tables.participation import (
    applied_table,
    attrition_baseline_table,
    attrition_table,
    missing_table,
    progress_table,
    retention_table,
)
from lipassess.reports.tables.program import cohort_comparison_table, subgroup_table, suppress_small_groups


def cohort_tables(analysis: CohortAnalysis, *, sees_individuals: bool, min_group_size: int,
                  subgroups: Sequence[tuple[str, SubgroupResult | None, str | None]] = (),
                  progress: Iterable[Mapping[str, Any]] | None = None,
                  retention: tuple[int, int] | None = None, reverse_keyed: Iterable[str] = ()) -> dict[str, Table]:
    """Every table of a cohort dashboard by name, for one audience.

    ``sees_individuals`` False (managers): no per-participant table, subgroups and
    categorical baseline levels under ``min_group_size`` hidden.
    """
    limit = None if sees_individuals else min_group_size
    if limit is not None and analysis.attrition is not None:
        analysis = dataclasses.replace(analysis, attrition=protect_attrition(analysis.attrition, limit))
    tables: list[Table] = []
    if progress is not None:
        tables.append(progress_table(progress))
    if retention is not None:
        tables.append(retention_table(*retention))
    tables += [
        paired_table(analysis, "pre_post"), paired_table(analysis, "pre_followup"), reliability_table(analysis),
        items_table(analysis, reverse_keyed=reverse_keyed), change_table(analysis),
    ]
    if sees_individuals:
        tables.append(change_participants_table(analysis))
    tables += [
        repeated_table(analysis), pairwise_table(analysis), mixed_model_table(analysis), then_test_table(analysis),
        attrition_table(analysis), attrition_baseline_table(analysis, min_group_size=limit), applied_table(analysis),
    ]
    tables += [subgroup_table(dimension, result, missing=why, min_group_size=limit)
               for dimension, result, why in subgroups]
    tables.append(missing_table(analysis))
    return {t.name: t for t in tables}


__all__ = [
    "DASH", "ITEM_COLUMNS", "KINDS", "PAIRED_COLUMNS", "TOTAL", "WAVE_NAMES", "Column", "Table", "applied_table",
    "attrition_baseline_table", "attrition_table", "change_participants_table", "change_table",
    "cohort_comparison_table", "cohort_tables", "format_value", "item_rows", "item_tables", "items_table",
    "missing_table", "mixed_model_table", "ordered_outcomes", "outcome_label", "paired_table", "pairwise_table",
    "progress_table", "reliability_table", "repeated_table", "retention_table", "subgroup_table",
    "suppress_small_groups", "then_test_table",
]
