"""``lipassess moodle check`` and ``lipassess sync`` through the real entry point, against the recorded site."""

from __future__ import annotations

import json
import re
import sys

import pytest
import requests

from tests.bridge.fixtures import TOKEN, MoodleStub, load_fixture
from tests.services.moodle_site import SiteState, serve

pytestmark = pytest.mark.postgres


LOG_LINE = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d (DEBUG|INFO|WARNING) [\w.]+: ")


def one_line_error(result, code: int = 2) -> str:
    """The one ``error:`` line of a failed command; exit code 2 for a usage or configuration error.

    Retries before the failure are log lines (timestamp, level, logger); the failure itself is one line.
    """
    assert result.exit_code == code, result
    lines = [line for line in result.err.strip().splitlines() if not LOG_LINE.match(line)]
    assert len(lines) == 1 and lines[0].startswith("error: ") and "Traceback" not in result.err, result
    assert TOKEN not in result.err + result.out
    return lines[0]


# ---------------------------------------------------------------- moodle check


def test_moodle_check_on_the_recorded_site(run_cli, stub: MoodleStub) -> None:
    stub.add_fixture("core_webservice_get_site_info__default.json")
    result = run_cli("moodle", "check")
    assert result.exit_code == 0, result
    lines = result.out.splitlines()
    assert lines[0] == (
        "Moodle 4.5 (Build: 20241007) at http://127.0.0.1:8080: supported (lipassess needs 4.1 or newer)"
    )
    assert lines[1] == "web-service user: lipassess_ws"
    assert "functions: all 9 functions lipassess calls are in the service" in lines
    assert lines[-1].startswith("ok:") and result.err == ""


def test_moodle_check_reports_every_problem_at_once(run_cli, stub: MoodleStub) -> None:
    # The recorded answer, as an older site whose service lacks two functions would give it.
    body = load_fixture("core_webservice_get_site_info__default.json")
    body["release"] = "3.11.18 (Build: 20231211)"
    dropped = {"gradereport_user_get_grade_items", "core_message_send_instant_messages"}
    body["functions"] = [f for f in body["functions"] if f["name"] not in dropped]
    stub.add_json("core_webservice_get_site_info", body)
    result = run_cli("moodle", "check")
    assert result.exit_code == 2, result
    out = result.out
    assert "NOT supported (lipassess needs 4.1 or newer)" in out
    assert "missing function: gradereport_user_get_grade_items (needed by sync)" in out
    assert "missing function: core_message_send_instant_messages (needed by dispatch)" in out
    assert "fix: Moodle 3.11.18 (Build: 20231211) is older than 4.1: upgrade Moodle" in out
    assert "fix: the external service 'lipassess' lacks 2 function(s)" in out
    assert "External services > lipassess > Functions" in out
    assert result.err.strip() == "error: the Moodle site is not ready for lipassess (2 problem(s) above)"


