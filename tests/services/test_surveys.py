"""The survey use cases: open, consent, drafts, validation, submit exactly once, closed waves."""

from __future__ import annotations

import itertools
import threading
import unicodedata
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from lipassess import db
from lipassess.services.surveys import (
    ITEMS_PER_PAGE,
    TEXT_MAX_LENGTH,
    AlreadySubmitted,
    AnswersIncomplete,
    AnswersRejected,
    ConsentRequired,
    NotEnrolled,
    ParticipantWithdrawn,
    SurveyUnavailable,
    WaveClosed,
    WaveEmpty,
    WaveNotOpen,
    answer_key,
    open_form,
    receipt_for,
    record_consent,
    save_draft,
    submit,
)
from lipassess.store.database import session_scope
from lipassess.store.models import Answer, AuditEvent, EnrolmentStatus, Response, ResponseStatus
from tests.survey_factories import (
    NOW,
    all_answers,
    make_cohort,
    make_participant,
    make_wave,
    register,
    sample_definition,
)

# Store-sensitive tests also run on PostgreSQL; pure validation cases run on SQLite only.


@pytest.fixture
def world(session):
    cohort = make_cohort(session)
    version = register(session)
    wave = make_wave(session, cohort, versions=[version])
    participant = make_participant(session, cohort, language="km")
    session.commit()
    return participant, wave, version


def consented(session, participant, wave):
    open_form(session, participant_id=participant.id, wave_id=wave.id, now=NOW)
    record_consent(session, participant_id=participant.id, wave_id=wave.id, now=NOW)
    session.commit()


def stored(session, wave):
    """Everything stored for the wave's responses, as comparable tuples."""
    session.expire_all()
    responses = session.execute(
        select(Response.id, Response.status, Response.submitted_at, Response.consent_at)
        .where(Response.wave_id == wave.id).order_by(Response.id)).all()
    answers = session.execute(
        select(Answer.response_id, Answer.item_key, Answer.value_number, Answer.value_text)
        .order_by(Answer.response_id, Answer.item_key)).all()
    return [tuple(r) for r in responses], [tuple(a) for a in answers]


# --------------------------------------------------------------------------- opening


@pytest.mark.postgres
def test_first_open_creates_one_draft_in_the_participants_language(session, world) -> None:
    participant, wave, version = world
    form = open_form(session, participant_id=participant.id, wave_id=wave.id, now=NOW, channel="lti")
    again = open_form(session, participant_id=participant.id, wave_id=wave.id, now=NOW + timedelta(hours=1))
    session.commit()
    assert form.response.id == again.response.id
    assert session.scalar(select(func.count()).select_from(Response)) == 1
    response = session.get(Response, form.response.id)
    assert (response.status, response.channel, response.language) == (ResponseStatus.DRAFT, "lti", "km")
    assert response.started_at == NOW and response.consent_at is None
    assert not form.consented and not form.submitted and form.answers == {}


def test_pages_split_instruments_into_balanced_pages_in_wave_order(session) -> None:
    cohort = make_cohort(session)
    big = register(session, sample_definition(instrument_id="lip-big", n_likert=20))  # 23 items
    small = register(session, sample_definition(instrument_id="lip-small", n_likert=2))  # 5 items
    wave = make_wave(session, cohort, versions=[big, small])
    participant = make_participant(session, cohort)
    form = open_form(session, participant_id=participant.id, wave_id=wave.id, now=NOW)
    assert ITEMS_PER_PAGE == 10
    assert [len(p.items) for p in form.pages] == [8, 8, 7, 5]
    assert [p.version_id for p in form.pages] == [big.id] * 3 + [small.id]
    assert [(p.number, p.part, p.parts, p.first_of_instrument) for p in form.pages] == [
        (1, 1, 3, True), (2, 2, 3, False), (3, 3, 3, False), (4, 1, 1, True)]
    assert form.pages[0].keys[0] == answer_key(big.id, "L1") == f"a.{big.id}.L1"
    assert [i.id for p in form.pages[:3] for i in p.items] == [i.id for i in form.pages[0].instrument.items]


def test_wave_without_instruments_is_not_ready(session) -> None:
    cohort = make_cohort(session)
    wave = make_wave(session, cohort)
    participant = make_participant(session, cohort)
    with pytest.raises(WaveEmpty):
        open_form(session, participant_id=participant.id, wave_id=wave.id, now=NOW)


