"""``lipassess db``: create or upgrade the database schema."""

from __future__ import annotations

import click

from lipassess import db
from lipassess.cli.context import cli_app
from lipassess.store import migrate
from lipassess.store.database import check_connection, safe_url


@click.group("db", help="Create or upgrade the database schema.")
def db_group() -> None:
    """Database commands."""


@db_group.command("upgrade", help="Apply every migration (safe to run again).")
def upgrade() -> None:
    engine = db.engine_for(cli_app())
    check_connection(engine)
    migrate.upgrade(engine)
    click.echo(f"database at {safe_url(str(engine.url))} is at revision {migrate.current_revision(engine)}")


@db_group.command("current", help="Show the schema revision of the database.")
def current() -> None:
    engine = db.engine_for(cli_app())
    check_connection(engine)
    rev = migrate.current_revision(engine)
    head = migrate.head_revision(engine)
    state = "up to date" if rev == head else f"behind (head is {head}); run 'lipassess db upgrade'"
    click.echo(f"revision {rev or 'none'}: {state}")
