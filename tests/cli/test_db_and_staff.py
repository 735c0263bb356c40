"""``lipassess db`` and ``lipassess staff`` through the real entry point."""

from __future__ import annotations

import pytest
from sqlalchemy import create_engine, select
from werkzeug.security import check_password_hash

from lipassess.store.models import AuditEvent, StaffRole, StaffUser

pytestmark = pytest.mark.postgres


def test_db_upgrade_is_idempotent(run_cli) -> None:
    first = run_cli("db", "upgrade")
    again = run_cli("db", "upgrade")
    assert first.exit_code == 0 and again.exit_code == 0, (first, again)
    assert "is at revision" in again.out
    assert "up to date" in run_cli("db", "current").out


def test_staff_add_hashes_password_and_audits(run_cli, database_url) -> None:
    result = run_cli("staff", "add", "sokha", "--role", "evaluator", "--password-stdin", "--api-token",
                     stdin="correct horse battery\n")
    assert result.exit_code == 0, result
    token = result.out.split("shown once): ")[1].strip()
    engine = create_engine(database_url)
    with engine.connect() as conn:
        user = conn.execute(select(StaffUser)).one()
        assert user.role == StaffRole.EVALUATOR
        assert user.password_hash != "correct horse battery"
        assert check_password_hash(user.password_hash, "correct horse battery")
        assert token not in (user.api_token_hash or "") and len(user.api_token_hash) == 64
        actions = conn.execute(select(AuditEvent.action)).scalars().all()
        assert actions == ["staff.add", "staff.api_token"]
    engine.dispose()


@pytest.mark.parametrize(
    ("args", "stdin", "message"),
    [
        (("staff", "add", "x1", "--role", "evaluator", "--password-stdin"), "short\n", "at least 12"),
        (("staff", "add", "bad name", "--role", "admin", "--password-stdin"), "long enough pw\n", "username"),
        (("staff", "add", "x2", "--role", "boss", "--password-stdin"), "long enough pw\n", "boss"),
    ],
)
def test_staff_add_bad_input_is_one_line_exit_2(run_cli, args, stdin, message) -> None:
    result = run_cli(*args, stdin=stdin)
    assert result.exit_code == 2, result
    assert message in result.err
    assert "Traceback" not in result.err and len(result.err.strip().splitlines()) <= 2


def test_duplicate_staff_user_keeps_the_first(run_cli, database_url) -> None:
    assert run_cli("staff", "add", "dara", "--role", "manager", "--password-stdin",
                   stdin="first password 1\n").exit_code == 0
    again = run_cli("staff", "add", "dara", "--role", "admin", "--password-stdin", stdin="second password 2\n")
    assert again.exit_code == 2 and "already exists" in again.err
    engine = create_engine(database_url)
    with engine.connect() as conn:
        user = conn.execute(select(StaffUser)).one()
        assert user.role == StaffRole.MANAGER
        assert check_password_hash(user.password_hash, "first password 1")
    engine.dispose()


def test_unreachable_database_is_one_line(run_cli, monkeypatch) -> None:
    monkeypatch.setenv("LIPASSESS_DATABASE_URL", "postgresql+psycopg://nobody@127.0.0.1:1/none")
    result = run_cli("db", "upgrade")
    assert result.exit_code == 2
    assert result.err.startswith("error: cannot reach the database at postgresql+psycopg://nobody@127.0.0.1:1/none")
    assert "Traceback" not in result.err


def test_exit_codes_from_ctx_exit_reach_the_shell() -> None:
    import click

    from lipassess.cli import commands, main

    @click.command("probe-exit")
    @click.pass_context
    def probe(ctx: click.Context) -> None:
        ctx.exit(3)

    commands.cli.add_command(probe)
    try:
        with pytest.raises(SystemExit) as exc:
            main(["probe-exit"])
        assert exc.value.code == 3
    finally:
        commands.cli.commands.pop("probe-exit")