@pytest.mark.parametrize("channel", ["email", "", "LTI"])
def test_unknown_channel_is_refused(session, world, channel) -> None:
    participant, wave, _ = world
    with pytest.raises(Exception, match="channel must be one of"):
        open_form(session, participant_id=participant.id, wave_id=wave.id, now=NOW, channel=channel)


# --------------------------------------------------------------------------- access


@pytest.mark.postgres
def test_who_may_open_a_wave(session, world) -> None:
    participant, wave, _ = world
    suspended = make_participant(session, wave.cohort, status=EnrolmentStatus.SUSPENDED)
    unenrolled = make_participant(session, wave.cohort, status=EnrolmentStatus.UNENROLLED)
    withdrawn = make_participant(session, wave.cohort, withdrawn_at=NOW - timedelta(days=2))
    stranger = make_participant(session, make_cohort(session))
    assert open_form(session, participant_id=suspended.id, wave_id=wave.id, now=NOW).response.id
    cases = [(unenrolled.id, wave.id, NotEnrolled), (withdrawn.id, wave.id, ParticipantWithdrawn),
             (stranger.id, wave.id, SurveyUnavailable), (participant.id, wave.id + 999, SurveyUnavailable),
             (participant.id + 999, wave.id, SurveyUnavailable)]
    for participant_id, wave_id, error in cases:
        with pytest.raises(error):
            open_form(session, participant_id=participant_id, wave_id=wave_id, now=NOW)
    # Unknown wave and a wave of another cohort get the same words.
    assert SurveyUnavailable().message.startswith("This survey is not available to you.")


@pytest.mark.postgres
def test_window_is_enforced_for_drafts(session, world) -> None:
    participant, wave, _ = world
    with pytest.raises(WaveNotOpen) as early:
        open_form(session, participant_id=participant.id, wave_id=wave.id, now=wave.opens_at - timedelta(seconds=1))
    assert early.value.opens_at == wave.opens_at
    consented(session, participant, wave)
    after = wave.closes_at
    for call in (
        lambda: open_form(session, participant_id=participant.id, wave_id=wave.id, now=after),
        lambda: save_draft(session, participant_id=participant.id, wave_id=wave.id, answers={}, now=after),
        lambda: submit(session, participant_id=participant.id, wave_id=wave.id, now=after,
                       answers=all_answers(wave.instruments[0].instrument_version_id)),
        lambda: record_consent(session, participant_id=participant.id, wave_id=wave.id, now=after),
    ):
        with pytest.raises(WaveClosed, match="closed on"):
            call()


def test_withdrawal_after_starting_stops_saving(session, world) -> None:
    participant, wave, version = world
    consented(session, participant, wave)
    participant.withdrawn_at = NOW
    session.commit()
    before = stored(session, wave)
    with pytest.raises(ParticipantWithdrawn):
        save_draft(session, participant_id=participant.id, wave_id=wave.id,
                   answers={answer_key(version.id, "L1"): "3"}, now=NOW)
    session.rollback()
    assert stored(session, wave) == before


# --------------------------------------------------------------------------- drafts


@pytest.mark.postgres
def test_answers_need_consent_first(session, world) -> None:
    participant, wave, version = world
    with pytest.raises(ConsentRequired):
        save_draft(session, participant_id=participant.id, wave_id=wave.id,
                   answers={answer_key(version.id, "L1"): "3"}, now=NOW)
    open_form(session, participant_id=participant.id, wave_id=wave.id, now=NOW)
    with pytest.raises(ConsentRequired):
        save_draft(session, participant_id=participant.id, wave_id=wave.id,
                   answers={answer_key(version.id, "L1"): "3"}, now=NOW)
    record_consent(session, participant_id=participant.id, wave_id=wave.id, now=NOW)
    record_consent(session, participant_id=participant.id, wave_id=wave.id, now=NOW + timedelta(days=1))
    session.commit()
    assert session.scalar(select(Response.consent_at)) == NOW


