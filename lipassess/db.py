"""Flask glue for the store: one engine per app, one session per request.

The request's session commits in ``after_request``, before the response leaves
the server, when the status is below 400, so a participant never sees "saved"
for something that failed to commit; anything else rolls back in the teardown.
Views and services only flush.
"""

from __future__ import annotations

from flask import Flask, Response, current_app, g
from sqlalchemy.orm import Session

from lipassess.store.database import MIN_SHARE_INFO, make_engine, make_session_factory

_EXTENSION = "lipassess.db"


def init_app(app: Flask) -> None:
    """Create the engine (lazily connecting) and register the session teardown."""
    engine = make_engine(app.config["DATABASE_URL"])
    info = {MIN_SHARE_INFO: float(app.config["MIN_SHARE_ANSWERED"])}
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


def commit() -> None:
    """Commit the current request's session (called at the edge, never in services)."""
    if "db_session" in g:
        g.db_session.commit()


def _commit_on_success(response: Response) -> Response:
    session: Session | None = g.get("db_session")
    if session is not None:
        if response.status_code < 400:
            session.commit()
        else:
            session.rollback()
    return response


def _close_session(exc: BaseException | None) -> None:
    session: Session | None = g.pop("db_session", None)
    if session is None:
        return
    try:
        session.rollback()
    finally:
        session.close()
