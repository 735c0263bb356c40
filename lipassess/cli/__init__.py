"""The ``lipassess`` command line: one click group, expected failures as one line and exit 2.

Subcommand groups live in their own modules (``lipassess.cli.db``,
``lipassess.cli.analyze`` ...) and are registered in :func:`build_cli`.
Commands raise :class:`lipassess.errors.LipassessError` (or click's own usage
errors); :func:`main` turns them into ``error: <message>`` on stderr and exit
code 2, never a traceback.
"""

from __future__ import annotations

import sys

import click

from lipassess.errors import LipassessError

EXIT_EXPECTED_FAILURE = 2


def build_cli() -> click.Group:
    """Assemble the top-level group with every registered subcommand group."""
    from lipassess.cli import commands

    return commands.cli


def main(argv: list[str] | None = None) -> None:
    """Console-script entry point."""
    cli = build_cli()
    try:
        # standalone_mode=False hands back ctx.exit(n) codes as the return value
        code = cli.main(args=argv, prog_name="lipassess", standalone_mode=False)
    except click.exceptions.Abort:
        click.echo("error: aborted", err=True)
        sys.exit(EXIT_EXPECTED_FAILURE)
    except click.UsageError as exc:
        hint = f" (try '{exc.ctx.command_path} --help')" if exc.ctx is not None else ""
        click.echo(f"error: {exc.format_message()}{hint}", err=True)
        sys.exit(EXIT_EXPECTED_FAILURE)
    except click.ClickException as exc:
        click.echo(f"error: {exc.format_message()}", err=True)
        sys.exit(EXIT_EXPECTED_FAILURE)
    except click.exceptions.Exit as exc:
        sys.exit(exc.exit_code)
    except LipassessError as exc:
        click.echo(f"error: {exc.message}", err=True)
        sys.exit(EXIT_EXPECTED_FAILURE)
    except KeyboardInterrupt:
        click.echo("error: interrupted", err=True)
        sys.exit(130)
    if isinstance(code, int) and code != 0:
        sys.exit(code)
