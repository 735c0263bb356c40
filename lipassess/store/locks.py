"""Transaction-scoped locks that serialise one kind of write across processes and hosts.

``lock(session, namespace, key)`` blocks until no other transaction holds the
same ``(namespace, key)`` and keeps it until this transaction ends (commit or
rollback). PostgreSQL: ``pg_advisory_xact_lock``. SQLite has one writer at a
time anyway: a write that changes nothing takes the database's write lock now
(waiting up to the busy timeout), so the reads that follow already see what
the previous writer committed. Only use it at the start of a transaction.
"""

from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.orm import Session

SYNC = 0x6C697073  # "lips": lipassess sync, one course's writes at a time
DISPATCH = 0x6C697064  # "lipd": dispatch claims, one wave at a time


def lock(session: Session, namespace: int, key: int) -> None:
    """Hold the lock ``(namespace, key)`` until the session's transaction ends."""
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        session.execute(
            text("SELECT pg_advisory_xact_lock(CAST(:namespace AS integer), CAST(:key AS integer))"),
            {"namespace": namespace, "key": key},
        )
    elif dialect == "sqlite":
        session.execute(text("UPDATE cohorts SET id = id WHERE 1 = 0"))
    else:  # pragma: no cover - make_engine accepts nothing else
        raise NotImplementedError(f"no lock for database {dialect!r}")
