"""The sync against the recorded Moodle site: what is stored, idempotence, marks, faults per course."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest
import requests
from sqlalchemy import create_engine, select, text
from sqlalchemy.exc import IntegrityError

import lipassess.services.sync.apply as apply_module
from lipassess import db
from lipassess.errors import ConfigurationError, InvalidInput, NotFound
from lipassess.services.sync import (
    Counts,
    SyncOptions,
    check_field_map,
    participant_values,
    sync_course,
    sync_courses,
)
from lipassess.store.models import (
    Base,
    Cohort,
    Completion,
    Enrolment,
    EnrolmentStatus,
    Grade,
    GradeItem,
    Participant,
    Program,
    Response,
    ResponseStatus,
    Wave,
    WaveKind,
)
from moodle_plugin_bridge import EnrolledUser
from tests.bridge.fixtures import Call, MoodleStub, load_fixture
from tests.services.moodle_site import (
    STUDENTS,
    SiteState,
    recorded_site,
    user_row,
)

pytestmark = pytest.mark.postgres

FIELD_MAP = {"ministry": "ministry", "province": "province"}
NOW = datetime(2025, 1, 15, 3, 0, tzinfo=UTC)
PHNOM_PENH = timezone(timedelta(hours=7))


def run_sync(app, state: SiteState | None = None, courses=(2, 3, 4), *, before=None, **kw):
    with recorded_site(state, before=before) as (stub, client):
        report = sync_courses(db.session_factory(app), client, course_ids=courses, field_map=kw.pop(
            "field_map", FIELD_MAP), now=kw.pop("now", NOW), **kw)
        return report, stub


def snapshot(app) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table, read through a fresh connection."""
    engine = create_engine(app.config["DATABASE_URL"])
    try:
        with engine.connect() as conn:
            return {
                table.name: [tuple(row) for row in conn.execute(select(table).order_by(*table.primary_key.columns))]
                for table in Base.metadata.sorted_tables
            }
    finally:
        engine.dispose()


def participants(session) -> dict[int, Participant]:
    session.expire_all()
    return {p.moodle_user_id: p for p in session.scalars(select(Participant))}


def enrolment(session, course_id: int, user_id: int) -> Enrolment:
    return session.scalars(
        select(Enrolment).join(Cohort).join(Participant)
        .where(Cohort.moodle_course_id == course_id, Participant.moodle_user_id == user_id)
    ).one()


def grade(session, user_id: int, item_name: str, course_id: int = 3) -> Grade:
    return session.scalars(
        select(Grade).join(GradeItem).join(Participant).join(Cohort, Cohort.id == GradeItem.cohort_id)
        .where(Participant.moodle_user_id == user_id, GradeItem.name == item_name,
               Cohort.moodle_course_id == course_id)
    ).one()


# ---------------------------------------------------------------- what a first sync stores


