"""The one row comparison of the apply phase: existing rows against what Moodle says.

Every upsert of :mod:`lipassess.services.sync.apply` loads the course's
existing rows into a dict, hands it to a :class:`RowChanges`, compares each
row Moodle reports, and writes only what differs. The rules it applies, once:

* a key with no existing row is a new row (``identity`` + ``wanted``);
* an existing row is updated with only the columns whose value differs
  (``getattr(row, column) != value``), or counted unchanged;
* an existing row nothing was compared with (Moodle no longer lists it) is
  left alone and not counted, unless :meth:`RowChanges.update_missing` says
  what such rows become (enrolments: ``unenrolled``);
* ``frozen`` rows (a withdrawn participant) are counted unchanged, never
  compared; ``stamp`` columns (``synced_at``) are written with every new or
  changed row and never compared.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from typing import Any, Generic, TypeVar

from sqlalchemy import insert, update
from sqlalchemy.orm import Session

from lipassess.services.sync.report import Counts

IN_CHUNK = 900  # ids per IN (...) list, well under every backend's parameter limit

K = TypeVar("K", bound=Hashable)


class RowChanges(Generic[K]):
    """Rows to insert, changed columns to update, and how many stayed the same.

    Parameters
    ----------
    existing
        ``{key: row}`` of the rows already stored; a row has ``id`` and an
        attribute per compared column (a selected ``Row`` or an ORM object).
    stamp
        Columns added to every inserted or updated row, never compared
        (``{"synced_at": now}``).
    frozen
        ``frozen(row)`` true: the row keeps what it holds, it is counted
        unchanged without comparing.
    """

    def __init__(
        self,
        existing: Mapping[K, Any] | None = None,
        *,
        stamp: Mapping[str, Any] | None = None,
        frozen: Callable[[Any], bool] | None = None,
    ) -> None:
        self.existing: Mapping[K, Any] = existing if existing is not None else {}
        self.stamp: dict[str, Any] = dict(stamp or {})
        self.frozen = frozen
        self.inserts: list[dict[str, Any]] = []
        self.updates: list[dict[str, Any]] = []
        self.unchanged = 0
        self._seen: set[K] = set()

    def compare(self, key: K, wanted: Mapping[str, Any], identity: Mapping[str, Any]) -> None:
        """Queue ``identity + wanted`` as a new row, or only the columns of the row of ``key`` that differ."""
        self._seen.add(key)
        row = self.existing.get(key)
        if row is None:
            self.inserts.append({**identity, **self.stamp, **wanted})
            return
        if self.frozen is not None and self.frozen(row):
            self.unchanged += 1
            return
        changed = {k: v for k, v in wanted.items() if getattr(row, k) != v}
        if changed:
            self.updates.append({"id": row.id, **self.stamp, **changed})
        else:
            self.unchanged += 1

    def update_missing(self, wanted: Mapping[str, Any]) -> int:
        """Compare every existing row no :meth:`compare` named with ``wanted``; how many changed.

        For rows Moodle no longer lists that still change (an enrolment becomes
        ``unenrolled``); rows already as ``wanted`` count unchanged.
        """
        before = len(self.updates)
        for key in [key for key in self.existing if key not in self._seen]:
            self.compare(key, wanted, {})
        return len(self.updates) - before

    def counts(self) -> Counts:
        """Rows queued for insert (created), for update (updated), and left unchanged."""
        return Counts(created=len(self.inserts), updated=len(self.updates), unchanged=self.unchanged)

    def write(self, session: Session, model: type, *returning: Any) -> Sequence[Any]:
        """Insert the new rows and update the changed ones; the ``returning`` columns of the inserted rows."""
        created: Sequence[Any] = []
        if self.inserts:
            statement = insert(model)
            if returning:
                created = list(session.execute(statement.returning(*returning), self.inserts))
            else:
                session.execute(statement, self.inserts)
        bulk_update(session, model, self.updates)
        return created


def bulk_update(session: Session, model: type, rows: list[dict[str, Any]]) -> None:
    """ORM bulk UPDATE by primary key, one statement per set of changed columns."""
    by_columns: dict[tuple[str, ...], list[dict[str, Any]]] = {}
    for row in rows:
        by_columns.setdefault(tuple(sorted(row)), []).append(row)
    for batch in by_columns.values():
        session.execute(update(model), batch)


def chunks(values: list[int], size: int = IN_CHUNK) -> Iterable[list[int]]:
    """``values`` in lists of at most ``size`` (for ``IN (...)``)."""
    for start in range(0, len(values), size):
        yield values[start : start + size]
