"""Dispatch under a failing Moodle (issue 11): outages use no attempt, unknown fates never send twice, no dead link.

Faults come from :mod:`tests.services.faulty_moodle` (recorded answers, damaged or
withheld); runs on SQLite and PostgreSQL.
"""

from __future__ import annotations

from collections import Counter
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import select

from lipassess import db
from lipassess.services import dispatch as dispatch_package
from lipassess.services.dispatch import CLAIM_TIMEOUT, UNKNOWN_GRACE, Policy, dispatch
from lipassess.services.links import resolve_link
from lipassess.store.models import Message
from tests.services.faulty_moodle import MESSAGES, Fault
from tests.services.moodle_site import MessageSink, recorded_site
from tests.services.test_dispatch import ACTIVE, LINK, PRE_OPEN, SERVICE, _synced_cohort, messages

pytestmark = pytest.mark.postgres


@pytest.fixture
def cohort(prebuilt) -> int:
    return prebuilt(_synced_cohort)


def run(app, now, sink: MessageSink, *, fault: str | None = None, policy: Policy | None = None) -> Any:
    with recorded_site() as (stub, client):
        if fault is not None:
            Fault(MESSAGES, fault, at=None).install(stub)
        sink.install(stub)
        return dispatch(db.session_factory(app), client, now=now, base_url=SERVICE, ttl_days=60, reminders=2,
                        spacing_days=7, policy=policy)


def delivered_links_work(app, sink: MessageSink, now) -> None:
    """Every participant's newest delivered link opens their survey."""
    with db.session_factory(app)() as session:
        for user in {m["to"] for m in sink.delivered}:
            token = LINK.search(sink.to(user)[-1]["text"]).group(1)
            resolve_link(session, token, now)


@pytest.mark.parametrize("kind", ["refused", "html_200", "moodle_exception"])
def test_an_outage_of_several_runs_then_recovery_invites_everyone_exactly_once(app, session, cohort, kind) -> None:
    sink = MessageSink()
    for hours in range(4):  # more runs than MAX_ATTEMPTS: an outage must not use them up
        report = run(app, PRE_OPEN + timedelta(hours=hours), sink, fault=kind)
        assert report.error and report.counts() == {"unsent": 14}
        assert "wait for the next run" in report.error and "wstoken" not in report.error
    assert sink.delivered == []
    assert {(m.status, m.attempts) for m in messages(session)} == {("pending", 0)}
    report = run(app, PRE_OPEN + timedelta(hours=5), sink)
    assert report.error is None and report.counts() == {"sent": 14}
    assert sorted(m["to"] for m in sink.delivered) == ACTIVE
    assert {(m.kind, m.status, m.attempts) for m in messages(session)} == {("invitation", "sent", 1)}
    delivered_links_work(app, sink, PRE_OPEN + timedelta(hours=5))


@pytest.mark.parametrize("kind", ["http_500", "timeout", "truncated_json"])
def test_a_batch_of_unknown_fate_is_never_sent_twice_and_leaves_no_dead_link(app, session, cohort, kind) -> None:
    sink = MessageSink()
    first = run(app, PRE_OPEN, sink)  # invitations delivered
    assert first.counts() == {"sent": 14}
    week = PRE_OPEN + timedelta(days=7)
    report = run(app, week, sink, fault=kind)  # the reminders' batch: fate unknown
    assert report.error and report.counts() == {"unknown": 14}
    assert "not sent again automatically" in report.error
    if kind == "truncated_json":  # Moodle answered (cut short): the reminders did arrive
        assert Counter(m["to"] for m in sink.delivered) == Counter({u: 2 for u in ACTIVE})
    delivered_links_work(app, sink, week)  # whichever message arrived, its link works
    for hours in (1, 2, 30):
        again = run(app, week + timedelta(hours=hours), sink)
        assert again.error is None and again.unconfirmed == 0  # replaced by an accepted reminder_2
        assert all(item.kind == "reminder_2" for item in again.items)  # never reminder_1 again
    stored = Counter((m.kind, m.status) for m in messages(session))
    assert stored == {("invitation", "sent"): 14, ("reminder_1", "unknown"): 14, ("reminder_2", "sent"): 14}
    assert Counter(m["to"] for m in sink.delivered) == Counter(
        {u: 3 if kind == "truncated_json" else 2 for u in ACTIVE})
    delivered_links_work(app, sink, week + timedelta(hours=30))


class Killed(BaseException):
    """Stands for kill -9: nothing of the process runs after it (no except Exception catches it)."""


def _kill_after_claim(monkeypatch: pytest.MonkeyPatch) -> None:
    def killed(client, claimed):
        raise Killed()
    monkeypatch.setattr(dispatch_package.run, "send", killed)


