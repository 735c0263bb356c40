"""High-level reads and the message write, against the recorded answers of the real site."""

from __future__ import annotations

import copy
import json
import re
import threading
import time
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest
import requests

from moodle_plugin_bridge import (
    MIN_RELEASE,
    REQUIRED_FUNCTIONS,
    MoodleAccessError,
    MoodleClient,
    MoodleNotFound,
    MoodleProtocolError,
    MoodleTransportError,
    OutgoingMessage,
    check_site,
    parse_release,
)
from moodle_plugin_bridge.records import load_site_info
from tests.bridge.fixtures import (
    BASE_URL,
    TOKEN,
    Call,
    MoodleStub,
    index,
    load_fixture,
    paged_answer,
    project,
)

PHNOM_PENH = timezone(timedelta(hours=7))  # Asia/Phnom_Penh: UTC+7 all year, no DST
C6 = "core_enrol_get_enrolled_users__c6.json"
C6_SUSPENDED = "core_enrol_get_enrolled_users__c6_onlysuspended.json"
HFD = "core_enrol_get_enrolled_users__hfd.json"


def limitfroms(stub: MoodleStub) -> list[int]:
    return [
        int(call.options()["limitfrom"])
        for call in stub.calls_to("core_enrol_get_enrolled_users")
        if "onlysuspended" not in call.options()
    ]


# ---------------------------------------------------------------- site


def test_site_info(client: MoodleClient, stub: MoodleStub) -> None:
    stub.add_fixture("core_webservice_get_site_info__default.json")
    site = client.site_info()
    assert (site.username, site.userid, site.version) == ("lipassess_ws", 3, "2024100700")
    assert site.release == "4.5 (Build: 20241007)"
    assert len(site.functions) == 20
    assert "gradereport_user_get_grade_items" in site.functions


def test_site_check_passes_on_the_recorded_site(client: MoodleClient, stub: MoodleStub) -> None:
    stub.add_fixture("core_webservice_get_site_info__default.json", times=2)
    check = client.check_site()
    assert check.ok and check.supported
    assert check.release_tuple == (4, 5, 0)
    assert client.missing_functions() == ()
    assert "ok:" in check.summary()


def test_site_check_reports_every_missing_function_at_once(
    client: MoodleClient, stub: MoodleStub
) -> None:
    body = load_fixture("core_webservice_get_site_info__default.json")
    dropped = {"gradereport_user_get_grade_items", "core_message_send_instant_messages"}
    body["functions"] = [f for f in body["functions"] if f["name"] not in dropped]
    stub.add_json("core_webservice_get_site_info", body)
    check = client.check_site()
    assert check.missing_functions == (
        "gradereport_user_get_grade_items",
        "core_message_send_instant_messages",
    )
    (problem,) = check.problems
    assert "lacks 2 function(s): gradereport_user_get_grade_items, core_message_send" in problem
    assert "External services > lipassess > Functions" in problem
    assert not check.ok


@pytest.mark.parametrize(
    ("release", "supported"),
    [
        ("4.5 (Build: 20241007)", True),
        ("4.1 (Build: 20221128)", True),
        ("4.1.12+ (Build: 20240812)", True),
        ("4.0.10 (Build: 20230807)", False),
        ("3.11.18 (Build: 20231211)", False),
        ("5.0dev (Build: 20250101)", True),
    ],
)
def test_release_support(release: str, supported: bool) -> None:
    body = {**load_fixture("core_webservice_get_site_info__default.json"), "release": release}
    check = check_site(load_site_info(body))
    assert check.supported is supported
    assert (not check.problems) is supported
    if not supported:
        assert "upgrade Moodle to 4.1 or newer" in check.problems[0]


def test_unreadable_release_is_a_problem() -> None:
    body = {**load_fixture("core_webservice_get_site_info__default.json"), "release": "unknown"}
    check = check_site(load_site_info(body))
    assert check.release_tuple is None and not check.supported
    assert "cannot read the Moodle release" in check.problems[0]


