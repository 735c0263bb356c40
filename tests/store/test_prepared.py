"""The web app's PostgreSQL connections keep their prepared statements through a rollback, and still roll back."""

from __future__ import annotations

import psycopg
import pytest
from sqlalchemy import Column, Integer, MetaData, Table, select, text
from sqlalchemy.exc import DBAPIError

from lipassess import db
from lipassess.store.driver import DriverStatement
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


def test_a_transaction_with_a_failed_statement_is_rolled_back_as_psycopg_does(app) -> None:
    with db.engine_for(app).connect() as conn:
        _run_until_prepared(conn)
        with pytest.raises(DBAPIError, match="division by zero"):
            conn.exec_driver_sql("SELECT 1 / 0")
        assert conn.connection.driver_connection.info.transaction_status.name == "INERROR"
        conn.rollback()
        # A failed statement may be a prepared one gone stale: psycopg forgets them all, and the next runs prepare.
        assert conn.execute(_PREPARED).scalar() == 0
        assert conn.exec_driver_sql(_STATEMENT, {"n": 2}).scalar() == 42


@pytest.fixture
def plan_probe(app):
    """A table ``plan_probe (x integer)`` holding 7, and a function that changes the column's type (a migration)."""
    engine = db.engine_for(app)

    def change_type(to: str) -> None:
        with engine.connect() as admin:
            admin.exec_driver_sql(f"ALTER TABLE plan_probe ALTER COLUMN x TYPE {to} USING x::{to}")
            admin.commit()

    with engine.connect() as admin:
        admin.exec_driver_sql("CREATE TABLE plan_probe (x integer)")
        admin.exec_driver_sql("INSERT INTO plan_probe VALUES (7)")
        admin.commit()
    yield change_type
    with engine.connect() as admin:
        admin.exec_driver_sql("DROP TABLE plan_probe")
        admin.commit()


def test_a_statement_gone_stale_after_a_migration_mends_after_one_failure(app, plan_probe) -> None:
    with db.engine_for(app).connect() as conn:
        for _ in range(6):  # prepared on the server, with a plan that returns an integer
            assert conn.exec_driver_sql("SELECT x FROM plan_probe").scalar() == 7
        conn.commit()
        plan_probe("text")
        with pytest.raises(DBAPIError, match="cached plan must not change result type"):
            conn.exec_driver_sql("SELECT x FROM plan_probe")
        conn.rollback()
        assert conn.exec_driver_sql("SELECT x FROM plan_probe").scalar() == "7"  # prepared afresh


def test_a_statement_gone_stale_outside_a_transaction_mends_after_one_failure(app, plan_probe) -> None:
    """A page view runs in autocommit: no rollback follows its failure, so the failure itself mends it."""
    probe = DriverStatement(select(Table("plan_probe", MetaData(), Column("x", Integer)).c.x), ())
    with db.engine_for(app).connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        for run in (lambda: conn.exec_driver_sql("SELECT x FROM plan_probe").scalar(),  # through SQLAlchemy
                    lambda: probe.first(conn, {})[0]):  # on the driver's cursor
            plan_probe("integer")
            for _ in range(6):
                assert run() == 7
            plan_probe("text")
            with pytest.raises(DBAPIError, match="cached plan must not change result type"):
                run()
            assert run() == "7"  # prepared afresh, without a rollback in between


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
