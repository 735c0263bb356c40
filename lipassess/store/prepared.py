"""PostgreSQL connections whose prepared statements outlive a rolled-back transaction.

psycopg prepares a statement on the server once a connection has run it
``prepare_threshold`` (5) times, and PostgreSQL then stops planning it: after
five executions with a plan of their own it keeps one generic plan. Planning
is most of what the survey's statements cost the server: the access check
joins five tables and takes about 0.35 ms to plan against 0.09 ms to run
(``EXPLAIN ANALYZE`` on ``bench/submit_load.py``'s seeding).

But psycopg's ``Connection.rollback()`` also forgets every statement it
prepared and sends ``DEALLOCATE ALL`` (one more round trip), as a precaution
for transactions that changed the schema. A web request that fails rolls its
transaction back (a double-clicked Submit, an answer out of range, a missing
answer): at a seminar that is often enough that the write statements were
almost never prepared, and each was planned afresh at every page save. Seen
with ``bench/request_cpu.py``'s seeding: the server's CPU per survey request
fell from 1.08 ms to 0.61 ms with the statements kept.

:class:`RollbackKeepsPrepared` is a psycopg ``Connection`` whose
``rollback()`` sends only ``ROLLBACK`` when the transaction is still sound (a
request that gave up, with no failed statement). That is safe for the web
app's connections (:func:`keep_prepared_statements`), which never change the
schema: a prepared statement is not part of a transaction (PostgreSQL keeps
it after ``ROLLBACK``), and psycopg records a statement as prepared only when
its preparation succeeded. A transaction in which a statement failed is
rolled back by psycopg's own ``rollback()``, which forgets the prepared
statements as before: the failure may be a prepared statement gone stale
(``cached plan must not change result type`` after a migration changed a
column), and only a fresh preparation mends it. Anything else unusual (no
transaction open, a pipeline, a ``Connection.transaction()`` block, a
two-phase transaction, a ``ROLLBACK`` that does not succeed) also goes to
psycopg's ``rollback()``, which raises its usual errors for a lost
connection, so SQLAlchemy replaces it. A statement gone stale outside a
transaction (a page view runs in autocommit) has no rollback to mend it:
:func:`forget_stale_statements` does, called where such a statement fails.
"""

from __future__ import annotations

from typing import Any

import psycopg
from psycopg.pq import ExecStatus, PipelineStatus, TransactionStatus
from sqlalchemy import event
from sqlalchemy.engine import Engine


class RollbackKeepsPrepared(psycopg.Connection[Any]):
    """A psycopg connection whose ``rollback()`` keeps the statements prepared on the server (module docstring)."""

    def rollback(self) -> None:
        """Roll back a sound open transaction with one ``ROLLBACK``; psycopg's own rollback for anything else."""
        in_block = getattr(self, "_num_transactions", 0) > 0  # a ``with conn.transaction():`` block
        two_phase = getattr(self, "_tpc", None) is not None
        sound = self.pgconn.transaction_status == TransactionStatus.INTRANS  # open, no statement failed
        if not sound or self.pgconn.pipeline_status != PipelineStatus.OFF or in_block or two_phase:
            super().rollback()
            return
        with self.lock:
            try:
                result = self.pgconn.exec_(b"ROLLBACK")
            except psycopg.Error:
                result = None
        if result is None or result.status != ExecStatus.COMMAND_OK:
            super().rollback()  # raises the driver's error for a lost connection, or rolls back as psycopg does


#: PostgreSQL's error for a prepared statement whose plan no longer fits the schema ("cached plan must not change
#: result type"): feature_not_supported.
STALE_PLAN = "0A000"


def forget_stale_statements(dbapi_connection: Any, error: BaseException) -> None:
    """After ``error`` on a connection outside a transaction, forget its prepared statements if one went stale.

    Inside a transaction the failed statement leaves it in error, and the
    rollback that follows forgets them (:class:`RollbackKeepsPrepared`).
    ``DEALLOCATE ALL`` empties the server's statements and, as psycopg
    recognises it, psycopg's own record of them: the next runs prepare afresh.
    """
    if (isinstance(dbapi_connection, RollbackKeepsPrepared) and getattr(error, "sqlstate", None) == STALE_PLAN
            and not dbapi_connection.closed
            and dbapi_connection.pgconn.transaction_status == TransactionStatus.IDLE):
        try:
            dbapi_connection.execute("DEALLOCATE ALL")
        except psycopg.Error:  # the original error is what the caller raises; a broken connection is replaced
            pass


def keep_prepared_statements(engine: Engine) -> None:
    """Connect ``engine``'s new PostgreSQL (psycopg) connections as :class:`RollbackKeepsPrepared`.

    For engines whose connections never change the schema (the web app's):
    see the module docstring. Other dialects and drivers are left alone.
    """
    if (engine.dialect.name, engine.dialect.driver) != ("postgresql", "psycopg"):
        return

    @event.listens_for(engine, "do_connect")
    def _connect(dialect: Any, record: Any, cargs: tuple[Any, ...], cparams: dict[str, Any]) -> psycopg.Connection:
        return RollbackKeepsPrepared.connect(*cargs, **cparams)

    @event.listens_for(engine, "handle_error")
    def _failed(context: Any) -> None:  # a statement run through SQLAlchemy failed
        connection = context.connection
        if connection is not None and not connection.invalidated and context.original_exception is not None:
            forget_stale_statements(connection.connection.dbapi_connection, context.original_exception)