def test_release_parser() -> None:
    assert MIN_RELEASE == (4, 1)
    assert parse_release("4.5 (Build: 20241007)") == (4, 5, 0)
    assert parse_release("4.3.2 (Build: 20231222)") == (4, 3, 2)
    with pytest.raises(ValueError):
        parse_release("Moodle")


def test_required_functions_are_all_in_the_recorded_service() -> None:
    offered = {
        f["name"] for f in load_fixture("core_webservice_get_site_info__default.json")["functions"]
    }
    assert set(REQUIRED_FUNCTIONS) <= offered
    assert "core_grades_get_grades" not in REQUIRED_FUNCTIONS


# ---------------------------------------------------------------- courses


def test_courses_of_a_category_in_one_call_with_aware_dates(
    client: MoodleClient, stub: MoodleStub
) -> None:
    stub.add_fixture("core_course_get_courses_by_field__category.json")
    courses = client.courses_in_category(2)
    assert [c.id for c in courses] == [2, 3, 4]
    assert len(stub.calls) == 1
    c6 = courses[1]
    assert (c6.shortname, c6.fullname, c6.categoryid) == ("LIP-C6-2024", "LIP Cohort 6 (2024)", 2)
    # Seeded as Asia/Phnom_Penh midnight 2024-03-04 .. 2024-10-31.
    assert c6.startdate == datetime(2024, 3, 4, tzinfo=PHNOM_PENH)
    assert c6.enddate == datetime(2024, 10, 31, tzinfo=PHNOM_PENH)
    assert c6.startdate.tzinfo is UTC
    assert c6.idnumber is None  # not sent without moodle/course:update
    assert courses.warnings == ()


def test_all_courses_leave_out_the_site_page(client: MoodleClient, stub: MoodleStub) -> None:
    stub.add_fixture("core_course_get_courses_by_field__all.json")
    assert [c.id for c in client.courses()] == [2, 3, 4]


def test_site_course_dates_of_zero_are_unset(client: MoodleClient, stub: MoodleStub) -> None:
    stub.add_fixture("core_course_get_courses_by_field__all.json")
    site = client.read("core_course_get_courses_by_field")["courses"][0]
    assert site["startdate"] == 0
    from moodle_plugin_bridge.records import load_courses

    course = load_courses("f", {"courses": [site], "warnings": []})[0]
    assert course.is_site and course.startdate is None and course.enddate is None


def test_courses_by_ids_and_shortname(client: MoodleClient, stub: MoodleStub) -> None:
    stub.add_fixture("core_course_get_courses_by_field__ids.json")
    stub.add_fixture("core_course_get_courses_by_field__shortname.json")
    assert [c.id for c in client.courses([2, 4, 2])] == [2, 4]
    assert client.course_by_shortname("LIP-C6-2024").id == 3  # type: ignore[union-attr]
    assert client.courses([]) == client.courses(()) and len(stub.calls) == 2


def test_unknown_course_id_is_not_found(client: MoodleClient, stub: MoodleStub) -> None:
    stub.add_fixture("core_course_get_courses_by_field__id_not_found.json")
    with pytest.raises(MoodleNotFound, match="no course with id 9999"):
        client.course(9999)


@pytest.mark.parametrize("bad", [0, -3, "3", True, 2.0, None])
def test_ids_are_checked_before_calling(client: MoodleClient, stub: MoodleStub, bad: Any) -> None:
    with pytest.raises(ValueError):
        client.courses_in_category(bad)
    with pytest.raises((ValueError, TypeError)):
        client.courses([bad])
    assert stub.calls == []


# ---------------------------------------------------------------- participants