@pytest.mark.postgres
def test_drafts_save_update_and_clear_answers(session, world) -> None:
    participant, wave, version = world
    consented(session, participant, wave)
    key = lambda item: answer_key(version.id, item)  # noqa: E731
    form = save_draft(session, participant_id=participant.id, wave_id=wave.id, now=NOW, language="en",
                      answers={key("L1"): "2", key("L2"): 9, key("Y1"): "0", key("C1"): "2",
                               key("T1"): "Je suis allé\r\nà Kampot"})
    session.commit()
    assert form.answers == {key("L1"): 2, key("L2"): 9, key("Y1"): 0, key("C1"): 2,
                            key("T1"): "Je suis allé\nà Kampot"}
    form = save_draft(session, participant_id=participant.id, wave_id=wave.id, now=NOW,
                      answers={key("L1"): "5", key("T1"): "", key("C1"): None})
    session.commit()
    assert form.answers == {key("L1"): 5, key("L2"): 9, key("Y1"): 0}
    assert session.scalar(select(func.count()).select_from(Answer)) == 3
    assert session.scalar(select(Response.language)) == "en"
    assert form.first_incomplete_page() == 1


@pytest.mark.postgres
def test_free_text_is_stored_as_typed_in_nfc(session, world) -> None:
    participant, wave, version = world
    consented(session, participant, wave)
    typed = "cafe\u0301 <script>alert('x')</script> ការ\u17b6 " + "ខ្ញុំ"
    save_draft(session, participant_id=participant.id, wave_id=wave.id, now=NOW,
               answers={answer_key(version.id, "T1"): typed})
    session.commit()
    value = session.scalar(select(Answer.value_text))
    assert value == unicodedata.normalize("NFC", typed)
    assert "café" in value and "<script>" in value
    assert unicodedata.is_normalized("NFC", value)


@pytest.mark.parametrize(("item", "value", "code"), [
    ("L1", "6", "not_an_option"),
    ("L1", "0", "not_an_option"),
    ("L1", "-1", "not_an_option"),
    ("L1", "3.5", "not_an_option"),
    ("L1", "abc", "not_an_option"),
    ("L1", True, "not_an_option"),
    ("L1", ["3", "4"], "not_an_option"),
    ("Y1", "2", "not_an_option"),
    ("C1", "3", "not_an_option"),
    ("T1", 42, "wrong_type"),
    ("T1", "x" * 201, "too_long"),
    ("T1", "bad\x00byte", "bad_characters"),
    ("T1", "bell\x07", "bad_characters"),
    ("NOPE", "3", "unknown_item"),
])
def test_bad_answers_are_refused_item_by_item_and_nothing_changes(session, world, item, value, code) -> None:
    participant, wave, version = world
    consented(session, participant, wave)
    good = answer_key(version.id, "L2")
    save_draft(session, participant_id=participant.id, wave_id=wave.id, answers={good: "3"}, now=NOW)
    session.commit()
    before = stored(session, wave)
    bad = answer_key(version.id, item)
    with pytest.raises(AnswersRejected) as caught:
        save_draft(session, participant_id=participant.id, wave_id=wave.id, now=NOW,
                   answers={good: "5", bad: value})
    session.rollback()
    assert caught.value.errors[bad]["code"] == code
    assert set(caught.value.errors) == {bad}
    assert "Nothing was changed" in caught.value.message
    assert stored(session, wave) == before


@pytest.mark.parametrize("key", ["a.999999.L1", "a.0.L1", "L1", "a.1.L1; drop table", "csrf_token", "a..L1"])
def test_keys_outside_the_wave_are_unknown_items(session, world, key) -> None:
    participant, wave, version = world
    consented(session, participant, wave)
    with pytest.raises(AnswersRejected) as caught:
        save_draft(session, participant_id=participant.id, wave_id=wave.id, answers={key: "3"}, now=NOW)
    assert [e["code"] for e in caught.value.errors.values()] == ["unknown_item"]


def test_another_waves_instrument_version_is_an_unknown_item(session, world) -> None:
    participant, wave, version = world
    other = register(session, sample_definition(instrument_id="lip-other"))
    consented(session, participant, wave)
    with pytest.raises(AnswersRejected):
        save_draft(session, participant_id=participant.id, wave_id=wave.id, now=NOW,
                   answers={answer_key(other.id, "L1"): "3"})


