"""A NUL character anywhere a view reads is a 400 naming where it was; nothing is read or written.

PostgreSQL's text cannot hold U+0000: before the guard, a NUL in a sign-in
name, an LTI login's issuer or a nominated rater's address reached a statement
and was a 500 there (and was stored silently on SQLite).
"""

from __future__ import annotations

import html

import pytest
from sqlalchemy import func, select

from lipassess.services import staff as staff_service
from lipassess.store.models import Answer, AuditEvent, SignInThrottle
from tests.survey_factories import build


def text(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def counts(session) -> tuple[int, int, int]:
    session.expire_all()
    return (session.scalar(select(func.count(SignInThrottle.id))), session.scalar(select(func.count(AuditEvent.id))),
            session.scalar(select(func.count(Answer.id))))


@pytest.mark.postgres
def test_a_nul_in_the_sign_in_form_is_a_400_and_nothing_is_counted(client, session) -> None:
    staff_service.add_staff_user(session, username="eva", role="evaluator", password="eva-password-123")
    session.commit()
    before = counts(session)
    refused = client.post("/staff/login", data={"username": "eva\x00", "password": "wrong-password-1"})
    assert refused.status_code == 400
    assert "form field 'username' contains a NUL character" in text(refused)
    assert counts(session) == before  # no failure counted, no audit event
    wrong = client.post("/staff/login", data={"username": "eva", "password": "wrong-password-1"})
    assert wrong.status_code == 401 and counts(session) != before  # the same attempt without the NUL is counted


@pytest.mark.postgres
def test_a_nul_in_a_forwarded_address_is_a_400(make_app) -> None:
    proxied = make_app(TRUSTED_PROXIES=1)
    refused = proxied.test_client().post("/staff/login", data={"username": "eva", "password": "wrong-password-1"},
                                         headers={"X-Forwarded-For": "203.0.113.5\x00"},
                                         environ_base={"REMOTE_ADDR": "127.0.0.1"})
    assert refused.status_code == 400 and "client address (X-Forwarded-For)" in text(refused)


@pytest.mark.postgres
def test_a_nul_in_an_answer_is_a_400_and_nothing_is_stored(client, session) -> None:
    s = build(session)
    assert client.get(f"/s/{s.token}").status_code == 303
    assert client.post(s.url(), data={"consent": "yes"}).status_code == 303
    assert client.post(s.url("/page/1"), data={s.key("L1"): "4", "action": "save"}).status_code == 303
    before = counts(session)
    refused = client.post(s.url("/page/1"), data={s.key("L1"): "", s.key("T1"): "ok\x00", "action": "save"})
    # a participant's page says, in the survey's language, that the page could not be read and saved answers
    # are kept (the reason, in English, is for staff and the API)
    assert refused.status_code == 400 and "មិនអាចអានទំព័រនេះបានទេ" in text(refused)
    assert counts(session) == before  # L1 not cleared


@pytest.mark.postgres
def test_a_nul_in_an_lti_login_is_a_400(client) -> None:
    refused = client.post("/lti/login", data={"iss": "https://moodle\x00.example", "login_hint": "2",
                                              "target_link_uri": "http://127.0.0.1:5000/lti/launch"})
    assert refused.status_code == 400 and "form field 'iss'" in text(refused)


@pytest.mark.parametrize(("request_kwargs", "where"), [
    ({"query_string": "next=%2Fstaff%00"}, "query argument 'next'"),
    ({"query_string": "a%00b=1"}, "query argument 'a\\x00b'"),
    ({"method": "POST", "json": {"cohorts": [1, {"name": "x\x00"}]}}, "JSON body"),
    ({"method": "POST", "json": {"key\x00": 1}}, "JSON body"),
    ({"method": "POST", "data": {"username": "eva", "pass\x00word": "x"}}, "form field 'pass\\x00word'"),
])
def test_where_the_nul_was_is_named(client, request_kwargs: dict, where: str) -> None:
    refused = client.open("/staff/login", **{"method": "GET", **request_kwargs})
    assert refused.status_code == 400 and f"The {where} contains a NUL character" in text(refused)


@pytest.mark.parametrize("request_kwargs", [
    {"query_string": "next=%2Fstaff%2F%E1%9E%80"},  # Khmer, percent-encoded
    {"method": "POST", "json": {"name": "សុខ \\0 ដារា", "n": None, "list": [1.5, True]}},
    {"method": "POST", "data": {"username": "eva", "password": "\\x00 is six characters here"}},
])
def test_requests_without_a_nul_pass_the_guard(client, request_kwargs: dict) -> None:
    answered = client.open("/staff/login", **{"method": "GET", **request_kwargs})
    assert "NUL character" not in text(answered) and answered.status_code in (200, 401, 415)
