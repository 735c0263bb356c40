"""``lipassess sync`` under a failing Moodle: every fault at the first, a middle and the last call.

Each test syncs courses 3 and 4 once cleanly, lets Moodle change (a student
left course 3, a province changed in both, a student completed), then runs
``lipassess sync`` with one fault of :mod:`tests.services.faulty_moodle` and
checks what an operator relies on: exit code 1, one line naming why each
failed course failed, the store unchanged for a failed course (every row of
it, before/after), no token in the output, and a later clean run repairing
everything (a run after it changes nothing). Participant pages are 5 users
long so that course 3 (16 users) and course 4 (13) have several pages each.
"""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime

import pytest
import responses
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from lipassess import db
from lipassess.services.sync import sync_courses
from lipassess.services.sync.apply import completed_students
from lipassess.store.models import Cohort, Enrolment, EnrolmentStatus, Participant
from moodle_plugin_bridge import Backoff
from tests.bridge.fixtures import BASE_URL, TOKEN, MoodleStub
from tests.services.faulty_moodle import (
    BAD_ANSWERS,
    COMPLETION,
    COURSES,
    ENROLLED,
    GRADES,
    OUTAGES,
    PAGE_FAULTS,
    USERS,
    Fault,
    eligible,
    pick,
    rehearse,
)
from tests.services.moodle_site import SiteState, recorded_site, serve, user_row
from tests.services.test_sync import _course_rows, snapshot

pytestmark = pytest.mark.postgres

PAGE_SIZE = 5
COURSES_SYNCED = (3, 4)
FIELD_MAP = {"ministry": "ministry", "province": "province"}
LOG_LINE = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d (DEBUG|INFO|WARNING|ERROR) [\w.]+: ")

POSITIONS_OF = {
    COURSES: ("first",),  # one call per run
    USERS: ("first", "last"),  # one per course
    GRADES: ("first", "last"),
    ENROLLED: ("first", "middle", "last"),
    COMPLETION: ("first", "middle", "last"),
}
CASES = [
    pytest.param(kind, function, position, id=f"{kind}-{function.split('_', 1)[1]}-{position}")
    for kind in OUTAGES + BAD_ANSWERS
    for function, positions in POSITIONS_OF.items()
    for position in positions
] + [
    pytest.param(kind, ENROLLED, position, id=f"{kind}-{position}")
    for kind in PAGE_FAULTS
    for position in ("first", "middle", "last")
]

WORDS = {
    "refused": "could not be reached",
    "timeout": "did not answer within",
    "http_500": "HTTP 500",
    "html_200": "not JSON",
    "truncated_json": "truncated or malformed JSON",
    "empty_page": "the participant list Moodle gave is incomplete",
    "short_page": "the participant list Moodle gave is incomplete",
    "malformed_record": "has no 'roles'",
}


def changed_site() -> SiteState:
    """Moodle after the first sync: user 30 left course 3, provinces changed, user 23 completed."""
    state = SiteState()
    for course_id, user_id in ((3, 22), (4, 36)):
        field = next(f for f in user_row(state.listings[course_id], user_id)["customfields"]
                     if f["shortname"] == "province")
        field["value"] = "Siem Reap"
    state.listings[3] = [row for row in state.listings[3] if row["id"] != 30]
    state.grades[3]["usergrades"] = [g for g in state.grades[3]["usergrades"] if g["userid"] != 30]
    state.complete[3] |= {23}
    return state


@pytest.fixture
def cli_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """The CLI pointed at the stubbed site, retry waits skipped, pages of 5 users."""
    monkeypatch.setenv("LIPASSESS_MOODLE_URL", BASE_URL)
    monkeypatch.setenv("LIPASSESS_MOODLE_TOKEN", TOKEN)
    monkeypatch.setattr("moodle_plugin_bridge.client.Backoff", lambda: Backoff(base=0, cap=0))
    monkeypatch.setattr("lipassess.services.sync.pull.DEFAULT_PAGE_SIZE", PAGE_SIZE)