def test_first_sync_of_the_recorded_site(app, session) -> None:
    report, _ = run_sync(app)
    assert report.ok and [c.course_id for c in report.courses] == [2, 3, 4]
    c5, c6, hfd = report.courses
    assert c5.participants == Counts(created=14)
    # User 9 is in cohorts 5 and 6: created with cohort 5, unchanged when cohort 6 lists them.
    assert c6.participants == Counts(created=14, unchanged=1)
    assert c6.enrolments == Counts(created=15)
    assert (c6.suspended, c6.not_students, c6.unenrolled) == (1, 1, 0)
    assert c6.grades == Counts(created=14 * 4)  # 3 items + the course total, 14 graded users
    assert c6.completions == Counts(created=14)  # the suspended student is not asked
    assert hfd.grades == Counts(created=12 * 5) and hfd.completions == Counts(created=12)
    assert c5.grades == Counts(created=4)  # see moodle_site: only user 18's report was recorded

    people = participants(session)
    assert set(people) == STUDENTS[2] | STUDENTS[3] | STUDENTS[4]
    assert not {45, 46, 47} & set(people)  # teachers are not participants
    assert len({p.pseudonym for p in people.values()}) == len(people)
    nine = people[9]
    assert sorted(e.cohort.moodle_course_id for e in nine.enrolments) == [2, 3]
    assert (nine.username, nine.email, nine.idnumber) == ("sokha.lim", "sokha.lim@mop.example.gov.kh", "LIP5-05")
    assert (nine.ministry, nine.province, nine.language) == ("Ministry of Planning", "Battambang", "en")
    assert enrolment(session, 3, 9).groups == [{"id": 1, "name": "Group A – Policy innovation"}]
    assert enrolment(session, 3, 31).groups == []
    assert enrolment(session, 3, 32).status == EnrolmentStatus.SUSPENDED
    assert enrolment(session, 3, 19).status == EnrolmentStatus.ACTIVE
    assert (people[17].ministry is not None, people[17].province) == (True, None)
    assert (people[43].ministry, people[43].province, people[43].extra_fields) == (None, None, {})

    cohorts = {c.moodle_course_id: c for c in session.scalars(select(Cohort))}
    c6_row = cohorts[3]
    assert (c6_row.shortname, c6_row.fullname, c6_row.idnumber) == ("LIP-C6-2024", "LIP Cohort 6 (2024)", "LIP-C6")
    assert c6_row.start_at == datetime(2024, 3, 4, tzinfo=PHNOM_PENH)
    assert c6_row.end_at == datetime(2024, 10, 31, tzinfo=PHNOM_PENH)
    assert c6_row.synced_at == NOW
    program = session.scalars(select(Program)).one()
    assert (program.code, program.name, program.moodle_category_id) == (
        "moodle-category-2", "Leadership and Innovation Program", 2)
    assert {c.program_id for c in cohorts.values()} == {program.id}

    assignment2 = grade(session, 23, "Assignment 2: Innovation project proposal")
    assert (assignment2.raw, assignment2.percentage, assignment2.graded_at) == (None, None, None)
    total = grade(session, 23, "Course total")
    assert total.raw == 74 and total.percentage == pytest.approx(74 / 110 * 100)
    assert total.graded_at == datetime.fromtimestamp(1726864000, UTC)
    assert grade(session, 23, "Participation").percentage == pytest.approx(70.0)
    total_item = session.scalars(select(GradeItem).where(GradeItem.name == "Course total",
                                                         GradeItem.cohort_id == c6_row.id)).one()
    assert (total_item.itemtype, total_item.grade_min) == ("course", 0)
    assert total_item.grade_max == max(
        item["grademax"] for user in load_fixture("gradereport_user_get_grade_items__c6_all_users.json")["usergrades"]
        for item in user["gradeitems"] if item["itemtype"] == "course")

    done = {c.participant_id: c for c in session.scalars(select(Completion).where(Completion.cohort_id == c6_row.id))}
    assert done[people[19].id].completed is True
    assert done[people[19].id].completed_at == datetime.fromtimestamp(1695963600, UTC)
    assert (done[people[23].id].completed, done[people[23].id].completed_at) == (False, None)
    assert people[32].id not in done


def test_khmer_and_html_like_text_is_stored_exactly(app) -> None:
    run_sync(app, courses=(2, 3, 4))
    engine = create_engine(app.config["DATABASE_URL"])
    with engine.connect() as conn:
        rows = {r.moodle_user_id: r for r in conn.execute(select(Participant))}
    engine.dispose()
    assert (rows[10].firstname, rows[10].lastname) == ("រតនា", "ពេជ្រ")
    assert (rows[10].ministry, rows[10].province) == ("ក្រសួងសុខាភិបាល", "កំពង់ចាម")
    assert (rows[15].firstname, rows[15].lastname, rows[15].ministry) == ("ពិសិដ្ឋ", "នួន", "ក្រសួងមហាផ្ទៃ")
    assert (rows[22].firstname, rows[22].lastname) == ("សុធា", "ផាន")
    assert (rows[36].firstname, rows[36].lastname) == ("ចាន់ធី", "សុខ")
    assert rows[29].lastname == "O'Neil"
    assert rows[29].ministry == "Ministry of Foreign Affairs & International Cooperation <b>(MFAIC)</b>"
    assert rows[29].province == 'Phnom Penh <i>(HQ)</i> & "Daun Penh"'
    recorded = user_row(load_fixture("core_enrol_get_enrolled_users__c6.json"), 28)
    assert (rows[28].firstname, rows[28].lastname) == (recorded["firstname"], recorded["lastname"])
    assert len(rows[28].ministry) == 199


