"""The rater's link and form, and nomination from the participant's receipt page, through the test client."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from lipassess.services import surveys
from lipassess.services.raters.links import issue_rater_link, revoke_rater_link
from lipassess.services.raters.survey import observer_version
from lipassess.store.rater_models import Rater, RaterAnswer
from lipassess.store.types import utcnow
from tests.survey_factories import all_answers, build

pytestmark = pytest.mark.postgres


@pytest.fixture
def s(app, session):
    world = build(session, language="en")
    rater = Rater(participant_id=world.participant.id, wave_id=world.wave.id, name="Dara Sok",
                  email="dara@example.gov.kh", contact="dara@example.gov.kh", relation="supervisor",
                  source="import", language="en", reminders_sent=0)
    session.add(rater)
    session.flush()
    world.rater = rater
    world.rater_token = issue_rater_link(session, rater, now=utcnow(), ttl_days=60)
    world.observer = observer_version(session)
    session.commit()
    return world


def text(response) -> str:
    return response.get_data(as_text=True)


def rating(s, value: str = "4") -> dict[str, str]:
    from lipassess.services.instruments import instrument_of

    items = instrument_of(s.observer).items
    return {f"a.{s.observer.id}.{item.id}": value for item in items}


def test_the_link_binds_the_rater_and_leaves_the_address_bar(client, s) -> None:
    opened = client.get(f"/r/{s.rater_token}")
    assert opened.status_code == 303 and opened.headers["Location"] == "/rate"
    assert opened.headers["Referrer-Policy"] == "no-referrer"
    form = client.get("/rate")
    assert form.status_code == 200
    body = text(form)
    assert f"What you have seen {s.participant.full_name} do at work" in body
    assert body.count('type="radio"') >= 30 * 5
    assert 'name="consent"' in body


def test_tampered_rater_links_get_the_participants_page(app, s) -> None:
    token = s.rater_token
    bodies = set()
    for bad in [token[:-1] + ("A" if token[-1] != "A" else "B"), token[:20], "A" * 43, s.token]:
        response = app.test_client().get(f"/r/{bad}")
        assert response.status_code == 404
        body = text(response)
        assert "This link is not valid" in body and s.participant.firstname not in body
        bodies.add(re.sub(r'name="csrf_token" value="[^"]*"', "", body))
    assert len(bodies) == 1
    assert app.test_client().get(f"/r/{token}/extra").status_code == 404
    assert app.test_client().get(f"/s/{token}").status_code == 404  # a rater token opens no survey
    assert app.test_client().get("/rate").status_code == 403


def test_expired_and_withdrawn_rater_links_say_so(app, session, s) -> None:
    rater = session.get(Rater, s.rater.id)
    rater.expires_at = utcnow() - timedelta(seconds=1)
    session.commit()
    assert app.test_client().get(f"/r/{s.rater_token}").status_code == 410
    rater.expires_at = utcnow() + timedelta(days=1)
    session.commit()
    client = app.test_client()
    assert client.get(f"/r/{s.rater_token}").status_code == 303
    revoke_rater_link(session, rater, now=utcnow())
    session.commit()
    assert client.get("/rate").status_code == 410  # withdrawing ends an open session too


def test_a_rating_is_taken_once_and_never_changed(client, session, s) -> None:
    client.get(f"/r/{s.rater_token}")
    missing = client.post("/rate", data=rating(s))
    assert missing.status_code == 400  # no consent
    partial = client.post("/rate", data={"consent": "yes", **dict(list(rating(s).items())[:3])})
    assert partial.status_code == 422
    session.expire_all()
    assert session.scalar(select(func.count()).select_from(RaterAnswer)) == 0
    done = client.post("/rate", data={"consent": "yes", **rating(s)})
    assert done.status_code == 200 and "Your answers have been received" in text(done)
    again = client.post("/rate", data={"consent": "yes", **rating(s, "1")})
    assert again.status_code == 200 and "Your answers have been received" in text(again)
    session.expire_all()
    assert set(session.scalars(select(RaterAnswer.value_number)).all()) == {4.0}
    assert session.scalar(select(func.count()).select_from(RaterAnswer)) == 30
    assert client.get(f"/r/{s.rater_token}").status_code == 303  # the link still shows the thank-you page


def test_json_and_forged_posts_are_refused(client, s) -> None:
    client.get(f"/r/{s.rater_token}")
    assert client.post("/rate", json={"consent": "yes"}).status_code == 415


def test_the_participant_nominates_raters_on_the_receipt_page(client, session, s) -> None:
    now = utcnow()
    surveys.open_form(session, participant_id=s.participant.id, wave_id=s.wave.id, now=now)
    surveys.record_consent(session, participant_id=s.participant.id, wave_id=s.wave.id, now=now)
    surveys.submit(session, participant_id=s.participant.id, wave_id=s.wave.id, now=now,
                   answers=all_answers(s.version.id))
    session.commit()
    client.get(f"/s/{s.token}")
    receipt = client.get(s.url("/receipt"))
    assert receipt.status_code == 200
    assert f'action="/survey/wave/{s.wave.id}/raters"' in text(receipt)
    assert "Dara Sok" not in text(receipt)  # raters and their answers are never shown to the participant
    bad = client.post(f"/survey/wave/{s.wave.id}/raters",
                      data={"name_0": "Vanna", "email_0": "not-mail", "relation_0": "peer"})
    assert bad.status_code == 422 and "correct the marked rows" in text(bad)
    done = client.post(f"/survey/wave/{s.wave.id}/raters",
                       data={"name_0": "Vanna Kim", "email_0": "vanna@example.gov.kh", "relation_0": "peer",
                             "name_1": "", "email_1": "", "phone_1": "", "relation_1": "supervisor"})
    assert done.status_code == 200 and "1 person(s) will be asked" in text(done)
    session.expire_all()
    nominated = session.scalars(select(Rater).where(Rater.source == "nomination")).all()
    assert [(r.name, r.relation, r.participant_id) for r in nominated] == [("Vanna Kim", "peer", s.participant.id)]


def test_nomination_needs_the_participants_own_submitted_survey(app, session, s) -> None:
    stranger = app.test_client()
    assert stranger.post(f"/survey/wave/{s.wave.id}/raters", data={"name_0": "X"}).status_code == 403
    client = app.test_client()
    client.get(f"/s/{s.token}")
    not_yet = client.post(f"/survey/wave/{s.wave.id}/raters",
                          data={"name_0": "Vanna", "email_0": "v@example.gov.kh", "relation_0": "peer"})
    assert not_yet.status_code == 404  # nothing submitted: the same answer as for a wave they cannot see
    assert session.scalar(select(func.count()).select_from(Rater)) == 1
