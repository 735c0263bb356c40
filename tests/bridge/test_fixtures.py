"""The stub's derived answers equal what the real Moodle answered for the same requests.

``MoodleStub.add_enrolled_course`` and ``add_users_by_id`` compute answers from
a recorded full listing; these tests hold them to every recorded answer of
the narrower requests, so tests built on them use Moodle's real shapes.
"""

from __future__ import annotations

import json

import requests
import responses

from tests.bridge.fixtures import (
    BASE_URL,
    ENDPOINT,
    TOKEN,
    MoodleStub,
    courses_answer,
    load_fixture,
    paged_answer,
    project,
    recorded_params,
    scale_rows,
)

C6 = "core_enrol_get_enrolled_users__c6.json"
C6_SUSPENDED = "core_enrol_get_enrolled_users__c6_onlysuspended.json"


def options_of(fixture: str) -> dict[str, str]:
    form = dict(recorded_params(fixture))
    found = {}
    index = 0
    while f"options[{index}][name]" in form:
        found[form[f"options[{index}][name]"]] = form[f"options[{index}][value]"]
        index += 1
    return found


def test_paged_answers_equal_the_recorded_pages() -> None:
    rows = load_fixture(C6)
    for name in ("from0", "from15", "from20"):
        fixture = f"core_enrol_get_enrolled_users__c6_paged_limit5_{name}.json"
        assert paged_answer(rows, options_of(fixture)) == load_fixture(fixture), name


def test_userfields_projection_equals_the_recorded_onlyactive_answer() -> None:
    fixture = "core_enrol_get_enrolled_users__c6_onlyactive_userfields.json"
    suspended = {row["id"] for row in load_fixture(C6_SUSPENDED)}
    active = [row for row in load_fixture(C6) if row["id"] not in suspended]
    derived = project(active, options_of(fixture)["userfields"].split(","))
    recorded = load_fixture(fixture)  # sorted by lastname there; compare per user
    assert {row["id"]: row for row in derived} == {row["id"]: row for row in recorded}
    assert [list(row) for row in sorted(derived, key=lambda r: r["id"])] == [
        list(row) for row in sorted(recorded, key=lambda r: r["id"])
    ]


def test_suspended_rows_in_the_listing_equal_the_recorded_onlysuspended_answer() -> None:
    listing = {row["id"]: row for row in load_fixture(C6)}
    for row in load_fixture(C6_SUSPENDED):
        # onlysuspended leaves out enrolledcourses, which the listing omits for them too.
        assert listing[row["id"]] == row


def test_users_by_id_answers_equal_the_recorded_ones() -> None:
    with responses.RequestsMock() as rsps:
        stub = MoodleStub(rsps)
        stub.add_users_by_id()
        for fixture in (
            "core_user_get_users_by_field__id.json",
            "core_user_get_users_by_field__not_found.json",
        ):
            answer = rsps_post(recorded_params(fixture))
            assert answer == load_fixture(fixture), fixture


def test_another_token_gets_moodles_invalidtoken_answer() -> None:
    with responses.RequestsMock() as rsps:
        MoodleStub(rsps)
        body = requests.post(
            BASE_URL + ENDPOINT,
            params={"wsfunction": "core_webservice_get_site_info", "moodlewsrestformat": "json"},
            data={"wstoken": "not-the-token"},
            timeout=5,
        ).json()
    assert body == load_fixture("core_webservice_get_site_info__error_invalid_token.json")


def rsps_post(params: list[tuple[str, str]]) -> object:
    response = requests.post(
        BASE_URL + ENDPOINT,
        params={"wsfunction": "core_user_get_users_by_field", "moodlewsrestformat": "json"},
        data=[("wstoken", TOKEN), *params],
        timeout=5,
    )
    return json.loads(response.content)


def test_scaled_rows_keep_the_recorded_shape_with_fresh_identities() -> None:
    rows = load_fixture(C6)
    scaled = scale_rows(rows, 40, first_id=5000)
    assert [row["id"] for row in scaled] == list(range(5000, 5040))
    assert len({row["username"] for row in scaled}) == 40
    for i, row in enumerate(scaled):
        original = rows[i % len(rows)]
        assert list(row) == list(original)
        assert row["customfields"] == original["customfields"]
        assert row["fullname"] == original["fullname"]
    assert rows[0]["id"] == 9  # the recorded rows are left untouched


def test_course_answers_equal_the_recorded_narrower_answers() -> None:
    rows = load_fixture("core_course_get_courses_by_field__all.json")["courses"]
    for name in ("ids", "category", "shortname", "id_not_found"):
        fixture = f"core_course_get_courses_by_field__{name}.json"
        derived = courses_answer(rows, dict(recorded_params(fixture)))
        recorded = load_fixture(fixture)
        key = lambda row: row["id"]  # noqa: E731 - Moodle's order is its own
        assert sorted(derived["courses"], key=key) == sorted(recorded["courses"], key=key), name
        assert derived["warnings"] == recorded["warnings"] == []