def test_enrolled_users_with_status_and_language(client: MoodleClient, stub: MoodleStub) -> None:
    stub.add_enrolled_course(3, C6, suspended=C6_SUSPENDED)
    stub.add_users_by_id()
    users = client.enrolled_users(3, page_size=5)
    by_id = {u.id: u for u in users}
    assert list(by_id) == [9, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32, 46]
    assert [u.id for u in users if u.suspended] == [32]
    assert all(u.suspended is False for u in users if u.id != 32)
    assert {u.lang for u in users} == {"en"}
    assert by_id[46].roles == ("editingteacher",) and len(by_id[46].groups) == 3
    assert by_id[9].groups[0].name == "Group A – Policy innovation"
    assert by_id[31].groups == ()
    assert by_id[22].firstname == "សុធា" and by_id[22].lastname == "ផាន"
    assert by_id[29].customfields == {
        "ministry": "Ministry of Foreign Affairs & International Cooperation <b>(MFAIC)</b>",
        "province": 'Phnom Penh <i>(HQ)</i> & "Daun Penh"',
    }
    assert by_id[29].lastname == "O'Neil"
    # 4 pages (0, 5, 10, 15: the last one short) and the read confirming the end (16),
    # 1 page of suspended ids and its confirming read, 1 for languages.
    assert limitfroms(stub) == [0, 5, 10, 15, 16]
    assert len(stub.calls) == 8
    first = stub.calls[0].options()
    assert first["userfields"] == (
        "id,username,firstname,lastname,fullname,email,idnumber,department,institution,"
        "city,country,customfields,groups,roles"
    )
    suspended_call = stub.calls[5].options()
    assert suspended_call["onlysuspended"] == "1" and suspended_call["userfields"] == "id"


def test_enrolled_users_without_custom_fields_or_groups(
    client: MoodleClient, stub: MoodleStub
) -> None:
    stub.add_enrolled_course(4, HFD)
    stub.add_users_by_id()
    users = {u.id: u for u in client.enrolled_users(4)}
    assert users[43].customfields == {}
    assert all(u.groups == () for u in users.values())
    assert (users[47].firstname, users[47].lastname) == ("សុភី", "ឡុង")
    assert users[47].customfields["ministry"] == "សាលាភូមិន្ទរដ្ឋបាល"
    assert users[36].fullname == "ចាន់ធី សុខ"


def test_enrolled_users_without_extra_calls(client: MoodleClient, stub: MoodleStub) -> None:
    stub.add_enrolled_course(2, "core_enrol_get_enrolled_users__c5.json")
    users = client.enrolled_users(2, with_status=False, with_lang=False)
    assert len(users) == 15
    assert {(u.suspended, u.lang) for u in users} == {(None, None)}
    assert len(stub.calls) == 2  # one page and the read confirming the end
    by_id = {u.id: u for u in users}
    assert by_id[17].customfields == {"ministry": by_id[17].customfields["ministry"]}
    assert (by_id[10].firstname, by_id[10].lastname) == ("រតនា", "ពេជ្រ")
    assert by_id[10].customfields == {"ministry": "ក្រសួងសុខាភិបាល", "province": "កំពង់ចាម"}


def test_a_course_with_no_participants(client: MoodleClient, stub: MoodleStub) -> None:
    # Moodle's recorded answer for a page with nobody on it is [].
    stub.add_fixture(
        "core_enrol_get_enrolled_users__c6_paged_limit5_from20.json", params={"courseid": "7"}
    )
    users = client.enrolled_users(7)
    assert len(users) == 0
    # The empty first page and the read confirming it, for all users and for suspended ones.
    assert [c.function for c in stub.calls] == ["core_enrol_get_enrolled_users"] * 4


def test_unknown_course_participants_not_found(client: MoodleClient, stub: MoodleStub) -> None:
    stub.add_fixture(
        "core_enrol_get_enrolled_users__error_course_not_found.json", params={"courseid": "9999"}
    )
    with pytest.raises(MoodleNotFound, match="no course with the id given"):
        client.enrolled_users(9999)


def test_pagination_stops_at_the_first_short_page(client: MoodleClient, stub: MoodleStub) -> None:
    # The recorded pages where they exist (exact recorded requests), the rest derived.
    stub.add_fixture("core_enrol_get_enrolled_users__c6_paged_limit5_from0.json")
    stub.add_fixture("core_enrol_get_enrolled_users__c6_paged_limit5_from15.json")
    stub.add_fixture("core_enrol_get_enrolled_users__c6_paged_limit5_from20.json")
    stub.add_enrolled_course(3, C6)
    pages = list(
        client.iter_enrolled_pages(3, page_size=5, options=[("userfields", "id,fullname")])
    )
    assert [len(p) for p in pages] == [5, 5, 5, 1]
    assert limitfroms(stub) == [0, 5, 10, 15, 16]  # 16: the read confirming the end (not yielded)
    assert [row for page in pages for row in page] == project(load_fixture(C6), ["id", "fullname"])
    assert pages[0] == load_fixture("core_enrol_get_enrolled_users__c6_paged_limit5_from0.json")


