"""The ``lipassess`` command line: one click group, expected failures as one line and an exit code.

Subcommand groups live in their own modules (``lipassess.cli.db``,
``lipassess.cli.analyze`` ...) and are registered in :func:`build_cli`.
Commands raise :class:`lipassess.errors.LipassessError` (or click's own usage
errors); :func:`main` turns them into ``error: <message>`` on stderr, never a
traceback, and exits with:

* :data:`EXIT_JOB_FAILED` (1): the job ran and failed: a course failed to
  sync, Moodle could not be reached, a message or score batch failed
  (:class:`lipassess.errors.JobFailed`, or a command's own report);
* :data:`EXIT_USAGE` (2): the command cannot run as given: a bad option or
  argument, a bad or missing file, bad configuration, an unknown cohort,
  nothing to analyse or export (every other error).
"""

from __future__ import annotations

import sys

import click

from lipassess.errors import JobFailed, LipassessError

EXIT_JOB_FAILED = 1
EXIT_USAGE = 2
EXIT_EXPECTED_FAILURE = EXIT_USAGE  # the former name


def exit_code_for(exc: LipassessError) -> int:
    """1 for a job that ran and failed, 2 for a command that cannot run as given."""
    return EXIT_JOB_FAILED if isinstance(exc, JobFailed) else EXIT_USAGE


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
        sys.exit(EXIT_USAGE)
    except click.UsageError as exc:
        hint = f" (try '{exc.ctx.command_path} --help')" if exc.ctx is not None else ""
        click.echo(f"error: {exc.format_message()}{hint}", err=True)
        sys.exit(EXIT_USAGE)
    except click.ClickException as exc:
        click.echo(f"error: {exc.format_message()}", err=True)
        sys.exit(EXIT_USAGE)
    except click.exceptions.Exit as exc:
        sys.exit(exc.exit_code)
    except LipassessError as exc:
        click.echo(f"error: {exc.message}", err=True)
        sys.exit(exit_code_for(exc))
    except KeyboardInterrupt:
        click.echo("error: interrupted", err=True)
        sys.exit(130)
    if isinstance(code, int) and code != 0:
        sys.exit(code)
