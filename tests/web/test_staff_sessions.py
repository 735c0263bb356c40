"""Sessions that end (issue 12, point 5): a copied cookie stops working; sessions and tokens expire."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from flask import Blueprint, jsonify
from sqlalchemy import select

from lipassess.services import staff as staff_service
from lipassess.store.models import StaffSession, StaffUser
from lipassess.web import auth
from lipassess.web.auth import current_principal, login_lti_staff, staff_required

pytestmark = pytest.mark.postgres

PASSWORD = "eva-password-123"


@pytest.fixture
def probe_app(app):
    bp = Blueprint("session_probe", __name__)

    @bp.get("/probe/me")
    @staff_required()
    def me():
        p = current_principal()
        return jsonify({"name": p.name, "role": p.role.value, "via": p.via})

    @bp.get("/api/v1/probe-me")
    @staff_required(api=True)
    def api_me():
        return jsonify({"name": current_principal().name})

    @bp.get("/probe/lti/<int:cohort_id>/<int:moodle_user_id>")
    def lti_login(cohort_id: int, moodle_user_id: int):
        login_lti_staff(cohort_id=cohort_id, display_name="Instructor", moodle_user_id=moodle_user_id)
        return "ok"

    app.register_blueprint(bp)
    return app


@pytest.fixture
def eva(probe_app, session) -> int:
    user = staff_service.add_staff_user(session, username="eva", role="evaluator", password=PASSWORD)
    session.commit()
    return user.id


def signed_in(app, username: str = "eva", password: str = PASSWORD):
    client = app.test_client()
    assert client.post("/staff/login", data={"username": username, "password": password}).status_code == 302
    assert client.get("/probe/me").status_code == 200
    return client


def replay(app, cookie: str):
    """A second browser holding a copy of the first one's session cookie."""
    thief = app.test_client()
    thief.set_cookie("session", cookie)
    return thief


def session_cookie(client) -> str:
    return client.get_cookie("session").value


def refused(client) -> bool:
    response = client.get("/probe/me")
    return response.status_code == 302 and "/staff/login" in response.headers["Location"]


def test_a_copied_cookie_is_refused_after_logout(probe_app, eva) -> None:
    client = signed_in(probe_app)
    copied = session_cookie(client)
    assert replay(probe_app, copied).get("/probe/me").status_code == 200
    assert client.post("/staff/logout").status_code == 302
    assert refused(replay(probe_app, copied))
    assert refused(client)


def test_logout_ends_every_session_of_that_person(probe_app, eva) -> None:
    laptop, phone = signed_in(probe_app), signed_in(probe_app)
    laptop.post("/staff/logout")
    assert refused(phone)


@pytest.mark.parametrize("change", ["password", "deactivate", "role"])
def test_account_changes_end_every_session(probe_app, session, eva, change: str) -> None:
    client = signed_in(probe_app)
    copied = session_cookie(client)
    user = session.get(StaffUser, eva)
    if change == "password":
        staff_service.set_password(session, user, "a-new-password-456")
    elif change == "deactivate":
        staff_service.set_active(session, user, False)
        staff_service.set_active(session, user, True)  # coming back does not revive old sessions
    else:
        staff_service.set_role(session, user, "manager")
        staff_service.set_role(session, user, "evaluator")
    session.commit()
    assert refused(client) and refused(replay(probe_app, copied))
    new_password = "a-new-password-456" if change == "password" else PASSWORD
    assert signed_in(probe_app, password=new_password).get("/probe/me").get_json()["role"] == "evaluator"


def test_a_session_ends_after_the_idle_lifetime_and_slides_with_use(probe_app, eva, clock) -> None:
    idle = probe_app.config["SESSION_IDLE_HOURS"]
    client = signed_in(probe_app)
    for _ in range(3):  # used just before it would end: it goes on
        clock.advance(hours=idle, seconds=-1)
        assert client.get("/probe/me").status_code == 200
    clock.advance(hours=idle)
    assert refused(client)


