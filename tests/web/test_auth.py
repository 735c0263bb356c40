"""Staff sign-in, API tokens, LTI instructors limited to their cohort, role checks."""

from __future__ import annotations

import pytest
from flask import Blueprint, jsonify

from lipassess.services import staff as staff_service
from lipassess.store.models import StaffRole
from lipassess.web.auth import current_principal, login_lti_staff, staff_required


@pytest.fixture
def protected_app(app):
    bp = Blueprint("probe", __name__)

    @bp.get("/probe/any")
    @staff_required()
    def any_staff():
        p = current_principal()
        return jsonify({"name": p.name, "role": p.role.value, "via": p.via})

    @bp.get("/probe/evaluator/<int:cohort_id>")
    @staff_required(StaffRole.EVALUATOR)
    def evaluator_only(cohort_id: int):
        return jsonify({"cohort": cohort_id})

    @bp.get("/api/v1/probe")
    @staff_required(api=True)
    def api_probe():
        return jsonify({"ok": True})

    @bp.get("/probe/lti/<int:cohort_id>")
    def lti_login(cohort_id: int):
        login_lti_staff(cohort_id=cohort_id, display_name="សុភី ឡុង", moodle_user_id=47)
        return "ok"

    app.register_blueprint(bp)
    return app


@pytest.fixture
def staff_users(protected_app, session):
    tokens = {}
    for name, role in [("ana", "admin"), ("eva", "evaluator"), ("max", "manager")]:
        user = staff_service.add_staff_user(session, username=name, role=role, password=f"{name}-password-123")
        tokens[name] = staff_service.issue_api_token(session, user)
    session.commit()
    return tokens


def sign_in(client, name: str):
    return client.post("/staff/login", data={"username": name, "password": f"{name}-password-123"})


def test_anonymous_is_sent_to_sign_in_and_api_gets_401(protected_app, staff_users) -> None:
    client = protected_app.test_client()
    page = client.get("/probe/any")
    assert page.status_code == 302 and "/staff/login" in page.headers["Location"]
    api = client.get("/api/v1/probe")
    assert api.status_code == 401 and api.get_json()["code"] == "unauthorized"


def test_wrong_password_is_refused(protected_app, staff_users) -> None:
    client = protected_app.test_client()
    response = client.post("/staff/login", data={"username": "eva", "password": "nope-nope-nope"})
    assert response.status_code == 401 and b"Wrong username or password" in response.data
    assert client.get("/probe/any").status_code == 302


@pytest.mark.parametrize(("name", "status"), [("ana", 200), ("eva", 200), ("max", 403)])
def test_roles_are_enforced(protected_app, staff_users, name, status) -> None:
    client = protected_app.test_client()
    assert sign_in(client, name).status_code == 302
    assert client.get("/probe/any").get_json()["role"] in ("admin", "evaluator", "manager")
    assert client.get("/probe/evaluator/3").status_code == status


def test_api_token_signs_in_without_a_session(protected_app, staff_users) -> None:
    client = protected_app.test_client()
    ok = client.get("/api/v1/probe", headers={"Authorization": f"Bearer {staff_users['max']}"})
    assert ok.status_code == 200
    bad = client.get("/api/v1/probe", headers={"Authorization": "Bearer not-a-token"})
    assert bad.status_code == 401


def test_lti_instructor_sees_only_their_cohort(protected_app, staff_users) -> None:
    client = protected_app.test_client()
    client.get("/probe/lti/4")
    assert client.get("/probe/any").get_json() == {"name": "សុភី ឡុង", "role": "evaluator", "via": "lti"}
    assert client.get("/probe/evaluator/4").status_code == 200
    assert client.get("/probe/evaluator/3").status_code == 403


def test_logout_ends_the_session(protected_app, staff_users) -> None:
    client = protected_app.test_client()
    sign_in(client, "eva")
    assert client.get("/probe/any").status_code == 200
    client.post("/staff/logout")
    assert client.get("/probe/any").status_code == 302


def test_open_redirect_after_login_is_refused(protected_app, staff_users) -> None:
    client = protected_app.test_client()
    response = client.post("/staff/login?next=//evil.example/x",
                           data={"username": "eva", "password": "eva-password-123"})
    assert response.headers["Location"] == "/staff/"
