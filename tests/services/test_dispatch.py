"""Dispatch: waves opened on time, one invitation and bounded reminders each, failures retried, never twice."""

from __future__ import annotations

import hashlib
import re
import threading
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest
import requests
from sqlalchemy import func, select

from lipassess import db
from lipassess.instruments import bundled_instruments_dir
from lipassess.services.dispatch import MAX_ATTEMPTS, TOKEN_MASK, as_of_time, dispatch
from lipassess.services.sync import sync_courses
from lipassess.services.waves import plan_waves
from lipassess.store.models import (
    Cohort,
    Enrolment,
    EnrolmentStatus,
    Invitation,
    Message,
    Participant,
    Response,
    ResponseStatus,
    Wave,
    WaveKind,
)
from moodle_plugin_bridge import Backoff, MoodleClient
from tests.bridge.fixtures import BASE_URL, TOKEN, Call, MoodleStub
from tests.services.moodle_site import STUDENTS, MessageSink, recorded_site
from tests.services.test_sync import snapshot

pytestmark = pytest.mark.postgres

PP = timezone(timedelta(hours=7))
SERVICE = "https://survey.example.gov.kh"
ACTIVE = sorted(STUDENTS[3] - {32})  # course 3's students but the suspended one
LINK = re.compile(re.escape(SERVICE) + r"/s/([A-Za-z0-9_-]{43})")
PRE_OPEN = datetime(2024, 2, 20, 12, tzinfo=PP)  # the pre wave opens 2024-02-19, closes 2024-03-11


def _synced_cohort(factory) -> int:
    """Cohort 6 synced from the recorded site, its waves planned; returns the cohort id."""
    with recorded_site() as (_, client):
        assert sync_courses(factory, client, course_ids=[3],
                            field_map={"ministry": "ministry", "province": "province"},
                            now=datetime(2024, 2, 1, tzinfo=UTC)).ok
    with factory() as session:
        row = session.scalars(select(Cohort)).one()
        plan_waves(session, row, instruments_directory=bundled_instruments_dir(), followup_offset_days=182,
                   followup_window_days=42)
        session.commit()
        return row.id


@pytest.fixture
def cohort(prebuilt) -> int:
    return prebuilt(_synced_cohort)


def run(app, now: datetime, sink: MessageSink | None = None, *, before=None, dry_run: bool = False,
        reminders: int = 2) -> tuple[Any, MessageSink, MoodleStub]:
    sink = sink or MessageSink()
    with recorded_site(before=before) as (stub, client):
        sink.install(stub)
        report = dispatch(db.session_factory(app), None if dry_run else client, now=now, base_url=SERVICE,
                          ttl_days=60, reminders=reminders, spacing_days=7, dry_run=dry_run)
    return report, sink, stub


def messages(session, kind: str | None = None) -> list[Message]:
    session.expire_all()
    query = select(Message).order_by(Message.id)
    if kind:
        query = query.where(Message.kind == kind)
    return list(session.scalars(query))


def by_user(session, message: Message) -> int:
    return session.scalar(select(Participant.moodle_user_id).join(Invitation).where(
        Invitation.id == message.invitation_id))


def token_hash(session, user_id: int, kind: WaveKind = WaveKind.PRE) -> str:
    session.expire_all()
    return session.scalar(select(Invitation.token_hash).join(Participant).join(Wave).where(
        Participant.moodle_user_id == user_id, Wave.kind == kind))


