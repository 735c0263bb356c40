"""Nested parameters -> Moodle's PHP-style form fields, and batching under max_input_vars.

Expected bodies are the exact form-encoded bodies recorded in index.json for
calls to the real Moodle 4.5 site.
"""

from __future__ import annotations

import math
import re
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from moodle_plugin_bridge.params import (
    count_fields,
    encode,
    flatten,
    split_batches,
)
from tests.bridge.fixtures import index_entry, recorded_params

KHMER_HTML = "<p>សូមជម្រាបសួរ! Reminder: please complete the <b>LIP self-assessment</b> survey.</p>"

RECORDED_CALLS: list[tuple[str, dict[str, Any]]] = [
    ("core_user_get_users_by_field__id.json", {"field": "id", "values": [10, 28, 29, 43]}),
    ("core_course_get_courses_by_field__ids.json", {"field": "ids", "value": "2,4"}),
    ("core_course_get_courses__by_ids.json", {"options": {"ids": [2, 3]}}),
    (
        "core_enrol_get_enrolled_users__c6_onlyactive_userfields.json",
        {
            "courseid": 3,
            "options": [
                {"name": "onlyactive", "value": True},
                {
                    "name": "userfields",
                    "value": "id,username,fullname,email,idnumber,customfields,groups,roles",
                },
                {"name": "sortby", "value": "lastname"},
                {"name": "sortdirection", "value": "ASC"},
            ],
        },
    ),
    (
        "core_enrol_get_enrolled_users_with_capability__two_courses_onlyactive.json",
        {
            "coursecapabilities": [
                {"courseid": 2, "capabilities": ["moodle/grade:view"]},
                {"courseid": 4, "capabilities": ["moodle/grade:view"]},
            ],
            "options": [{"name": "onlyactive", "value": 1}, {"name": "limitnumber", "value": 3}],
        },
    ),
    (
        "core_enrol_get_enrolled_users_with_capability__c6_students_and_teachers.json",
        {
            "coursecapabilities": [
                {"courseid": 3, "capabilities": ("mod/assign:submit", "moodle/course:update")}
            ],
            "options": [{"name": "userfields", "value": "id,fullname,email,idnumber,customfields"}],
        },
    ),
    (
        "core_cohort_search_cohorts__health_limit1.json",
        {
            "query": "Health",
            "context": {"contextlevel": "system", "instanceid": 0},
            "includes": "self",
            "limitnum": 1,
        },
    ),
    (
        "core_course_get_contents__hfd_excludecontents.json",
        {
            "courseid": 4,
            "options": [
                {"name": "excludecontents", "value": True},
                {"name": "includestealthmodules", "value": True},
            ],
        },
    ),
    (
        "core_user_get_users__two_criteria_are_anded.json",
        {
            "criteria": [
                {"key": "lastname", "value": "Chan"},
                {"key": "email", "value": "%@moh.example.gov.kh"},
            ]
        },
    ),
    (
        "core_course_get_categories__by_name.json",
        {
            "criteria": [{"key": "name", "value": "Leadership and Innovation Program"}],
            "addsubcategories": False,
        },
    ),
    (
        "core_grades_update_grades__lti_activity.json",
        {
            "source": "lipassess",
            "courseid": 4,
            "component": "mod_lti",
            "activityid": 13,
            "itemnumber": 0,
            "grades": [
                {"studentid": 33, "grade": 82.5, "str_feedback": "Survey completed"},
                {"studentid": 36, "grade": 91.0},
            ],
        },
    ),
    (
        "core_message_send_instant_messages__success_two.json",
        {
            "messages": [
                {
                    "touserid": 33,
                    "text": KHMER_HTML,
                    "textformat": 1,
                    "clientmsgid": "lipassess-reminder-0002",
                },
                {
                    "touserid": 36,
                    "text": "Reminder: please complete the LIP self-assessment survey.",
                    "textformat": 2,
                    "clientmsgid": "lipassess-reminder-0003",
                },
            ]
        },
    ),
    ("core_webservice_get_site_info__default.json", {}),
]


@pytest.mark.parametrize(("fixture", "params"), RECORDED_CALLS, ids=[c[0] for c in RECORDED_CALLS])
def test_encode_gives_the_exact_recorded_body(fixture: str, params: dict[str, Any]) -> None:
    assert encode(params) == index_entry(fixture)["request_body"]
    assert flatten(params) == recorded_params(fixture)


def test_scalars_are_spelled_the_way_php_reads_them() -> None:
    assert flatten({"a": True, "b": False, "c": 7, "d": 82.5, "e": 91.0, "f": -0.25, "g": ""}) == [
        ("a", "1"),
        ("b", "0"),
        ("c", "7"),
        ("d", "82.5"),
        ("e", "91"),
        ("f", "-0.25"),
        ("g", ""),
    ]


def test_none_in_a_mapping_omits_the_key() -> None:
    assert flatten({"courseid": 3, "groupid": None, "o": {"x": None, "y": 1}}) == [
        ("courseid", "3"),
        ("o[y]", "1"),
    ]


def test_empty_containers_produce_no_field() -> None:
    assert flatten({"cohortids": [], "options": {}, "courseid": 2}) == [("courseid", "2")]


def test_deep_nesting_any_depth() -> None:
    params = {"a": [{"b": [{"c": {"d": [1, [2, 3]]}}]}]}
    assert flatten(params) == [
        ("a[0][b][0][c][d][0]", "1"),
        ("a[0][b][0][c][d][1][0]", "2"),
        ("a[0][b][0][c][d][1][1]", "3"),
    ]


