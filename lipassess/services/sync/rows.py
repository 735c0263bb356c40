"""The one row comparison of the apply phase: existing rows against what Moodle says."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping
from typing import Any

from sqlalchemy import update
from sqlalchemy.orm import Session

from lipassess.services.sync.report import Counts

IN_CHUNK = 900  # ids per IN (...) list, well under every backend's parameter limit


@dataclasses.dataclass
class RowChanges:
    """Rows to insert, changed columns to update, and how many stayed the same."""

    inserts: list[dict[str, Any]] = dataclasses.field(default_factory=list)
    updates: list[dict[str, Any]] = dataclasses.field(default_factory=list)
    unchanged: int = 0

    def compare(self, row: Any, wanted: Mapping[str, Any], identity: Mapping[str, Any]) -> None:
        """Queue ``identity + wanted`` as a new row, or only the columns of ``row`` that differ."""
        if row is None:
            self.inserts.append({**identity, **wanted})
            return
        changed = {k: v for k, v in wanted.items() if getattr(row, k) != v}
        if changed:
            self.updates.append({"id": row.id, **changed})
        else:
            self.unchanged += 1

    def counts(self) -> Counts:
        return Counts(created=len(self.inserts), updated=len(self.updates), unchanged=self.unchanged)


def bulk_update(session: Session, model: type, rows: list[dict[str, Any]]) -> None:
    """ORM bulk UPDATE by primary key, one statement per set of changed columns."""
    by_columns: dict[tuple[str, ...], list[dict[str, Any]]] = {}
    for row in rows:
        by_columns.setdefault(tuple(sorted(row)), []).append(row)
    for batch in by_columns.values():
        session.execute(update(model), batch)


def chunks(values: list[int], size: int = IN_CHUNK) -> Iterable[list[int]]:
    for start in range(0, len(values), size):
        yield values[start : start + size]