def test_pagination_of_an_exact_multiple_ends_on_an_empty_page(
    client: MoodleClient, stub: MoodleStub
) -> None:
    stub.add_enrolled_course(3, C6)
    pages = list(client.iter_enrolled_pages(3, page_size=8))
    assert [len(p) for p in pages] == [8, 8, 0]
    assert limitfroms(stub) == [0, 8, 16, 16]


@pytest.mark.parametrize("cut", [0, 2], ids=["empty-page", "short-page"])
def test_a_page_cut_short_mid_list_is_an_error_not_the_end(
    client: MoodleClient, stub: MoodleStub, cut: int
) -> None:
    # The page at limitfrom=5 comes back with `cut` of its 5 users, once (a fault inside Moodle).
    rows = load_fixture(C6)
    stub.add_json("core_enrol_get_enrolled_users", rows[5 : 5 + cut], times=1,
                  params=lambda call: call.options().get("limitfrom") == "5")
    stub.add_enrolled_course(3, C6)
    with pytest.raises(MoodleProtocolError, match="limitfrom=5 held .* yet it lists more users") as caught:
        client.enrolled_users(3, page_size=5, with_status=False, with_lang=False)
    assert caught.value.function == "core_enrol_get_enrolled_users"
    assert limitfroms(stub) == [0, 5, 5 + cut]


@pytest.mark.parametrize(
    ("change", "words"),
    [
        (lambda row: row.pop("roles"), "user 22 has no 'roles'"),
        (lambda row: row.pop("username"), "user 22 has no 'username'"),
        (lambda row: row.update(roles=[{"roleid": 5}]), "user 22 has no valid 'roles[0].shortname'"),
    ],
    ids=["no-roles", "no-username", "role-without-shortname"],
)
def test_a_malformed_participant_record_names_the_user(
    client: MoodleClient, stub: MoodleStub, change: Any, words: str
) -> None:
    rows = load_fixture(C6)
    change(next(row for row in rows if row["id"] == 22))
    stub.add_enrolled_course(3, C6, rows=rows)
    with pytest.raises(MoodleProtocolError, match=re.escape(words)) as caught:
        client.enrolled_users(3, with_status=False, with_lang=False)
    assert "nobody was marked unenrolled" in caught.value.message


def test_pagination_when_moodle_ignores_limitnumber(client: MoodleClient, stub: MoodleStub) -> None:
    stub.add_fixture(C6, params={"courseid": "3"})
    pages = list(client.iter_enrolled_pages(3, page_size=5))
    assert [len(p) for p in pages] == [16]


def test_pagination_when_moodle_ignores_limitfrom_fails_instead_of_looping(
    client: MoodleClient, stub: MoodleStub
) -> None:
    stub.add_fixture("core_enrol_get_enrolled_users__c6_paged_limit5_from0.json", params=None)
    with pytest.raises(MoodleProtocolError, match="ignores paging"):
        list(client.iter_enrolled_pages(3, page_size=5))
    assert len(stub.calls) == 2


def test_page_size_must_be_positive(client: MoodleClient) -> None:
    with pytest.raises(ValueError):
        list(client.iter_enrolled_pages(3, page_size=0))


def test_users_by_id_batches_under_max_input_vars(stub: MoodleStub) -> None:
    stub.add_users_by_id()
    with MoodleClient(BASE_URL, TOKEN, max_input_vars=120) as moodle:
        users = moodle.users_by_id(range(1, 48))
    # 120 - 100 reserved - 1 for "field" = 19 ids per call.
    assert [len(c.params) - 1 for c in stub.calls] == [19, 19, 9]
    assert [u.id for u in users] == list(range(1, 48))