def run_sync_cli(run_cli, state: SiteState, fault: Fault | None = None, *args: str):
    with responses.RequestsMock(assert_all_requests_are_fired=False) as rsps:
        stub = MoodleStub(rsps)
        if fault is not None:
            fault.install(stub)
        serve(stub, state)
        course_args = [arg for course_id in COURSES_SYNCED for arg in ("--course", str(course_id))]
        return run_cli("sync", *course_args, *args), stub


def statuses(app) -> dict[tuple[int, int], str]:
    """``{(course, user): enrolment status}`` as stored."""
    factory = db.session_factory(app)
    with factory() as session:
        rows = session.execute(
            select(Cohort.moodle_course_id, Participant.moodle_user_id, Enrolment.status)
            .join(Enrolment, Enrolment.cohort_id == Cohort.id)
            .join(Participant, Participant.id == Enrolment.participant_id)
        )
        return {(course, user): EnrolmentStatus(status).value for course, user, status in rows}


def output_lines(text: str) -> list[str]:
    return [line for line in text.strip().splitlines() if line and not LOG_LINE.match(line)]


def first_sync(factory: sessionmaker[Session]) -> bool:
    """The clean sync of courses 3 and 4 every case starts from (built once per run on SQLite)."""
    with recorded_site() as (_, client):
        return sync_courses(factory, client, course_ids=COURSES_SYNCED, field_map=FIELD_MAP,
                            now=datetime(2025, 1, 15, tzinfo=UTC)).ok


@pytest.mark.parametrize(("kind", "function", "position"), CASES)
def test_a_fault_fails_the_course_changes_nothing_and_a_clean_run_repairs(
    app, prebuilt, run_cli, cli_env, kind: str, function: str, position: str
) -> None:
    assert prebuilt(first_sync)
    state = changed_site()
    factory = db.session_factory(app)
    with factory() as session:
        known = {course_id: completed_students(session, course_id) for course_id in COURSES_SYNCED}
    rehearsal = rehearse(state, COURSES_SYNCED, known_complete=known, page_size=PAGE_SIZE)
    listed = {course_id: len(rows) for course_id, rows in state.listings.items()}
    target = pick(eligible(kind, function, rehearsal.calls, listed), position)
    hit = rehearsal.course(target)
    if hit is None:  # the course lookup: no course can be synced
        failing = set(COURSES_SYNCED)
    elif kind in OUTAGES:  # Moodle stays down: this course and every later one
        failing = set(COURSES_SYNCED[COURSES_SYNCED.index(hit):])
    else:
        failing = {hit}
    before = snapshot(app)

    fault = Fault(function, kind, target)
    result, _ = run_sync_cli(run_cli, state, fault)

    assert fault.fired
    assert result.exit_code == 1, result
    assert "Traceback" not in result.err and TOKEN not in result.out + result.err
    if hit is None:
        (line,) = output_lines(result.err)
        assert line.startswith("error: ") and result.out == ""
        if kind in WORDS:
            assert WORDS[kind] in line, line
    else:
        out = output_lines(result.out)
        table = {int(row.split()[0]): row.split()[2] for row in out[1:1 + len(COURSES_SYNCED)]}
        assert table == {c: "FAILED" if c in failing else "ok" for c in COURSES_SYNCED}, result.out
        for course_id in failing:
            (line,) = [line for line in out if line.startswith(f"course {course_id} failed: ")]
            if kind in WORDS:
                assert WORDS[kind] in line, line
            if kind == "malformed_record":
                assert re.search(r"record of user \d+ has no 'roles'", line), line
        assert out[-1] == (f"{len(COURSES_SYNCED)} course(s): {len(COURSES_SYNCED) - len(failing)} synced, "
                           f"{len(failing)} failed")
        assert output_lines(result.err) == []  # the failure is in the summary; stderr has only log lines
    after = snapshot(app)
    for course_id in COURSES_SYNCED:
        if course_id in failing:
            assert _course_rows(after, course_id) == _course_rows(before, course_id), course_id
        else:
            assert _course_rows(after, course_id) != _course_rows(before, course_id), course_id
    assert statuses(app)[(3, 30)] == ("active" if 3 in failing else "unenrolled")  # never lost by a fault

    repaired, _ = run_sync_cli(run_cli, state)
    assert repaired.exit_code == 0, repaired
    again, _ = run_sync_cli(run_cli, state, None, "--json")
    assert again.exit_code == 0, again
    for course in json.loads(again.out)["courses"]:  # nothing left to repair
        assert course["status"] == "ok" and course["unenrolled"] == 0
        for name in ("participants", "enrolments", "grade_items", "grades", "completions"):
            assert (course[name]["created"], course[name]["updated"]) == (0, 0), (course["course_id"], name)
    stored = statuses(app)
    assert stored[(3, 30)] == "unenrolled"
    assert {key: value for key, value in stored.items() if key != (3, 30)} == {
        (course_id, row["id"]): ("suspended" if row["id"] in state.suspended[course_id] else "active")
        for course_id in COURSES_SYNCED
        for row in state.listings[course_id]
        if row["roles"] and row["roles"][0]["shortname"] == "student"
    }



