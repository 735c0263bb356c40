"""Questions rendered once per process, and the wave's instruments read with the access check.

A question's HTML is kept per process by everything it shows (definition,
language, number, answer, error): these tests make sure one participant's
answer or error never shows on another's page, a changed definition or
order of instruments is seen at once, and the cache stays bounded.
"""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import update

from lipassess.services.links import issue_link
from lipassess.store.models import WaveInstrument, WaveKind
from lipassess.store.types import utcnow
from lipassess.web import survey_items
from tests.survey_factories import all_answers, build, make_participant, make_wave, register, sample_definition


def _start(client, token: str, wave_id: int) -> None:
    assert client.get(f"/s/{token}").status_code == 303
    assert client.post(f"/survey/wave/{wave_id}", data={"consent": "yes"}).status_code == 303


def _started(app, session):
    """A participant who opened their link and consented, in their own browser: the world and the client."""
    s = build(session)
    client = app.test_client()
    _start(client, s.token, s.wave.id)
    return s, client


_CSRF_FIELD = re.compile(r'name="csrf_token" value="[^"]*"')


def _page(client, address: str) -> str:
    """The page's HTML without its CSRF token (the one part that may differ between two views)."""
    return _CSRF_FIELD.sub("", client.get(address).get_data(as_text=True))


def _question(html: str, key: str) -> str:
    found = re.search(r'<fieldset class="item[^"]*" id="q-' + re.escape(key.replace(".", "-")) + r'".*?</fieldset>',
                      html, re.S)
    assert found, key
    return found.group(0)


def _checked(html: str, key: str) -> list[str]:
    return re.findall(r'value="(\d+)" checked', _question(html, key))


def _second(session, s):
    participant = make_participant(session, s.cohort)
    token = issue_link(session, participant=participant, wave=s.wave, now=utcnow(), ttl_days=60)
    session.commit()
    return token


@pytest.fixture
def two_participants(app, session):
    """One wave, two participants who consented, each in their own browser; nothing rendered yet."""
    survey_items.clear()
    s = build(session)
    other = _second(session, s)
    first, second = app.test_client(), app.test_client()
    _start(first, s.token, s.wave.id)
    _start(second, other, s.wave.id)
    return s, first, second


@pytest.mark.postgres
def test_each_participant_sees_their_own_answers_and_errors(two_participants) -> None:
    s, first, second = two_participants
    key = s.key("L1")

    first.post(s.url("/page/1"), data={key: "2", "action": "save"})
    second.post(s.url("/page/1"), data={key: "4", "action": "save"})
    assert _checked(first.get(s.url("/page/1")).get_data(as_text=True), key) == ["2"]
    assert _checked(second.get(s.url("/page/1")).get_data(as_text=True), key) == ["4"]

    # "Next" with answers missing: the first participant's page names its questions; the second's does not.
    incomplete = first.post(s.url("/page/1"), data={key: "2", "action": "next"}).get_data(as_text=True)
    assert 'class="error" id="q-' + s.key("L2").replace(".", "-") + '-err"' in incomplete
    assert 'aria-invalid="true"' not in _question(incomplete, key)  # answered: not marked
    clean = second.get(s.url("/page/1")).get_data(as_text=True)
    assert 'class="error"' not in clean and 'aria-invalid' not in clean

    # The same question in the other language: its own text and labels.
    english = second.post(s.url("/page/1"), data={key: "4", "action": "lang:en"})
    html = second.get(english.headers["Location"]).get_data(as_text=True)
    assert "Strongly disagree" in _question(html, key) and _checked(html, key) == ["4"]


def test_a_cached_question_is_the_question_rendered_afresh(app, session) -> None:
    s, client = _started(app, session)
    client.post(s.url("/page/1"), data={s.key("L3"): "5", "action": "save"})
    survey_items.clear()
    fresh = _page(client, s.url("/page/1"))
    cached = _page(client, s.url("/page/1"))
    assert fresh == cached
    assert _checked(cached, s.key("L3")) == ["5"]


def test_the_cache_of_questions_is_bounded(app, session, monkeypatch) -> None:
    monkeypatch.setattr(survey_items._RENDERED, "size", 5)
    survey_items.clear()
    s, client = _started(app, session)
    html = _page(client, s.url("/page/1"))
    assert html.count('<fieldset class="item') > 5  # more questions than the cache holds
    assert len(survey_items._RENDERED) == 5
    assert _page(client, s.url("/page/1")) == html


@pytest.mark.postgres
def test_a_new_order_or_definition_of_the_waves_instruments_shows_at_once(app, session) -> None:
    s = build(session)
    second = register(session, sample_definition(instrument_id="lip-second", n_likert=3))
    session.add(WaveInstrument(wave_id=s.wave.id, instrument_version_id=second.id, position=1))
    session.commit()
    client = app.test_client()
    _start(client, s.token, s.wave.id)
    assert s.key("L1") in client.get(s.url("/page/1")).get_data(as_text=True)

    # Staff put the second instrument first: the next page view follows (no stale layout in this process).
    session.execute(update(WaveInstrument).where(WaveInstrument.instrument_version_id == second.id)
                    .values(position=-1))
    session.commit()
    first_page = client.get(s.url("/page/1")).get_data(as_text=True)
    assert f"a.{second.id}.L1" in first_page and s.key("L1") not in first_page

    # Same position: the older row comes first (ties broken by row id), as before.
    session.execute(update(WaveInstrument).values(position=0))
    session.commit()
    assert s.key("L1") in client.get(s.url("/page/1")).get_data(as_text=True)