def test_a_session_ends_after_the_maximum_lifetime_however_used(probe_app, eva, clock) -> None:
    client = signed_in(probe_app)
    step = probe_app.config["SESSION_IDLE_HOURS"] / 2
    used = 0.0
    while used + step < probe_app.config["SESSION_MAX_HOURS"]:
        clock.advance(hours=step)
        used += step
        assert client.get("/probe/me").status_code == 200
    clock.advance(hours=step)
    assert refused(client)


def test_a_cookie_of_the_old_kind_is_refused(probe_app, eva) -> None:
    client = probe_app.test_client()
    with client.session_transaction() as browser:
        browser["staff_user_id"] = eva
    assert refused(client)
    with client.session_transaction() as browser:
        browser["lti_staff"] = {"cohort_id": 4, "name": "X", "moodle_user_id": 47}
    assert refused(client)


def test_the_cookie_holds_no_identity_only_a_key(probe_app, session, eva) -> None:
    client = signed_in(probe_app)
    with client.session_transaction() as browser:
        assert set(browser) <= {auth.SESSION_KEY, "csrf_token"}
        key = browser[auth.SESSION_KEY]
    stored = session.scalars(select(StaffSession.key_hash)).all()
    assert key not in stored and len(stored) == 1


# --- LTI instructor sessions ---------------------------------------------------------------------------


def test_an_lti_instructor_session_ends_at_logout_and_its_copy_too(probe_app, eva) -> None:
    client = probe_app.test_client()
    client.get("/probe/lti/4/47")
    other_browser = probe_app.test_client()
    other_browser.get("/probe/lti/5/47")
    copied = session_cookie(client)
    assert client.get("/probe/me").get_json()["via"] == "lti"
    client.post("/staff/logout")
    assert refused(replay(probe_app, copied)) and refused(client) and refused(other_browser)


def test_an_lti_instructor_session_expires(probe_app, clock) -> None:
    client = probe_app.test_client()
    client.get("/probe/lti/4/47")
    clock.advance(hours=probe_app.config["SESSION_IDLE_HOURS"])
    assert refused(client)


# --- API tokens ----------------------------------------------------------------------------------------


def test_api_tokens_expire_and_record_their_last_use(probe_app, session, eva) -> None:
    user = session.get(StaffUser, eva)
    issued = datetime.now(UTC)
    token = staff_service.issue_api_token(session, user, lifetime=timedelta(days=30), now=issued)
    session.commit()
    assert user.api_token_expires_at == issued + timedelta(days=30) and user.api_token_last_used_at is None
    client = probe_app.test_client()
    bearer = {"Authorization": f"Bearer {token}"}
    assert client.get("/api/v1/probe-me", headers=bearer).status_code == 200
    session.expire_all()
    assert session.get(StaffUser, eva).api_token_last_used_at is not None
    user = session.get(StaffUser, eva)
    user.api_token_expires_at = datetime.now(UTC) - timedelta(seconds=1)
    session.commit()
    expired = client.get("/api/v1/probe-me", headers=bearer)
    assert expired.status_code == 401 and expired.get_json()["code"] == "unauthorized"


def test_an_api_token_is_refused_from_its_expiry_on(probe_app, session, eva, clock) -> None:
    token = staff_service.issue_api_token(session, session.get(StaffUser, eva), now=clock.now,
                                          lifetime=timedelta(days=probe_app.config["API_TOKEN_DAYS"]))
    session.commit()
    client = probe_app.test_client()
    bearer = {"Authorization": f"Bearer {token}"}
    clock.advance(days=probe_app.config["API_TOKEN_DAYS"], seconds=-1)
    assert client.get("/api/v1/probe-me", headers=bearer).status_code == 200
    clock.advance(seconds=1)
    assert client.get("/api/v1/probe-me", headers=bearer).status_code == 401


def test_a_deactivated_accounts_token_is_refused(probe_app, session, eva) -> None:
    user = session.get(StaffUser, eva)
    token = staff_service.issue_api_token(session, user)
    staff_service.set_active(session, user, False)
    session.commit()
    response = probe_app.test_client().get("/api/v1/probe-me", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 401
