"""Stored instrument versions: idempotent registration, frozen once answered."""

from __future__ import annotations

import dataclasses

import pytest
from sqlalchemy import func, select

from lipassess.errors import Conflict
from lipassess.instruments import Text, bundled_instruments_dir, load_instruments
from lipassess.services import instruments as instrument_store
from lipassess.store.models import (
    Answer,
    AuditEvent,
    Cohort,
    InstrumentVersion,
    Participant,
    Response,
    Wave,
    WaveKind,
)

pytestmark = pytest.mark.postgres


@pytest.fixture
def bundled():
    return {i.id: i for i in load_instruments(bundled_instruments_dir())}


def edited(instrument):
    """The same id and version label with one changed title: a different content hash."""
    title = Text(en=instrument.title.en + " (edited)", km=instrument.title.km)
    return dataclasses.replace(instrument, title=title)


def test_register_is_idempotent(session, bundled) -> None:
    first = instrument_store.register_all(session, bundled.values())
    second = instrument_store.register_all(session, bundled.values())
    session.commit()
    assert [v.id for v in first] == [v.id for v in second]
    assert session.scalar(select(func.count(InstrumentVersion.id))) == len(bundled) == 6
    assert session.scalar(select(func.count(AuditEvent.id))) == 6


def test_stored_definition_round_trips(session, bundled) -> None:
    behaviour = bundled["lip-leadership-behaviour"]
    version = instrument_store.ensure_registered(session, behaviour)
    session.commit()
    session.expire_all()
    again = instrument_store.instrument_of(session.get(InstrumentVersion, version.id))
    assert again == behaviour and again.content_hash == version.content_hash


def test_unused_version_may_be_replaced(session, bundled) -> None:
    reaction = bundled["lip-reaction"]
    version = instrument_store.ensure_registered(session, reaction)
    replaced = instrument_store.ensure_registered(session, edited(reaction))
    session.commit()
    assert replaced.id == version.id
    assert replaced.content_hash == edited(reaction).content_hash != reaction.content_hash


def test_answered_version_never_changes(session, bundled) -> None:
    reaction = bundled["lip-reaction"]
    version = instrument_store.ensure_registered(session, reaction)
    cohort = Cohort(moodle_course_id=3, shortname="LIP-C6-2024", fullname="LIP Cohort 6 (2024)")
    person = Participant(moodle_user_id=19)
    session.add_all([cohort, person])
    session.flush()
    wave = Wave(cohort_id=cohort.id, kind=WaveKind.POST)
    session.add(wave)
    session.flush()
    response = Response(participant_id=person.id, wave_id=wave.id)
    response.answers.append(Answer(instrument_version_id=version.id, item_key=reaction.items[0].id,
                                   value_number=4))
    session.add(response)
    session.commit()
    with pytest.raises(Conflict, match="new 'version' label"):
        instrument_store.ensure_registered(session, edited(reaction))
    session.rollback()
    stored = session.get(InstrumentVersion, version.id)
    assert stored.content_hash == reaction.content_hash
    assert stored.definition == reaction.to_dict()


def test_register_and_stored_commands(run_cli) -> None:
    assert run_cli("db", "upgrade").exit_code == 0
    empty = run_cli("instruments", "stored")
    assert "no instruments stored yet" in empty.out
    result = run_cli("instruments", "register")
    assert result.exit_code == 0, result
    assert result.out.count("stored: ") == 6
    listing = run_cli("instruments", "stored")
    assert "lip-leadership-behaviour  1.0" in listing.out and "0 answers" in listing.out
