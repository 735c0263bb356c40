"""``lipassess demo``: a synthetic program in its own SQLite file, every analysis and output, optionally served."""

from __future__ import annotations

import secrets
import time
from pathlib import Path

import click


def _line(label: str, text: str) -> None:
    click.echo(f"{label:<18} {text}")


@click.command("demo", help="Build a SYNTHETIC program (3 cohorts, about 500 simulated participants) in a fresh "
                            "SQLite database inside --out, run every analysis and write impact summaries "
                            "(HTML, PDF; English and Khmer), analyses (JSON), dashboard tables (CSV) and exports "
                            "there. A folder that already holds a demo database is reused. Never touches the "
                            "configured database.")
@click.option("--out", default="lipassess-demo", show_default=True, type=click.Path(file_okay=False),
              help="Folder for the demo database and every output.")
@click.option("--serve", is_flag=True, help="Afterwards, run the development server on this demo database.")
@click.option("--port", default=5000, show_default=True, type=int, help="Port for --serve (localhost only).")
def demo(out: str, serve: bool, port: int) -> None:
    started = time.perf_counter()
    from lipassess import create_app, db
    from lipassess.cli.context import transaction
    from lipassess.instruments import bundled_instruments_dir
    from lipassess.services import demo as demo_service
    from lipassess.store import migrate
    from lipassess.store.database import check_connection

    out_dir = Path(out).resolve()
    out_dir.mkdir(parents=True, exist_ok=True)
    database = out_dir / demo_service.DEMO_DATABASE
    # The demo's own database and a throw-away session key: nothing configured elsewhere is used or changed.
    app = create_app({"DATABASE_URL": demo_service.demo_database_url(out_dir),
                      "SECRET_KEY": secrets.token_urlsafe(48)})
    engine = db.engine_for(app)
    try:
        check_connection(engine)
        migrate.upgrade(engine)
        with transaction(app) as session:
            built = demo_service.ensure_demo_program(session, bundled_instruments_dir())
            password = demo_service.reset_demo_admin(session)
        with transaction(app) as session:
            outputs = demo_service.write_demo_outputs(session, out_dir,
                                                      min_group_size=int(app.config["MIN_GROUP_SIZE"]))
        elapsed = time.perf_counter() - started
        files = outputs.files
        click.echo("SYNTHETIC DEMO DATA: simulated participants, not real people. Every output says so.")
        state = "created" if built is not None else "reused: it was already in this folder"
        _line("database", f"{database}  ({state})")
        if built is not None:
            _line("program", f"{built.cohorts} cohorts, {built.participants} participants, "
                             f"{built.responses} responses, {built.answers} answers")
        _line("summaries (HTML)", f"{out_dir / 'summaries'}/summary-*.html  ({len(files['summaries_html'])} files: "
                                  "each cohort and the program, English and Khmer)")
        _line("summaries (PDF)", f"{out_dir / 'summaries'}/summary-*.pdf  ({len(files['summaries_pdf'])} files)")
        _line("analyses (JSON)", f"{out_dir / 'analyses'}/analysis-*.json  ({len(files['analyses'])} files)")
        _line("needs reports", f"{out_dir / 'needs'}/needs-*.html  ({len(files.get('needs_html', []))} files), "
                               f"needs-program-*.pdf  ({len(files.get('needs_pdf', []))} files)")
        _line("dashboard tables", f"{out_dir / 'tables'}/*.csv  ({len(files['tables'])} files)")
        _line("exports", f"{out_dir / 'exports'}/  ({', '.join(p.name for p in files['exports'])}; "
                         "pseudonyms only)")
        _line("dashboard login", f"user 'demo', password '{password}' (admin of this demo database only; "
                                 "a new password is set on every run)")
        if not serve:
            _line("", f"open it with: lipassess demo --out {out_dir} --serve   "
                      f"(then http://127.0.0.1:{port}/staff/login)")
        click.echo(f"finished in {elapsed:.1f} s")
        if serve:
            click.echo(f"serving the demo at http://127.0.0.1:{port}/staff/login  (Ctrl+C to stop)")
            app.run(host="127.0.0.1", port=port, debug=False, use_reloader=False)
    finally:
        engine.dispose()