def test_a_wave_without_instruments_still_says_so(app, session) -> None:
    s = build(session)
    now = utcnow()
    empty = make_wave(session, s.cohort, kind=WaveKind.POST, opens_at=now - timedelta(days=1),
                      closes_at=now + timedelta(days=14))
    token = issue_link(session, participant=s.participant, wave=empty, now=utcnow(), ttl_days=60)
    session.commit()
    client = app.test_client()
    assert client.get(f"/s/{token}").status_code == 303
    page = client.get(f"/survey/wave/{empty.id}")
    assert page.status_code == 409  # WaveEmpty: "no questions yet", in the participant's language


@pytest.mark.postgres
def test_review_rows_show_each_participants_own_answers_and_missing_questions(two_participants) -> None:
    s, first, second = two_participants
    everything = all_answers(s.version.id, value=2)
    first.post(s.url("/page/1"), data={**everything, "action": "save"})
    first.post(s.url("/page/2"), data={**everything, "action": "save"})
    second.post(s.url("/page/1"), data={s.key("L1"): "5", "action": "save"})

    def row(html: str, item: str) -> str:
        found = re.search(r'<div class="row[^"]*" id="r-' + re.escape(s.key(item).replace(".", "-")) + r'">.*?</div>',
                          html, re.S)
        assert found, item
        return found.group(0)

    mine = first.get(s.url("/review")).get_data(as_text=True)
    theirs = second.get(s.url("/review")).get_data(as_text=True)
    assert '<span class="answer">២ · ' in row(mine, "L1") and '<span class="answer">៥ · ' in row(theirs, "L1")
    # Only the second participant has questions left: marked on their review, never on the first's.
    assert 'class="muted"' in row(theirs, "L12") and 'class="error"' in row(theirs, "L12")
    assert '<span class="answer">២ · ' in row(mine, "L12") and 'class="error"' not in mine
    assert 'class="error"' not in row(theirs, "L1")
    assert 'class="error"' not in first.get(s.url("/review")).get_data(as_text=True)
    # The part with a question left opens on its own; a complete part stays folded.
    assert re.findall(r'<details class="section"( open)?>', theirs) == [" open"]
    assert re.findall(r'<details class="section"( open)?>', mine) == [""]


def test_a_kept_answer_row_is_the_row_rendered_afresh(app, session) -> None:
    s, client = _started(app, session)
    client.post(s.url("/page/1"), data={**all_answers(s.version.id, value=3), "action": "save"})
    survey_items.clear()
    fresh = _page(client, s.url("/review"))
    assert fresh == _page(client, s.url("/review"))
    assert fresh.count('<span class="answer">៣ · ') == 12  # every scale item, as saved


def test_kept_rows_are_per_value_and_free_text_or_messages_are_never_kept(app) -> None:
    from lipassess.instruments import Instrument

    instrument = Instrument.from_dict(sample_definition(n_likert=2))
    items = instrument.items
    keys = [f"a.7.{item.id}" for item in items]
    numbers = list(range(1, len(items) + 1))
    survey_items.clear()
    with app.test_request_context("/"):
        first = survey_items.answer_rows(items, keys, numbers, instrument, [2, 5, 1, None, "Met my team"], "en",
                                         change="/survey/wave/1/page/1")
        second = survey_items.answer_rows(items, keys, numbers, instrument, [2, 4, 0, 2, "Changed my plans"], "en",
                                          change="/survey/wave/1/page/1")
        flagged = survey_items.answer_rows(items, keys, numbers, instrument, [2, 4, 0, 2, None], "en",
                                           change="/survey/wave/1/page/1",
                                           messages={keys[0]: "Question 1: please choose an answer"})
    assert len(first) == len(second) == len(flagged) == len(items)
    # One participant's answer never shows on another's row; the same answer gives the same row.
    assert first[0] == second[0] and ">2 · Disagree<" in first[0]
    assert ">5 · Strongly agree<" in first[1] and ">4 · Agree<" in second[1] and first[1] != second[1]
    assert ">Yes<" in first[2] and ">No<" in second[2]
    assert "Met my team" in first[4] and "Changed my plans" in second[4]
    # The flagged row carries its message; the same value without one is still the plain row.
    assert "Question 1: please choose an answer" in flagged[0] and flagged[0] != first[0]
    assert "please choose" not in first[0]
    (table,) = [survey_items._ROW_TABLES[key] for key in survey_items._ROW_TABLES]
    assert set(table[0]) == {"2"} and set(table[1]) == {"5", "4"} and set(table[3]) == {None, "2"}
    assert table[4] == {None: flagged[4]}  # typed answers are rendered every time; only "not answered" is kept


def test_the_kept_pages_of_rows_are_bounded(app, session, monkeypatch) -> None:
    monkeypatch.setattr(survey_items._ROW_TABLES, "size", 1)
    survey_items.clear()
    s, client = _started(app, session)
    client.post(s.url("/page/1"), data={**all_answers(s.version.id, value=3), "action": "save"})
    review = _page(client, s.url("/review"))
    assert len(survey_items._ROW_TABLES) == 1  # the form has two pages: only the latest is kept
    assert review.count('<span class="answer">៣ · ') == 12
    assert _page(client, s.url("/review")) == review
