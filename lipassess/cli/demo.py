"""``lipassess demo``: a synthetic program in its own SQLite file, every analysis and output, optionally served.

A folder that already holds a demo keeps it: its data and its sign-in stay,
its outputs too when nothing they are made from changed, and ``--serve`` just
serves it (``--rebuild`` starts over). Progress is printed
while the demo works, and every hint is a command that can be pasted as is.
"""

from __future__ import annotations

import os
import shlex
import shutil
import sys
import time
from collections.abc import Callable
from pathlib import Path

import click

from lipassess.errors import InvalidInput

HOST = "127.0.0.1"


def _line(label: str, text: str) -> None:
    click.echo(f"{label:<18} {text}")


def invocation() -> str:
    """How this shell runs lipassess again: the script as it was typed (``.venv/bin/lipassess``) when known."""
    typed = sys.argv[0] if sys.argv else ""
    if Path(typed).name == "lipassess":
        return shlex.quote(typed)
    script = Path(sys.executable).parent / "lipassess"  # the console script beside this interpreter
    if script.is_file():
        try:
            return shlex.quote(str(script.relative_to(Path.cwd())))
        except ValueError:
            return shlex.quote(str(script))
    return "lipassess"


def _remove(paths: list[Path]) -> None:
    for path in paths:
        if path.is_dir():
            shutil.rmtree(path)
        else:
            path.unlink(missing_ok=True)


def demo_folder(out: str) -> Path:
    """``--out`` as a folder that exists (made when missing), or a one-line refusal that says what to do."""
    folder = Path(out).resolve()
    for path in (folder, *folder.parents):
        if path.exists() and not path.is_dir():
            raise InvalidInput(f"--out must be a folder: {path} is a file; give a folder, or a new folder's name")
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise InvalidInput(f"--out {folder}: cannot create the folder ({exc.strerror}); choose a place you can "
                           "write to") from None
    if not os.access(folder, os.W_OK | os.X_OK):
        raise InvalidInput(f"--out {folder}: the folder is not writable; choose one you can write to")
    return folder


def _stepper(started: float) -> Callable[[str], None]:
    def step(message: str) -> None:
        click.echo(f"  [{time.perf_counter() - started:5.1f} s] {message}")

    return step


@click.command("demo", help="Build a SYNTHETIC program (3 cohorts, about 500 simulated participants) in a SQLite "
                            "database inside --out, run every analysis and write impact summaries (HTML, PDF; "
                            "English and Khmer), analyses (JSON), dashboard tables (CSV) and exports there. A folder "
                            "that already holds a demo keeps its data and its sign-in. Never touches the configured "
                            "database.")
@click.option("--out", default="lipassess-demo", show_default=True, type=click.Path(file_okay=False),
              help="Folder for the demo database and every output.")
@click.option("--serve", is_flag=True, help="Run the development server on the demo database. A folder that already "
                                            "holds a demo is served as it is (same data, same sign-in).")
@click.option("--rebuild", is_flag=True, help="Delete this folder's demo (database, sign-in, outputs) and build a "
                                              "new one.")
@click.option("--port", default=5000, show_default=True, type=click.IntRange(1, 65535),
              help="Port for --serve (localhost only), also used in the printed links.")
