"""Typed records: exact text (Khmer, HTML-like), optional keys, missing fields, JSON output."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from typing import Any

import pytest

from moodle_plugin_bridge import MoodleClient, MoodleProtocolError
from moodle_plugin_bridge.records import (
    load_cohort_members,
    load_cohorts,
    load_course_completion,
    load_courses,
    load_enrolled_users,
    load_grade_report,
    load_message_results,
    load_site_info,
    load_users,
    load_warnings,
)
from tests.bridge.fixtures import MoodleStub, fixture_bytes, load_fixture

RAW = "core_user_get_users_by_field__id_raw_bytes.json"


def test_khmer_names_round_trip_exactly_from_moodles_raw_bytes(
    client: MoodleClient, stub: MoodleStub
) -> None:
    assert b"\\u179a\\u178f" in fixture_bytes(RAW)  # Moodle's \uXXXX escapes, as sent
    stub.add_fixture(RAW)
    rathana, patrick = client.users_by_id([10, 29])
    assert (rathana.firstname, rathana.lastname) == ("រតនា", "ពេជ្រ")
    assert rathana.fullname == "រតនា ពេជ្រ"
    assert rathana.customfields == {"ministry": "ក្រសួងសុខាភិបាល", "province": "កំពង់ចាម"}
    assert rathana.lang == "en" and rathana.suspended is False
    # The same users from the pretty-printed fixture load to identical records.
    pretty = load_users(
        "core_user_get_users_by_field", load_fixture("core_user_get_users_by_field__id.json")
    )
    assert pretty[0] == rathana and pretty[2] == patrick
    # And they survive JSON, byte for byte.
    assert json.loads(json.dumps(rathana.to_dict(), ensure_ascii=False))["firstname"] == "រតនា"


def test_html_like_profile_values_are_kept_exactly(client: MoodleClient, stub: MoodleStub) -> None:
    stub.add_fixture(RAW)
    patrick = client.users_by_id([10, 29])[1]
    assert patrick.lastname == "O'Neil"
    # The raw value, never Moodle's displayvalue (tags stripped, & escaped).
    assert patrick.customfields == {
        "ministry": "Ministry of Foreign Affairs & International Cooperation <b>(MFAIC)</b>",
        "province": 'Phnom Penh <i>(HQ)</i> & "Daun Penh"',
    }
    assert patrick.department == "Policy Advisory Unit O'Neil & Partners"


def test_very_long_names_are_kept_whole() -> None:
    users = load_users("f", load_fixture("core_user_get_users_by_field__id.json"))
    long = users[1]
    assert len(long.firstname) == 92 and len(long.lastname) == 81
    assert len(long.customfields["ministry"]) == 199


def test_absent_customfields_become_an_empty_mapping() -> None:
    users = load_users("f", load_fixture("core_user_get_users_by_field__id.json"))
    assert users[3].id == 43 and users[3].customfields == {}
    with pytest.raises(TypeError):
        users[0].customfields["ministry"] = "changed"  # type: ignore[index]


def test_unknown_fields_are_ignored() -> None:
    body = load_fixture("core_cohort_get_cohorts__all.json")
    body[0]["a_field_from_moodle_9"] = {"nested": [1, 2]}
    assert load_cohorts("core_cohort_get_cohorts", body)[0].name == "LIP Cohort 5 (2023)"


def drop(path: tuple[Any, ...]) -> Callable[[Any], Any]:
    def mutate(body: Any) -> Any:
        body = copy.deepcopy(body)
        node = body
        for key in path[:-1]:
            node = node[key]
        del node[path[-1]]
        return body

    return mutate


MISSING_FIELD_ROWS: list[tuple[str, Callable[[str, Any], Any], tuple[Any, ...], str]] = [
    (
        "core_webservice_get_site_info__default.json",
        lambda f, b: load_site_info(b),
        ("release",),
        "release",
    ),
    (
        "core_course_get_courses_by_field__category.json",
        load_courses,
        ("courses", 1, "shortname"),
        "courses[1].shortname",
    ),
    (
        "core_enrol_get_enrolled_users__c6.json",
        load_enrolled_users,
        (4, "username"),
        "[4].username",
    ),
    (
        "core_enrol_get_enrolled_users__c6.json",
        load_enrolled_users,
        (0, "customfields", 1, "shortname"),
        "[0].customfields[1].shortname",
    ),
    (
        "core_user_get_users_by_field__id.json",
        load_users,
        (2, "id"),
        "[2].id",
    ),
    (
        "gradereport_user_get_grade_items__c5_one_user.json",
        load_grade_report,
        ("usergrades", 0, "gradeitems", 3, "graderaw"),
        "usergrades[0].gradeitems[3].graderaw",
    ),
    (
        "core_completion_get_course_completion_status__complete.json",
        lambda f, b: load_course_completion(f, b, course_id=2, user_id=5),
        ("completionstatus", "completions", 1, "complete"),
        "completionstatus.completions[1].complete",
    ),
    (
        "core_cohort_get_cohorts__all.json",
        load_cohorts,
        (2, "idnumber"),
        "[2].idnumber",
    ),
    (
        "core_cohort_get_cohort_members__all.json",
        load_cohort_members,
        (1, "userids"),
        "[1].userids",
    ),
    (
        "core_message_send_instant_messages__success_two.json",
        lambda f, b: load_message_results(f, b, to_user_ids=[33, 36]),
        (1, "msgid"),
        "[1].msgid",
    ),
]


@pytest.mark.parametrize(
    ("fixture", "loader", "path", "field"),
    MISSING_FIELD_ROWS,
    ids=[f"{r[0]}:{r[3]}" for r in MISSING_FIELD_ROWS],
)
def test_a_missing_required_field_names_function_and_field(
    fixture: str, loader: Callable[[str, Any], Any], path: tuple[Any, ...], field: str
) -> None:
    body = load_fixture(fixture)
    loader("some_function", body)  # the recorded answer itself loads
    with pytest.raises(MoodleProtocolError) as caught:
        loader("some_function", drop(path)(body))
    assert caught.value.field == field
    assert caught.value.function in ("some_function", "core_webservice_get_site_info")
    assert f"'{field}'" in caught.value.message


def test_a_wrongly_typed_field_is_a_protocol_error() -> None:
    body = load_fixture("core_cohort_get_cohort_members__all.json")
    body[0]["userids"][3] = "six"
    with pytest.raises(MoodleProtocolError, match=r"\[0\]\.userids\[3\]"):
        load_cohort_members("core_cohort_get_cohort_members", body)


def test_null_grades_are_allowed_but_absent_grades_are_not() -> None:
    body = load_fixture("gradereport_user_get_grade_items__user_not_enrolled_no_error.json")
    (user,) = load_grade_report("f", body)
    assert all(item.graderaw is None for item in user.items)
    assert user.course_total is not None and user.course_total.grademax == 210


def test_warnings_loader() -> None:
    body = load_fixture("core_user_get_users__invalid_criteria_key_returns_all.json")
    (warning,) = load_warnings("core_user_get_users", body)
    assert (warning.item, warning.warningcode) == ("city", "invalidfieldparameter")
    assert load_warnings("f", {"warnings": []}) == ()
    assert load_warnings("f", []) == ()


def test_records_serialise_to_json() -> None:
    report = load_grade_report(
        "f", load_fixture("gradereport_user_get_grade_items__c6_all_users.json")
    )
    data = json.loads(json.dumps(report.to_dict(), ensure_ascii=False))
    first_total = data["items"][0]["course_total"]
    assert first_total["graderaw"] == 74.0
    assert first_total["graded_at"] == "2024-09-20T20:26:40+00:00"
    completion, _ = load_course_completion(
        "f",
        load_fixture("core_completion_get_course_completion_status__complete.json"),
        course_id=2,
        user_id=5,
    )
    assert "completed: True" in completion.summary()
    assert json.dumps(completion.to_dict())


def _set(path: tuple[Any, ...], value: Any) -> Callable[[Any], Any]:
    def change(body: Any) -> Any:
        changed = copy.deepcopy(body)
        target = changed
        for key in path[:-1]:
            target = target[key]
        target[path[-1]] = value
        return changed
    return change


#: (fixture, loader, path of an id or time field) in recorded answers: each refuses values no Moodle writes.
ID_AND_TIME_FIELDS = [
    ("core_course_get_courses_by_field__category.json", load_courses, ("courses", 1, "id"), "id"),
    ("core_course_get_courses_by_field__category.json", load_courses, ("courses", 1, "startdate"), "time"),
    ("core_enrol_get_enrolled_users__c6.json", load_enrolled_users, (4, "id"), "id"),
    ("gradereport_user_get_grade_items__c5_one_user.json", load_grade_report, ("usergrades", 0, "userid"), "id"),
    ("gradereport_user_get_grade_items__c5_one_user.json", load_grade_report,
     ("usergrades", 0, "gradeitems", 3, "id"), "id"),
    ("core_cohort_get_cohort_members__all.json", load_cohort_members, (1, "userids", 0), "id"),
    ("core_message_send_instant_messages__success_two.json",
     lambda f, b: load_message_results(f, b, to_user_ids=[33, 36]), (1, "timecreated"), "time"),
]
OUT_OF_RANGE = {"id": [0, -5, 2**63, 2**64, 1.5], "time": [-1, 2**63, 10**12, 7_258_118_401, float("inf")]}


@pytest.mark.parametrize(("fixture", "loader", "path", "kind"), ID_AND_TIME_FIELDS,
                         ids=[f"{r[0]}:{'.'.join(map(str, r[2]))}" for r in ID_AND_TIME_FIELDS])
def test_ids_and_times_no_moodle_writes_are_protocol_errors(fixture: str, loader: Callable[[str, Any], Any],
                                                            path: tuple[Any, ...], kind: str) -> None:
    """Before: 2**63 reached SQLite as an OverflowError, a time after 9999 a ValueError: a traceback that
    stopped the whole sync. Now each is the course's protocol error, naming the field."""
    body = load_fixture(fixture)
    loader("some_function", body)  # the recorded answer itself loads
    for value in OUT_OF_RANGE[kind]:
        with pytest.raises(MoodleProtocolError) as caught:
            loader("some_function", _set(path, value)(body))
        assert caught.value.function == "some_function", value