def test_moodle_check_with_a_bad_token(run_cli, stub: MoodleStub, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LIPASSESS_MOODLE_TOKEN", "f" * 32)  # the stub answers Moodle's recorded invalidtoken
    line = one_line_error(run_cli("moodle", "check"))
    assert "invalidtoken" in line and "Manage tokens" in line and "f" * 32 not in line


def test_moodle_check_when_moodle_is_unreachable(run_cli, stub: MoodleStub) -> None:
    stub.add_raise("core_webservice_get_site_info", requests.ConnectionError("[Errno 111] Connection refused"))
    line = one_line_error(run_cli("moodle", "check"), code=1)  # Moodle down: the job failed
    assert "could not be reached" in line and "gave up after 4 attempts" in line


@pytest.mark.parametrize(
    ("unset", "named"),
    [
        (("LIPASSESS_MOODLE_URL",), ["LIPASSESS_MOODLE_URL"]),
        (("LIPASSESS_MOODLE_TOKEN",), ["LIPASSESS_MOODLE_TOKEN"]),
        (("LIPASSESS_MOODLE_URL", "LIPASSESS_MOODLE_TOKEN"), ["LIPASSESS_MOODLE_URL", "LIPASSESS_MOODLE_TOKEN"]),
    ],
)
@pytest.mark.parametrize("command", [("moodle", "check"), ("sync", "--course", "3")])
def test_missing_moodle_configuration_names_the_variable(
    run_cli, stub: MoodleStub, monkeypatch: pytest.MonkeyPatch, unset, named, command
) -> None:
    for name in unset:
        monkeypatch.delenv(name)
    line = one_line_error(run_cli(*command))
    assert line.startswith("error: Moodle is not configured: set ")
    assert all(name in line for name in named)
    assert stub.calls == []


# ---------------------------------------------------------------- sync


def test_sync_prints_a_summary_per_course(run_cli, stub: MoodleStub) -> None:
    serve(stub, SiteState())
    result = run_cli("sync", "--course", "2", "--course", "3")
    assert result.exit_code == 0, result
    rows = [line.split() for line in result.out.splitlines()]
    assert rows[0] == ["course", "shortname", "status", "participants", "enrolments", "grades", "completions"]
    assert rows[1] == ["2", "LIP-C5-2023", "ok", "14/0/0", "14/0/0", "4/0/0", "14/0/0"]
    assert rows[2] == ["3", "LIP-C6-2024", "ok", "14/0/1", "15/0/0", "56/0/0", "14/0/0"]
    assert "(counts are created/updated/unchanged)" in result.out
    assert result.out.splitlines()[-1] == "2 course(s): 2 synced, 0 failed"
    assert result.err == ""  # no progress bar when stderr is not a terminal

    again = run_cli("sync")  # the cohorts already in the store
    assert again.exit_code == 0, again
    assert [line.split()[3:] for line in again.out.splitlines()[1:3]] == [
        ["0/0/14", "0/0/14", "0/0/4", "0/0/14"],
        ["0/0/15", "0/0/15", "0/0/56", "0/0/14"],
    ]


def test_sync_json_summary_and_exit_code_when_a_course_fails(run_cli, stub: MoodleStub) -> None:
    serve(stub, SiteState())
    result = run_cli("sync", "--course", "3", "--course", "9999", "--json")
    assert result.exit_code == 1, result
    summary = json.loads(result.out)
    assert set(summary) == {"courses", "totals", "synced", "failed"}
    assert (summary["synced"], summary["failed"]) == (1, 1)
    c6, missing = summary["courses"]
    assert c6["status"] == "ok" and c6["error"] is None and c6["shortname"] == "LIP-C6-2024"
    for entity in ("participants", "enrolments", "grades", "completions"):
        assert set(c6[entity]) == {"created", "updated", "unchanged"}
    assert c6["participants"] == {"created": 15, "updated": 0, "unchanged": 0}
    assert c6["grades"] == {"created": 56, "updated": 0, "unchanged": 0}
    assert (c6["suspended"], c6["not_students"], c6["unenrolled"]) == (1, 1, 0)
    assert missing["course_id"] == 9999 and missing["status"] == "failed"
    assert missing["error"]["kind"] == "not_found" and "no course with id 9999" in missing["error"]["message"]
    assert missing["participants"] == {"created": 0, "updated": 0, "unchanged": 0}
    assert summary["totals"]["completions"] == {"created": 14, "updated": 0, "unchanged": 0}


def test_sync_text_summary_names_the_failed_course(run_cli, stub: MoodleStub) -> None:
    stub.add_fixture("core_enrol_get_enrolled_users__error_nopermission.json", params={"courseid": "3"})
    serve(stub, SiteState())
    result = run_cli("sync", "--course", "3", "--course", "4")
    assert result.exit_code == 1, result
    assert result.out.splitlines()[1].split()[:3] == ["3", "LIP-C6-2024", "FAILED"]
    failure = next(line for line in result.out.splitlines() if line.startswith("course 3 failed: "))
    assert "moodle/course:viewparticipants" in failure
    assert result.out.splitlines()[-1] == "2 course(s): 1 synced, 1 failed"


def test_sync_category(run_cli, stub: MoodleStub) -> None:
    serve(stub, SiteState())
    result = run_cli("sync", "--category", "2", "--json")
    assert result.exit_code == 0, result
    assert [c["course_id"] for c in json.loads(result.out)["courses"]] == [2, 3, 4]


def test_sync_with_nothing_to_sync_is_one_line(run_cli, stub: MoodleStub) -> None:
    line = one_line_error(run_cli("sync"))
    assert "--course ID" in line and stub.calls == []


def test_sync_with_a_bad_token_is_one_line(run_cli, stub: MoodleStub, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LIPASSESS_MOODLE_TOKEN", "e" * 32)
    line = one_line_error(run_cli("sync", "--course", "3"))
    assert "invalidtoken" in line


def test_sync_refuses_a_profile_field_map_onto_a_standard_field(
    run_cli, stub: MoodleStub, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LIPASSESS_MOODLE_PROFILE_FIELDS", "ministry=email")
    line = one_line_error(run_cli("sync", "--course", "3"))
    assert "LIPASSESS_MOODLE_PROFILE_FIELDS" in line and stub.calls == []


def test_sync_shows_progress_on_a_terminal(run_cli, stub: MoodleStub, monkeypatch: pytest.MonkeyPatch) -> None:
    serve(stub, SiteState())
    monkeypatch.setattr(sys.stderr, "isatty", lambda: True)
    result = run_cli("sync", "--course", "2", "--course", "4")
    assert result.exit_code == 0, result
    assert "syncing courses" in result.err and "2/2" in result.err
    assert result.out.splitlines()[-1] == "2 course(s): 2 synced, 0 failed"


def test_sync_progress_shows_completion_calls_and_is_quiet_with_json(
    run_cli, stub: MoodleStub, monkeypatch: pytest.MonkeyPatch
) -> None:
    serve(stub, SiteState())
    monkeypatch.setattr(sys.stderr, "isatty", lambda: True)
    result = run_cli("sync", "--course", "3")
    assert result.exit_code == 0, result
    assert "course 3 completion" in result.err and "/14 " in result.err  # tqdm redraws at most 10 times a second
    quiet = run_cli("sync", "--course", "3", "--json")
    assert quiet.exit_code == 0 and quiet.err == "", quiet
    assert json.loads(quiet.out)["synced"] == 1


def test_sync_full_asks_every_student_again(run_cli, stub: MoodleStub) -> None:
    serve(stub, SiteState())
    assert run_cli("sync", "--course", "3").exit_code == 0
    asked = len(stub.calls_to("core_completion_get_course_completion_status"))
    assert run_cli("sync", "--course", "3").exit_code == 0
    incremental = len(stub.calls_to("core_completion_get_course_completion_status")) - asked
    assert run_cli("sync", "--course", "3", "--full").exit_code == 0
    full = len(stub.calls_to("core_completion_get_course_completion_status")) - asked - incremental
    assert (asked, incremental, full) == (14, 3, 14)


def test_sync_when_moodle_is_down_exits_1_with_one_line(run_cli, stub: MoodleStub) -> None:
    stub.add_raise("core_course_get_courses_by_field", requests.ConnectionError("[Errno 111] Connection refused"))
    result = run_cli("sync", "--course", "3")
    assert result.exit_code == 1, result
    lines = [line for line in result.err.strip().splitlines() if not LOG_LINE.match(line)]
    assert len(lines) == 1 and lines[0].startswith("error: ") and "could not be reached" in lines[0]
    assert TOKEN not in result.out + result.err and "Traceback" not in result.err