# ---------------------------------------------------------------- grades


def test_all_grades_of_a_course_in_one_call(client: MoodleClient, stub: MoodleStub) -> None:
    stub.add_fixture("gradereport_user_get_grade_items__c6_all_users.json")
    report = client.grade_items(3)
    assert len(stub.calls) == 1
    grades = {g.user_id: g for g in report}
    assert len(grades) == 14 and 32 not in grades  # the suspended user has no row
    g23 = grades[23]
    assert g23.course_idnumber == "LIP-C6" and g23.user_idnumber == "LIP6-05"
    assert [(i.itemname, i.graderaw, i.grademax) for i in g23.items] == [
        ("Assignment 1: Policy brief", 67.0, 100.0),
        ("Assignment 2: Innovation project proposal", None, 100.0),
        ("Participation", 7.0, 10.0),
    ]
    assert g23.items[0].cmid == 8 and g23.items[2].idnumber == "participation-c6"
    assert g23.items[1].percentage is None
    total = g23.course_total
    assert total is not None and total.is_course_total and total.itemname is None
    assert (total.graderaw, total.grademax) == (74.0, 110.0)
    assert total.percentage == pytest.approx(74 / 110 * 100)
    assert total.graded_at == datetime.fromtimestamp(1726864000, tz=UTC)
    nothing = grades[31]
    assert nothing.course_total is not None and nothing.course_total.graderaw is None
    assert all(i.graderaw is None and i.percentage is None for i in nothing.items)
    assert grades[22].user_fullname == "សុធា ផាន"


GRADE_FIXTURES = [
    n for n in index() if n.startswith("gradereport_user_get_grade_items__") and "error" not in n
]


@pytest.mark.parametrize("fixture", GRADE_FIXTURES)
def test_percentage_matches_moodles_own_percentageformatted(fixture: str) -> None:
    from moodle_plugin_bridge.records import load_grade_report

    raw = load_fixture(fixture)["usergrades"]
    report = load_grade_report("gradereport_user_get_grade_items", load_fixture(fixture))
    checked = 0
    for user_raw, user in zip(raw, report, strict=True):
        items = [*user.items, *([user.course_total] if user.course_total else [])]
        formatted = {row["id"]: row["percentageformatted"] for row in user_raw["gradeitems"]}
        for item in items:
            shown = formatted[item.id]
            if shown == "-":
                assert item.percentage is None
            else:
                assert round(item.percentage, 2) == float(shown.removesuffix(" %"))  # type: ignore[arg-type]
                checked += 1
    assert checked or fixture.endswith("user_not_enrolled_no_error.json")


def test_grades_written_through_the_lti_activity(client: MoodleClient, stub: MoodleStub) -> None:
    stub.add_fixture("gradereport_user_get_grade_items__hfd_all_users.json")
    grades = {g.user_id: g for g in client.grade_items(4)}
    lti = [i for i in grades[33].items if i.itemmodule == "lti"]
    assert [(i.cmid, i.graderaw) for i in lti] == [(13, 82.5)]
    assert grades[33].course_total.graderaw == 175.5  # type: ignore[union-attr]


def test_activities_hidden_from_the_ws_user_are_absent_but_counted_in_the_total() -> None:
    from moodle_plugin_bridge.records import load_grade_report

    body = load_fixture("gradereport_user_get_grade_items__c6_ws_role_without_mod_assign_view.json")
    (user,) = load_grade_report("gradereport_user_get_grade_items", body)
    assert [i.itemname for i in user.items] == ["Participation"]
    assert (user.course_total.graderaw, user.course_total.grademax) == (74.0, 110.0)  # type: ignore[union-attr]


# ---------------------------------------------------------------- completion