def test_the_widest_values_moodle_can_write_still_load() -> None:
    body = load_fixture("core_enrol_get_enrolled_users__c6.json")
    users = load_enrolled_users("f", _set((4, "id"), 2**63 - 1)(body))
    assert users[4].id == 2**63 - 1
    courses = load_courses("f", _set(("courses", 1, "startdate"), 7_258_118_400)(
        load_fixture("core_course_get_courses_by_field__category.json")))
    assert courses[1].startdate is not None and courses[1].startdate.isoformat() == "2200-01-01T00:00:00+00:00"


def test_a_refused_message_keeps_moodles_minus_one() -> None:
    body = load_fixture("core_message_send_instant_messages__success_two.json")
    results = load_message_results("f", _set((1, "msgid"), -1)(body), to_user_ids=[33, 36])
    assert results[1].msgid is None  # Moodle's -1: refused
    with pytest.raises(MoodleProtocolError):
        load_message_results("f", _set((1, "msgid"), -2)(body), to_user_ids=[33, 36])


def test_a_grade_report_naming_one_user_twice_is_a_protocol_error() -> None:
    """Before: the second entry overwrote the first user's stored grades with another person's."""
    body = load_fixture("gradereport_user_get_grade_items__c6_all_users.json")
    assert len(load_grade_report("f", body)) >= 2  # the recorded answer loads
    duplicated = _set(("usergrades", 1, "userid"), body["usergrades"][0]["userid"])(body)
    with pytest.raises(MoodleProtocolError, match="lists user .* twice"):
        load_grade_report("f", duplicated)


def test_a_grade_report_naming_one_item_twice_for_a_user_is_a_protocol_error() -> None:
    body = load_fixture("gradereport_user_get_grade_items__c6_all_users.json")
    items = body["usergrades"][0]["gradeitems"]
    duplicated = _set(("usergrades", 0, "gradeitems", 1, "id"), items[0]["id"])(body)
    with pytest.raises(MoodleProtocolError, match="lists a grade item twice"):
        load_grade_report("f", duplicated)