def test_text_length_limit_defaults_when_the_item_sets_none(session) -> None:
    cohort = make_cohort(session)
    version = register(session, sample_definition(text_max_length=None))
    wave = make_wave(session, cohort, versions=[version])
    participant = make_participant(session, cohort)
    consented(session, participant, wave)
    key = answer_key(version.id, "T1")
    save_draft(session, participant_id=participant.id, wave_id=wave.id, now=NOW,
               answers={key: "ក" * TEXT_MAX_LENGTH})
    with pytest.raises(AnswersRejected) as caught:
        save_draft(session, participant_id=participant.id, wave_id=wave.id, now=NOW,
                   answers={key: "ក" * (TEXT_MAX_LENGTH + 1)})
    assert caught.value.errors[key]["max_length"] == TEXT_MAX_LENGTH


# --------------------------------------------------------------------------- submit


@pytest.mark.postgres
def test_submit_needs_every_required_answer(session, world) -> None:
    participant, wave, version = world
    consented(session, participant, wave)
    answers = all_answers(version.id)
    del answers[answer_key(version.id, "L7")], answers[answer_key(version.id, "Y1")]
    before = stored(session, wave)
    with pytest.raises(AnswersIncomplete) as caught:
        submit(session, participant_id=participant.id, wave_id=wave.id, now=NOW, answers=answers)
    session.rollback()
    assert set(caught.value.errors) == {answer_key(version.id, "L7"), answer_key(version.id, "Y1")}
    assert {e["code"] for e in caught.value.errors.values()} == {"required"}
    assert "2 required questions are not answered" in caught.value.message
    assert stored(session, wave) == before


@pytest.mark.postgres
def test_submit_stores_once_and_freezes_the_response(session, world) -> None:
    participant, wave, version = world
    consented(session, participant, wave)
    save_draft(session, participant_id=participant.id, wave_id=wave.id, now=NOW,
               answers={answer_key(version.id, "T1"): "ផែនការថ្មី"})
    receipt = submit(session, participant_id=participant.id, wave_id=wave.id, now=NOW + timedelta(minutes=5),
                     answers=all_answers(version.id), language="en")
    session.commit()
    response = session.scalar(select(Response))
    assert response.status is ResponseStatus.SUBMITTED and response.submitted_at == NOW + timedelta(minutes=5)
    assert response.language == "en"
    assert receipt.response_id == response.id and len(receipt.code) == 14 and receipt.code.count("-") == 2
    assert receipt_for(session, participant_id=participant.id, wave_id=wave.id) == receipt
    assert session.scalar(select(func.count()).select_from(Answer)) == 14
    event = session.scalar(select(AuditEvent).where(AuditEvent.action == "response.submit"))
    assert (event.action, event.target) == ("response.submit", f"response:{response.id}")
    assert event.actor == f"participant:{participant.pseudonym}" and event.details["receipt"] == receipt.code

    before = stored(session, wave)
    key = answer_key(version.id, "L1")
    for call in (
        lambda: submit(session, participant_id=participant.id, wave_id=wave.id, now=NOW, answers={key: "1"}),
        lambda: save_draft(session, participant_id=participant.id, wave_id=wave.id, now=NOW, answers={key: "1"}),
        lambda: record_consent(session, participant_id=participant.id, wave_id=wave.id, now=NOW),
    ):
        with pytest.raises(AlreadySubmitted) as caught:
            call()
        session.rollback()
        assert caught.value.receipt == receipt and receipt.code in caught.value.message
    assert stored(session, wave) == before
    # Viewing the submitted form stays possible after the wave closes (the receipt page).
    late = open_form(session, participant_id=participant.id, wave_id=wave.id, now=wave.closes_at + timedelta(days=9))
    assert late.submitted and late.receipt == receipt


def test_receipt_of_an_unsubmitted_response_is_unavailable(session, world) -> None:
    participant, wave, _ = world
    with pytest.raises(SurveyUnavailable):
        receipt_for(session, participant_id=participant.id, wave_id=wave.id)
    consented(session, participant, wave)
    with pytest.raises(SurveyUnavailable):
        receipt_for(session, participant_id=participant.id, wave_id=wave.id)


# --------------------------------------------------------------------------- concurrency


def _race(n: int, work) -> list:
    barrier = threading.Barrier(n)
    results: list = [None] * n

    def run(i: int) -> None:
        barrier.wait()
        try:
            results[i] = work()
        except Exception as exc:  # collected and checked by the test
            results[i] = exc

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    return results


