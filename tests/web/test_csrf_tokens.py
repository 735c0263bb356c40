"""A session's pages carry one signed CSRF token for up to a minute; it stays bound to that session."""

from __future__ import annotations

import re

import flask
import pytest

from lipassess import db as lipassess_db
from lipassess.web import csrf_tokens
from tests.survey_factories import build

TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')


@pytest.fixture
def signings(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every token flask-wtf signs through :func:`csrf_tokens.csrf_token`."""
    made: list[str] = []
    original = csrf_tokens.generate_csrf

    def counting(*args, **kwargs):
        made.append(original(*args, **kwargs))
        return made[-1]

    monkeypatch.setattr(csrf_tokens, "generate_csrf", counting)
    csrf_tokens._SIGNED.clear()
    return made


def _token(response) -> str:
    found = TOKEN.search(response.get_data(as_text=True))
    assert found, "no CSRF token on the page"
    return found.group(1)


def _participant(csrf_app):
    with lipassess_db.session_factory(csrf_app)() as session:
        s = build(session, language="en")
    client = csrf_app.test_client()
    assert client.get(f"/s/{s.token}").status_code == 303
    return s, client


def test_pages_within_a_minute_reuse_the_signed_token_and_it_validates(csrf_app, signings,
                                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    now = [1000.0]
    monkeypatch.setattr(csrf_tokens, "_clock", lambda: now[0])
    s, client = _participant(csrf_app)
    first = _token(client.get(s.url()))
    assert client.post(s.url(), data={"consent": "yes", "csrf_token": first}).status_code == 303
    now[0] += csrf_tokens.REUSE_SECONDS - 1
    second = _token(client.get(s.url("/page/1")))
    assert second == first and len(signings) == 1
    assert client.post(s.url("/page/1"), data={"action": "save", "csrf_token": second}).status_code == 303
    now[0] += 2  # past the minute: flask-wtf signs again
    _token(client.get(s.url("/page/1")))
    assert len(signings) == 2


def test_a_clock_that_went_back_does_not_extend_reuse(csrf_app, signings, monkeypatch: pytest.MonkeyPatch) -> None:
    now = [1000.0]
    monkeypatch.setattr(csrf_tokens, "_clock", lambda: now[0])
    s, client = _participant(csrf_app)
    _token(client.get(s.url()))
    now[0] -= 5
    _token(client.get(s.url()))
    assert len(signings) == 2


def test_another_session_gets_its_own_token_and_cannot_use_the_first(csrf_app, signings) -> None:
    s, client = _participant(csrf_app)
    mine = _token(client.get(s.url()))
    other_s, other = _participant(csrf_app)
    theirs = _token(other.get(other_s.url()))
    assert theirs != mine and len(signings) == 2
    assert other.post(other_s.url(), data={"consent": "yes", "csrf_token": mine}).status_code == 400
    assert other.post(other_s.url(), data={"consent": "yes", "csrf_token": theirs}).status_code == 303


def test_templates_csrf_token_is_the_reusing_one(csrf_app, signings) -> None:
    tokens = []
    for _ in range(2):  # two requests of one session
        with csrf_app.test_request_context("/"):
            flask.session["csrf_token"] = "the-session-raw-token"
            tokens.append(flask.render_template_string("{{ csrf_token() }}"))
    assert tokens[0] == tokens[1] and tokens[0] == signings[0] and len(signings) == 1