# ---------------------------------------------------------------- idempotence


def test_second_run_changes_nothing(app) -> None:
    first, _ = run_sync(app)
    before = snapshot(app)
    second, _ = run_sync(app, now=NOW + timedelta(hours=1))
    assert second.ok
    for course_first, course_second in zip(first.courses, second.courses, strict=True):
        for name in ("participants", "enrolments", "grade_items", "grades", "completions"):
            counts, earlier = getattr(course_second, name), getattr(course_first, name)
            assert (counts.created, counts.updated) == (0, 0), (course_second.course_id, name)
            assert counts.unchanged == earlier.created + earlier.unchanged, (course_second.course_id, name)
        assert course_second.course == Counts(unchanged=1)
        assert course_second.changed == 0
    assert second.courses[1].participants == Counts(unchanged=15)
    assert second.courses[1].grades == Counts(unchanged=56)
    after = snapshot(app)
    # Only the cohorts' "last synced" bookkeeping moved.
    assert {name: rows for name, rows in after.items() if name != "cohorts"} == {
        name: rows for name, rows in before.items() if name != "cohorts"
    }
    columns = [c.name for c in Cohort.__table__.columns]
    keep = [i for i, name in enumerate(columns) if name not in ("synced_at", "updated_at")]
    assert [[row[i] for i in keep] for row in after["cohorts"]] == [[row[i] for i in keep] for row in before["cohorts"]]


def test_calls_made_for_one_course_follow_the_documented_formula(app) -> None:
    report, stub = run_sync(app, courses=(3,))
    functions = [call.function for call in stub.calls]
    # 1 course lookup, 1 page of 16 users and 1 page of suspended ids (each with the read
    # confirming the end), 1 language batch, 1 grade report, 1 completion call per active student (14).
    assert functions.count("core_course_get_courses_by_field") == 1
    assert functions.count("core_enrol_get_enrolled_users") == 4
    assert functions.count("core_user_get_users_by_field") == 1
    assert functions.count("gradereport_user_get_grade_items") == 1
    assert functions.count("core_completion_get_course_completion_status") == 14
    assert len(functions) == 21 and report.ok


def test_a_no_change_sync_asks_completion_only_of_students_not_yet_complete(app, session) -> None:
    run_sync(app, courses=(3,))
    report, stub = run_sync(app, courses=(3,), now=NOW + timedelta(hours=1))
    asked = sorted(int(c.form["userid"]) for c in stub.calls_to("core_completion_get_course_completion_status"))
    assert asked == [23, 27, 31]  # the active students not complete (32 is suspended)
    assert report.courses[0].completions == Counts(unchanged=14)  # complete ones are unchanged by definition
    assert len(stub.calls) == 1 + 4 + 1 + 1 + 3

    full, stub = run_sync(app, courses=(3,), options=SyncOptions(full=True))
    assert len(stub.calls_to("core_completion_get_course_completion_status")) == 14
    assert full.courses[0].completions == Counts(unchanged=14)

    state = SiteState()
    state.complete[3] |= {27}
    later, stub = run_sync(app, state, courses=(3,))
    assert later.courses[0].completions == Counts(updated=1, unchanged=13)
    assert len(stub.calls_to("core_completion_get_course_completion_status")) == 3
    with recorded_site(state) as (stub, client):  # one course into the caller's transaction: the same rule
        sync_course(session, client, 3, field_map=FIELD_MAP, now=NOW)
        session.rollback()
    assert len(stub.calls_to("core_completion_get_course_completion_status")) == 2