def test_completion_per_user(client: MoodleClient, stub: MoodleStub) -> None:
    stub.add_fixture("core_completion_get_course_completion_status__complete.json")
    stub.add_fixture("core_completion_get_course_completion_status__incomplete.json")
    results = client.course_completion(2, [5, 18])
    done, pending = results.by_user[5], results.by_user[18]
    assert done is not None and pending is not None
    assert done.completed and done.aggregation == 1 and len(done.criteria) == 2
    assert done.time_completed == datetime.fromtimestamp(1695963600, tz=UTC)
    assert done.criteria[0].requirement == "Achieving grade"
    assert not pending.completed and pending.time_completed is None
    assert (done.course_id, done.user_id, pending.user_id) == (2, 5, 18)
    assert results.not_enrolled == ()


def test_not_enrolled_and_suspended_users_do_not_fail_the_course(
    client: MoodleClient, stub: MoodleStub, caplog: pytest.LogCaptureFixture
) -> None:
    stub.add_fixture("core_completion_get_course_completion_status__error_not_enrolled.json")
    stub.add_fixture("core_completion_get_course_completion_status__error_suspended_enrolment.json")
    # A recorded "completed" answer (course 2) stands in for user 19 of course 3.
    stub.add_fixture(
        "core_completion_get_course_completion_status__complete.json", params={"userid": "19"}
    )
    results = client.course_completion(3, [19, 5, 32])
    assert list(results.by_user) == [19, 5, 32]
    assert results.by_user[5] is None and results.by_user[32] is None
    assert results.by_user[19] is not None and results.by_user[19].completed
    assert results.not_enrolled == (5, 32)
    assert any(
        "not enrolled or suspended in course 3: 5, 32" in r.getMessage() for r in caplog.records
    )


def test_any_other_completion_error_fails_the_course(
    client: MoodleClient, stub: MoodleStub
) -> None:
    stub.add_fixture(
        "core_completion_get_course_completion_status__not_started.json", params={"userid": "43"}
    )
    # The recorded "nopermissions" answer of the completion report, as a lost capability.
    stub.add_json(
        "core_completion_get_course_completion_status",
        load_fixture("core_completion_get_activities_completion_status__error_nopermission.json"),
    )
    with pytest.raises(MoodleAccessError):
        client.course_completion(4, [43, 36, 37, 38])


def test_completion_concurrency_is_bounded_and_sessions_are_per_thread(stub: MoodleStub) -> None:
    stub.add_fixture("core_completion_get_course_completion_status__not_started.json", params=None)
    in_flight = 0
    peak = 0
    lock = threading.Lock()

    def slow(call: Call) -> None:
        nonlocal in_flight, peak
        with lock:
            in_flight += 1
            peak = max(peak, in_flight)
        time.sleep(0.03)
        with lock:
            in_flight -= 1

    stub.hooks.append(slow)
    made: list[tuple[requests.Session, set[int]]] = []

    class ThreadCheckingSession(requests.Session):
        def __init__(self) -> None:
            super().__init__()
            self.threads: set[int] = set()
            self.closed = False
            made.append((self, self.threads))

        def request(self, *args: Any, **kwargs: Any) -> Any:
            self.threads.add(threading.get_ident())
            return super().request(*args, **kwargs)

        def close(self) -> None:
            self.closed = True
            super().close()

    main = ThreadCheckingSession()
    made.clear()
    with MoodleClient(BASE_URL, TOKEN, session=main, session_factory=ThreadCheckingSession) as c:
        results = c.course_completion(4, range(33, 45), max_workers=3)
    assert len(results.by_user) == 12
    assert 1 < peak <= 3
    assert main.threads == set()  # the caller's session is never used by workers
    assert 1 <= len(made) <= 3
    assert all(len(threads) == 1 for _, threads in made)
    assert all(session.closed for session, _ in made)  # type: ignore[attr-defined]


def test_completion_of_nobody_makes_no_call(client: MoodleClient, stub: MoodleStub) -> None:
    results = client.course_completion(3, [])
    assert results.by_user == {} and stub.calls == []
    with pytest.raises(ValueError):
        client.course_completion(3, [5], max_workers=0)


# ---------------------------------------------------------------- cohorts


