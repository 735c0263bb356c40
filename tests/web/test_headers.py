"""Security and caching headers on every route of every blueprint (issue 12, point 6).

The routes come from the app's own ``url_map``. The visitor is an administrator
signed in, with an API token, and a participant's session, so the staff pages,
summaries, PDFs, CSVs and API answers are the real ones (200), with their data.
"""

from __future__ import annotations

import re

import pytest

from lipassess import create_app
from lipassess import db as lipassess_db
from lipassess.services import staff as staff_service
from lipassess.store.models import StaffUser
from lipassess.web.headers import FrameAncestors
from tests.services.lti_world import add_lab_platform
from tests.web.staff_world import as_participant, build_world, sign_in

MOODLE_ORIGIN = "http://127.0.0.1:8080"  # the lab platform's issuer
FRAMED = {"lti", "survey", "raters"}
PUBLIC = {"static", "favicon", "lti.jwks"}
VALUES = {"name": "pre_post", "fmt": "wide_csv", "token": "x", "rest": "x/y", "filename": "survey.css",
          "number": 1}


@pytest.fixture
def visitor(app, session):
    world = build_world(session)
    add_lab_platform(session)
    admin = session.query(StaffUser).filter_by(username="ana").one()
    token = staff_service.issue_api_token(session, admin)
    session.commit()
    client = app.test_client()
    assert sign_in(client, "ana").status_code == 302
    as_participant(client, world["participant"])
    client.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {token}"
    return client, world


def every_route(app, world) -> list[tuple[str, str, str]]:
    """(endpoint, method, url) of every rule; sign-out last, so that the visitor stays signed in."""
    values = {**VALUES, "cohort_id": world["a"], "wave_id": world["a"]}
    routes = []
    for rule in app.url_map.iter_rules():
        url = re.sub(r"<(?:[a-z]+(?:\([^)]*\))?:)?([a-z_]+)>", lambda m: str(values[m.group(1)]), rule.rule)
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
            routes.append((rule.endpoint, method, url))
    return sorted(routes, key=lambda r: r[0] == "auth.logout_view")


def test_headers_on_every_route_of_every_blueprint(app, visitor) -> None:
    client, world = visitor
    blueprints, answered = set(), []
    for endpoint, method, url in every_route(app, world):
        response = client.open(url, method=method)
        response.close()  # a static file's stream
        blueprint = endpoint.partition(".")[0] if "." in endpoint else endpoint
        blueprints.add(blueprint)
        answered.append((response.status_code, response.mimetype))
        where = (method, url, response.status_code)
        headers = response.headers
        assert headers.get("X-Content-Type-Options") == "nosniff", where
        personal_link = url.startswith(("/s/", "/r/"))  # a participant's or a rater's token
        assert headers.get("Referrer-Policy") == ("no-referrer" if personal_link else "same-origin"), where
        policy = headers.get("Content-Security-Policy", "")
        ancestors = MOODLE_ORIGIN if blueprint in FRAMED else "'none'"
        assert f"frame-ancestors {ancestors}" in policy and policy.count("frame-ancestors") == 1, (where, policy)
        if blueprint in ("survey", "raters"):
            assert "default-src 'none'" in policy and "form-action 'self'" in policy, where
        if endpoint not in PUBLIC:
            assert headers.get("Cache-Control") == "no-store", (where, headers.get("Cache-Control"))
        assert "Strict-Transport-Security" not in headers, where  # not in production
    assert {"main", "auth", "staff", "survey", "api", "lti", "static"} <= blueprints
    for mimetype in ("text/html", "text/csv", "application/pdf", "application/json"):
        assert (200, mimetype) in answered, f"no page of type {mimetype} was reached with its data"


def test_an_lti_page_may_be_framed_by_the_registered_moodle_and_a_staff_page_not(visitor) -> None:
    client, world = visitor
    lti_page = client.get("/lti/register")
    assert lti_page.status_code == 200
    assert lti_page.headers["Content-Security-Policy"].endswith(f"frame-ancestors {MOODLE_ORIGIN}")
    staff_page = client.get(f"/staff/cohorts/{world['a']}")
    assert staff_page.status_code == 200
    assert staff_page.headers["Content-Security-Policy"].endswith("frame-ancestors 'none'")


def test_without_a_registered_platform_no_site_may_frame_the_lti_pages(client) -> None:
    assert client.get("/lti/register").headers["Content-Security-Policy"].endswith("frame-ancestors 'none'")


def test_the_platforms_are_read_again_after_a_while_and_a_failure_frames_nothing() -> None:
    clock, answers = [0.0], [("https://moodle.example",), RuntimeError("database down"), ("https://b.example",)]

    def load() -> tuple[str, ...]:
        answer = answers.pop(0)
        if isinstance(answer, Exception):
            raise answer
        return answer

    cache = FrameAncestors(load, ttl=60, clock=lambda: clock[0])
    assert cache.sources() == "https://moodle.example"
    clock[0] = 59
    assert cache.sources() == "https://moodle.example"  # cached
    clock[0] = 60
    assert cache.sources() == "'none'"
    cache.forget()
    assert cache.sources() == "https://b.example"


def test_hsts_in_production(database_url) -> None:
    app = create_app({"ENV": "production", "DATABASE_URL": database_url,
                      "SECRET_KEY": "production-secret-" + "p" * 40})
    try:
        response = app.test_client().get("/staff/login", base_url="https://lipassess.example.gov.kh")
        assert response.headers["Strict-Transport-Security"].startswith("max-age=")
    finally:
        lipassess_db.engine_for(app).dispose()


@pytest.mark.parametrize(("method", "url", "allowed"), [
    ("POST", "/staff/", {"GET"}),
    ("DELETE", "/api/v1/cohorts", {"GET"}),
    ("POST", "/lti/jwks", {"GET"}),
    ("GET", "/lti/launch", {"POST"}),
    ("PUT", "/survey/wave/1/receipt", {"GET"}),
])
def test_405_answers_keep_their_allow_header(client, method, url, allowed) -> None:
    response = client.open(url, method=method)
    assert response.status_code == 405
    assert allowed <= {m.strip() for m in response.headers.get("Allow", "").split(",")}, response.headers


def test_a_platform_registered_here_may_frame_the_lti_pages_at_once(app, client) -> None:
    import responses

    from tests.bridge.lti.signing_platform import ISSUER, derived

    assert client.get("/lti/register").headers["Content-Security-Policy"].endswith("frame-ancestors 'none'")
    app.config["MOODLE_URL"] = ISSUER
    config_url = ISSUER + "/mod/lti/openid-configuration.php"
    with responses.RequestsMock() as mock:
        mock.get(config_url, json=derived("openid_configuration.json"))
        mock.post(ISSUER + "/mod/lti/openid-registration.php", json=derived("registration_response.json"))
        done = client.get("/lti/register", query_string={"openid_configuration": config_url,
                                                         "registration_token": "reg-token"})
    assert done.status_code == 200
    assert done.headers["Content-Security-Policy"].endswith(f"frame-ancestors {MOODLE_ORIGIN}")