# ---------------------------------------------------------------- the mass-unenrolment guard


def test_unenrol_limit_is_a_share_with_a_floor() -> None:
    from lipassess.services.sync.guard import unenrol_limit

    assert [unenrol_limit(n) for n in (0, 15, 50, 51, 60, 5000)] == [5, 5, 5, 5, 6, 500]


def only_first_students(count: int) -> SiteState:
    """Moodle consistently lists only the first ``count`` users of course 3 (a filtering plugin, a bad role)."""
    state = SiteState()
    state.listings[3] = state.listings[3][:count]
    kept = {row["id"] for row in state.listings[3]}
    state.grades[3]["usergrades"] = [g for g in state.grades[3]["usergrades"] if g["userid"] in kept]
    return state


def test_too_many_leavers_fail_the_course_unless_allowed(app, run_cli, cli_env) -> None:
    with recorded_site() as (_, client):
        assert sync_courses(db.session_factory(app), client, course_ids=COURSES_SYNCED, field_map=FIELD_MAP,
                            now=datetime(2025, 1, 15, tzinfo=UTC)).ok
    before = snapshot(app)
    state = only_first_students(6)  # 9 of the 15 students of course 3 gone at once

    result, _ = run_sync_cli(run_cli, state)
    assert result.exit_code == 1, result
    out = output_lines(result.out)
    (line,) = [line for line in out if line.startswith("course 3 failed: ")]
    assert "no longer lists 9 of the 15 enrolled students of course 3 (60 %)" in line
    assert "lipassess sync --course 3 --allow-mass-unenrol" in line
    assert _course_rows(snapshot(app), 3) == _course_rows(before, 3)
    assert out[-1] == "2 course(s): 1 synced, 1 failed"

    allowed, _ = run_sync_cli(run_cli, state, None, "--allow-mass-unenrol", "--json")
    assert allowed.exit_code == 0, allowed
    c6 = json.loads(allowed.out)["courses"][0]
    assert c6["status"] == "ok" and c6["unenrolled"] == 9
    assert sum(1 for (course, _), status in statuses(app).items() if course == 3 and status == "unenrolled") == 9