# ---------------------------------------------------------------- changes in Moodle


def test_unenrolled_and_suspended_students_are_marked_never_deleted(app, session) -> None:
    run_sync(app, courses=(3,))
    people = participants(session)
    cohort = session.scalars(select(Cohort).where(Cohort.moodle_course_id == 3)).one()
    wave = Wave(cohort_id=cohort.id, kind=WaveKind.PRE)
    session.add(wave)
    session.flush()
    session.add(Response(participant_id=people[20].id, wave_id=wave.id, status=ResponseStatus.SUBMITTED,
                         submitted_at=NOW))
    session.commit()

    # In Moodle, user 20 is unenrolled (gone from the listing and the grade report),
    # user 21's enrolment is suspended (Moodle then leaves them out of the grade report too).
    state = SiteState()
    state.listings[3] = [row for row in state.listings[3] if row["id"] != 20]
    state.suspended[3] |= {21}
    state.grades[3]["usergrades"] = [g for g in state.grades[3]["usergrades"] if g["userid"] not in (20, 21)]
    report, stub = run_sync(app, state, courses=(3,))
    c6 = report.courses[0]
    assert c6.ok and c6.unenrolled == 1 and c6.suspended == 2
    assert c6.enrolments == Counts(updated=2, unchanged=13)
    assert c6.participants == Counts(unchanged=14)
    assert c6.completions == Counts(unchanged=12)  # 14 active before, minus 20 and 21
    asked = {int(c.form["userid"]) for c in stub.calls_to("core_completion_get_course_completion_status")}
    assert not {20, 21, 32} & asked

    session.expire_all()
    assert enrolment(session, 3, 20).status == EnrolmentStatus.UNENROLLED
    assert enrolment(session, 3, 21).status == EnrolmentStatus.SUSPENDED
    assert session.scalars(select(Participant).where(Participant.moodle_user_id == 20)).one()
    kept = session.scalars(select(Response).where(Response.participant_id == people[20].id)).one()
    assert kept.status == ResponseStatus.SUBMITTED
    assert grade(session, 20, "Course total").raw is not None  # last synced grade kept
    assert session.scalars(select(Completion).where(Completion.participant_id == people[20].id)).one()

    again, _ = run_sync(app, state, courses=(3,))
    assert again.courses[0].enrolments == Counts(unchanged=15) and again.courses[0].unenrolled == 0

    back, _ = run_sync(app, courses=(3,))  # both back as recorded
    assert back.courses[0].enrolments == Counts(updated=2, unchanged=13)
    session.expire_all()
    assert enrolment(session, 3, 20).status == EnrolmentStatus.ACTIVE
    assert enrolment(session, 3, 21).status == EnrolmentStatus.ACTIVE


def test_changed_grade_profile_field_and_language_update(app, session) -> None:
    run_sync(app, courses=(3,))
    state = SiteState()
    row = user_row(state.listings[3], 22)
    ministry = next(f for f in row["customfields"] if f["shortname"] == "ministry")
    ministry["value"] = "ក្រសួងអប់រំ យុវជន និងកីឡា"
    state.langs[22] = "km"
    report_23 = next(g for g in state.grades[3]["usergrades"] if g["userid"] == 23)
    participation = next(i for i in report_23["gradeitems"] if i["itemname"] == "Participation")
    participation["graderaw"] = 9
    state.complete[3] |= {23}

    report, _ = run_sync(app, state, courses=(3,))
    c6 = report.courses[0]
    assert c6.participants == Counts(updated=1, unchanged=14)
    assert c6.grades == Counts(updated=1, unchanged=55)
    assert c6.completions == Counts(updated=1, unchanged=13)
    people = participants(session)
    assert (people[22].ministry, people[22].language) == ("ក្រសួងអប់រំ យុវជន និងកីឡា", "km")
    assert people[22].synced_at == NOW and people[21].synced_at == NOW  # both written at first sync
    updated = grade(session, 23, "Participation")
    assert (updated.raw, updated.percentage) == (9, pytest.approx(90.0))


