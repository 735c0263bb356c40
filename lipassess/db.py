"""Flask glue for the store: one engine per app, one session per request, one transaction per request.

The transaction boundary is the request. Services only flush; the edge decides:

* The request commits in ``after_request``, before the response leaves the
  server, only when its use case succeeded: the status is below 400 **and**
  the view did not catch a failure. So a participant never sees "saved" for
  something that failed to commit (a failed commit is a 500, not a receipt).
* A view that catches a service error and answers anyway (a redirect, the
  page again with the errors) calls :func:`rollback` in its ``except`` clause:
  everything the request had flushed is discarded, and nothing more is
  committed in that request. ``tests/web/test_transactions.py`` checks that
  every such ``except`` in :mod:`lipassess.web` does.
* An uncaught error (a 4xx/5xx page) rolls back; the teardown always rolls
  back what is left and closes the session.

The one deliberate exception is scheduled work: ``lipassess sync`` and
``lipassess dispatch`` open their own sessions from :func:`session_factory` and
commit per course (sync) and per message batch (dispatch), so that a failure
in one course or batch keeps what the others already did, and a rerun
continues where it stopped. Every other CLI command runs in one transaction
(:func:`lipassess.cli.context.transaction`).
"""

from __future__ import annotations

from flask import Flask, Response, current_app, g
from sqlalchemy.orm import Session

from lipassess.config import key_encryption_secrets
from lipassess.store.database import (
    KEY_SECRETS_INFO,
    MIN_RATERS_INFO,
    MIN_SHARE_INFO,
    make_engine,
    make_session_factory,
)
from lipassess.store.prepared import keep_prepared_statements

_EXTENSION = "lipassess.db"


def init_app(app: Flask) -> None:
    """Create the engine (lazily connecting; on PostgreSQL with :mod:`lipassess.store.prepared`'s connections)
    and register the session teardown."""
    engine = make_engine(app.config["DATABASE_URL"])
    keep_prepared_statements(engine)  # a failed request's rollback does not make the server plan every statement again
    info = {MIN_SHARE_INFO: float(app.config["MIN_SHARE_ANSWERED"]),
            KEY_SECRETS_INFO: key_encryption_secrets(app.config),
            MIN_RATERS_INFO: int(app.config["MIN_RATERS_PER_RELATION"])}
    app.extensions[_EXTENSION] = {"engine": engine, "factory": make_session_factory(engine, info=info)}
    app.after_request(_commit_on_success)
    app.teardown_appcontext(_close_session)


def engine_for(app: Flask):  # sqlalchemy Engine
    return app.extensions[_EXTENSION]["engine"]


def session_factory(app: Flask):  # sessionmaker
    return app.extensions[_EXTENSION]["factory"]


def get_session() -> Session:
    """The session of the current app context, created on first use."""
    if "db_session" not in g:
        g.db_session = session_factory(current_app)()
    return g.db_session


def reading_session() -> Session:
    """The request's session for a view that only reads, on PostgreSQL without a transaction.

    A page view reads two rows' worth of statements; wrapping them in
    ``BEGIN`` ... ``COMMIT`` costs two more round trips to the server than the
    reads themselves. So the first use of the request's session, when it comes
    from such a view, runs in autocommit: each statement is its own
    transaction. Only views whose one possible write is a single idempotent
    statement may use it (the survey's draft response, created on first view;
    a page save done in one statement, which else goes on in
    :func:`transaction_session`).
    A session already in use keeps its transaction; SQLite (one process, no
    round trips) always uses a transaction. With nothing left for the ORM to
    write, such a session is not committed at the end of the request (each
    statement committed itself), only closed.
    """
    if "db_session" in g:
        return g.db_session
    session = session_factory(current_app)()
    if session.get_bind().dialect.name == "postgresql":
        session.connection(execution_options={"isolation_level": "AUTOCOMMIT"})
        g.db_autocommit = True
    g.db_session = session
    return session


def transaction_session() -> Session:
    """The request's session, in a transaction: a session in autocommit (:func:`reading_session`) is replaced.

    For a view that first tried a single-statement write in autocommit (a page
    save, :func:`lipassess.services.surveys.save_draft_at_once`) and must now
    do the work step by step, under one transaction's locks. Each statement of
    the autocommit session committed itself; anything the ORM still holds is
    written (committed) before that session is closed and a new one, with a
    transaction, takes its place.
    """
    if g.pop("db_autocommit", False):
        previous: Session | None = g.pop("db_session", None)
        if previous is not None:
            try:
                if previous.new or previous.dirty or previous.deleted:
                    previous.commit()
            finally:
                previous.close()
    return get_session()


def commit() -> None:
    """Commit the current request's session (called at the edge, never in services)."""
    if "db_session" in g:
        g.db_session.commit()


def rollback() -> None:
    """The request's use case failed: discard what it flushed, and commit nothing more in this request.

    Call it in every ``except`` clause of a view that catches a service error
    and then answers normally (for example with a redirect).
    """
    g.db_failed = True
    session: Session | None = g.get("db_session")
    if session is not None:
        session.rollback()


def _commit_on_success(response: Response) -> Response:
    session: Session | None = g.get("db_session")
    if session is not None:
        if response.status_code < 400 and not g.get("db_failed", False):
            if g.get("db_autocommit", False) and not (session.new or session.dirty or session.deleted):
                return response  # every statement committed itself: nothing is pending
            session.commit()
        else:
            session.rollback()
    return response


def _close_session(exc: BaseException | None) -> None:
    session: Session | None = g.pop("db_session", None)
    if session is not None:
        session.close()  # rolls back whatever is left (a rollback first would only do that twice)