def test_a_few_leavers_pass_the_guard(app, run_cli, cli_env) -> None:
    with recorded_site() as (_, client):
        assert sync_courses(db.session_factory(app), client, course_ids=(3,), field_map=FIELD_MAP,
                            now=datetime(2025, 1, 15, tzinfo=UTC)).ok
    state = only_first_students(10)  # 5 of the 15 students leave: the floor
    with recorded_site(state) as (_, client):
        report = sync_courses(db.session_factory(app), client, course_ids=(3,), field_map=FIELD_MAP,
                              now=datetime(2025, 1, 16, tzinfo=UTC))
    assert report.ok and report.courses[0].unenrolled == 5
    with recorded_site(only_first_students(4)) as (_, client):  # 6 of the 10 left: refused
        refused = sync_courses(db.session_factory(app), client, course_ids=(3,), field_map=FIELD_MAP,
                               now=datetime(2025, 1, 17, tzinfo=UTC))
    assert refused.courses[0].error_kind == "mass_unenrol" and "6 of the 10" in refused.courses[0].error


def without_profile_fields(count: int) -> SiteState:
    """Moodle sends the first ``count`` students of course 3 without ``customfields`` (a token that lost
    ``moodle/user:viewalldetails``, a field made hidden): what it does for a user it shows no field of."""
    state = SiteState()
    students = [row for row in state.listings[3]
                if any(role["shortname"] == "student" for role in row["roles"]) and row.get("customfields")]
    for row in students[:count]:
        del row["customfields"]
    return state


def profiles(app, course_id: int) -> dict[int, tuple[object, object]]:
    """``{Moodle user id: (ministry, province)}`` of the course's participants, as stored."""
    with db.session_factory(app)() as session:
        rows = session.execute(select(Participant.moodle_user_id, Participant.ministry, Participant.province)
                               .join(Enrolment, Enrolment.participant_id == Participant.id)
                               .join(Cohort, Cohort.id == Enrolment.cohort_id)
                               .where(Cohort.moodle_course_id == course_id)).all()
    return {user: (ministry, province) for user, ministry, province in rows}


def test_a_course_losing_every_profile_field_at_once_fails_unless_allowed(app, run_cli, cli_env) -> None:
    """Before: every student's ministry and province were cleared, and the report said ok."""
    with recorded_site() as (_, client):
        assert sync_courses(db.session_factory(app), client, course_ids=COURSES_SYNCED, field_map=FIELD_MAP,
                            now=datetime(2025, 1, 15, tzinfo=UTC)).ok
    before, stored = snapshot(app), profiles(app, 3)
    assert sum(1 for fields in stored.values() if any(fields)) >= 10  # the recorded course has profile fields
    state = without_profile_fields(100)  # every student of course 3

    result, _ = run_sync_cli(run_cli, state)
    assert result.exit_code == 1, result
    (line,) = [line for line in output_lines(result.out) if line.startswith("course 3 failed: ")]
    assert re.search(r"no profile fields for \d+ of the 15 students of course 3", line), line
    assert "lipassess sync --course 3 --allow-profile-clearing" in line
    assert _course_rows(snapshot(app), 3) == _course_rows(before, 3) and profiles(app, 3) == stored

    allowed, _ = run_sync_cli(run_cli, state, None, "--allow-profile-clearing", "--json")
    assert allowed.exit_code == 0, allowed
    assert all(fields == (None, None) for fields in profiles(app, 3).values())


def test_a_few_students_without_profile_fields_pass_the_guard(app) -> None:
    with recorded_site() as (_, client):
        assert sync_courses(db.session_factory(app), client, course_ids=(3,), field_map=FIELD_MAP,
                            now=datetime(2025, 1, 15, tzinfo=UTC)).ok
    with recorded_site(without_profile_fields(5)) as (_, client):  # the floor: 5 may always be cleared
        report = sync_courses(db.session_factory(app), client, course_ids=(3,), field_map=FIELD_MAP,
                              now=datetime(2025, 1, 16, tzinfo=UTC))
    assert report.ok and sum(1 for fields in profiles(app, 3).values() if fields == (None, None)) >= 5
    with recorded_site(without_profile_fields(100)) as (_, client):  # the rest of them: refused
        refused = sync_courses(db.session_factory(app), client, course_ids=(3,), field_map=FIELD_MAP,
                               now=datetime(2025, 1, 17, tzinfo=UTC))
    assert refused.courses[0].error_kind == "profile_clearing"