def demo(out: str, serve: bool, rebuild: bool, port: int) -> None:
    started = time.perf_counter()
    step = _stepper(started)
    from lipassess import create_app, db
    from lipassess.cli.context import transaction
    from lipassess.instruments import bundled_instruments_dir
    from lipassess.services import analyses
    from lipassess.services import demo as demo_service
    from lipassess.store import migrate
    from lipassess.store.database import check_connection
    from lipassess.store.types import utcnow

    out_dir = demo_folder(out)
    if rebuild:
        _remove(demo_service.demo_files(out_dir))
    database = out_dir / demo_service.DEMO_DATABASE
    existed = database.is_file()
    base_url = f"http://{HOST}:{port}"
    click.echo("SYNTHETIC DEMO DATA: simulated participants, not real people. Every output says so.")
    # The demo's own database and secret key: nothing configured elsewhere is used or changed.
    app = create_app({"DATABASE_URL": demo_service.demo_database_url(out_dir),
                      "SECRET_KEY": demo_service.demo_secret_key(out_dir), "BASE_URL": base_url})
    engine = db.engine_for(app)
    min_group_size = int(app.config["MIN_GROUP_SIZE"])
    try:
        check_connection(engine)
        migrate.upgrade(engine)
        with transaction(app) as session:
            if not existed:
                step("building the synthetic program (3 cohorts, about 500 participants)")
            built = demo_service.ensure_demo_program(session, bundled_instruments_dir())
            password, new_password = demo_service.demo_sign_in(session, out_dir)
        outputs = None
        if serve and built is None:
            step("checking the stored analyses (computed again only where the data changed)")
            with transaction(app) as session:
                analyses.refresh(session, min_group_size=min_group_size, progress=step)
        else:
            with transaction(app) as session:
                outputs = demo_service.write_demo_outputs(session, out_dir, min_group_size=min_group_size,
                                                          progress_callback=step)
        with transaction(app) as session:
            link = demo_service.participant_link(session, now=utcnow(), ttl_days=int(app.config["LINK_TTL_DAYS"]))
        elapsed = time.perf_counter() - started
        state = "created" if built is not None else "reused: it was already in this folder; --rebuild starts over"
        _line("database", f"{database}  ({state})")
        if built is not None:
            _line("program", f"{built.cohorts} cohorts, {built.participants} participants, "
                             f"{built.responses} responses, {built.answers} answers")
        if outputs is not None:
            if outputs.reused:
                _line("outputs", f"{out_dir}  (unchanged since the last run: same data, code and settings, and "
                                 f"no file changed; kept as they are)")
            _print_outputs(out_dir, outputs.files)
        kept = "new" if new_password else "unchanged"
        _line("dashboard login", f"user 'demo', password '{password}' ({kept}; saved in "
                                 f"{out_dir / demo_service.SIGN_IN_FILE}; admin of this demo database only)")
        command = f"{invocation()} demo --out {shlex.quote(str(out_dir))}"
        if link is not None:
            click.echo(f"Try the survey as a participant: {base_url}/s/{link.token}  "
                       f"({link.wave} survey of {link.cohort}, open to {link.last_day.isoformat()})")
        else:
            click.echo(f"No demo survey is open today (the demo was built over six weeks ago); "
                       f"start over with: {command} --rebuild")
        if not serve:
            _line("open it with", f"{command} --serve --port {port}")
            _line("", f"then {base_url}/staff/login")
        _line("start over", f"{command} --rebuild")
        click.echo(f"finished in {elapsed:.1f} s")
        if serve:
            click.echo(f"serving the demo at {base_url}/staff/login  (Ctrl+C to stop)")
            app.run(host=HOST, port=port, debug=False, use_reloader=False)
    finally:
        engine.dispose()


def _print_outputs(out_dir: Path, files: dict[str, list[Path]]) -> None:
    _line("summaries (HTML)", f"{out_dir / 'summaries'}/summary-*.html  ({len(files['summaries_html'])} files: "
                              "each cohort and the program, English and Khmer)")
    _line("summaries (PDF)", f"{out_dir / 'summaries'}/summary-*.pdf  ({len(files['summaries_pdf'])} files)")
    _line("analyses (JSON)", f"{out_dir / 'analyses'}/analysis-*.json  ({len(files['analyses'])} files)")
    _line("needs reports", f"{out_dir / 'needs'}/needs-*.html  ({len(files.get('needs_html', []))} files), "
                           f"needs-program-*.pdf  ({len(files.get('needs_pdf', []))} files)")
    _line("dashboard tables", f"{out_dir / 'tables'}/*.csv  ({len(files['tables'])} files)")
    _line("exports", f"{out_dir / 'exports'}/  ({', '.join(p.name for p in files['exports'])}; pseudonyms only)")
