"""``lipassess dispatch`` through the real entry point, on cohort 6 synced from the recorded site."""

from __future__ import annotations

import json

import pytest

from tests.bridge.fixtures import MoodleStub
from tests.services.moodle_site import MessageSink, SiteState, serve

pytestmark = pytest.mark.postgres


@pytest.fixture
def sink(run_cli, stub: MoodleStub) -> MessageSink:
    serve(stub, SiteState())
    assert run_cli("sync", "--course", "3").exit_code == 0
    assert run_cli("waves", "plan", "--cohort", "3").exit_code == 0
    return MessageSink().install(stub)


def test_dry_run_then_dispatch_then_nothing_more(run_cli, sink: MessageSink) -> None:
    dry = run_cli("dispatch", "--dry-run", "--as-of", "2024-02-20")
    assert dry.exit_code == 0, dry
    assert dry.out.splitlines()[0] == "dispatch (dry run) as of 2024-02-20 12:00 Asia/Phnom_Penh"
    assert "would open wave LIP-C6-2024/pre" in dry.out
    assert dry.out.count("would send  invitation  LIP-C6-2024/pre to user") == 14
    assert sink.delivered == []

    real = run_cli("dispatch", "--as-of", "2024-02-20", "--json")
    assert real.exit_code == 0, real
    report = json.loads(real.out)
    assert report["opened"] == ["LIP-C6-2024/pre"] and report["counts"] == {"sent": 14}
    assert report["as_of"] == "2024-02-20T05:00:00+00:00" and len(sink.delivered) == 14
    assert {m["kind"] for m in report["messages"]} == {"invitation"}

    again = run_cli("dispatch", "--as-of", "2024-02-20T18:00")
    assert again.exit_code == 0, again
    assert again.out.splitlines()[-1] == "messages: nothing to send" and len(sink.delivered) == 14


def test_dry_run_needs_no_moodle(run_cli, sink: MessageSink, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("LIPASSESS_MOODLE_TOKEN")
    assert run_cli("dispatch", "--dry-run", "--as-of", "2025-05-02").exit_code == 0
    real = run_cli("dispatch", "--as-of", "2025-05-02")
    assert real.exit_code == 2 and "LIPASSESS_MOODLE_TOKEN" in real.err


def test_a_bad_as_of_date_is_one_line(run_cli) -> None:
    result = run_cli("dispatch", "--dry-run", "--as-of", "next monday")
    assert result.exit_code == 2 and result.err.startswith("error: --as-of 'next monday' is not a date")


def test_dispatch_also_sends_queued_gradebook_completions(run_cli, session, stub: MoodleStub) -> None:
    from datetime import UTC, datetime, timedelta

    from sqlalchemy import select

    from lipassess.services import lti as lti_service
    from lipassess.store.models import LtiScoreOutbox, ScoreStatus
    from tests.services.test_lti_scores import launched_and_submitted, stub_score, stub_token

    state = launched_and_submitted(session)
    lti_service.queue_completion(session, state["person"], state["wave"], now=datetime.now(UTC))
    session.commit()
    stub_token(stub.rsps)
    stub_score(stub.rsps)
    as_of = (datetime.now(UTC) + timedelta(days=2)).strftime("%Y-%m-%d")  # noon in Cambodia
    result = run_cli("dispatch", "--as-of", as_of, "--json")
    assert result.exit_code == 0, result
    assert json.loads(result.out)["scores"]["sent"] == 1
    session.expire_all()
    assert session.scalar(select(LtiScoreOutbox.status)) is ScoreStatus.SENT


def test_moodle_down_is_exit_1_and_one_line_and_the_batch_waits(run_cli, stub: MoodleStub) -> None:
    from tests.bridge.fixtures import TOKEN
    from tests.services.faulty_moodle import MESSAGES, Fault

    serve(stub, SiteState())
    assert run_cli("sync", "--course", "3").exit_code == 0
    assert run_cli("waves", "plan", "--cohort", "3").exit_code == 0
    fault = Fault(MESSAGES, "refused", at=None).install(stub)
    sink = MessageSink().install(stub)
    down = run_cli("dispatch", "--as-of", "2024-02-20")
    assert down.exit_code == 1, down
    (line,) = down.err.splitlines()
    assert line.startswith("error: dispatch stopped: core_message_send_instant_messages: Moodle at ")
    assert "could not be reached" in line and "14 message(s) and everything not yet sent wait for the next run" in line
    assert TOKEN not in down.out + down.err and sink.delivered == []
    stuck = run_cli("dispatch", "--stuck")
    assert stuck.exit_code == 1 and stuck.out.count("pending  invitation") == 14
    assert stuck.out.splitlines()[-1] == "14 message(s) need a person"
    status = run_cli("status")
    assert status.exit_code == 1 and "LIP-C6-2024/pre       0 / 0 / 14" in status.out
    assert "needs a person: 14 message(s) are stuck" in status.out
    fault.down = False  # Moodle is back
    up = run_cli("dispatch", "--as-of", "2024-02-20T13:00", "--json")
    assert up.exit_code == 0 and json.loads(up.out)["counts"] == {"sent": 14} and len(sink.delivered) == 14
    assert run_cli("dispatch", "--stuck").out == "no stuck messages\n"
    status = run_cli("status", "--json")
    assert status.exit_code == 0 and json.loads(status.out)["needs_attention"] is False


def test_retry_and_resend_options_are_documented(run_cli) -> None:
    help_text = run_cli("dispatch", "--help").out
    assert "--retry-failed" in help_text and "--resend-unknown" in help_text and "--stuck" in help_text
