"""PostgreSQL connections are pinged at checkout only after sitting idle, and a dead one is replaced."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from lipassess.store import database
from lipassess.store.database import PING_IDLE_SECONDS, make_engine
from tests.conftest import POSTGRES_URL

pytestmark = pytest.mark.skipif(not POSTGRES_URL, reason="needs LIPASSESS_TEST_POSTGRES_URL")


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_busy_connections_are_not_pinged_idle_ones_are_and_a_dead_one_is_replaced(monkeypatch) -> None:
    clock = Clock()
    monkeypatch.setattr(database, "_clock", clock)
    engine = make_engine(POSTGRES_URL, pool_size=1, max_overflow=0)
    admin = make_engine(POSTGRES_URL, pool_pre_ping=True)
    pings: list[int] = []
    real_ping = engine.dialect.do_ping

    def counted_ping(dbapi_connection) -> bool:
        pings.append(1)
        return real_ping(dbapi_connection)

    monkeypatch.setattr(engine.dialect, "do_ping", counted_ping)

    def backend_pid() -> int:
        with engine.connect() as conn:
            return int(conn.scalar(text("SELECT pg_backend_pid()")))

    try:
        first = backend_pid()  # a new connection: no ping
        for _ in range(5):  # in use a moment ago: no ping, no round trip
            clock.now += PING_IDLE_SECONDS / 2
            assert backend_pid() == first
        assert pings == []
        clock.now += PING_IDLE_SECONDS + 1  # idle: pinged once, still alive, kept
        assert backend_pid() == first
        assert len(pings) == 1
        with admin.begin() as conn:  # the server ends the pooled connection (a restart, an idle timeout)
            assert conn.scalar(text("SELECT pg_terminate_backend(:pid)"), {"pid": first})
        clock.now += PING_IDLE_SECONDS + 1
        replaced = backend_pid()  # the ping fails, the pool reconnects: the request never sees the dead one
        assert replaced != first
        assert len(pings) == 2
    finally:
        engine.dispose()
        admin.dispose()