def sha(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


# ---------------------------------------------------------------- invitations, idempotence


def test_the_pre_wave_opens_and_each_active_student_gets_one_invitation(app, session, cohort) -> None:
    report, sink, _ = run(app, PRE_OPEN)
    assert report.opened == ("LIP-C6-2024/pre",) and report.error is None
    assert report.counts() == {"sent": 14}
    assert sorted(m["to"] for m in sink.delivered) == ACTIVE  # not 32 (suspended), not 46 (teacher)
    pre = session.scalars(select(Wave).where(Wave.kind == WaveKind.PRE)).one()
    assert pre.opened_at == PRE_OPEN
    stored = messages(session)
    assert len(stored) == 14 and {m.kind for m in stored} == {"invitation"}
    for message in stored:
        user = by_user(session, message)
        (delivered,) = sink.to(user)
        token = LINK.search(delivered["text"]).group(1)
        assert message.body == delivered["text"].replace(token, TOKEN_MASK)  # exactly what was sent
        assert token not in message.body
        assert token_hash(session, user) == sha(token)  # the link delivered is the valid one
        assert (message.status, message.attempts, message.sent_at, message.error) == ("sent", 1, PRE_OPEN, None)
        assert message.moodle_message_id > 1000 and message.language == "en"
        assert delivered["format"] == "1" and delivered["clientmsgid"] == f"lipassess-message-{message.id}-1"

    again, sink2, stub2 = run(app, PRE_OPEN)
    assert again.opened == () and again.items == () and sink2.delivered == []
    assert stub2.calls_to("core_message_send_instant_messages") == []
    assert len(messages(session)) == 14


def test_messages_are_in_each_participants_language(app, session, cohort) -> None:
    person = session.scalars(select(Participant).where(Participant.moodle_user_id == 22)).one()
    person.language = "km"
    session.commit()
    _, sink, _ = run(app, PRE_OPEN)
    (khmer,) = sink.to(22)
    assert khmer["text"].startswith("<p>សូមជម្រាបសួរ សុធា ផាន</p>")
    assert "សូមបំពេញឲ្យបានត្រឹមថ្ងៃទី ១០ ខែមីនា ឆ្នាំ ២០២៤។" in khmer["text"]  # closes 2024-03-11 00:00
    (english,) = sink.to(29)
    assert english["text"].startswith("<p>Dear Patrick O&#x27;Neil,</p>")
    assert "Please answer by 10 March 2024." in english["text"]
    assert session.scalars(select(Message.language).join(Invitation).join(Participant).where(
        Participant.moodle_user_id == 22)).one() == "km"


# ---------------------------------------------------------------- reminders


def test_reminders_are_spaced_bounded_and_skip_those_who_submitted(app, session, cohort) -> None:
    _, first, _ = run(app, PRE_OPEN)
    tokens = {m["to"]: LINK.search(m["text"]).group(1) for m in first.delivered}
    pre = session.scalars(select(Wave).where(Wave.kind == WaveKind.PRE)).one()
    nineteen = session.scalars(select(Participant).where(Participant.moodle_user_id == 19)).one()
    session.add(Response(participant_id=nineteen.id, wave_id=pre.id, status=ResponseStatus.SUBMITTED,
                         submitted_at=PRE_OPEN))
    session.commit()

    early, _, _ = run(app, PRE_OPEN + timedelta(days=6, hours=23))
    assert early.items == ()
    week, sink, _ = run(app, PRE_OPEN + timedelta(days=7))
    assert week.counts() == {"sent": 13} and {i.kind for i in week.items} == {"reminder_1"}
    assert sink.to(19) == []
    (reminder,) = sink.to(20)
    assert "This is a reminder" in reminder["text"] and "replaces the links in earlier messages" in reminder["text"]
    new_token = LINK.search(reminder["text"]).group(1)
    assert new_token != tokens[20] and token_hash(session, 20) == sha(new_token)

    second, _, _ = run(app, PRE_OPEN + timedelta(days=14))
    assert second.counts() == {"sent": 13} and {i.kind for i in second.items} == {"reminder_2"}
    third, _, _ = run(app, PRE_OPEN + timedelta(days=19))  # REMINDERS = 2: no third one
    assert third.items == ()
    kinds = [m.kind for m in messages(session)]
    assert (kinds.count("invitation"), kinds.count("reminder_1"), kinds.count("reminder_2")) == (14, 13, 13)


def test_no_reminder_after_the_wave_closes(app, session, cohort) -> None:
    run(app, PRE_OPEN)
    closed, _, _ = run(app, datetime(2024, 3, 11, 0, 1, tzinfo=PP))
    assert closed.items == () and closed.opened == ()


# ---------------------------------------------------------------- the follow-up, six months on


def test_moving_the_clock_past_six_months_opens_the_followup(app, session, cohort) -> None:
    report, sink, _ = run(app, as_of_time("2025-05-02"))
    assert report.opened == ("LIP-C6-2024/followup",)  # pre and post closed long ago: never opened
    assert report.counts() == {"sent": 14}
    assert sorted(m["to"] for m in sink.delivered) == ACTIVE
    assert all("follow-up leadership survey" in m["text"] for m in sink.delivered)
    assert all("Please answer by 11 June 2025." in m["text"] for m in sink.delivered)
    waves = {w.kind: w for w in session.scalars(select(Wave))}
    assert waves[WaveKind.FOLLOWUP].opened_at == as_of_time("2025-05-02")
    assert waves[WaveKind.PRE].opened_at is None and waves[WaveKind.POST].opened_at is None
    again, sink2, _ = run(app, as_of_time("2025-05-02"))
    assert again.items == () and sink2.delivered == []


def test_suspended_unenrolled_and_withdrawn_participants_get_nothing(app, session, cohort) -> None:
    people = {p.moodle_user_id: p for p in session.scalars(select(Participant))}
    people[20].withdrawn_at = PRE_OPEN - timedelta(days=1)
    enrolment = session.scalars(select(Enrolment).where(Enrolment.participant_id == people[21].id)).one()
    enrolment.status = EnrolmentStatus.UNENROLLED
    session.commit()
    report, sink, _ = run(app, PRE_OPEN)
    assert sorted(m["to"] for m in sink.delivered) == [u for u in ACTIVE if u not in (20, 21)]
    assert report.counts() == {"sent": 12}


def test_a_revoked_link_is_not_brought_back_by_a_reminder(app, session, cohort) -> None:
    run(app, PRE_OPEN)
    invitation = session.scalars(select(Invitation).join(Participant).where(Participant.moodle_user_id == 26)).one()
    revoked = invitation.token_hash
    invitation.revoked_at = PRE_OPEN + timedelta(days=1)  # the program team withdrew it
    session.commit()
    report, sink, _ = run(app, PRE_OPEN + timedelta(days=7))
    assert report.counts() == {"sent": 13} and sink.to(26) == []
    session.expire_all()
    assert (invitation.token_hash, invitation.revoked_at) == (revoked, PRE_OPEN + timedelta(days=1))


# ---------------------------------------------------------------- failures


def test_refused_messages_are_recorded_and_retried_on_a_later_run(app, session, cohort) -> None:
    sink = MessageSink(refuse={23: "not_contactable", 24: "unknown_user"})
    report, _, stub = run(app, PRE_OPEN, sink)
    assert report.counts() == {"sent": 12, "failed": 2} and report.error is None
    failed = {by_user(session, m): m for m in messages(session) if m.status == "failed"}
    assert set(failed) == {23, 24}
    assert failed[23].error == "You can't message this user due to their message preferences. " \
                               "Try adding them as a contact."
    assert "doesn't exist" in failed[24].error
    assert failed[23].attempts == 1 and failed[23].sent_at is None and failed[23].moodle_message_id is None
    assert len(stub.calls_to("core_message_send_instant_messages")) == 1  # not retried within the run

    sink.refuse.pop(23)  # user 23 changed their message preferences
    retry, _, _ = run(app, PRE_OPEN + timedelta(hours=1), sink)
    assert retry.counts() == {"sent": 1, "failed": 1}
    assert {(i.moodle_user_id, i.status, i.attempt) for i in retry.items} == {(23, "sent", 2), (24, "failed", 2)}
    (delivered,) = sink.to(23)
    assert token_hash(session, 23) == sha(LINK.search(delivered["text"]).group(1))

    for _ in range(MAX_ATTEMPTS):
        run(app, PRE_OPEN + timedelta(hours=2), sink)
    last = next(m for m in messages(session) if by_user(session, m) == 24)
    assert (last.status, last.attempts) == ("failed", MAX_ATTEMPTS)
    assert sorted(m["to"] for m in sink.delivered).count(23) == 1


def test_a_refused_reminder_keeps_the_last_delivered_link_working(app, session, cohort) -> None:
    _, sink, _ = run(app, PRE_OPEN)
    invitation_token = LINK.search(sink.to(25)[0]["text"]).group(1)
    report, _, _ = run(app, PRE_OPEN + timedelta(days=7), MessageSink(refuse={25: "not_contactable"}))
    assert next(i for i in report.items if i.moodle_user_id == 25).status == "failed"
    assert token_hash(session, 25) == sha(invitation_token)


def _connection_refused(stub: MoodleStub) -> None:
    def refuse(call: Call) -> Any:
        raise requests.ConnectionError("[Errno 111] Connection refused")
    stub.add_callback("core_message_send_instant_messages", refuse, times=1)


def _read_timeout(stub: MoodleStub) -> None:
    def slow(call: Call) -> Any:
        raise requests.ReadTimeout("read timed out")
    stub.add_callback("core_message_send_instant_messages", slow, times=1)


def test_moodle_unreachable_uses_no_attempt_and_a_later_run_sends_it(app, session, cohort) -> None:
    # Issue 11: an outage is not a refusal; the batch waits for the next run with its attempts untouched.
    report, sink, _ = run(app, PRE_OPEN, before=_connection_refused)
    assert report.counts() == {"unsent": 14} and "could not be reached" in report.error
    assert sink.delivered == []
    assert {(m.status, m.attempts, m.claimed_at) for m in messages(session)} == {("pending", 0, None)}
    later, sink2, _ = run(app, PRE_OPEN + timedelta(minutes=30))
    assert later.counts() == {"sent": 14} and len(sink2.delivered) == 14
    assert {m.attempts for m in messages(session)} == {1}


def test_a_write_that_timed_out_is_never_sent_again_and_the_next_message_takes_its_place(
        app, session, cohort) -> None:
    report, _, _ = run(app, PRE_OPEN, before=_read_timeout)
    assert report.counts() == {"unknown": 14} and "may or may not have been applied" in report.error
    soon, sink, _ = run(app, PRE_OPEN + timedelta(minutes=30))
    assert soon.unconfirmed == 14 and soon.items == () and sink.delivered == []
    assert "14 message(s) from earlier runs are unconfirmed" in soon.summary()
    assert {m.status for m in messages(session)} == {"unknown"}
    later, sink, _ = run(app, PRE_OPEN + timedelta(hours=2))
    assert later.counts() == {"sent": 14} and {i.kind for i in later.items} == {"reminder_1"}
    assert sorted(m["to"] for m in sink.delivered) == ACTIVE  # one message each, never the invitation again
    for user in ACTIVE:
        assert token_hash(session, user) == sha(LINK.search(sink.to(user)[0]["text"]).group(1))


# ---------------------------------------------------------------- dry run


def test_dry_run_changes_nothing_and_calls_nothing(app, session, cohort) -> None:
    before = snapshot(app)
    report, sink, stub = run(app, PRE_OPEN, dry_run=True)
    assert report.dry_run and report.opened == ("LIP-C6-2024/pre",)
    assert report.counts() == {"would send": 14}
    assert all("/s/[personal link, issued when the message is sent]" in i.body for i in report.items)
    assert stub.calls == [] and sink.delivered == []
    assert snapshot(app) == before
    assert "would open wave LIP-C6-2024/pre" in report.summary()

    run(app, PRE_OPEN, MessageSink(refuse={23: "not_contactable"}))
    later, _, _ = run(app, PRE_OPEN + timedelta(days=7), dry_run=True)
    assert later.counts() == {"would send": 14}  # 13 first reminders and the retry of 23's invitation
    assert next(i for i in later.items if i.moodle_user_id == 23).kind == "invitation"


# ---------------------------------------------------------------- several dispatchers at once


def test_two_dispatchers_at_once_send_each_message_once(app, session, cohort) -> None:
    sink = MessageSink()
    errors: list[BaseException] = []
    reports: list[Any] = []
    start = threading.Barrier(2)
    with recorded_site() as (stub, _):
        sink.install(stub)

        def host() -> None:
            try:
                with MoodleClient(BASE_URL, TOKEN, backoff=Backoff(base=0, cap=0)) as client:
                    start.wait()
                    reports.append(dispatch(db.session_factory(app), client, now=PRE_OPEN, base_url=SERVICE,
                                            ttl_days=60, reminders=2, spacing_days=7, batch_size=5))
            except BaseException as exc:  # reported below
                errors.append(exc)

        threads = [threading.Thread(target=host) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    assert not errors, errors
    assert sorted(m["to"] for m in sink.delivered) == ACTIVE  # each exactly once
    assert sum(r.counts().get("sent", 0) for r in reports) == 14
    assert sorted(r.opened for r in reports) == [(), ("LIP-C6-2024/pre",)]
    assert session.scalar(select(func.count()).select_from(Message)) == 14
    for message in messages(session):  # every delivered link is the valid one
        (delivered,) = sink.to(by_user(session, message))
        assert token_hash(session, by_user(session, message)) == sha(LINK.search(delivered["text"]).group(1))


class GarbledRefusals(MessageSink):
    """Moodle's refusals with a NUL in their reason (a broken language pack, say)."""

    def _answer(self, call: Call) -> Any:
        answers = super()._answer(call)
        for answer in answers:
            if answer["msgid"] == -1:
                answer["errormessage"] = "You can\x00t message this user"
        return answers


def test_a_refusal_whose_reason_cannot_be_stored_as_sent_is_still_recorded(app, session, cohort) -> None:
    """Before: PostgreSQL refused the NUL, the whole batch's recording rolled back, and the messages Moodle
    had confirmed were left pending (then unknown) without their Moodle ids."""
    report, _, _ = run(app, PRE_OPEN, GarbledRefusals(refuse={23: "not_contactable"}))
    assert report.counts() == {"sent": 13, "failed": 1}
    recorded = {by_user(session, m): m for m in messages(session)}
    assert recorded[23].status == "failed" and recorded[23].error == "You can\ufffdt message this user"
    assert all(m.status == "sent" and m.moodle_message_id is not None for u, m in recorded.items() if u != 23)
