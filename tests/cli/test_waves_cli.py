"""``lipassess waves plan|set|list`` through the real entry point, on a cohort synced from the recorded site."""

from __future__ import annotations

import json

import pytest

from tests.bridge.fixtures import MoodleStub
from tests.services.moodle_site import SiteState, serve

pytestmark = pytest.mark.postgres


@pytest.fixture
def synced(run_cli, stub: MoodleStub) -> None:
    serve(stub, SiteState())
    assert run_cli("sync", "--course", "3").exit_code == 0


def test_plan_by_course_id_or_shortname_is_idempotent(run_cli, synced) -> None:
    first = run_cli("waves", "plan", "--cohort", "3")
    assert first.exit_code == 0, first
    lines = first.out.splitlines()
    assert lines[0] == "cohort LIP-C6-2024 (Moodle course 3), times in Asia/Phnom_Penh:"
    assert lines[1].split()[:6] == ["pre", "created", "2024-02-19", "00:00", "->", "2024-03-11"]
    assert lines[2].split()[:6] == ["post", "created", "2024-10-31", "00:00", "->", "2024-11-21"]
    assert lines[3].split()[:6] == ["followup", "created", "2025-05-01", "00:00", "->", "2025-06-12"]
    again = run_cli("waves", "plan", "--cohort", "LIP-C6-2024", "--json")
    assert again.exit_code == 0, again
    waves = json.loads(again.out)["waves"]
    assert [(w["kind"], w["status"]) for w in waves] == [("pre", "kept"), ("post", "kept"), ("followup", "kept")]
    assert waves[1]["instruments"] == [
        "lip-leadership-behaviour@1.0", "lip-leadership-behaviour-retro@1.0", "lip-reaction@1.0"]
    assert waves[2]["opens_at"] == "2025-04-30T17:00:00+00:00"


def test_set_and_list(run_cli, synced) -> None:
    assert run_cli("waves", "plan", "--cohort", "3").exit_code == 0
    moved = run_cli("waves", "set", "--cohort", "3", "--kind", "post", "--opens", "2024-11-04", "--closes",
                    "2024-11-30")
    assert moved.exit_code == 0, moved
    assert "post      updated  2024-11-04 00:00 -> 2024-12-01 00:00" in moved.out
    listing = run_cli("waves", "list", "--cohort", "LIP-C6-2024")
    assert listing.exit_code == 0, listing
    assert "post      stored   2024-11-04 00:00 -> 2024-12-01 00:00" in listing.out
    assert "invited 0, started 0, submitted 0 of 14 active students" in listing.out
    data = json.loads(run_cli("waves", "list", "--cohort", "3", "--json").out)
    assert data["waves"][0]["progress"]["active_students"] == 14


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--kind", "post", "--opens", "2024-12-01", "--closes", "2024-11-30"), "at or before it opens"),
        (("--kind", "post", "--opens", "2024-11-31"), "YYYY-MM-DD"),
        (("--kind", "post"), "--opens, --closes"),
        (("--kind", "retro_pre", "--opens", "2024-11-01"), "retro_pre"),
        # a day in Cambodia converted to UTC, or a close's exclusive end, left what datetime can hold
        (("--kind", "pre", "--opens", "0001-01-01"),
         "error: --opens '0001-01-01' is out of range: give a day from 2000-01-01 to 2200-12-31\n"),
        (("--kind", "pre", "--closes", "9999-12-31"),
         "error: --closes '9999-12-31' is out of range: give a day from 2000-01-01 to 2200-12-31\n"),
        (("--kind", "post", "--opens", "1999-12-31"), "--opens '1999-12-31' is out of range"),
        (("--kind", "post", "--closes", "2201-01-01"), "--closes '2201-01-01' is out of range"),
        (("--kind", "post", "--opens", "0001-01-01T03:00"), "--opens '0001-01-01T03:00' is out of range"),
        (("--kind", "post", "--closes", "9999-12-31T23:00-12:00"), "is out of range: give a day from 2000-01-01"),
    ],
)
def test_set_refuses_bad_dates_in_one_line(run_cli, synced, args, message) -> None:
    assert run_cli("waves", "plan", "--cohort", "3").exit_code == 0
    result = run_cli("waves", "set", "--cohort", "3", *args)
    assert result.exit_code == 2, result
    assert message in result.err and len(result.err.strip().splitlines()) == 1 and "Traceback" not in result.err
    listing = run_cli("waves", "list", "--cohort", "3")
    assert "pre       stored   2024-02-19 00:00 -> 2024-03-11 00:00" in listing.out
    assert "post      stored   2024-10-31 00:00 -> 2024-11-21 00:00" in listing.out


def test_set_accepts_the_first_and_the_last_day_of_the_range(run_cli, synced) -> None:
    assert run_cli("waves", "plan", "--cohort", "3").exit_code == 0
    result = run_cli("waves", "set", "--cohort", "3", "--kind", "post", "--opens", "2000-01-01", "--closes",
                     "2200-12-31")
    assert result.exit_code == 0, result
    assert "2000-01-01 00:00 -> 2201-01-01 00:00 (last day 2200-12-31)" in result.out
    waves = json.loads(run_cli("waves", "list", "--cohort", "3", "--json").out)["waves"]
    assert (waves[1]["opens_at"], waves[1]["closes_at"]) == ("1999-12-31T17:00:00+00:00", "2200-12-31T17:00:00+00:00")


def test_unknown_cohort_is_one_line(run_cli) -> None:
    result = run_cli("waves", "plan", "--cohort", "LIP-C9")
    assert result.exit_code == 2 and result.err.startswith(
        "error: no cohort 'LIP-C9': the store has no cohorts yet; run 'lipassess sync' first")
    empty = run_cli("waves", "list", "--cohort", "LIP-C9")
    assert empty.exit_code == 2