def test_a_profile_field_moodle_no_longer_sends_becomes_empty(app, session) -> None:
    run_sync(app, courses=(3,))
    state = SiteState()
    user_row(state.listings[3], 19).pop("customfields")  # Moodle omits the key when all are empty
    report, _ = run_sync(app, state, courses=(3,))
    assert report.courses[0].participants == Counts(updated=1, unchanged=14)
    person = participants(session)[19]
    assert (person.ministry, person.province, person.extra_fields) == (None, None, {})


def test_a_withdrawn_participant_is_not_refreshed(app, session) -> None:
    run_sync(app, courses=(3,))
    person = participants(session)[24]
    person.withdrawn_at = NOW
    person.firstname, person.email = None, None
    session.commit()
    report, _ = run_sync(app, courses=(3,))
    assert report.courses[0].participants == Counts(unchanged=15)
    person = participants(session)[24]
    assert (person.firstname, person.email) == (None, None)


# ---------------------------------------------------------------- faults, one course at a time


def _connection_refused(course_id: int, user_id: int):
    def before(stub: MoodleStub) -> None:
        def refuse(call: Call) -> Any:
            raise requests.ConnectionError("[Errno 111] Connection refused")
        stub.add_callback("core_completion_get_course_completion_status", refuse,
                          params={"courseid": str(course_id), "userid": str(user_id)})
    return before


