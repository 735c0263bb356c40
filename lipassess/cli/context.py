"""What every CLI command needs: the app's configuration and a transaction."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache

from flask import Flask
from sqlalchemy.orm import Session

from lipassess.store.database import session_scope
from lipassess.store.migrate import require_current_schema

COHORT_HELP = ("The cohort: its id as the dashboard shows it, its Moodle course id or its shortname "
               "(id:3, course:3 or shortname:NAME when a bare value names two cohorts).")


@cache
def cli_app() -> Flask:
    """The app built from the environment, once per process (the same config as the web)."""
    from lipassess import create_app

    return create_app()


@contextmanager
def transaction(app: Flask | None = None) -> Iterator[Session]:
    """One committed transaction for a command on an upgraded store; rolled back on any error."""
    from lipassess import db

    app = app or cli_app()
    require_current_schema(db.engine_for(app))
    with app.app_context(), session_scope(db.session_factory(app)) as session:
        yield session
