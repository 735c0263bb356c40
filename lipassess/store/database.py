"""Engine and session lifecycle, without Flask.

Domain operations receive a :class:`~sqlalchemy.orm.Session`, flush, and never
commit: the edge (a web request, a CLI command) owns the transaction through
:func:`session_scope` or the Flask teardown in :mod:`lipassess.db`.
"""

from __future__ import annotations

import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, event, text
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import ArgumentError, DatabaseError, DisconnectionError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

from lipassess.errors import ConfigurationError

SQLITE_BUSY_TIMEOUT_MS = 15_000
SUPPORTED_DRIVERS = frozenset({"sqlite", "sqlite+pysqlite", "postgresql", "postgresql+psycopg"})
"""The database drivers lipassess is tested with (and installs)."""


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def safe_url(url: str) -> str:
    """The database URL with any password hidden, for messages."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return "<unparseable URL>"


def make_engine(url: str, **kwargs: Any) -> Engine:
    """Create an engine; SQLite gets WAL, foreign keys and a busy timeout, its folder is created."""
    try:
        parsed = make_url(url)
    except ArgumentError:
        raise ConfigurationError(
            "LIPASSESS_DATABASE_URL is not a valid database URL; use "
            "'sqlite:///path/file.sqlite3' or 'postgresql+psycopg://user@host:5432/dbname'"
        ) from None
    if parsed.drivername not in SUPPORTED_DRIVERS:
        raise ConfigurationError(
            f"database driver {parsed.drivername!r} is not supported; use 'sqlite:///path/file.sqlite3' "
            "or 'postgresql+psycopg://user@host:5432/dbname'"
        )
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            folder = Path(parsed.database).parent
            try:
                folder.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise ConfigurationError(
                    f"cannot create the folder {folder} for the SQLite database ({exc.strerror}); "
                    "create it, or point LIPASSESS_DATABASE_URL at a writable path"
                ) from None
        engine = create_engine(url, connect_args={"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000}, **kwargs)
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    if parsed.drivername == "postgresql":
        parsed = parsed.set(drivername="postgresql+psycopg")
    if kwargs.get("pool_pre_ping"):
        return create_engine(parsed, **kwargs)
    engine = create_engine(parsed, **kwargs)
    ping_when_idle(engine)
    return engine


#: A pooled PostgreSQL connection left unused longer than this is pinged before it is handed out.
PING_IDLE_SECONDS = 2.0
_IDLE_SINCE = "lipassess_idle_since"
_clock = time.monotonic


def ping_when_idle(engine: Engine, *, idle_seconds: float = PING_IDLE_SECONDS) -> None:
    """Check a pooled connection with ``SELECT 1`` at checkout, but only after it sat idle.

    SQLAlchemy's ``pool_pre_ping`` pings at every checkout: one more round trip
    per web request (about a seventh of a survey page's). A connection handed
    back less than ``idle_seconds`` ago was working then; one idle longer (a
    database restart, a firewall's idle timeout) is pinged, and a dead one is
    replaced before the request sees it (``DisconnectionError`` makes the pool
    reconnect). The rare connection that dies within the window fails one
    request, and SQLAlchemy then discards every connection of that pool.
    """

    @event.listens_for(engine, "checkin")
    def _checkin(dbapi_connection: Any, record: Any) -> None:
        record.info[_IDLE_SINCE] = _clock()

    @event.listens_for(engine, "checkout")
    def _checkout(dbapi_connection: Any, record: Any, proxy: Any) -> None:
        since = record.info.pop(_IDLE_SINCE, None)
        if since is None or _clock() - since < idle_seconds:
            return  # a new connection, or one in use a moment ago
        try:
            engine.dialect.do_ping(dbapi_connection)
        except Exception as exc:
            raise DisconnectionError(f"pooled connection idle for {_clock() - since:.0f} s is dead") from exc


def check_connection(engine: Engine) -> None:
    """Connect once, turning an unreachable database, or a file that is not one, into a one-line message.

    SQLite opens any file; the first statement (a ``PRAGMA`` of the connection) finds that it is not a
    database, and nothing has been written to it then.
    """
    try:
        with engine.connect():
            pass
    except DatabaseError as exc:  # OperationalError (unreachable, refused) is one kind
        reason = str(exc.orig).strip().splitlines()[0] if exc.orig else "connection failed"
        if engine.dialect.name == "sqlite" and not isinstance(exc, OperationalError):
            raise ConfigurationError(
                f"the file {engine.url.database} is not a SQLite database ({reason}); it was left as it is: "
                "point LIPASSESS_DATABASE_URL at the lipassess database, or at a new file to start one"
            ) from None
        raise ConfigurationError(
            f"cannot reach the database at {safe_url(str(engine.url))} ({reason}); "
            "check LIPASSESS_DATABASE_URL and that the server is running"
        ) from None


#: Key in ``Session.info`` of the share of a scale's items that must be answered for a score
#: when the instrument declares none (``LIPASSESS_MIN_SHARE_ANSWERED``); the app puts it there.
MIN_SHARE_INFO = "min_share_answered"

#: Key in ``Session.info`` of ``LIPASSESS_MIN_RATERS_PER_RELATION`` (observer ratings of one relation are
#: reported apart only from this many raters on); :mod:`lipassess.services.raters.evidence` reads it.
MIN_RATERS_INFO = "min_raters_per_relation"

#: Key in ``Session.info`` of the secrets that encrypt the LTI tool keys at rest, the current one first
#: (:func:`lipassess.config.key_encryption_secrets`); :mod:`lipassess.services.key_vault` reads it.
KEY_SECRETS_INFO = "key_encryption_secrets"


def ping(session: Session) -> None:
    """Run ``SELECT 1`` in ``session``: raises when the database cannot be reached."""
    session.execute(text("SELECT 1"))


def make_session_factory(engine: Engine, *, info: Mapping[str, Any] | None = None) -> sessionmaker[Session]:
    """Sessions on ``engine``; ``info`` (settings the services read, e.g. :data:`MIN_SHARE_INFO`) goes
    into every session's ``Session.info``."""
    return sessionmaker(bind=engine, expire_on_commit=False, future=True, info=dict(info or {}))


@contextmanager
def session_scope(factory: sessionmaker[Session]) -> Iterator[Session]:
    """One transaction: commit when the block succeeds, roll back on any exception."""
    session = factory()
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()