@pytest.mark.postgres
def test_concurrent_submissions_store_exactly_one(app, session, world) -> None:
    participant, wave, version = world
    consented(session, participant, wave)
    factory = db.session_factory(app)
    answers = all_answers(version.id)

    def one_submit():
        with session_scope(factory) as s:
            return submit(s, participant_id=participant.id, wave_id=wave.id, now=NOW, answers=answers)

    results = _race(6, one_submit)
    receipts = [r for r in results if not isinstance(r, Exception)]
    refused = [r for r in results if isinstance(r, AlreadySubmitted)]
    assert len(receipts) == 1, results
    assert len(refused) == 5, results
    assert all(r.receipt == receipts[0] for r in refused)
    session.expire_all()
    assert session.scalar(select(func.count()).select_from(Response)) == 1
    assert session.scalar(select(Response.status)) is ResponseStatus.SUBMITTED
    assert session.scalar(select(func.count()).select_from(Answer)) == len(answers)
    assert session.scalar(select(func.count()).select_from(AuditEvent)
                          .where(AuditEvent.action == "response.submit")) == 1


@pytest.mark.postgres
def test_concurrent_first_opens_make_one_response(app, session, world) -> None:
    participant, wave, _ = world
    factory = db.session_factory(app)

    def one_open():
        with session_scope(factory) as s:
            return open_form(s, participant_id=participant.id, wave_id=wave.id, now=NOW).response.id

    results = _race(6, one_open)
    assert len(set(results)) == 1 and isinstance(results[0], int), results
    assert session.scalar(select(func.count()).select_from(Response)) == 1


def test_a_draft_made_by_another_tab_between_read_and_insert_is_the_one_opened(session, world, monkeypatch) -> None:
    """The insert finds the row another tab made after this one read none: nothing added, that row returned."""
    from lipassess.services.surveys import operations

    participant, wave, _ = world
    real_read_access = operations.read_access

    def read_then_the_other_tab_inserts(*args, **kwargs):
        access = real_read_access(*args, **kwargs)
        assert access.response is None
        session.add(Response(participant_id=participant.id, wave_id=wave.id, status=ResponseStatus.DRAFT,
                             language="en", channel="lti", started_at=NOW - timedelta(seconds=1)))
        session.flush()
        return access

    monkeypatch.setattr(operations, "read_access", read_then_the_other_tab_inserts)
    form = open_form(session, participant_id=participant.id, wave_id=wave.id, now=NOW, language="km")
    first = session.scalars(select(Response)).one()
    assert (form.response.id, form.response.channel, form.response.language) == (first.id, "lti", "en")
    monkeypatch.undo()
    again = open_form(session, participant_id=participant.id, wave_id=wave.id, now=NOW)
    assert again.response.id == first.id
    assert session.scalar(select(func.count()).select_from(Response)) == 1


def test_a_first_open_makes_the_draft_with_its_channel_language_and_time(session, world) -> None:
    participant, wave, _ = world
    form = open_form(session, participant_id=participant.id, wave_id=wave.id, now=NOW, channel="lti", language="en")
    row = session.scalars(select(Response)).one()
    assert (form.response.id, form.response.status, form.response.channel) == (row.id, ResponseStatus.DRAFT, "lti")
    assert (row.language, row.channel, row.started_at, row.created_at, row.consent_at) == ("en", "lti", NOW, NOW, None)


@pytest.mark.postgres
def test_draft_save_racing_a_submit_never_changes_the_submitted_response(app, session, world) -> None:
    participant, wave, version = world
    consented(session, participant, wave)
    factory = db.session_factory(app)
    key = answer_key(version.id, "L1")

    def work(i: int):
        with session_scope(factory) as s:
            if i % 2:
                return save_draft(s, participant_id=participant.id, wave_id=wave.id, now=NOW,
                                  answers={key: "1"}).answers[key]
            return submit(s, participant_id=participant.id, wave_id=wave.id, now=NOW,
                          answers={**all_answers(version.id), key: "5"})

    counter = itertools.count()  # thread-safe in CPython, unlike a generator
    results = _race(6, lambda: work(next(counter)))
    assert not [r for r in results if isinstance(r, Exception) and not isinstance(r, AlreadySubmitted)], results
    session.expire_all()
    assert session.scalar(select(Response.status)) is ResponseStatus.SUBMITTED
    assert session.scalar(select(Answer.value_number).where(Answer.item_key == "L1")) == 5.0
