"""The request is the transaction: it commits only when its use case succeeded.

A view that catches a service error and answers anyway (a redirect) must
leave nothing in the store, even though the service had already flushed.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from flask import redirect
from sqlalchemy import func, select

import lipassess.web
from lipassess import db
from lipassess.errors import Conflict
from lipassess.services import audit
from lipassess.services import surveys as survey_service
from lipassess.store.models import AuditEvent
from lipassess.store.types import utcnow
from tests.survey_factories import build

pytestmark = pytest.mark.postgres


def events(session, action: str) -> int:
    session.expire_all()
    return session.scalar(select(func.count(AuditEvent.id)).where(AuditEvent.action == action))


def flush_then_fail(session, action: str) -> None:
    """A service that writes a row, flushes, then fails."""
    audit.record(session, actor="test", action=action)
    session.flush()
    raise Conflict("the use case failed after writing")


@pytest.fixture
def routes(app):
    """Two views on the test app: one catches the service error and redirects, one succeeds."""

    def caught() -> object:
        try:
            flush_then_fail(db.get_session(), "caught")
        except Conflict:
            db.rollback()
            return redirect("/", 302)
        return "unreachable"

    def succeeded() -> object:
        audit.record(db.get_session(), actor="test", action="succeeded")
        db.get_session().flush()
        return redirect("/", 302)

    app.add_url_rule("/_test/caught", "test_caught", caught)
    app.add_url_rule("/_test/succeeded", "test_succeeded", succeeded)
    return app


def test_a_caught_service_error_then_a_redirect_leaves_nothing(routes, client, session) -> None:
    response = client.get("/_test/caught")
    assert response.status_code == 302
    assert events(session, "caught") == 0


def test_a_successful_use_case_commits_before_the_response_leaves(routes, client, session) -> None:
    assert client.get("/_test/succeeded").status_code == 302
    assert events(session, "succeeded") == 1


def test_the_survey_redirect_after_a_refused_save_leaves_nothing(app, session, client, monkeypatch) -> None:
    s = build(session)
    assert client.get(f"/s/{s.token}").status_code == 303
    assert client.post(s.url(), data={"consent": "yes"}).status_code == 303

    def save_draft(session, **_kwargs):
        audit.record(session, actor="test", action="half-saved")
        session.flush()
        raise survey_service.ConsentRequired()

    monkeypatch.setattr(survey_service, "save_draft", save_draft)
    # On PostgreSQL the one-statement save is tried first; here it finds nothing to do it with, so the steps run
    # (in a transaction that replaces the autocommit session) and fail after writing.
    monkeypatch.setattr(survey_service, "save_draft_at_once", lambda session, **_kwargs: None)
    response = client.post(s.url("/page/1"), data={"action": "next"})
    assert response.status_code == 303 and response.headers["Location"].endswith(s.url())
    assert events(session, "half-saved") == 0


# Exceptions that are not a failed use case: parsing, routing, signatures, a store outage on an error page,
# a static file that cannot be read (OSError).
NOT_USE_CASES = {"HTTPException", "RequestRedirect", "ValueError", "Exception", "SignatureExpired", "BadSignature",
                 "BadData", "KeyError", "IndexError", "TypeError", "TextError", "OSError"}


def _names(node: ast.expr | None) -> set[str]:
    if node is None:
        return {"<bare>"}
    if isinstance(node, ast.Tuple):
        return set().union(*(_names(e) for e in node.elts))
    if isinstance(node, ast.Attribute):
        return {node.attr}
    return {node.id} if isinstance(node, ast.Name) else {ast.unparse(node)}


def test_every_view_that_catches_a_service_error_rolls_back() -> None:
    missing = []
    for path in sorted(Path(lipassess.web.__file__).parent.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.ExceptHandler) or _names(node.type) <= NOT_USE_CASES:
                continue
            calls = {c.func.attr if isinstance(c.func, ast.Attribute) else getattr(c.func, "id", "")
                     for c in ast.walk(node) if isinstance(c, ast.Call)}
            if "rollback" not in calls:
                missing.append(f"{path.name}:{node.lineno} except {ast.unparse(node.type) if node.type else ''}")
    assert not missing, "call lipassess.db.rollback() in these except clauses: " + ", ".join(missing)


def test_a_page_view_without_a_transaction_is_closed_not_committed(app, client, session) -> None:
    """On PostgreSQL a page view's statements commit themselves; the request adds no commit (SQLite: one)."""
    from sqlalchemy import event
    from sqlalchemy.orm import Session

    s = build(session, language="en")
    assert client.get(f"/s/{s.token}").status_code == 303
    assert client.post(s.url(), data={"consent": "yes"}).status_code == 303
    commits: list[int] = []

    def note(_session) -> None:
        commits.append(1)

    event.listen(Session, "after_commit", note)
    try:
        assert client.get(s.url("/page/1")).status_code == 200
        viewed = len(commits)
        assert client.post(s.url("/page/1"), data={s.key("L1"): "4", "action": "save"}).status_code == 303
    finally:
        event.remove(Session, "after_commit", note)
    postgres = db.engine_for(app).dialect.name == "postgresql"
    assert viewed == (0 if postgres else 1)
    # The save: on PostgreSQL one statement that committed itself (no session commit); on SQLite a transaction.
    assert len(commits) == viewed + (0 if postgres else 1)
    session.expire_all()
    form = survey_service.open_form(session, participant_id=s.participant.id, wave_id=s.wave.id, now=utcnow(),
                                    channel="lti")
    assert form.consented and form.answers == {s.key("L1"): 4}  # consent and the draft (both written) kept


def test_a_reading_session_with_orm_changes_pending_is_still_committed(app, session) -> None:
    with app.test_request_context("/"):
        reading = db.reading_session()
        audit.record(reading, actor="test", action="pending-in-a-reading-view")  # added, not flushed
        db._commit_on_success(app.response_class("ok"))
        db._close_session(None)
    assert events(session, "pending-in-a-reading-view") == 1


@pytest.mark.postgres
def test_a_transaction_takes_the_place_of_a_reading_session(app, session) -> None:
    """A save that could not be one statement goes on in a transaction; what the reading session held is kept."""
    postgres = db.engine_for(app).dialect.name == "postgresql"
    with app.test_request_context("/"):
        reading = db.reading_session()
        audit.record(reading, actor="test", action="held-before-the-steps")  # added, not flushed
        writing = db.transaction_session()
        assert (writing is reading) is not postgres  # SQLite's reading session is already a transaction
        assert db.get_session() is writing
        assert writing.connection().get_execution_options().get("isolation_level") != "AUTOCOMMIT"
        audit.record(writing, actor="test", action="written-in-the-steps")
        db.rollback()  # the steps failed: their writes go, the reading session's (committed on PG) stay
        db._commit_on_success(app.response_class("ok"))
        db._close_session(None)
    assert events(session, "written-in-the-steps") == 0
    assert events(session, "held-before-the-steps") == (1 if postgres else 0)
