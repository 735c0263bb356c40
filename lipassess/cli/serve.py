"""``lipassess serve``: the embedded default in one command (SQLite, migrations, instruments, dev server)."""

from __future__ import annotations

import click

from lipassess import db
from lipassess.cli.context import cli_app, transaction
from lipassess.services import instruments as instrument_store
from lipassess.store import migrate
from lipassess.store.database import check_connection, safe_url


@click.command("serve", help="Upgrade the database and run the development server (not for production).")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
def serve(host: str, port: int) -> None:
    app = cli_app()
    engine = db.engine_for(app)
    check_connection(engine)
    migrate.upgrade(engine)
    with transaction(app) as session:
        stored = instrument_store.register_directory(session, instrument_store.instruments_dir(app.config))
    click.echo(f"database: {safe_url(str(engine.url))}; {len(stored)} instruments ready")
    click.echo(f"lipassess is running at http://{host}:{port}/  (Ctrl+C to stop)")
    app.run(host=host, port=port, debug=False, use_reloader=False)
