"""A session's pages carry one signed CSRF token for up to a minute; it stays bound to that session.

A token flask-wtf accepted for a session is accepted again without a new
HMAC while flask-wtf would still accept it: never for another session,
another secret, or past its time limit.
"""

from __future__ import annotations

import re
import time

import flask
import flask_wtf.csrf
import pytest
from itsdangerous.timed import TimestampSigner

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


@pytest.fixture
def checks(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every token flask-wtf itself checks (``validate_csrf``); the accepted tokens start forgotten."""
    seen: list[str] = []
    original = flask_wtf.csrf.validate_csrf

    def counting(data, *args, **kwargs):
        seen.append(data)
        return original(data, *args, **kwargs)

    monkeypatch.setattr(flask_wtf.csrf, "validate_csrf", counting)
    csrf_tokens._ACCEPTED.clear()
    return seen


@pytest.fixture
def seconds(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """One wall clock for itsdangerous (signing and checking) and for the accepted tokens' age."""
    now = [int(time.time())]
    monkeypatch.setattr(TimestampSigner, "get_timestamp", lambda self: now[0])
    monkeypatch.setattr(csrf_tokens, "_wall_clock", lambda: float(now[0]))
    return now


def test_an_accepted_token_is_accepted_again_without_a_new_check(csrf_app, checks) -> None:
    s, client = _participant(csrf_app)
    token = _token(client.get(s.url()))
    assert client.post(s.url(), data={"consent": "yes", "csrf_token": token}).status_code == 303
    for _ in range(3):
        assert client.post(s.url("/page/1"), data={"action": "save", "csrf_token": token}).status_code == 303
    assert checks == [token]
    # A wrong token is still refused, by flask-wtf.
    assert client.post(s.url("/page/1"), data={"action": "save", "csrf_token": token + "x"}).status_code == 400
    assert checks == [token, token + "x"]


def test_an_accepted_token_is_no_use_to_another_session(csrf_app, checks) -> None:
    s, client = _participant(csrf_app)
    mine = _token(client.get(s.url()))
    assert client.post(s.url(), data={"consent": "yes", "csrf_token": mine}).status_code == 303
    other_s, other = _participant(csrf_app)
    other.get(other_s.url())
    assert other.post(other_s.url(), data={"consent": "yes", "csrf_token": mine}).status_code == 400
    assert checks == [mine, mine]  # the second session's POST went to flask-wtf, which refused it


def test_an_accepted_token_expires_when_flask_wtf_says(csrf_app, checks, seconds) -> None:
    limit = 600
    csrf_app.config["WTF_CSRF_TIME_LIMIT"] = limit
    s, client = _participant(csrf_app)
    token = _token(client.get(s.url()))
    assert client.post(s.url(), data={"consent": "yes", "csrf_token": token}).status_code == 303
    seconds[0] += limit  # exactly the limit: itsdangerous still accepts (age > max_age expires)
    assert client.post(s.url("/page/1"), data={"action": "save", "csrf_token": token}).status_code == 303
    assert checks == [token]
    seconds[0] += 1
    assert client.post(s.url("/page/1"), data={"action": "save", "csrf_token": token}).status_code == 400
    assert checks == [token, token]
    seconds[0] -= limit + 10  # a clock set back before the signing: refused too, as itsdangerous does
    assert client.post(s.url("/page/1"), data={"action": "save", "csrf_token": token}).status_code == 400


def test_an_accepted_token_is_no_use_after_the_secret_changes(csrf_app, checks) -> None:
    s, client = _participant(csrf_app)
    token = _token(client.get(s.url()))
    assert client.post(s.url(), data={"consent": "yes", "csrf_token": token}).status_code == 303
    csrf_app.config["WTF_CSRF_SECRET_KEY"] = "a-new-csrf-secret-" + "z" * 32
    assert client.post(s.url("/page/1"), data={"action": "save", "csrf_token": token}).status_code == 400
    assert checks == [token, token]
