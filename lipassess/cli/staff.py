"""``lipassess staff``: manage staff accounts."""

from __future__ import annotations

import sys

import click

from lipassess.cli.context import transaction
from lipassess.services import staff as staff_service
from lipassess.store.models import StaffRole


@click.group("staff", help="Manage staff accounts (admin, evaluator, manager).")
def staff_group() -> None:
    """Staff commands."""


@staff_group.command("add", help="Create a staff account; asks for the password unless --password-stdin.")
@click.argument("username")
@click.option("--role", required=True, type=click.Choice([r.value for r in StaffRole]),
              help="admin: everything; evaluator: analyses and pseudonymous data; manager: aggregates only.")
@click.option("--name", "display_name", default=None, help="Display name.")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
@click.option("--api-token", is_flag=True, help="Also issue an API token and print it once.")
def add(username: str, role: str, display_name: str | None, password_stdin: bool, api_token: bool) -> None:
    if password_stdin:
        password = sys.stdin.readline().rstrip("\n")
    else:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    with transaction() as session:
        user = staff_service.add_staff_user(
            session, username=username, role=role, password=password, display_name=display_name
        )
        token = staff_service.issue_api_token(session, user) if api_token else None
    click.echo(f"created {role} {username}")
    if token:
        click.echo(f"API token (shown once): {token}")
