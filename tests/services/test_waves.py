"""Wave planning from course dates, staff adjustments, date parsing."""

from __future__ import annotations

import shutil
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
from sqlalchemy import func, select

from lipassess.errors import InvalidInput, NotFound
from lipassess.instruments import bundled_instruments_dir
from lipassess.services.dispatch import as_of_time
from lipassess.services.waves import list_waves, parse_kind, parse_when, plan_waves, set_wave_dates
from lipassess.store.models import AuditEvent, Cohort, InstrumentVersion, Wave, WaveKind

pytestmark = pytest.mark.postgres

PP = timezone(timedelta(hours=7))
INSTRUMENTS = bundled_instruments_dir()


def make_cohort(session, **dates) -> Cohort:
    # Cohort 6 of the recorded site: 2024-03-04 .. 2024-10-31, midnight in Phnom Penh.
    values = {"start_at": datetime(2024, 3, 4, tzinfo=PP), "end_at": datetime(2024, 10, 31, tzinfo=PP)} | dates
    cohort = Cohort(moodle_course_id=3, shortname="LIP-C6-2024", fullname="LIP Cohort 6 (2024)", **values)
    session.add(cohort)
    session.flush()
    return cohort


def plan(session, cohort, offset: int = 182, window: int = 42, directory: Path = INSTRUMENTS):
    return plan_waves(session, cohort, instruments_directory=directory, followup_offset_days=offset,
                      followup_window_days=window)


def test_plan_from_the_course_dates(session) -> None:
    cohort = make_cohort(session)
    result = plan(session, cohort)
    by_kind = {w.kind: w for w in result.waves}
    assert [w.status for w in result.waves] == ["created"] * 3
    assert by_kind["pre"].opens_at == datetime(2024, 2, 19, tzinfo=PP)
    assert by_kind["pre"].closes_at == datetime(2024, 3, 11, tzinfo=PP)
    assert by_kind["post"].opens_at == datetime(2024, 10, 31, tzinfo=PP)
    assert by_kind["post"].closes_at == datetime(2024, 11, 21, tzinfo=PP)
    # 2024-10-31 + 182 days = 2025-05-01; + 42 days = 2025-06-12.
    assert by_kind["followup"].opens_at == datetime(2025, 5, 1, tzinfo=PP)
    assert by_kind["followup"].closes_at == datetime(2025, 6, 12, tzinfo=PP)
    assert by_kind["pre"].instruments == ("lip-leadership-behaviour@1.0",)
    assert by_kind["post"].instruments == (
        "lip-leadership-behaviour@1.0", "lip-leadership-behaviour-retro@1.0", "lip-reaction@1.0")
    assert by_kind["followup"].instruments == ("lip-leadership-behaviour@1.0", "lip-followup-application@1.0")
    stored = {w.kind: w for w in session.scalars(select(Wave))}
    assert set(stored) == {WaveKind.PRE, WaveKind.POST, WaveKind.FOLLOWUP}
    assert [wi.position for wi in stored[WaveKind.POST].instruments] == [0, 1, 2]
    assert all(w.opened_at is None for w in stored.values())
    assert session.scalar(select(func.count()).select_from(AuditEvent).where(AuditEvent.action == "wave.plan")) == 3
    assert "2025-05-01 00:00 -> 2025-06-12 00:00" in result.summary()


def test_the_followup_offset_and_window_are_configuration(session) -> None:
    result = plan(session, make_cohort(session), offset=90, window=14)
    followup = next(w for w in result.waves if w.kind == "followup")
    assert followup.opens_at == datetime(2024, 10, 31, tzinfo=PP) + timedelta(days=90)
    assert followup.closes_at - followup.opens_at == timedelta(days=14)


def test_plan_is_idempotent_and_keeps_adjusted_dates(session) -> None:
    cohort = make_cohort(session)
    plan(session, cohort)
    versions = session.scalar(select(func.count()).select_from(InstrumentVersion))
    moved = datetime(2024, 11, 4, tzinfo=PP)
    set_wave_dates(session, cohort, WaveKind.POST, opens_at=moved, instruments_directory=INSTRUMENTS)
    again = plan(session, cohort)
    assert [w.status for w in again.waves] == ["kept"] * 3
    assert next(w for w in again.waves if w.kind == "post").opens_at == moved
    assert session.scalar(select(func.count()).select_from(Wave)) == 3
    assert session.scalar(select(func.count()).select_from(InstrumentVersion)) == versions