def test_cohorts_and_members(client: MoodleClient, stub: MoodleStub) -> None:
    stub.add_fixture("core_cohort_get_cohorts__all.json")
    stub.add_fixture("core_cohort_get_cohorts__by_ids.json")
    stub.add_fixture("core_cohort_get_cohorts__ids_not_found.json")
    stub.add_fixture("core_cohort_get_cohort_members__all.json")
    assert [(c.id, c.idnumber) for c in client.cohorts()] == [
        (1, "LIP-C5-2023"),
        (2, "LIP-C6-2024"),
        (3, "LIP-HFD-2025"),
    ]
    assert [c.id for c in client.cohorts([1, 3])] == [1, 3]
    assert len(client.cohorts([999])) == 0
    members = {m.cohort_id: m.user_ids for m in client.cohort_members([1, 2, 3])}
    assert {k: len(v) for k, v in members.items()} == {1: 14, 2: 15, 3: 12}
    assert 9 in members[1] and 9 in members[2] and 32 in members[2]


def test_unknown_cohort_members_not_found(client: MoodleClient, stub: MoodleStub) -> None:
    stub.add_fixture("core_cohort_get_cohort_members__not_found.json")
    with pytest.raises(MoodleNotFound, match="no cohort"):
        client.cohort_members([999])


# ---------------------------------------------------------------- messages


KHMER_HTML = "<p>សូមជម្រាបសួរ! Reminder: please complete the <b>LIP self-assessment</b> survey.</p>"
PLAIN = "Reminder: please complete the LIP self-assessment survey."


def test_send_messages_returns_one_result_per_message(
    client: MoodleClient, stub: MoodleStub
) -> None:
    stub.add_fixture("core_message_send_instant_messages__success_two.json")
    results = client.send_messages(
        [
            OutgoingMessage(
                to_user_id=33, text=KHMER_HTML, client_msg_id="lipassess-reminder-0002"
            ),
            OutgoingMessage(
                to_user_id=36, text=PLAIN, text_format=2, client_msg_id="lipassess-reminder-0003"
            ),
        ]
    )
    assert [(r.to_user_id, r.msgid, r.ok) for r in results] == [(33, 1, True), (36, 2, True)]
    assert results[0].text == KHMER_HTML
    assert results[1].text == f"<p>{PLAIN}</p>"  # Moodle echoes plain text as HTML
    assert results[0].clientmsgid == "lipassess-reminder-0002"


def test_refused_messages_are_results_not_exceptions(stub: MoodleStub) -> None:
    stub.add_fixture("core_message_send_instant_messages__recipient_not_contactable.json")
    stub.add_fixture(
        "core_message_send_instant_messages__unknown_user.json",
        params={"messages[0][touserid]": "99999"},
    )
    # max_input_vars 105 leaves 5 fields: one message (4 fields) per request.
    with MoodleClient(BASE_URL, TOKEN, max_input_vars=105) as moodle:
        results = moodle.send_messages(
            [
                OutgoingMessage(to_user_id=33, text=PLAIN, client_msg_id="lipassess-reminder-0001"),
                OutgoingMessage(
                    to_user_id=99999, text="hello", client_msg_id="lipassess-reminder-0004"
                ),
            ]
        )
    assert len(stub.calls) == 2
    assert [(r.to_user_id, r.msgid, r.ok) for r in results] == [
        (33, None, False),
        (99999, None, False),
    ]
    assert "message preferences" in (results[0].errormessage or "")
    assert "(99999) that doesn't exist" in (results[1].errormessage or "")


def test_a_failed_batch_reports_what_was_already_sent(stub: MoodleStub) -> None:
    stub.add_fixture("core_message_send_instant_messages__recipient_not_contactable.json")
    stub.add_json("core_message_send_instant_messages", b"", status=503)
    sleeps: list[float] = []
    with MoodleClient(BASE_URL, TOKEN, max_input_vars=105, sleep=sleeps.append) as moodle:
        with pytest.raises(MoodleTransportError) as caught:
            moodle.send_messages(
                [
                    OutgoingMessage(
                        to_user_id=33, text=PLAIN, client_msg_id="lipassess-reminder-0001"
                    ),
                    OutgoingMessage(to_user_id=36, text=PLAIN),
                ]
            )
    err = caught.value
    assert [r.to_user_id for r in err.partial] == [33]
    assert "1 of 2 messages were sent" in err.message
    assert err.retryable is False and sleeps == [] and len(stub.calls) == 2


