"""Alembic, driven from Python: ``lipassess db upgrade`` and the tests call these."""

from __future__ import annotations

import weakref
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.engine import Engine

from lipassess.errors import ConfigurationError
from lipassess.store.database import check_connection, safe_url

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"


def alembic_config(engine: Engine) -> Config:
    """An Alembic config bound to ``engine`` (no alembic.ini needed)."""
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    cfg.set_main_option("sqlalchemy.url", engine.url.render_as_string(hide_password=False).replace("%", "%%"))
    return cfg


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Apply migrations up to ``revision`` in one connection."""
    cfg = alembic_config(engine)
    with engine.begin() as connection:
        cfg.attributes["connection"] = connection
        command.upgrade(cfg, revision)


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def head_revision(engine: Engine) -> str | None:
    return ScriptDirectory.from_config(alembic_config(engine)).get_current_head()


_current_engines: weakref.WeakSet[Engine] = weakref.WeakSet()


def require_current_schema(engine: Engine) -> None:
    """Refuse, in one line that says what to do, a database that is unreachable or not upgraded.

    A store that was never upgraded (no tables) or is behind this version's
    migrations would otherwise fail deep inside a command with "no such table"
    (SQLite) or "relation does not exist" (PostgreSQL). Checked once per engine.
    """
    if engine in _current_engines:
        return
    check_connection(engine)
    current, head = current_revision(engine), head_revision(engine)
    if current != head:
        where = safe_url(str(engine.url))
        state = ("has no lipassess tables yet" if current is None
                 else f"is at schema revision {current}, this version of lipassess needs {head}")
        raise ConfigurationError(f"the database at {where} {state}; run 'lipassess db upgrade' first")
    _current_engines.add(engine)