def test_a_course_without_dates_skips_what_it_cannot_plan(session) -> None:
    cohort = make_cohort(session, start_at=None, end_at=None)
    result = plan(session, cohort)
    assert [(w.kind, w.status) for w in result.waves] == [("pre", "skipped"), ("post", "skipped"),
                                                          ("followup", "skipped")]
    assert "no start date" in result.waves[0].reason and "no end date" in result.waves[1].reason
    cohort.start_at = datetime(2025, 2, 3, tzinfo=PP)
    assert [w.status for w in plan(session, cohort).waves] == ["created", "skipped", "skipped"]


def test_set_refuses_a_wave_that_closes_before_it_opens(session) -> None:
    cohort = make_cohort(session)
    plan(session, cohort)
    post = session.scalars(select(Wave).where(Wave.kind == WaveKind.POST)).one()
    before = (post.opens_at, post.closes_at)
    with pytest.raises(InvalidInput, match="at or before it opens"):
        set_wave_dates(session, cohort, WaveKind.POST, closes_at=post.opens_at, instruments_directory=INSTRUMENTS)
    with pytest.raises(InvalidInput, match="at or before it opens"):
        set_wave_dates(session, cohort, WaveKind.POST, opens_at=post.closes_at + timedelta(days=1),
                       instruments_directory=INSTRUMENTS)
    with pytest.raises(InvalidInput, match="--opens, --closes"):
        set_wave_dates(session, cohort, WaveKind.POST, instruments_directory=INSTRUMENTS)
    assert (post.opens_at, post.closes_at) == before
    info = set_wave_dates(session, cohort, WaveKind.POST, closes_at=before[1] + timedelta(days=7),
                          instruments_directory=INSTRUMENTS)
    assert info.status == "updated" and (info.opens_at, info.closes_at) == (before[0], before[1] + timedelta(days=7))
    audit = session.scalars(select(AuditEvent).where(AuditEvent.action == "wave.set")).one()
    assert audit.details["before"]["closes_at"] == before[1].isoformat()


def test_set_creates_a_missing_wave_with_both_dates(session) -> None:
    cohort = make_cohort(session, start_at=None, end_at=None)
    with pytest.raises(InvalidInput, match="give both"):
        set_wave_dates(session, cohort, WaveKind.FOLLOWUP, opens_at=datetime(2025, 5, 1, tzinfo=UTC),
                       instruments_directory=INSTRUMENTS)
    info = set_wave_dates(session, cohort, WaveKind.FOLLOWUP, opens_at=datetime(2025, 5, 1, tzinfo=UTC),
                          closes_at=datetime(2025, 6, 1, tzinfo=UTC), instruments_directory=INSTRUMENTS)
    assert info.status == "created" and len(info.instruments) == 2
    assert [w.kind for w in list_waves(session, cohort).waves] == ["followup"]


def test_a_missing_instrument_file_is_named(session, tmp_path: Path) -> None:
    for name in ("lip-leadership-behaviour.yaml", "lip-leadership-behaviour-retro.yaml"):
        shutil.copy(INSTRUMENTS / name, tmp_path / name)
    with pytest.raises(NotFound, match="'lip-reaction'"):
        plan(session, make_cohort(session), directory=tmp_path)


def test_list_in_wave_order(session) -> None:
    cohort = make_cohort(session)
    plan(session, cohort)
    assert [w.kind for w in list_waves(session, cohort).waves] == ["pre", "post", "followup"]


@pytest.mark.parametrize(
    ("text", "end_of_day", "expected"),
    [
        ("2025-05-01", False, datetime(2025, 5, 1, tzinfo=PP)),
        ("2025-05-31", True, datetime(2025, 6, 1, tzinfo=PP)),
        ("2025-05-01T08:30", False, datetime(2025, 5, 1, 8, 30, tzinfo=PP)),
        ("2025-05-01T08:30+00:00", True, datetime(2025, 5, 1, 8, 30, tzinfo=UTC)),
    ],
)
def test_dates_are_days_in_cambodia(text: str, end_of_day: bool, expected: datetime) -> None:
    parsed = parse_when(text, end_of_day=end_of_day)
    assert parsed == expected and parsed.tzinfo == UTC


