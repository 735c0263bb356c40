"""``lipassess instruments``: check instrument files and list the bundled instruments."""

from __future__ import annotations

from pathlib import Path

import click

from lipassess.errors import InvalidInput
from lipassess.instruments import (
    bundled_instruments_dir,
    instrument_files,
    load_instrument,
    load_instruments,
    validate_path,
)

HASH_PREFIX = 12


@click.group("instruments", help="Validate and list instrument definitions (YAML files).")
def instruments_group() -> None:
    """Instrument files: see instruments/FORMAT.md for the format."""


@instruments_group.command("validate")
@click.argument("path", required=False, type=click.Path(path_type=Path))
def validate_command(path: Path | None) -> None:
    """Check an instrument file, or every *.yaml in a directory (default: the bundled ones).

    Prints one line per file (ok, with id, version and hash prefix) and one
    line per problem; exits with status 2 when there is any problem.
    """
    path = bundled_instruments_dir() if path is None else path
    problems = validate_path(path)
    with_problems = {p.source for p in problems}
    for file in instrument_files(path):
        if str(file) in with_problems:
            continue
        instrument = load_instrument(file)
        click.echo(
            f"ok: {file} ({instrument.id} {instrument.version}, "
            f"{instrument.content_hash[:HASH_PREFIX]})"
        )
    for problem in problems:
        click.echo(f"problem: {problem}")
    if problems:
        # Raised rather than ctx.exit(2): lipassess.cli.main turns it into one
        # "error: ..." line and exit status 2.
        files = len(with_problems)
        raise InvalidInput(
            f"{len(problems)} problem{'s' if len(problems) != 1 else ''} in "
            f"{files} file{'s' if files != 1 else ''}; fix them as the lines above say "
            "(format: instruments/FORMAT.md)"
        )


@instruments_group.command("list")
@click.option(
    "--dir",
    "directory",
    type=click.Path(path_type=Path, file_okay=False),
    default=None,
    help="Directory of instrument files (default: the bundled instruments).",
)
def list_command(directory: Path | None) -> None:
    """List instruments: id, version, hash prefix, waves and number of items."""
    directory = bundled_instruments_dir() if directory is None else directory
    instruments = load_instruments(directory)
    if not instruments:
        click.echo(f"no instruments in {directory}")
        return
    rows = [("id", "version", "hash", "waves", "items")]
    rows += [
        (i.id, i.version, i.content_hash[:HASH_PREFIX], ",".join(i.waves), str(len(i.items)))
        for i in instruments
    ]
    widths = [max(len(row[c]) for row in rows) for c in range(len(rows[0]))]
    for row in rows:
        click.echo("  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip())


@instruments_group.command("register")
@click.argument("path", required=False, type=click.Path(path_type=Path, file_okay=False))
def register_command(path: Path | None) -> None:
    """Store every instrument of PATH (default: the configured folder) in the database.

    Idempotent: a definition already stored (same content hash) is left alone.
    A changed file whose version already has answers is refused: give it a new
    version label.
    """
    from lipassess.cli.context import cli_app, transaction
    from lipassess.services import instruments as instrument_store

    directory = path or instrument_store.instruments_dir(cli_app().config)
    with transaction() as session:
        versions = instrument_store.register_directory(session, directory, actor="cli")
        lines = [f"stored: {v.instrument_key} {v.version} ({v.content_hash[:HASH_PREFIX]})" for v in versions]
    for line in lines:
        click.echo(line)


@instruments_group.command("stored")
def stored_command() -> None:
    """List the instrument versions stored in the database, with their answer counts."""
    from lipassess.cli.context import transaction
    from lipassess.services.instruments import stored_versions

    with transaction() as session:
        versions = stored_versions(session)
    if not versions:
        click.echo("no instruments stored yet; run 'lipassess instruments register'")
        return
    for v in versions:
        click.echo(f"{v.instrument_key}  {v.version}  {v.content_hash[:HASH_PREFIX]}  {v.answers} answers")