def _truncated_grades(course_id: int):
    def before(stub: MoodleStub) -> None:
        body = json.dumps(load_fixture("gradereport_user_get_grade_items__c6_all_users.json")).encode()
        stub.add_json("gradereport_user_get_grade_items", body[: len(body) // 2],
                      params={"courseid": str(course_id)})
    return before


@pytest.mark.parametrize(
    ("fault", "kind", "words"),
    [
        # User 27 is not complete, so a resync asks again (complete students are not asked).
        (_connection_refused(3, 27), "transport", "could not be reached"),
        (_truncated_grades(3), "protocol", "truncated or malformed JSON"),
        ("store", "store", "nothing of this course was changed"),
    ],
    ids=["transport-mid-completion", "truncated-grade-report", "store-error-mid-write"],
)
@pytest.mark.parametrize("first_time", [True, False], ids=["first-sync", "resync"])
def test_a_fault_mid_course_leaves_that_course_as_before(app, monkeypatch, fault, kind, words, first_time) -> None:
    if not first_time:
        run_sync(app, courses=(3, 4))
    before = snapshot(app)

    # What Moodle now says differs for both courses.
    state = SiteState()
    for course_id, user_id in ((3, 22), (4, 36)):
        field = next(f for f in user_row(state.listings[course_id], user_id)["customfields"]
                     if f["shortname"] == "province")
        field["value"] = "Siem Reap"
    state.listings[3] = [row for row in state.listings[3] if row["id"] != 30]

    if fault == "store":
        real = apply_module._upsert_completions

        def failing(session, cohort, completion, by_user):
            if cohort.moodle_course_id == 3:  # participants, enrolments and grades are written by now
                session.flush()
                raise IntegrityError("INSERT INTO completions ...", {}, Exception("simulated constraint failure"))
            return real(session, cohort, completion, by_user)

        monkeypatch.setattr(apply_module, "_upsert_completions", failing)
        report, _ = run_sync(app, state, courses=(3, 4))
    else:
        report, _ = run_sync(app, state, courses=(3, 4), before=fault)

    c6, hfd = report.courses
    assert not c6.ok and c6.error_kind == kind and words in c6.error
    assert c6.participants == Counts() and c6.shortname == "LIP-C6-2024"
    assert hfd.ok and hfd.participants.changed >= 1
    after = snapshot(app)
    course3_before = _course_rows(before, 3)
    assert _course_rows(after, 3) == course3_before
    if first_time:
        assert course3_before == {"cohort": [], "enrolments": [], "participants": []}
    assert _course_rows(after, 4)["cohort"] and _course_rows(after, 4) != _course_rows(before, 4)


def _course_rows(snap: dict[str, list[tuple[Any, ...]]], course_id: int) -> dict[str, list[tuple[Any, ...]]]:
    """The rows that belong to one course (its cohort, enrolments, their participants' rows)."""
    cohort_cols = [c.name for c in Cohort.__table__.columns]
    cohorts = [r for r in snap["cohorts"] if r[cohort_cols.index("moodle_course_id")] == course_id]
    cohort_ids = {r[0] for r in cohorts}
    enrol_cols = [c.name for c in Enrolment.__table__.columns]
    enrolments = [r for r in snap["enrolments"] if r[enrol_cols.index("cohort_id")] in cohort_ids]
    people = {r[enrol_cols.index("participant_id")] for r in enrolments}
    rows = {
        "cohort": cohorts,
        "enrolments": enrolments,
        "participants": [r for r in snap["participants"] if r[0] in people],
    }
    if cohort_ids:
        item_cols = [c.name for c in GradeItem.__table__.columns]
        items = [r for r in snap["grade_items"] if r[item_cols.index("cohort_id")] in cohort_ids]
        item_ids = {r[0] for r in items}
        grade_cols = [c.name for c in Grade.__table__.columns]
        comp_cols = [c.name for c in Completion.__table__.columns]
        rows["grade_items"] = items
        rows["grades"] = [r for r in snap["grades"] if r[grade_cols.index("grade_item_id")] in item_ids]
        rows["completions"] = [r for r in snap["completions"] if r[comp_cols.index("cohort_id")] in cohort_ids]
    return rows


def test_a_token_that_lost_a_capability_fails_only_that_course(app) -> None:
    def before(stub: MoodleStub) -> None:
        # The recorded answer for a token whose user lacks moodle/course:viewparticipants.
        stub.add_fixture("core_enrol_get_enrolled_users__error_nopermission.json", params={"courseid": "3"})

    report, _ = run_sync(app, courses=(3, 4), before=before)
    c6, hfd = report.courses
    assert c6.error_kind == "access" and "moodle/course:viewparticipants" in c6.error
    assert hfd.ok
    assert _course_rows(snapshot(app), 3) == {"cohort": [], "enrolments": [], "participants": []}


# ---------------------------------------------------------------- odd courses


def test_unknown_course_id_is_a_failed_course(app, session) -> None:
    report, stub = run_sync(app, courses=(9999, 3))
    missing, c6 = report.courses
    assert (missing.course_id, missing.ok, missing.error_kind) == (9999, False, "not_found")
    assert "no course with id 9999" in missing.error and "check the id" in missing.error
    assert c6.ok
    assert len(stub.calls_to("core_course_get_courses_by_field")) == 1  # both ids in one call
    with recorded_site() as (_, client), pytest.raises(NotFound, match="no course with id 9999"):
        sync_course(session, client, 9999, field_map=FIELD_MAP, now=NOW)


def test_the_site_front_page_is_not_a_course(app) -> None:
    report, _ = run_sync(app, courses=(1,))
    assert not report.ok and "front page" in report.courses[0].error


def test_a_course_with_no_participants(app, session) -> None:
    state = SiteState()
    state.listings[2] = []
    state.grades[2]["usergrades"] = []
    report, stub = run_sync(app, state, courses=(2,))
    c5 = report.courses[0]
    assert c5.ok and c5.course == Counts(created=1)
    for name in ("participants", "enrolments", "grades", "completions"):
        assert getattr(c5, name) == Counts()
    assert stub.calls_to("core_completion_get_course_completion_status") == []
    assert session.scalars(select(Cohort)).one().shortname == "LIP-C5-2023"


def test_a_category_syncs_each_of_its_courses(app) -> None:
    with recorded_site() as (_, client):
        report = sync_courses(db.session_factory(app), client, category_id=2, field_map=FIELD_MAP, now=NOW)
    assert [c.course_id for c in report.courses] == [2, 3, 4] and report.ok


def test_without_courses_the_stored_cohorts_sync_again(app) -> None:
    with recorded_site() as (_, client), pytest.raises(InvalidInput, match="--course ID"):
        sync_courses(db.session_factory(app), client, field_map=FIELD_MAP, now=NOW)
    run_sync(app, courses=(4, 2))
    with recorded_site() as (_, client):
        report = sync_courses(db.session_factory(app), client, field_map=FIELD_MAP, now=NOW)
    assert [c.course_id for c in report.courses] == [2, 4] and report.courses[0].changed == 0


def test_sync_course_writes_into_the_callers_transaction(app, session) -> None:
    with recorded_site() as (_, client):
        report = sync_course(session, client, 4, field_map=FIELD_MAP, now=NOW)
    assert report.participants == Counts(created=12)
    session.rollback()
    assert session.scalar(select(Participant.id)) is None
    assert session.execute(text("SELECT COUNT(*) FROM cohorts")).scalar() == 0


# ---------------------------------------------------------------- profile field mapping


def _user(**customfields: str) -> EnrolledUser:
    return EnrolledUser(id=5, username="u", firstname="F", lastname="L", fullname="F L",
                        customfields=customfields, lang="km_kh")


def test_profile_fields_map_to_columns_or_extra_fields() -> None:
    values = participant_values(_user(ministry="MEF", province="Kampot", grade="B"),
                                {"ministry": "ministry", "province": "duty_station"})
    assert (values["ministry"], values["province"]) == ("MEF", None)
    assert values["extra_fields"] == {"duty_station": "Kampot", "grade": "B"}
    assert values["language"] == "km"
    swapped = participant_values(_user(site="Takeo"), {"site": "province"})
    assert swapped["province"] == "Takeo" and swapped["extra_fields"] == {}


@pytest.mark.parametrize(
    ("mapping", "message"),
    [({"ministry": "email"}, "standard fields"), ({"a": "ministry", "b": "ministry"}, "keep one")],
)
def test_bad_profile_field_maps_are_configuration_errors(mapping: dict[str, str], message: str) -> None:
    with pytest.raises(ConfigurationError, match=message):
        check_field_map(mapping)


# ---------------------------------------------------------------- several syncs at once


def test_two_syncs_at_once_both_succeed_and_write_once(app) -> None:
    """Cron on two hosts: both read Moodle in parallel, their writes take turns."""
    import threading

    from moodle_plugin_bridge import Backoff, MoodleClient
    from tests.bridge.fixtures import BASE_URL, TOKEN

    state = SiteState()
    reports: list[Any] = []
    errors: list[BaseException] = []
    start = threading.Barrier(2)
    with recorded_site(state):  # one stubbed site; each host has its own client
        def host() -> None:
            try:
                with MoodleClient(BASE_URL, TOKEN, backoff=Backoff(base=0, cap=0)) as client:
                    start.wait()
                    reports.append(sync_courses(db.session_factory(app), client, course_ids=(2, 3),
                                                field_map=FIELD_MAP, now=NOW))
            except BaseException as exc:  # reported below
                errors.append(exc)

        threads = [threading.Thread(target=host) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    assert not errors and all(report.ok for report in reports), (errors, [r.to_dict() for r in reports])
    created = sum(c.participants.created for report in reports for c in report.courses)
    assert created == len(STUDENTS[2] | STUDENTS[3])  # each participant written by one host only
    enrolments = sum(c.enrolments.created for report in reports for c in report.courses)
    assert enrolments == len(STUDENTS[2]) + len(STUDENTS[3])
