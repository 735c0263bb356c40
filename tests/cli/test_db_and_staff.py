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


def _staff_sessions(database_url: str) -> list:
    from lipassess.store.models import StaffSession

    engine = create_engine(database_url)
    with engine.connect() as conn:
        rows = conn.execute(select(StaffSession.revoked_at)).scalars().all()
    engine.dispose()
    return rows


def _open_session(database_url: str, username: str) -> None:
    from sqlalchemy.orm import Session

    from lipassess.services.staff_sessions import open_staff_session
    from lipassess.store.types import utcnow

    engine = create_engine(database_url)
    with Session(engine) as session:
        user = session.scalars(select(StaffUser).where(StaffUser.username == username)).one()
        open_staff_session(session, staff_user_id=user.id, now=utcnow())
        session.commit()
    engine.dispose()


@pytest.mark.parametrize(("args", "stdin", "said"), [
    (("staff", "password", "sokha", "--password-stdin"), "another long password\n", "password of sokha changed"),
    (("staff", "role", "sokha", "manager"), None, "sokha is now manager"),
    (("staff", "deactivate", "sokha"), None, "sokha deactivated"),
])
def test_staff_changes_end_every_session(run_cli, database_url, args, stdin, said) -> None:
    assert run_cli("staff", "add", "sokha", "--role", "evaluator", "--password-stdin",
                   stdin="correct horse battery\n").exit_code == 0
    _open_session(database_url, "sokha")
    _open_session(database_url, "sokha")
    result = run_cli(*args, stdin=stdin)
    assert result.exit_code == 0, result
    assert said in result.out and "every session of sokha ended" in result.out
    assert len(_staff_sessions(database_url)) == 2 and all(_staff_sessions(database_url))


def test_staff_token_and_activate(run_cli, database_url, monkeypatch) -> None:
    from datetime import UTC, datetime, timedelta

    monkeypatch.setenv("LIPASSESS_API_TOKEN_DAYS", "7")
    assert run_cli("staff", "add", "dara", "--role", "manager", "--password-stdin",
                   stdin="first password 1\n").exit_code == 0
    assert run_cli("staff", "deactivate", "dara").exit_code == 0
    assert run_cli("staff", "activate", "dara").exit_code == 0
    result = run_cli("staff", "token", "dara")
    assert result.exit_code == 0 and "shown once, valid until" in result.out
    engine = create_engine(database_url)
    with engine.connect() as conn:
        user = conn.execute(select(StaffUser)).one()
        assert user.active
        expires = user.api_token_expires_at.replace(tzinfo=UTC)
        assert abs(expires - (datetime.now(UTC) + timedelta(days=7))) < timedelta(minutes=5)
        actions = conn.execute(select(AuditEvent.action)).scalars().all()
        assert actions == ["staff.add", "staff.deactivate", "staff.activate", "staff.api_token"]
    engine.dispose()


def test_staff_change_of_an_unknown_account_is_one_line(run_cli) -> None:
    result = run_cli("staff", "deactivate", "nobody")
    assert result.exit_code == 2 and "no staff user 'nobody'" in result.err
    assert "Traceback" not in result.err


def test_a_token_lifetime_beyond_its_bound_is_refused_and_keeps_the_token(run_cli, database_url, monkeypatch) -> None:
    assert run_cli("staff", "add", "ana", "--role", "admin", "--password-stdin", "--api-token",
                   stdin="first password 1\n").exit_code == 0
    engine = create_engine(database_url)
    with engine.connect() as conn:
        before = conn.execute(select(StaffUser.api_token_hash, StaffUser.api_token_expires_at)).one()
        audited = conn.execute(select(AuditEvent.action)).scalars().all()
    assert before.api_token_hash and audited == ["staff.add", "staff.api_token"]
    monkeypatch.setenv("LIPASSESS_API_TOKEN_DAYS", "99999999999")  # timedelta(days=...) overflowed: exit 1
    result = run_cli("staff", "token", "ana")
    assert result.exit_code == 2, result
    assert result.err == ("error: LIPASSESS_API_TOKEN_DAYS=99999999999 must be a number at least 1 and at most "
                          "3650 (Days a newly issued staff API token stays valid)\n")
    assert result.out == "" and "Traceback" not in result.err
    with engine.connect() as conn:
        assert conn.execute(select(StaffUser.api_token_hash, StaffUser.api_token_expires_at)).one() == before
        assert conn.execute(select(AuditEvent.action)).scalars().all() == audited
    engine.dispose()
    monkeypatch.setenv("LIPASSESS_API_TOKEN_DAYS", "3650")
    assert run_cli("staff", "token", "ana").exit_code == 0
