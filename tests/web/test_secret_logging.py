"""A live personal-link token never reaches a log line, even when the store fails under the request."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from lipassess import create_app
from lipassess.web.errors import route_for_log

TOKEN = "Zq3xY7vK2mN8pR4tW6bD1fH5jL9cA0eG2iK4mO6qS8u"  # 43 characters, like a real link token


@pytest.fixture
def broken_store_app(tmp_path: Path):
    """An app on a database that was never migrated: every query fails with 'no such table'."""
    return create_app({"ENV": "testing", "DATABASE_URL": f"sqlite:///{tmp_path / 'empty.sqlite3'}",
                       "SECRET_KEY": "secret-logging-test-" + "z" * 32})


def test_a_store_failure_on_a_personal_link_logs_the_route_not_the_token(
        broken_store_app, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.ERROR, logger="lipassess")
    response = broken_store_app.test_client().get(f"/s/{TOKEN}")
    assert response.status_code == 500
    assert TOKEN not in response.get_data(as_text=True)
    errors = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert errors, "the failure must be logged"
    for record in errors:
        text = record.getMessage() + (logging.Formatter().formatException(record.exc_info) if record.exc_info else "")
        assert TOKEN not in text
    assert any(r.getMessage().startswith("Exception on /s/<") for r in errors)


@pytest.mark.parametrize(("path", "shown"), [
    (f"/s/{TOKEN}", "/s/<token> [GET]"),
    (f"/s/{TOKEN}/more", "/s/<path:rest> [GET]"),
    ("/survey/wave/7", "/survey/wave/<int:wave_id> [GET] {'wave_id': 7}"),
    ("/no/such/page", "<no matching route> [GET]"),
])
def test_the_logged_route_hides_only_secret_values(broken_store_app, path: str, shown: str) -> None:
    with broken_store_app.test_request_context(path):
        assert route_for_log() == shown