@pytest.mark.parametrize(
    ("params", "error"),
    [
        ({"values": [1, None]}, TypeError),
        ({"x": math.nan}, ValueError),
        ({"x": math.inf}, ValueError),
        ({"x": b"bytes"}, TypeError),
        ({"x": {1, 2}}, TypeError),
        ({"x": object()}, TypeError),
        ({"": 1}, TypeError),
        ({"x": {True: 1}}, TypeError),
    ],
)
def test_values_moodle_cannot_receive_are_refused(params: dict[str, Any], error: type) -> None:
    with pytest.raises(error):
        flatten(params)


def test_top_level_must_be_a_mapping() -> None:
    with pytest.raises(TypeError):
        flatten([("a", 1)])  # type: ignore[arg-type]


# ---------------------------------------------------------------- PHP round trip


def php_parse(pairs: list[tuple[str, str]]) -> dict[str, Any]:
    """A minimal model of PHP's form parser: ``a[0][b]=v`` -> nested dicts keyed by str."""
    root: dict[str, Any] = {}
    for key, value in pairs:
        head, *rest = re.match(r"^([^\[]+)((?:\[[^\]]*\])*)$", key).groups()  # type: ignore[union-attr]
        path = [head, *re.findall(r"\[([^\]]*)\]", rest[0])]
        node = root
        for part in path[:-1]:
            node = node.setdefault(part, {})
        node[path[-1]] = value
    return root


def as_php(value: Any) -> Any:
    """What PHP would hold after parsing the encoding of ``value`` (all keys and leaves str)."""
    if isinstance(value, dict):
        return {str(k): as_php(v) for k, v in value.items() if not _empty(v)}
    if isinstance(value, list):
        return {str(i): as_php(v) for i, v in enumerate(value) if not _empty(v)}
    if isinstance(value, bool):
        return "1" if value else "0"
    return str(value)


def _empty(value: Any) -> bool:
    if isinstance(value, (dict, list)):
        return all(_empty(v) for v in (value.values() if isinstance(value, dict) else value))
    return False


names = st.text(alphabet="abcdefghijklmnopqrstuvwxyz_", min_size=1, max_size=8)
leaves = st.one_of(
    st.integers(-(10**9), 10**9),
    st.booleans(),
    st.text(max_size=12),
    st.sampled_from(["ក្រសួង", "<b>&</b>"]),
)
trees = st.recursive(
    leaves,
    lambda children: st.one_of(
        st.lists(children, max_size=4), st.dictionaries(names, children, max_size=4)
    ),
    max_leaves=25,
)


@given(st.dictionaries(names, trees, min_size=1, max_size=4))
def test_flatten_round_trips_through_a_php_style_parser(params: dict[str, Any]) -> None:
    assert php_parse(flatten(params)) == as_php(params)
    assert count_fields(params) == len(flatten(params))


# ---------------------------------------------------------------- batching


def message(i: int) -> dict[str, Any]:
    return {"touserid": 100 + i, "text": f"m{i}", "textformat": 1, "clientmsgid": f"c{i}"}


def test_batches_fill_the_budget_and_keep_order() -> None:
    items = [message(i) for i in range(500)]
    batches = list(split_batches(items, key="messages", max_input_vars=1000, reserved=100))
    # 4 fields per message, 900 usable fields: 225 messages per request.
    assert [len(b) for b in batches] == [225, 225, 50]
    assert [m for b in batches for m in b] == items
    assert all(count_fields({"messages": b}) <= 900 for b in batches)


def test_fixed_parameters_count_against_the_budget() -> None:
    ids = list(range(1, 2001))
    batches = list(
        split_batches(ids, key="values", fixed={"field": "id"}, max_input_vars=1000, reserved=100)
    )
    assert [len(b) for b in batches] == [899, 899, 202]


def test_a_batch_exactly_at_the_budget_is_not_split() -> None:
    items = [message(i) for i in range(225)]
    assert len(list(split_batches(items, key="messages", max_input_vars=1000, reserved=100))) == 1
    items.append(message(225))
    assert len(list(split_batches(items, key="messages", max_input_vars=1000, reserved=100))) == 2


def test_no_items_no_batches() -> None:
    assert list(split_batches([], key="values")) == []


def test_an_item_larger_than_the_budget_is_refused() -> None:
    huge = {"touserid": 1, "list": list(range(50))}
    with pytest.raises(ValueError, match="max_input_vars"):
        list(split_batches([huge], key="messages", max_input_vars=50, reserved=10))


def test_a_budget_with_no_room_is_refused() -> None:
    with pytest.raises(ValueError, match="no room"):
        list(split_batches([1], key="values", fixed={"a": 1}, max_input_vars=10, reserved=10))


@given(
    st.lists(st.integers(min_value=1, max_value=12), max_size=60),
    st.integers(min_value=20, max_value=200),
)
def test_batches_never_exceed_and_are_greedy(sizes: list[int], max_vars: int) -> None:
    items = [list(range(n)) for n in sizes]
    batches = list(split_batches(items, key="rows", max_input_vars=max_vars, reserved=5))
    budget = max_vars - 5
    assert [x for b in batches for x in b] == items
    for i, batch in enumerate(batches):
        assert batch
        assert count_fields({"rows": batch}) <= budget
        if i + 1 < len(batches):
            assert count_fields({"rows": [*batch, batches[i + 1][0]]}) > budget
