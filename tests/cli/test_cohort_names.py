"""Issue 14.6: a cohort is named on the command line the way people see it, and dates and links as they gave them."""

from __future__ import annotations

import json

import pytest

from tests.bridge.fixtures import MoodleStub
from tests.factories import make_cohort
from tests.services.moodle_site import MessageSink, SiteState, serve

pytestmark = pytest.mark.postgres


@pytest.fixture
def two_cohorts(session) -> None:
    """Store id 3 is LIP-C8 (Moodle course 40); Moodle course 3 is LIP-C6 (store id 5)."""
    make_cohort(session, course_id=40, shortname="LIP-C8", id=3)
    make_cohort(session, course_id=3, shortname="LIP-C6", id=5)
    session.commit()


def _listed(run_cli, ref: str) -> str:
    result = run_cli("waves", "list", "--cohort", ref, "--json")
    assert result.exit_code == 0, result
    return json.loads(result.out)["cohort"]


@pytest.mark.parametrize(
    ("ref", "shortname"),
    [
        ("5", "LIP-C6"), ("id:5", "LIP-C6"), ("course:3", "LIP-C6"), ("LIP-C6", "LIP-C6"),
        ("shortname:LIP-C6", "LIP-C6"), ("40", "LIP-C8"), ("id:3", "LIP-C8"), ("course:40", "LIP-C8"),
        (" LIP-C8 ", "LIP-C8"),
    ],
)
def test_every_form_shown_to_a_person_names_the_cohort(run_cli, two_cohorts, ref, shortname) -> None:
    assert _listed(run_cli, ref) == shortname


@pytest.mark.parametrize(
    "command",
    [
        ("waves", "list", "--cohort", "3"),
        ("waves", "plan", "--cohort", "3"),
        ("waves", "set", "--cohort", "3", "--kind", "post", "--closes", "2026-12-31"),
        ("analyze", "cohort", "3"),
        ("export", "--cohort", "3", "--format", "long_csv", "--out", "unused.csv"),
    ],
)
def test_a_value_naming_two_cohorts_is_refused_by_every_command(run_cli, two_cohorts, command, tmp_path) -> None:
    command = tuple(str(tmp_path / a) if a.endswith(".csv") else a for a in command)
    result = run_cli(*command)
    assert result.exit_code == 2, result
    assert len(result.err.strip().splitlines()) == 1 and result.out == ""
    assert result.err.startswith("error: cohort '3' names more than one cohort: write ")
    assert "'id:3' for LIP-C8 (id 3, Moodle course 40)" in result.err
    assert "'course:3' for LIP-C6 (id 5, Moodle course 3)" in result.err
    assert not (tmp_path / "unused.csv").exists()


def test_the_prefixed_forms_reach_every_command(run_cli, two_cohorts, tmp_path) -> None:
    for command in (("analyze", "cohort", "course:3"), ("waves", "plan", "--cohort", "id:3"),
                    ("export", "--cohort", "id:5", "--format", "long_csv", "--out", str(tmp_path / "a.csv"))):
        result = run_cli(*command)
        assert "names more than one" not in result.err and "no cohort" not in result.err, result


def test_an_unknown_cohort_lists_the_known_ones(run_cli, two_cohorts) -> None:
    result = run_cli("waves", "list", "--cohort", "7")
    assert result.exit_code == 2 and len(result.err.strip().splitlines()) == 1
    assert result.err.startswith("error: no cohort '7': give its id (as the dashboard shows it), its Moodle "
                                 "course id or its shortname; known cohorts: LIP-C8 (id 3, Moodle course 40), "
                                 "LIP-C6 (id 5, Moodle course 3)")
    assert run_cli("waves", "list", "--cohort", "id:40").exit_code == 2
    assert run_cli("waves", "list", "--cohort", "course:5").exit_code == 2


def test_set_closes_echoes_the_last_day_as_given(run_cli, two_cohorts) -> None:
    result = run_cli("waves", "set", "--cohort", "LIP-C6", "--kind", "post", "--opens", "2026-12-01",
                     "--closes", "2026-12-31")
    assert result.exit_code == 0, result
    assert "2026-12-01 00:00 -> 2027-01-01 00:00 (last day 2026-12-31)" in result.out
    listing = run_cli("waves", "list", "--cohort", "LIP-C6", "--json")
    assert json.loads(listing.out)["waves"][0]["closes_at"] == "2026-12-31T17:00:00+00:00"  # exclusive end, UTC
    timed = run_cli("waves", "set", "--cohort", "LIP-C6", "--kind", "post", "--closes", "2026-12-31T18:00")
    assert "-> 2026-12-31 18:00  " in timed.out and "last day" not in timed.out


def test_dry_run_links_use_the_configured_base_url(run_cli, stub: MoodleStub, monkeypatch) -> None:
    serve(stub, SiteState())
    assert run_cli("sync", "--course", "3").exit_code == 0
    assert run_cli("waves", "plan", "--cohort", "3").exit_code == 0
    sink = MessageSink().install(stub)
    monkeypatch.setenv("LIPASSESS_BASE_URL", "https://lip.example.gov.kh/survey/")
    dry = run_cli("dispatch", "--dry-run", "--as-of", "2024-02-20")
    assert dry.exit_code == 0, dry
    assert dry.out.count('href="https://lip.example.gov.kh/survey/s/[personal link') == 14
    assert "127.0.0.1" not in dry.out and sink.delivered == []
    real = run_cli("dispatch", "--as-of", "2024-02-20")
    assert real.exit_code == 0, real
    assert len(sink.delivered) == 14
    assert all("https://lip.example.gov.kh/survey/s/" in json.dumps(m) for m in sink.delivered)


_KNOWN = "known cohorts: LIP-C8 (id 3, Moodle course 40), LIP-C6 (id 5, Moodle course 3)"


@pytest.mark.parametrize("ref", [
    "2147483648",  # one past PostgreSQL's integer (the store id): NumericValueOutOfRange
    "9223372036854775808",  # one past BIGINT (the Moodle course id) and SQLite's INTEGER: OverflowError
    "99999999999999999999", "id:2147483648", "course:9223372036854775808",
    "²", "id:²", "course:³",  # str.isdigit() is true for these, int() refuses them
    "٣", "course:٣",  # an Arabic-Indic three: int() reads it as 3, which is not what a person typed
])
def test_a_number_no_cohort_can_have_is_an_unknown_cohort(run_cli, two_cohorts, ref, tmp_path) -> None:
    for command in (("waves", "list", "--cohort", ref), ("analyze", "cohort", ref),
                    ("export", "--cohort", ref, "--format", "long_csv", "--out", str(tmp_path / "x.csv"))):
        result = run_cli(*command)
        assert result.exit_code == 2, result
        assert result.err == f"error: no cohort {ref!r}: give its id (as the dashboard shows it), its Moodle " \
                             f"course id or its shortname; {_KNOWN} (run 'lipassess sync' to add a course)\n", result
    assert not (tmp_path / "x.csv").exists()


def test_the_largest_ids_the_columns_hold_are_still_looked_up(run_cli, session) -> None:
    make_cohort(session, course_id=2**63 - 1, shortname="LIP-WIDE", id=2**31 - 1)
    session.commit()
    assert _listed(run_cli, "id:2147483647") == "LIP-WIDE"
    assert _listed(run_cli, "course:9223372036854775807") == "LIP-WIDE"
    assert _listed(run_cli, "0009223372036854775807") == "LIP-WIDE"  # leading zeros: the same number
