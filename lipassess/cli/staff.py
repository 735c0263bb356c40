"""``lipassess staff``: manage staff accounts."""

from __future__ import annotations

import sys
from datetime import timedelta

import click

from lipassess.cli.context import cli_app, transaction
from lipassess.services import staff as staff_service
from lipassess.store.models import StaffRole

ROLE_HELP = "admin: everything; evaluator: analyses and pseudonymous data; manager: aggregates only."


@click.group("staff", help="Manage staff accounts (admin, evaluator, manager).")
def staff_group() -> None:
    """Staff commands."""


def _read_password(password_stdin: bool) -> str:
    if password_stdin:
        return sys.stdin.readline().rstrip("\n")
    return str(click.prompt("Password", hide_input=True, confirmation_prompt=True))


def _token_lifetime() -> timedelta:
    return timedelta(days=int(cli_app().config["API_TOKEN_DAYS"]))


@staff_group.command("add", help="Create a staff account; asks for the password unless --password-stdin.")
@click.argument("username")
@click.option("--role", required=True, type=click.Choice([r.value for r in StaffRole]), help=ROLE_HELP)
@click.option("--name", "display_name", default=None, help="Display name.")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
@click.option("--api-token", is_flag=True, help="Also issue an API token and print it once.")
def add(username: str, role: str, display_name: str | None, password_stdin: bool, api_token: bool) -> None:
    password = _read_password(password_stdin)
    with transaction() as session:
        user = staff_service.add_staff_user(
            session, username=username, role=role, password=password, display_name=display_name
        )
        token = staff_service.issue_api_token(session, user, lifetime=_token_lifetime()) if api_token else None
    click.echo(f"created {role} {username}")
    if token:
        click.echo(f"API token (shown once): {token}")


@staff_group.command("password", help="Set a new password; every session of the account ends.")
@click.argument("username")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
def password(username: str, password_stdin: bool) -> None:
    new_password = _read_password(password_stdin)
    with transaction() as session:
        staff_service.set_password(session, staff_service.find_staff_user(session, username), new_password)
    click.echo(f"password of {username} changed; every session of {username} ended")


@staff_group.command("role", help="Give an account another role; every session of the account ends.")
@click.argument("username")
@click.argument("role", type=click.Choice([r.value for r in StaffRole]))
def role(username: str, role: str) -> None:
    with transaction() as session:
        staff_service.set_role(session, staff_service.find_staff_user(session, username), role)
    click.echo(f"{username} is now {role}; every session of {username} ended")


@staff_group.command("deactivate", help="Refuse every sign-in and API token of an account and end its sessions.")
@click.argument("username")
def deactivate(username: str) -> None:
    with transaction() as session:
        staff_service.set_active(session, staff_service.find_staff_user(session, username), False)
    click.echo(f"{username} deactivated; every session of {username} ended")


@staff_group.command("activate", help="Let a deactivated account sign in again (old sessions stay ended).")
@click.argument("username")
def activate(username: str) -> None:
    with transaction() as session:
        staff_service.set_active(session, staff_service.find_staff_user(session, username), True)
    click.echo(f"{username} activated")


@staff_group.command("token", help="Issue a new API token (the old one stops working) and print it once.")
@click.argument("username")
def token(username: str) -> None:
    with transaction() as session:
        user = staff_service.find_staff_user(session, username)
        new_token = staff_service.issue_api_token(session, user, lifetime=_token_lifetime())
        expires_at = user.api_token_expires_at
    click.echo(f"API token of {username} (shown once, valid until {expires_at:%Y-%m-%d %H:%M} UTC): {new_token}")
