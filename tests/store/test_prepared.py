"""The web app's PostgreSQL connections keep their prepared statements through a rollback, and still roll back."""

from __future__ import annotations

import psycopg
import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from lipassess import db
from lipassess.store.prepared import RollbackKeepsPrepared

pytestmark = pytest.mark.postgres(only=True)

#: Run often enough that psycopg prepares it (its prepare_threshold is 5).
_STATEMENT = "SELECT %(n)s::integer + 40"
_PREPARED = text("SELECT count(*) FROM pg_prepared_statements WHERE statement LIKE '%+ 40%'")


def _run_until_prepared(conn) -> None:
    for n in range(6):
        assert conn.exec_driver_sql(_STATEMENT, {"n": n}).scalar() == n + 40
    assert conn.execute(_PREPARED).scalar() == 1


def test_the_app_connects_with_connections_that_keep_prepared_statements(app) -> None:
    with db.engine_for(app).connect() as conn:
        assert type(conn.connection.driver_connection) is RollbackKeepsPrepared


def test_a_rolled_back_transaction_keeps_the_statements_prepared(app) -> None:
    with db.engine_for(app).connect() as conn:
        _run_until_prepared(conn)
        conn.rollback()  # psycopg's own rollback would forget it and send DEALLOCATE ALL
        assert conn.execute(_PREPARED).scalar() == 1
        conn.exec_driver_sql(_STATEMENT, {"n": 1})
        plans = conn.execute(text("SELECT generic_plans + custom_plans FROM pg_prepared_statements "
                                  "WHERE statement LIKE '%+ 40%'")).scalar()
        assert plans == 2  # the statement was run prepared again (prepared at the 6th run, then this one)


def test_a_connection_returned_to_the_pool_in_a_transaction_keeps_them_too(app) -> None:
    engine = db.engine_for(app)
    with engine.connect() as conn:
        _run_until_prepared(conn)
        backend = conn.execute(text("SELECT pg_backend_pid()")).scalar()
    # The pool rolled the open transaction back when the connection came back; the same connection again:
    with engine.connect() as conn:
        assert conn.execute(text("SELECT pg_backend_pid()")).scalar() == backend
        assert conn.execute(_PREPARED).scalar() == 1


def test_the_rollback_discards_the_transactions_writes(app) -> None:
    with db.engine_for(app).connect() as conn:
        conn.exec_driver_sql("CREATE TEMPORARY TABLE kept (n integer)")
        conn.commit()
        conn.exec_driver_sql("INSERT INTO kept VALUES (1), (2)")
        assert conn.exec_driver_sql("SELECT count(*) FROM kept").scalar() == 2
        conn.rollback()
        assert conn.exec_driver_sql("SELECT count(*) FROM kept").scalar() == 0
        raw = conn.connection.driver_connection
        conn.rollback()  # nothing open: nothing sent, nothing raised
        assert raw.info.transaction_status.name == "IDLE"


def test_a_failed_transaction_is_rolled_back_and_the_connection_goes_on(app) -> None:
    with db.engine_for(app).connect() as conn:
        _run_until_prepared(conn)
        with pytest.raises(DBAPIError, match="division by zero"):
            conn.exec_driver_sql("SELECT 1 / 0")
        assert conn.connection.driver_connection.info.transaction_status.name == "INERROR"
        conn.rollback()
        assert conn.exec_driver_sql(_STATEMENT, {"n": 2}).scalar() == 42
        assert conn.execute(_PREPARED).scalar() == 1


def test_a_lost_connection_fails_the_rollback_and_is_replaced(app) -> None:
    engine = db.engine_for(app)
    with engine.connect() as conn:
        conn.exec_driver_sql("SELECT 1")  # a transaction is open
        backend = conn.execute(text("SELECT pg_backend_pid()")).scalar()
        with engine.connect() as other:
            other.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": backend})
            other.commit()
        with pytest.raises(DBAPIError) as failed:
            conn.rollback()
        assert failed.value.connection_invalidated
    with engine.connect() as conn:  # the pool connected again
        assert conn.execute(text("SELECT pg_backend_pid()")).scalar() != backend


def test_psycopgs_own_rollback_still_guards_a_transaction_block(app) -> None:
    engine = db.engine_for(app)
    cargs, cparams = engine.dialect.create_connect_args(engine.url)
    with RollbackKeepsPrepared.connect(*cargs, **cparams) as raw:
        with raw.transaction():
            raw.execute("SELECT 1")
            with pytest.raises(psycopg.ProgrammingError, match="forbidden within a Transaction"):
                raw.rollback()
