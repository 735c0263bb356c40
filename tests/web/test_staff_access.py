"""Who may open which staff page: every rule under /staff, for every kind of visitor.

The parameters come from the app's own ``url_map``: a route added under /staff
without an entry in :data:`MATRIX` fails :func:`test_access` (and
:func:`test_matrix_lists_no_route_that_does_not_exist` catches stale entries).
Visitors: the three staff roles, an LTI instructor limited to cohort A, the
same limited to cohort B, an anonymous visitor and a participant's session.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask

from lipassess import create_app, db
from tests.web.staff_world import as_lti_instructor, as_participant, build_world, sign_in

VISITORS = ("admin", "evaluator", "manager", "lti", "lti_other", "anonymous", "participant")
LOGIN = "login"  # 302 to the staff sign-in page

# Expected status per visitor, by audience.
EVERY_STAFF = {"admin": 200, "evaluator": 200, "manager": 200, "lti": 200, "lti_other": 200,
               "anonymous": LOGIN, "participant": LOGIN}
COHORT_A = {**EVERY_STAFF, "lti_other": 403}
COHORT_A_INDIVIDUALS = {**COHORT_A, "manager": 403}
WHOLE_PROGRAM = {**EVERY_STAFF, "lti": 403, "lti_other": 403}
PROGRAM_INDIVIDUALS = {**WHOLE_PROGRAM, "manager": 403}
EVERYONE = dict.fromkeys(VISITORS, 200)
# Cohort A's people have not answered the needs assessment: who may look gets the 422 that says so.
NO_NEEDS_A = {**COHORT_A, **{v: 422 for v, status in COHORT_A.items() if status == 200}}
NO_NEEDS_PROGRAM = {**WHOLE_PROGRAM, **{v: 422 for v, status in WHOLE_PROGRAM.items() if status == 200}}

#: (endpoint, method) -> [(url values, expected status per visitor)]; "{a}" is cohort A's id.
MATRIX: dict[tuple[str, str], list[tuple[dict[str, Any], dict[str, Any]]]] = {
    ("auth.login", "GET"): [({}, EVERYONE)],
    ("auth.login", "POST"): [({}, dict.fromkeys(VISITORS, 401))],  # no username or password sent
    ("auth.logout_view", "POST"): [({}, dict.fromkeys(VISITORS, 302))],
    ("staff.index", "GET"): [({}, EVERY_STAFF)],
    ("staff.cohort", "GET"): [({"cohort_id": "{a}"}, COHORT_A)],
    ("staff.cohort_table", "GET"): [({"cohort_id": "{a}", "name": "pre_post"}, COHORT_A),
                                    ({"cohort_id": "{a}", "name": "subgroups_ministry"}, COHORT_A),
                                    ({"cohort_id": "{a}", "name": "reliable_change_participants"},
                                     COHORT_A_INDIVIDUALS)],
    ("staff.cohort_summary", "GET"): [({"cohort_id": "{a}"}, COHORT_A), ({"cohort_id": "{a}", "lang": "km"}, COHORT_A)],
    ("staff.cohort_summary_pdf", "GET"): [({"cohort_id": "{a}"}, COHORT_A)],
    ("staff.program", "GET"): [({}, WHOLE_PROGRAM)],
    ("staff.program_table", "GET"): [({"name": "cohorts"}, WHOLE_PROGRAM),
                                     ({"name": "reliable_change_participants"}, PROGRAM_INDIVIDUALS)],
    ("staff.program_summary", "GET"): [({}, WHOLE_PROGRAM), ({"lang": "km"}, WHOLE_PROGRAM)],
    ("staff.program_summary_pdf", "GET"): [({}, WHOLE_PROGRAM)],
    ("staff_needs.cohort_needs", "GET"): [({"cohort_id": "{a}"}, NO_NEEDS_A), ({"cohort_id": "{a}", "lang": "km"},
                                                                            NO_NEEDS_A)],
    ("staff_needs.cohort_needs_pdf", "GET"): [({"cohort_id": "{a}"}, NO_NEEDS_A)],
    ("staff_needs.program_needs", "GET"): [({}, NO_NEEDS_PROGRAM)],
    ("staff_needs.program_needs_pdf", "GET"): [({}, NO_NEEDS_PROGRAM)],
    ("staff.status", "GET"): [({}, {**WHOLE_PROGRAM, "evaluator": 403, "manager": 403})],
}


def staff_rules() -> list[tuple[str, str]]:
    """(endpoint, method) of every rule under /staff, read from a freshly built app."""
    app = create_app({"ENV": "testing", "TESTING": True, "DATABASE_URL": "sqlite://",
                      "SECRET_KEY": "collect-" + "z" * 32})
    found = set()
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith("/staff"):
            for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
                found.add((rule.endpoint, method))
    return sorted(found)


@pytest.fixture(scope="module")
def world_app(sqlite_template: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Flask, dict]]:
    target = tmp_path_factory.mktemp("access") / "access.sqlite3"
    shutil.copyfile(sqlite_template, target)
    app = create_app({"ENV": "testing", "TESTING": True, "DATABASE_URL": f"sqlite:///{target}",
                      "SECRET_KEY": "access-test-" + "k" * 32, "WTF_CSRF_ENABLED": False})
    with db.session_factory(app)() as session:
        world = build_world(session)
    yield app, world
    db.engine_for(app).dispose()


def visit_as(app: Flask, world: dict, visitor: str) -> Any:
    client = app.test_client()
    if visitor in ("admin", "evaluator", "manager"):
        name = {"admin": "ana", "evaluator": "eva", "manager": "max"}[visitor]
        assert sign_in(client, name).status_code == 302
    elif visitor == "lti":
        as_lti_instructor(client, world["a"])
    elif visitor == "lti_other":
        as_lti_instructor(client, world["b"])
    elif visitor == "participant":
        as_participant(client, world["participant"])
    return client


@pytest.mark.parametrize("visitor", VISITORS)
@pytest.mark.parametrize(("endpoint", "method"), staff_rules())
def test_access(world_app, endpoint: str, method: str, visitor: str) -> None:
    app, world = world_app
    assert (endpoint, method) in MATRIX, f"{method} {endpoint} has no entry in the access matrix: add one"
    cases = MATRIX[(endpoint, method)]
    for values, expected in cases:
        client = visit_as(app, world, visitor)
        with app.test_request_context():
            from flask import url_for

            url = url_for(endpoint, **{k: (world["a"] if v == "{a}" else v) for k, v in values.items()})
        response = client.open(url, method=method)
        want = expected[visitor]
        if want == LOGIN:
            assert response.status_code == 302, (url, visitor, response.status_code)
            assert response.location.startswith("/staff/login"), response.location
        else:
            assert response.status_code == want, (url, visitor, response.status_code, response.text[:300])
        if response.mimetype == "application/pdf":
            assert response.data.startswith(b"%PDF")
            continue
        if response.status_code != 200:
            # refused or redirected: no cohort data in the answer
            assert world["a_name"] not in response.text and "Leadership behaviour" not in response.text
            assert not any(p in response.text for p in world["pseudonyms"])
        assert "Secret0" not in response.text and "secret0@example.org" not in response.text


def test_matrix_lists_no_route_that_does_not_exist() -> None:
    assert set(MATRIX) == set(staff_rules())