@pytest.mark.parametrize("text", ["", "tomorrow", "2025-13-01", "01/05/2025"])
def test_bad_dates_say_the_format(text: str) -> None:
    with pytest.raises(InvalidInput, match="YYYY-MM-DD"):
        parse_when(text, what="--opens")


@pytest.mark.parametrize(
    ("text", "end_of_day", "expected"),
    [
        ("2000-01-01", False, datetime(2000, 1, 1, tzinfo=PP)),
        ("2200-12-31", True, datetime(2201, 1, 1, tzinfo=PP)),  # the exclusive end of the last day
        ("2200-12-31T23:59+14:00", True, datetime(2200, 12, 31, 9, 59, tzinfo=UTC)),
    ],
)
def test_the_first_and_last_day_of_the_range_are_accepted(text: str, end_of_day: bool, expected: datetime) -> None:
    assert parse_when(text, end_of_day=end_of_day) == expected


@pytest.mark.parametrize(
    ("text", "end_of_day"),
    [("0001-01-01", False), ("1999-12-31", True), ("0001-01-01T03:00", False), ("2201-01-01", False),
     ("9999-12-31", True), ("9999-12-31T23:00-12:00", False)],
)
def test_days_outside_the_range_are_refused_with_the_range(text: str, end_of_day: bool) -> None:
    with pytest.raises(InvalidInput) as refused:
        parse_when(text, end_of_day=end_of_day, what="--closes")
    assert str(refused.value) == f"--closes {text!r} is out of range: give a day from 2000-01-01 to 2200-12-31"


@pytest.mark.parametrize("text", ["0001-01-01", "0001-01-01T00:00", "9999-12-31", "2201-01-01T12:00"])
def test_dispatch_as_of_is_held_to_the_same_range(text: str) -> None:
    with pytest.raises(InvalidInput, match=r"^--as-of '.*' is out of range: give a day from 2000-01-01 to 2200-12-31$"):
        as_of_time(text)
    assert as_of_time("2200-12-31") == datetime(2200, 12, 31, 12, tzinfo=PP)


def test_only_planned_kinds_and_needs() -> None:
    assert parse_kind("post") is WaveKind.POST
    assert parse_kind("needs") is WaveKind.NEEDS
    with pytest.raises(InvalidInput, match="needs, pre, post, followup"):
        parse_kind("retro_pre")


def test_the_needs_assessment_can_join_a_new_pre_wave(session) -> None:
    cohort = make_cohort(session)
    result = plan_waves(session, cohort, instruments_directory=INSTRUMENTS, followup_offset_days=182,
                        followup_window_days=42, needs_in_pre=True)
    by_kind = {w.kind: w for w in result.waves}
    assert by_kind["pre"].instruments == ("lip-leadership-behaviour@1.0", "lip-needs-assessment@1.0")
    assert by_kind["post"].instruments[0] == "lip-leadership-behaviour@1.0" and len(by_kind["post"].instruments) == 3


def test_a_needs_wave_is_set_with_both_dates_and_presents_the_needs_assessment(session) -> None:
    cohort = make_cohort(session)
    with pytest.raises(InvalidInput, match="no needs wave yet: give both --opens and --closes"):
        set_wave_dates(session, cohort, WaveKind.NEEDS, opens_at=datetime(2024, 1, 8, tzinfo=PP),
                       instruments_directory=INSTRUMENTS)
    info = set_wave_dates(session, cohort, WaveKind.NEEDS, opens_at=datetime(2024, 1, 8, tzinfo=PP),
                          closes_at=datetime(2024, 1, 29, tzinfo=PP), instruments_directory=INSTRUMENTS)
    assert (info.kind, info.status, info.instruments) == ("needs", "created", ("lip-needs-assessment@1.0",))
    plan(session, cohort)  # planning the other waves leaves it alone, and it lists first
    assert [w.kind for w in list_waves(session, cohort).waves] == ["needs", "pre", "post", "followup"]
    stored = session.scalars(select(Wave).where(Wave.kind == WaveKind.NEEDS)).one()
    session.expire_all()  # read back from the database: the new kind is stored and loaded on both backends
    assert stored.kind is WaveKind.NEEDS