def test_a_kill_between_claim_and_send_sends_nothing_twice_and_leaves_no_dead_link(
        app, session, cohort, monkeypatch: pytest.MonkeyPatch) -> None:
    sink = MessageSink()
    assert run(app, PRE_OPEN, sink).counts() == {"sent": 14}
    week = PRE_OPEN + timedelta(days=7)
    with monkeypatch.context() as patch:
        _kill_after_claim(patch)
        with pytest.raises(Killed):
            run(app, week, sink)
    assert {m.status for m in messages(session, "reminder_1")} == {"pending"}
    delivered_links_work(app, sink, week)  # the invitation's link still works

    soon = run(app, week + CLAIM_TIMEOUT / 2, sink)  # the claim may still be in flight: left alone
    assert soon.items == () and soon.in_flight == 14 and len(sink.delivered) == 14
    later = run(app, week + CLAIM_TIMEOUT + timedelta(minutes=1), sink)
    assert later.resolved == 14 and later.items == () and later.unconfirmed == 14
    assert {m.status for m in messages(session, "reminder_1")} == {"unknown"}
    delivered_links_work(app, sink, week + CLAIM_TIMEOUT)

    # The operator checked Moodle's log (nothing arrived) and sends them once.
    resent = run(app, week + timedelta(minutes=30), sink, policy=Policy(resend_unknown=True))
    assert resent.counts() == {"sent": 14} and {i.kind for i in resent.items} == {"reminder_1"}
    assert Counter(m["to"] for m in sink.delivered) == Counter({u: 2 for u in ACTIVE})
    assert run(app, week + timedelta(hours=2), sink, policy=Policy(resend_unknown=True)).items == ()
    delivered_links_work(app, sink, week + timedelta(hours=2))


def test_a_kill_before_the_first_invitation_is_followed_by_one_reminder_with_a_working_link(
        app, session, cohort, monkeypatch: pytest.MonkeyPatch) -> None:
    sink = MessageSink()
    with monkeypatch.context() as patch:
        _kill_after_claim(patch)
        with pytest.raises(Killed):
            run(app, PRE_OPEN, sink)
    after = PRE_OPEN + CLAIM_TIMEOUT + UNKNOWN_GRACE
    report = run(app, after, sink)
    assert report.resolved == 14 and report.counts() == {"sent": 14}
    assert {i.kind for i in report.items} == {"reminder_1"}
    assert sorted(m["to"] for m in sink.delivered) == ACTIVE
    delivered_links_work(app, sink, after)
    session.expire_all()
    assert session.scalars(select(Message.status).where(Message.kind == "invitation")).all() == ["unknown"] * 14


def test_retry_failed_sends_refused_messages_past_their_attempts(app, session, cohort) -> None:
    sink = MessageSink(refuse={23: "not_contactable"})
    for hours in range(4):
        run(app, PRE_OPEN + timedelta(hours=hours), sink)
    refused = next(m for m in messages(session) if m.status == "failed")
    assert refused.attempts == 3
    sink.refuse.clear()
    assert run(app, PRE_OPEN + timedelta(hours=5), sink).items == ()
    report = run(app, PRE_OPEN + timedelta(hours=6), sink, policy=Policy(retry_failed=True))
    assert [(i.moodle_user_id, i.status) for i in report.items] == [(23, "sent")]


def test_progress_is_reported_per_batch(app, session, cohort) -> None:
    seen: list[tuple[int, int]] = []
    with recorded_site() as (stub, client):
        MessageSink().install(stub)
        dispatch(db.session_factory(app), client, now=PRE_OPEN, base_url=SERVICE, ttl_days=60, reminders=2,
                 spacing_days=7, batch_size=5, progress=lambda done, total: seen.append((done, total)))
    assert seen == [(0, 14), (5, 14), (10, 14), (14, 14)]




def _progress(app, kind: str = "pre") -> dict[str, Any]:
    from lipassess.services.progress import wave_progress
    from lipassess.store.models import Cohort

    with db.session_factory(app)() as session:
        cohort_row = session.scalars(select(Cohort)).one()
        return next(p.to_dict() for p in wave_progress(session, cohort_row) if p.kind == kind)


def test_invited_counts_accepted_invitations_and_other_fates_apart(app, session, cohort) -> None:
    sink = MessageSink(refuse={23: "not_contactable"})
    run(app, PRE_OPEN, sink, fault="refused")
    progress = _progress(app)
    assert (progress["invited"], progress["messages_pending"], progress["messages_failed"]) == (0, 14, 0)
    run(app, PRE_OPEN + timedelta(hours=1), sink)
    progress = _progress(app)
    assert (progress["invited"], progress["messages_pending"], progress["messages_failed"]) == (13, 0, 1)
    run(app, PRE_OPEN + timedelta(days=8), sink, fault="http_500")  # 13 reminders and 23's third try
    progress = _progress(app)
    assert (progress["invited"], progress["reminders_sent"], progress["messages_unknown"]) == (13, 0, 14)
    assert progress["messages_failed"] == 0


def test_the_api_shows_unknown_and_pending_messages(app, session, cohort, client) -> None:
    from lipassess.services import staff as staff_service
    from lipassess.store.models import Cohort

    run(app, PRE_OPEN, MessageSink(), fault="timeout")
    user = staff_service.add_staff_user(session, username="eva", role="evaluator", password="eva-password-123")
    token = staff_service.issue_api_token(session, user)
    cohort_id = session.scalars(select(Cohort.id)).one()
    session.commit()
    answer = client.get(f"/api/v1/cohorts/{cohort_id}", headers={"Authorization": f"Bearer {token}"})
    assert answer.status_code == 200, answer.json
    pre = next(w for w in answer.json["waves"] if w["kind"] == "pre")
    assert (pre["invited"], pre["messages_unknown"], pre["messages_pending"], pre["messages_failed"]) == (0, 14, 0, 0)
