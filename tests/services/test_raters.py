"""Raters: CSV import (all or nothing), nomination, the form submitted once, e-mail through a real SMTP server."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from lipassess.errors import ConfigurationError, InvalidInput, JobFailed, NotFound
from lipassess.services.links import LinkInvalid, hash_token
from lipassess.services.raters.links import issue_rater_link, resolve_rater_link
from lipassess.services.raters.mail import SmtpSettings, send_rater_mail
from lipassess.services.raters.roster import import_raters, nominate_raters, parse_entry
from lipassess.services.raters.survey import RatingAlreadySubmitted, rater_form, submit_rating
from lipassess.services.surveys import AnswersIncomplete, AnswersRejected, ConsentRequired
from lipassess.store.models import WaveKind
from lipassess.store.rater_models import Rater, RaterAnswer
from lipassess.store.types import utcnow
from tests.smtp_sink import Sink, running_sink
from tests.survey_factories import make_cohort, make_participant, make_wave

pytestmark = pytest.mark.postgres


@pytest.fixture
def smtp_sink() -> Iterator[Sink]:
    """A real SMTP server on localhost that keeps every message it accepts."""
    yield from running_sink()

HEADER = "participant,name,email,phone,relation,language\n"


@pytest.fixture
def world(session):
    now = utcnow()
    cohort = make_cohort(session)
    wave = make_wave(session, cohort, opens_at=now - timedelta(days=1), closes_at=now + timedelta(days=30))
    people = [make_participant(session, cohort, language="en") for _ in range(3)]
    session.commit()
    return cohort, wave, people


def count(session, model) -> int:
    return session.scalar(select(func.count()).select_from(model)) or 0


def test_import_stores_every_row_and_again_adds_nothing(session, world) -> None:
    cohort, wave, people = world
    csv = HEADER + "\n".join([
        f"{people[0].username},Dara Sok,dara@example.gov.kh,,supervisor,km",
        f"{people[0].pseudonym},Vanna Kim,,+855 12 345 678,peer,",
        f"{people[1].moodle_user_id},Lina Chea,LINA@example.gov.kh,,Direct report,en",
    ]) + "\n"
    report = import_raters(session, cohort, WaveKind.PRE, "\ufeff" + csv, now=utcnow())
    session.commit()
    assert (report.created, report.unchanged) == (3, 0)
    raters = session.scalars(select(Rater).order_by(Rater.id)).all()
    assert [(r.participant_id, r.relation, r.contact, r.language) for r in raters] == [
        (people[0].id, "supervisor", "dara@example.gov.kh", "km"),
        (people[0].id, "peer", "+85512345678", "en"),  # the participant's language when none is given
        (people[1].id, "direct_report", "lina@example.gov.kh", "en"),
    ]
    assert all(r.token_hash is None and r.wave_id == wave.id and r.source == "import" for r in raters)
    again = import_raters(session, cohort, WaveKind.PRE, csv, now=utcnow())
    assert (again.created, again.unchanged) == (0, 3)
    assert count(session, Rater) == 3


@pytest.mark.parametrize(("row", "problem"), [
    ("{p},Dara,dara@example.gov.kh,,boss,", "relation 'boss' is unknown"),
    ("{p},Dara,not-an-address,,supervisor,", "'not-an-address' is not an e-mail address"),
    ("{p},Dara,,,supervisor,", "give the rater's e-mail address or phone number"),
    ("{p},Dara,,12,peer,", "'12' is not a phone number"),
    ("nobody,Dara,dara@example.gov.kh,,peer,", "no student 'nobody' in cohort"),
    ("{p},,dara@example.gov.kh,,peer,", "the rater's name is empty"),
    ("{p},Dara,dara@example.gov.kh,,peer,fr", "language 'fr' is unknown"),
    ("{p},Dara,DARA@example.gov.kh,,peer,", "the same rater as on line 2"),
    ("{p},Dara,dara2@example.gov.kh,,peer,km,extra", "more fields than the header"),
])
def test_one_bad_row_refuses_the_whole_file(session, world, row, problem) -> None:
    cohort, _, people = world
    good = f"{people[0].username},Dara,dara@example.gov.kh,,supervisor,"
    csv = HEADER + good + "\n" + row.format(p=people[0].username) + "\n"
    with pytest.raises(InvalidInput, match=re.escape(problem)) as caught:
        import_raters(session, cohort, WaveKind.PRE, csv, now=utcnow())
    assert "line 3" in caught.value.message and "nothing imported" in caught.value.message
    session.rollback()
    assert count(session, Rater) == 0


def test_a_file_without_the_columns_or_the_wave_is_refused(session, world) -> None:
    cohort, _, people = world
    with pytest.raises(InvalidInput, match="lacks the column"):
        import_raters(session, cohort, WaveKind.PRE, "who,name\nx,y\n", now=utcnow())
    with pytest.raises(InvalidInput, match="no rater rows"):
        import_raters(session, cohort, WaveKind.PRE, HEADER, now=utcnow())
    with pytest.raises(NotFound, match="has no post wave; run 'lipassess waves plan"):
        import_raters(session, cohort, WaveKind.POST, HEADER + f"{people[0].username},A,a@b.kh,,peer,\n",
                      now=utcnow())


def test_nomination_checks_every_entry_and_stores_none_on_a_bad_one(session, world) -> None:
    _, wave, people = world
    entries = [{"name": "Dara", "email": "dara@example.gov.kh", "relation": "supervisor"},
               {"name": "", "email": "", "phone": "", "relation": "peer"},  # an empty row of the form
               {"name": "Vanna", "email": "bad", "relation": "peer"}]
    with pytest.raises(InvalidInput) as caught:
        nominate_raters(session, participant=people[0], wave=wave, entries=entries, now=utcnow())
    assert list(caught.value.errors) == ["2"]
    session.rollback()
    assert count(session, Rater) == 0
    report = nominate_raters(session, participant=people[0], wave=wave, entries=entries[:2], now=utcnow())
    assert report.created == 1
    assert session.scalar(select(Rater.source)) == "nomination"
    with pytest.raises(InvalidInput, match="at most 1 raters"):
        nominate_raters(session, participant=people[0], wave=wave, now=utcnow(), max_raters=1,
                        entries=[{"name": "Lina", "phone": "012 345 678", "relation": "peer"}])


def _rater(session, world, **fields) -> Rater:
    _, wave, people = world
    values = {"name": "Dara Sok", "email": "dara@example.gov.kh", "relation": "supervisor"} | fields
    values["contact"] = (values.get("email") or values.get("phone") or "").lower()
    rater = Rater(participant_id=people[0].id, wave_id=wave.id, source="import", language="en",
                  reminders_sent=0, **values)
    session.add(rater)
    session.flush()
    return rater


def _answers(form, value: str = "4") -> dict[str, str]:
    return {key: value for key in form.layout.items}


def test_a_rating_is_submitted_exactly_once(session, world) -> None:
    rater = _rater(session, world)
    form = rater_form(session, rater)  # stores the bundled instrument on first use
    session.commit()
    assert form.instrument.id == "lip-supervisor-observation"
    assert form.participant_name == world[2][0].full_name
    answers = _answers(form)
    with pytest.raises(ConsentRequired):
        submit_rating(session, rater, answers, consent=False, now=utcnow())
    first_key = next(iter(answers))
    with pytest.raises(AnswersRejected):
        submit_rating(session, rater, {**answers, first_key: "7"}, consent=True, now=utcnow())
    session.rollback()
    with pytest.raises(AnswersIncomplete):
        submit_rating(session, rater, {first_key: "4"}, consent=True, now=utcnow())
    session.rollback()
    assert count(session, RaterAnswer) == 0 and session.get(Rater, rater.id).submitted_at is None
    submit_rating(session, rater, answers, consent=True, now=utcnow())
    session.commit()
    stored = count(session, RaterAnswer)
    assert stored == len(answers) == 30
    with pytest.raises(RatingAlreadySubmitted):
        submit_rating(session, rater, _answers(form, "1"), consent=True, now=utcnow())
    session.rollback()
    assert count(session, RaterAnswer) == stored
    assert set(session.scalars(select(RaterAnswer.value_number)).all()) == {4.0}


def test_a_stale_copy_of_the_rater_cannot_submit_twice(session, world, app) -> None:
    """Two requests loaded the rater before either submitted: the guarded update lets one through."""
    from lipassess import db

    rater = _rater(session, world)
    session.commit()
    other = db.session_factory(app)()
    try:
        stale = other.get(Rater, rater.id)
        assert stale is not None and stale.submitted_at is None
        answers = _answers(rater_form(session, rater))
        submit_rating(session, rater, answers, consent=True, now=utcnow())
        session.commit()
        with pytest.raises(RatingAlreadySubmitted):
            submit_rating(other, stale, answers, consent=True, now=utcnow())
        other.rollback()
    finally:
        other.close()
    assert count(session, RaterAnswer) == 30


def _settings(sink) -> SmtpSettings:
    return SmtpSettings.from_config(sink.config())


def _send(session, sink, now, **kw):
    return send_rater_mail(session, _settings(sink), base_url="https://lip.example.gov.kh", now=now,
                           ttl_days=60, reminders=kw.pop("reminders", 2), spacing_days=7, **kw)


def _link(message) -> str:
    found = re.search(r"https://lip\.example\.gov\.kh/r/([A-Za-z0-9_-]{43})", message.get_content())
    assert found, message.get_content()
    return found.group(1)


def test_invitation_then_reminders_by_smtp_each_once(session, world, smtp_sink) -> None:
    rater = _rater(session, world)
    phone_only = _rater(session, world, email=None, phone="012 345 678", relation="peer")
    session.commit()
    now = utcnow()
    report = _send(session, smtp_sink, now)
    session.commit()
    assert (report.invitations, report.reminders, report.failed, report.without_email) == (1, 0, 0, 1)
    [invitation] = smtp_sink.messages
    assert invitation["To"] == "dara@example.gov.kh"
    assert world[2][0].full_name in invitation["Subject"]
    first = _link(invitation)
    assert resolve_rater_link(session, first, now).id == rater.id
    assert rater.token_hash == hash_token(first) and first not in (rater.token_hash or "")
    assert phone_only.token_hash is None
    assert _send(session, smtp_sink, now + timedelta(days=6)).invitations == 0  # nothing due yet
    assert len(smtp_sink.messages) == 1
    report = _send(session, smtp_sink, now + timedelta(days=7))
    session.commit()
    assert report.reminders == 1 and len(smtp_sink.messages) == 2
    second = _link(smtp_sink.messages[1])
    assert "Reminder" in smtp_sink.messages[1]["Subject"]
    with pytest.raises(LinkInvalid):  # the new link replaces the old one
        resolve_rater_link(session, first, now + timedelta(days=7))
    assert resolve_rater_link(session, second, now + timedelta(days=7)).id == rater.id
    _send(session, smtp_sink, now + timedelta(days=14))
    assert _send(session, smtp_sink, now + timedelta(days=21)).reminders == 0  # two reminders at most
    assert len(smtp_sink.messages) == 3
    assert session.get(Rater, rater.id).reminders_sent == 2


def test_no_mail_after_submission_nor_to_a_closed_wave(session, world, smtp_sink) -> None:
    rater = _rater(session, world)
    session.commit()
    now = utcnow()
    submit_rating(session, rater, _answers(rater_form(session, rater)), consent=True, now=now)
    session.commit()
    assert _send(session, smtp_sink, now).invitations == 0
    other = _rater(session, world, email="vanna@example.gov.kh", relation="peer")
    session.commit()
    assert _send(session, smtp_sink, now + timedelta(days=31)).invitations == 0  # the wave has closed
    assert smtp_sink.messages == [] and other.invited_at is None


def test_a_refused_message_keeps_the_working_link_and_is_tried_again(session, world, smtp_sink) -> None:
    rater = _rater(session, world)
    session.commit()
    now = utcnow()
    token = issue_rater_link(session, rater, now=now, ttl_days=60)  # staff handed over a link earlier
    session.commit()
    smtp_sink.handler.refuse.add("dara@example.gov.kh")
    report = _send(session, smtp_sink, now)
    session.commit()
    assert (report.invitations, report.failed) == (0, 1) and "550" in report.errors[0]
    assert resolve_rater_link(session, token, now).id == rater.id  # still works
    assert rater.invited_at is None and "550" in (rater.send_error or "")
    smtp_sink.handler.refuse.clear()
    assert _send(session, smtp_sink, now + timedelta(hours=1)).invitations == 1
    assert len(smtp_sink.messages) == 1


def test_an_unreachable_smtp_server_fails_the_job_and_changes_nothing(session, world) -> None:
    from tests.ports import free_port

    rater = _rater(session, world)
    session.commit()
    settings = SmtpSettings(host="127.0.0.1", port=free_port(), sender="lip@rsa.example.gov.kh", timeout=2)
    with pytest.raises(JobFailed, match="could not be used"):
        send_rater_mail(session, settings, base_url="https://x", now=utcnow(), ttl_days=60, reminders=2,
                        spacing_days=7)
    session.rollback()
    assert session.get(Rater, rater.id).token_hash is None


def test_smtp_settings_say_what_to_set() -> None:
    with pytest.raises(ConfigurationError, match="LIPASSESS_SMTP_HOST is not set"):
        SmtpSettings.from_config({})
    with pytest.raises(ConfigurationError, match="LIPASSESS_SMTP_FROM"):
        SmtpSettings.from_config({"SMTP_HOST": "mail"})


def test_concurrent_rating_submissions_store_exactly_one(session, world, app) -> None:
    """Six requests submit the same rating at once (threads, own sessions): one stores, five are refused."""
    import threading

    from lipassess import db
    from lipassess.store.database import session_scope

    rater = _rater(session, world)
    answers = _answers(rater_form(session, rater))
    session.commit()
    factory = db.session_factory(app)
    results: list[object] = []
    gate = threading.Barrier(6)

    def one_submit() -> None:
        try:
            with session_scope(factory) as s:
                mine = s.get(Rater, rater.id)
                gate.wait(10)
                submit_rating(s, mine, answers, consent=True, now=utcnow())
                results.append("stored")
        except Exception as exc:
            results.append(exc)

    threads = [threading.Thread(target=one_submit) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert results.count("stored") == 1, results
    assert all(isinstance(r, RatingAlreadySubmitted) for r in results if r != "stored"), results
    session.expire_all()
    assert count(session, RaterAnswer) == len(answers) == 30


@pytest.mark.parametrize("email", ["a\x00@b.co", "a\x01b@b.co", "\x7fab@b.co", "ab\x85@b.co", "a\u009f@b.co"])
def test_an_address_with_control_characters_is_not_an_email_address(email: str) -> None:
    entry, problems = parse_entry({"name": "Sok Dara", "email": email, "relation": "peer"})
    assert entry is None and problems == [f"{email!r} is not an e-mail address"]


@pytest.mark.parametrize("name", ["Sok\x7f", "Sok\x85Dara", "Sok\u009fDara", "Sok\x00"])
def test_a_name_with_control_characters_is_refused(name: str) -> None:
    entry, problems = parse_entry({"name": name, "email": "sok.dara@mef.gov.kh", "relation": "peer"})
    assert entry is None and problems == ["the rater's name is longer than 255 characters or holds control characters"]


def test_names_and_addresses_without_control_characters_pass() -> None:
    entry, problems = parse_entry({"name": "សុខ ដារា (Sok Dara)", "email": "sok.dara+360@mef.gov.kh",
                                   "relation": "direct report"})
    assert problems == [] and entry is not None
    assert (entry.name, entry.email, entry.relation) == ("សុខ ដារា (Sok Dara)", "sok.dara+360@mef.gov.kh",
                                                         "direct_report")
