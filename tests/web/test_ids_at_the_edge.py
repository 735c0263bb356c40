"""Ids of 2**31 and more in a URL are a 404 on every route with a number in its path (issue 12, point 7).

The routes come from the app's own ``url_map``: a route added later with an
``<int:...>`` part is covered without touching this file. The visitor is signed
in as an administrator, carries an administrator's API token and a participant's
session, so every view would reach the database with the id if the edge let it.
"""

from __future__ import annotations

import re

import pytest
from werkzeug.routing import IntegerConverter

from lipassess.services import staff as staff_service
from lipassess.store.models import StaffUser
from lipassess.web import MAX_PATH_ID
from tests.web.staff_world import as_participant, build_world, sign_in

pytestmark = pytest.mark.postgres

HUGE = [2**31, 2**63, 10**30]
#: Values for the parts of a path that are not numbers (a table, an export format).
STRING_VALUES = {"name": "pre_post", "fmt": "wide_csv", "token": "x", "rest": "x", "filename": "x"}


def int_rules(app) -> list:
    rules = [rule for rule in app.url_map.iter_rules()
             if any(isinstance(conv, IntegerConverter) for conv in rule._converters.values())]
    assert len(rules) >= 10, "the walk found too few routes with ids"
    return rules


def path_of(rule, values: dict[str, object]) -> str:
    return re.sub(r"<(?:[a-z]+(?:\([^)]*\))?:)?([a-z_]+)>", lambda m: str(values[m.group(1)]), rule.rule)


@pytest.fixture
def visitor(app, session):
    world = build_world(session)
    admin = session.query(StaffUser).filter_by(username="ana").one()
    token = staff_service.issue_api_token(session, admin)
    session.commit()
    client = app.test_client()
    assert sign_in(client, "ana").status_code == 302
    as_participant(client, world["participant"])
    client.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {token}"
    return client, world


def test_ids_past_32_bits_in_any_path_are_404(app, visitor) -> None:
    client, world = visitor
    checked = 0
    for rule in int_rules(app):
        ids = [name for name, conv in rule._converters.items() if isinstance(conv, IntegerConverter)]
        for name in ids:
            for huge in HUGE:
                values = {**STRING_VALUES, **dict.fromkeys(ids, world["a"]), name: huge}
                url = path_of(rule, values)
                for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
                    response = client.open(url, method=method)
                    assert response.status_code == 404, (method, url, response.status_code, response.text[:200])
                    checked += 1
    assert checked >= 3 * 12


def test_the_largest_id_still_reaches_the_view(app, visitor) -> None:
    client, _ = visitor
    response = client.get(f"/api/v1/cohorts/{MAX_PATH_ID}")
    assert response.status_code == 404 and response.get_json()["code"] == "not_found"
    assert client.get(f"/staff/cohorts/{MAX_PATH_ID}").status_code == 404