def test_a_result_count_mismatch_is_a_protocol_error(
    client: MoodleClient, stub: MoodleStub
) -> None:
    stub.add_fixture("core_message_send_instant_messages__success_two.json", params=None)
    with pytest.raises(MoodleProtocolError, match="2 results for 1 messages"):
        client.send_messages([OutgoingMessage(to_user_id=33, text=PLAIN)])


@pytest.mark.parametrize(
    "kwargs",
    [
        {"to_user_id": 0, "text": "x"},
        {"to_user_id": True, "text": "x"},
        {"to_user_id": 3, "text": "  "},
        {"to_user_id": 3, "text": "x", "text_format": 9},
    ],
)
def test_outgoing_messages_are_checked(kwargs: dict[str, Any]) -> None:
    with pytest.raises((ValueError, TypeError)):
        OutgoingMessage(**kwargs)


def _course_answering(stub: MoodleStub, course_id: int, rows: list[Any], suspended_rows: list[Any]) -> None:
    """``core_enrol_get_enrolled_users`` for ``course_id``: ``rows``, and ``suspended_rows`` for onlysuspended."""
    def answer(call: Call) -> Any:
        options = call.options()
        if options.get("onlysuspended") == "1":  # as given (rows that are not objects included), then the end
            body = suspended_rows if int(options.get("limitfrom", 0)) == 0 else []
        else:
            body = paged_answer(rows, options)
        return 200, {"Content-Type": "application/json"}, json.dumps(body)

    stub._add("core_enrol_get_enrolled_users", lambda call: call.form.get("courseid") == str(course_id), answer, None)


@pytest.mark.parametrize("bad_row", [{"id": "32"}, {"id": None}, {}, None, {"id": 2**64}, {"id": [32]}, {"id": 0}])
def test_a_suspended_row_without_a_user_id_is_a_protocol_error(client: MoodleClient, stub: MoodleStub,
                                                               bad_row: Any) -> None:
    """Before: such a row was dropped, and the suspended student it stood for was stored as active."""
    _course_answering(stub, 3, load_fixture(C6), [{"id": 31}, bad_row])
    stub.add_users_by_id()
    with pytest.raises(MoodleProtocolError, match="who is suspended cannot be told"):
        client.enrolled_users(3, page_size=50)


def test_one_user_listed_twice_with_different_details_is_a_protocol_error(client: MoodleClient,
                                                                          stub: MoodleStub) -> None:
    """Before: the first record was kept silently, and the other person's details were lost or misfiled."""
    rows = load_fixture(C6)
    impostor = {**copy.deepcopy(next(r for r in rows if r["id"] == 22)), "id": 23}
    _course_answering(stub, 3, [*rows, impostor], [])
    stub.add_users_by_id()
    with pytest.raises(MoodleProtocolError, match="listed user 23 twice with different details"):
        client.enrolled_users(3, page_size=50)


def test_one_user_listed_twice_with_the_same_details_is_kept_once(client: MoodleClient, stub: MoodleStub) -> None:
    rows = load_fixture(C6)
    _course_answering(stub, 3, [*rows, copy.deepcopy(rows[3])], [])
    stub.add_users_by_id()
    users = client.enrolled_users(3, page_size=50)
    assert len(users) == len(rows) == 16 and sorted(u.id for u in users) == sorted(r["id"] for r in rows)


def test_a_page_whose_id_is_a_list_is_a_protocol_error_not_a_type_error(client: MoodleClient,
                                                                         stub: MoodleStub) -> None:
    rows = load_fixture(C6)
    _course_answering(stub, 3, [*rows[:-1], {**rows[-1], "id": [46]}], [])
    with pytest.raises(MoodleProtocolError):
        client.enrolled_users(3, page_size=50, with_status=False, with_lang=False)
