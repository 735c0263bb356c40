"""The participant's survey pages through Flask's test client: flows, bad input, security, weight."""

from __future__ import annotations

import io
import re
from datetime import timedelta
from html.parser import HTMLParser
from pathlib import Path

import pytest
from sqlalchemy import func, select

from lipassess import db as lipassess_db
from lipassess.services.links import issue_link, revoke_link
from lipassess.services.surveys import answer_key
from lipassess.store.models import Answer, EnrolmentStatus, Invitation, Response, ResponseStatus, WaveKind
from lipassess.store.types import utcnow
from lipassess.web.survey import CAMBODIA, bind_participant
from tests.survey_factories import (
    all_answers,
    build,
    make_participant,
    make_wave,
    register,
    sample_definition,
)

STATIC = Path(__file__).resolve().parents[2] / "lipassess" / "static"


@pytest.fixture
def s(app, session):
    return build(session)


def start(client, s, *, consent: bool = True):
    opened = client.get(f"/s/{s.token}")
    assert opened.status_code == 303
    if consent:
        assert client.post(s.url(), data={"consent": "yes"}).status_code == 303


def text(response) -> str:
    return response.get_data(as_text=True)


def fieldset(html: str, key: str) -> str:
    found = re.search(r'<(fieldset|div) class="item[^"]*" id="q-' + re.escape(key.replace(".", "-")) + r'".*?</\1>',
                      html, re.S)
    assert found, key
    return found.group(0)


def snapshot(session):
    session.expire_all()
    responses = session.execute(select(Response.id, Response.status, Response.consent_at, Response.submitted_at)
                                .order_by(Response.id)).all()
    answers = session.execute(select(Answer.response_id, Answer.item_key, Answer.value_number, Answer.value_text)
                              .order_by(Answer.id)).all()
    return [tuple(r) for r in responses], [tuple(a) for a in answers]


KHMER_MONTHS = ("មករា", "កុម្ភៈ", "មីនា", "មេសា", "ឧសភា", "មិថុនា", "កក្កដា", "សីហា", "កញ្ញា", "តុលា",
                "វិច្ឆិកា", "ធ្នូ")


def khmer_day(day) -> str:
    """A day as official Khmer documents write it, with no-break spaces: ថ្ងៃទី ១៩ ខែកុម្ភៈ ឆ្នាំ ២០២៤."""
    digits = str.maketrans("0123456789", "០១២៣៤៥៦៧៨៩")
    return (f"ថ្ងៃទី\u00a0{str(day.day).translate(digits)}\u00a0ខែ{KHMER_MONTHS[day.month - 1]}"
            f"\u00a0ឆ្នាំ\u00a0{str(day.year).translate(digits)}")


def page_answers(s, **values) -> dict[str, str]:
    return {s.key(k): v for k, v in values.items()}


# --------------------------------------------------------------------------- personal links


@pytest.mark.postgres
def test_link_binds_the_participant_and_redirects_to_a_clean_url(client, s, session) -> None:
    response = client.get(f"/s/{s.token}")
    assert response.status_code == 303
    assert response.headers["Location"] == s.url()
    assert s.token not in response.headers["Location"]
    assert response.headers["Referrer-Policy"] == "no-referrer"
    assert response.headers["Cache-Control"] == "no-store"
    with client.session_transaction() as cookie:
        assert cookie["participant_id"] == s.participant.id
        assert cookie["survey_via"] == "link"
        assert cookie["survey_links"] == {str(s.wave.id): session.scalar(select(Invitation.id))}
    consent = client.get(s.url())
    assert consent.status_code == 200
    assert '<html lang="km">' in text(consent) and "មុនពេលចាប់ផ្តើម" in text(consent)
    assert consent.headers["Referrer-Policy"] == "same-origin"
    assert "default-src 'none'" in consent.headers["Content-Security-Policy"]
    assert session.scalar(select(Response.channel)) == "link"


def _mangled(token: str) -> list[str]:
    return [token[:-1] + ("A" if token[-1] != "A" else "B"), token[:20], "A" * 43, "not-a-token"]


@pytest.mark.postgres
def test_unknown_and_tampered_links_get_the_same_page_that_reveals_nothing(app, s) -> None:
    bodies = set()
    for bad in _mangled(s.token):
        response = app.test_client().get(f"/s/{bad}")
        assert response.status_code == 404
        body = text(response)
        assert "This link is not valid" in body and "តំណនេះមិនត្រឹមត្រូវទេ" in body  # nobody known: both languages
        assert s.participant.firstname not in body and s.participant.pseudonym not in body
        assert "expired" not in body
        bodies.add(re.sub(r'name="csrf_token" value="[^"]*"', "", body))
        with app.test_client() as fresh:
            fresh.get(f"/s/{bad}")
            with fresh.session_transaction() as cookie:
                assert "participant_id" not in cookie
    assert len(bodies) == 1
    assert app.test_client().get(f"/s/{s.token}/extra").status_code == 404


@pytest.mark.postgres
def test_expired_and_revoked_links_say_so(app, session, s) -> None:
    invitation = session.scalar(select(Invitation))
    invitation.expires_at = utcnow() - timedelta(seconds=1)
    session.commit()
    expired = app.test_client().get(f"/s/{s.token}")
    assert expired.status_code == 410
    assert "This link has expired" in text(expired) and "newest message" in text(expired)
    assert "តំណនេះផុតសុពលភាពហើយ" in text(expired)
    invitation.expires_at = utcnow() + timedelta(days=1)
    revoke_link(session, participant_id=s.participant.id, wave_id=s.wave.id, now=utcnow())
    session.commit()
    revoked = app.test_client().get(f"/s/{s.token}")
    assert revoked.status_code == 410 and "withdrawn" in text(revoked)


def test_a_rotated_link_stops_working(app, session, s) -> None:
    issue_link(session, participant=s.participant, wave=s.wave, now=utcnow(), ttl_days=60)
    session.commit()
    assert app.test_client().get(f"/s/{s.token}").status_code == 404


def test_revoking_the_invitation_ends_an_open_link_session(client, session, s) -> None:
    start(client, s)
    for page in (1, 2):
        client.post(s.url(f"/page/{page}"), data={**all_answers(s.version.id), "action": "save"})
    assert client.get(s.url("/page/1")).status_code == 200
    revoke_link(session, participant_id=s.participant.id, wave_id=s.wave.id, now=utcnow())
    session.commit()
    before = snapshot(session)
    assert client.get(s.url("/page/1")).status_code == 410
    changed = {**all_answers(s.version.id, value=1), "action": "save"}
    assert client.post(s.url("/page/1"), data=changed).status_code == 410
    assert client.post(s.url("/review"), data={}).status_code == 410  # a complete draft, but the link is gone
    assert snapshot(session) == before


# --------------------------------------------------------------------------- the whole flow


@pytest.mark.postgres
def test_consent_pages_review_submit_receipt(client, session, s) -> None:
    start(client, s, consent=False)
    refused = client.post(s.url(), data={})
    assert refused.status_code == 400 and 'aria-invalid="true"' in text(refused)
    assert session.scalar(select(Response.consent_at)) is None
    assert client.get(s.url("/page/1")).headers["Location"] == s.url()  # consent first

    consent = client.post(s.url(), data={"consent": "yes"})
    assert consent.headers["Location"] == s.url("/page/1")
    first = client.get(s.url("/page/1"))
    html = text(first)
    assert first.status_code == 200 and "ទំព័រ\u00a0១ នៃ ២" in html  # Khmer digits, one counter
    assert '<progress max="2" value="1"' in html
    answers = all_answers(s.version.id, value=4)
    page_one = {k: v for k, v in answers.items() if k.split(".")[-1] in {f"L{i}" for i in range(1, 9)}}
    moved = client.post(s.url("/page/1"), data={**page_one, "action": "next"})
    assert moved.status_code == 303 and moved.headers["Location"] == s.url("/page/2")
    rest = {k: v for k, v in answers.items() if k not in page_one}
    rest[s.key("T1")] = "ការផ្លាស់ប្តូរ <b>ធំ</b>"
    to_review = client.post(s.url("/page/2"), data={**rest, "action": "next"})
    assert to_review.headers["Location"] == s.url("/review")
    review = text(client.get(s.url("/review")))
    assert "ការផ្លាស់ប្តូរ &lt;b&gt;ធំ&lt;/b&gt;" in review and "<b>ធំ</b>" not in review
    assert "៤ · យល់ស្រប" in review
    submitted = client.post(s.url("/review"), data={})
    assert submitted.status_code == 303 and submitted.headers["Location"] == s.url("/receipt")
    receipt = client.get(s.url("/receipt"))
    body = text(receipt)
    response = session.scalar(select(Response))
    assert response.status is ResponseStatus.SUBMITTED and response.language == "km"
    code = re.search(r'<strong class="code">([0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4})</strong>', body).group(1)
    assert "សូមអរគុណ" in body and "ម៉ោងកម្ពុជា" in body and code in body
    assert session.scalar(select(func.count()).select_from(Answer)) == len(answers) + 1
    # Entry point and pages now lead to the receipt.
    assert client.get(s.url()).headers["Location"] == s.url("/receipt")
    assert client.get(s.url("/page/1")).headers["Location"] == s.url("/receipt")


@pytest.mark.postgres
def test_leaving_and_coming_back_resumes_the_draft(app, session, s) -> None:
    first_visit = app.test_client()
    start(first_visit, s)
    saved = first_visit.post(s.url("/page/1"), data={**page_answers(s, L1="2", L2="9"), "action": "save"})
    assert saved.headers["Location"] == s.url("/page/1?saved=1")
    notice = text(first_visit.get(saved.headers["Location"]))
    assert 'role="status"' in notice and "ចម្លើយរបស់លោកអ្នកត្រូវបានរក្សាទុក" in notice

    later = app.test_client()  # another day, another browser: the same link again
    assert later.get(f"/s/{s.token}").status_code == 303
    resume = later.get(s.url())
    assert resume.status_code == 303 and resume.headers["Location"] == s.url("/page/1")
    html = text(later.get(resume.headers["Location"]))
    assert re.search(r'value="2" checked', fieldset(html, s.key("L1")))
    assert re.search(r'value="9" checked', fieldset(html, s.key("L2")))
    assert "checked" not in fieldset(html, s.key("L3"))
    full = {k: v for k, v in all_answers(s.version.id).items()}
    later.post(s.url("/page/1"), data={**full, "action": "save"})
    assert later.get(s.url()).headers["Location"] == s.url("/page/2")  # first page with something missing


def test_back_and_page_navigation(client, s) -> None:
    start(client, s)
    back = client.post(s.url("/page/2"), data={"action": "back"})
    assert back.headers["Location"] == s.url("/page/1")
    assert client.get(s.url("/page/3")).status_code == 404
    assert client.get(s.url("/page/0")).status_code == 404
    assert client.post(s.url("/page/1"), data={"action": "delete-everything"}).status_code == 400


@pytest.mark.postgres
@pytest.mark.parametrize("number", [0, 3, 99])
def test_a_save_to_a_page_the_survey_does_not_have_is_a_404_that_changes_nothing(client, session, s,
                                                                                 number) -> None:
    start(client, s)
    assert client.get(s.url("/page/1")).status_code == 200  # the wave is known here: the one-statement save runs
    client.post(s.url("/page/1"), data={**page_answers(s, L1="4", L2="5", L3="1"), "action": "save"})
    before = snapshot(session)
    assert [a[2] for a in before[1]] == [4, 5, 1]
    sent = client.post(s.url(f"/page/{number}"), data={**page_answers(s, L1="", L2="1"), "action": "save"})
    assert sent.status_code == 404
    assert snapshot(session) == before  # neither cleared nor changed


def test_language_switch_keeps_the_answers_of_the_page(client, session, s) -> None:
    start(client, s)
    switched = client.post(s.url("/page/1"), data={**page_answers(s, L1="3"), "action": "lang:en"})
    assert switched.headers["Location"] == s.url("/page/1")
    html = text(client.get(s.url("/page/1")))
    assert '<html lang="en">' in html and "Page 1 of 2" in html and "Strongly disagree" in html
    assert re.search(r'value="3" checked', fieldset(html, s.key("L1")))
    assert session.scalar(select(Response.language)) == "en"
    back = client.get(s.url("/page/1?lang=km"))
    assert back.status_code == 303 and back.headers["Location"] == s.url("/page/1")
    assert '<html lang="km">' in text(client.get(s.url("/page/1")))


def test_participant_language_is_the_default(app, session) -> None:
    s = build(session, language="en")
    client = app.test_client()
    start(client, s)
    assert '<html lang="en">' in text(client.get(s.url("/page/1")))


# --------------------------------------------------------------------------- validation


@pytest.mark.parametrize(("item", "value"), [("L1", "6"), ("L1", "0"), ("Y1", "7"), ("C1", "x"), ("T1", "y" * 201)])
def test_bad_values_are_shown_next_to_the_item_and_nothing_is_stored(client, session, s, item, value) -> None:
    start(client, s)
    client.post(s.url("/page/1"), data={**page_answers(s, L2="4"), "action": "save"})
    before = snapshot(session)
    number = 1 if item == "L1" else 2
    response = client.post(s.url(f"/page/{number}"), data={s.key(item): value, s.key("L2"): "1", "action": "next"})
    html = text(response)
    assert response.status_code == 400
    assert "គ្មានអ្វីនៅលើទំព័រនេះត្រូវបានរក្សាទុកទេ" in html
    block = fieldset(html, s.key(item))
    assert 'class="error"' in block and "invalid" in block and 'aria-' in block
    assert snapshot(session) == before


def test_unknown_items_and_other_versions_are_refused(client, session, s) -> None:
    other = register(session, sample_definition(instrument_id="lip-other"))
    session.commit()
    start(client, s)
    before = snapshot(session)
    for key in (s.key("NOPE"), answer_key(other.id, "L1"), "a.1.L1.extra"):
        response = client.post(s.url("/page/1"), data={key: "3", s.key("L1"): "4", "action": "save"})
        assert response.status_code == 400, key
        assert "not part of this survey" in text(response) or "មិនមែនជាផ្នែកនៃការស្ទង់មតិនេះ" in text(response)
    assert snapshot(session) == before


def test_the_same_item_twice_in_one_post_is_refused(client, session, s) -> None:
    start(client, s)
    response = client.post(s.url("/page/1"), data={s.key("L1"): ["1", "5"], "action": "next"})
    assert response.status_code == 400


def test_next_with_required_answers_missing_saves_and_points_at_them(client, session, s) -> None:
    start(client, s)
    response = client.post(s.url("/page/1"), data={**page_answers(s, L1="5"), "action": "next"})
    html = text(response)
    assert response.status_code == 200
    assert "ចម្លើយរបស់លោកអ្នកត្រូវបានរក្សាទុក ប៉ុន្តែ" in html
    assert "សំណួរទី\u00a0២៖ សូមជ្រើសរើសចម្លើយមួយ។" in fieldset(html, s.key("L2"))
    assert 'class="error"' not in fieldset(html, s.key("L1"))
    assert session.scalar(select(Answer.value_number)) == 5.0


@pytest.mark.postgres
def test_submit_with_missing_answers_lists_them_and_stores_nothing(client, session, s) -> None:
    start(client, s)
    client.post(s.url("/page/1"), data={**page_answers(s, L1="5"), "action": "save"})
    before = snapshot(session)
    response = client.post(s.url("/review"), data={})
    html = text(response)
    assert response.status_code == 400
    assert "សំណួរចាំបាច់មួយចំនួនមិនទាន់បានឆ្លើយនៅឡើយ" in html
    assert f'href="#r-{s.key("L2").replace(".", "-")}"' in html
    assert f'href="#r-{s.key("L1").replace(".", "-")}"' not in html
    assert snapshot(session) == before


def test_oversized_body_gets_413_and_nothing_changes(client, session, s) -> None:
    start(client, s)
    before = snapshot(session)
    response = client.post(s.url("/page/2"), data={s.key("T1"): "x" * (300 * 1024), "action": "save"})
    assert response.status_code == 413
    assert "អ្វីដែលលោកអ្នកបានផ្ញើធំពេក" in text(response)
    assert snapshot(session) == before


@pytest.mark.parametrize(("kwargs", "status"), [
    ({"json": {"action": "next"}}, 415),
    ({"data": "<answers/>", "content_type": "application/xml"}, 415),
    ({"data": {"action": "save", "f": (io.BytesIO(b"x"), "x.txt")}, "content_type": "multipart/form-data"}, 415),
])
def test_wrong_content_types_get_415(client, session, s, kwargs, status) -> None:
    start(client, s)
    before = snapshot(session)
    response = client.post(s.url("/page/1"), **kwargs)
    assert response.status_code == status
    assert "application/x-www-form-urlencoded" in text(response)
    assert snapshot(session) == before


@pytest.mark.postgres
def test_closed_wave_page(client, session, s) -> None:
    start(client, s)
    s.wave.closes_at = utcnow() - timedelta(minutes=1)
    s.wave.opens_at = utcnow() - timedelta(days=20)
    session.commit()
    before = snapshot(session)
    for response in (client.get(s.url("/page/1")),
                     client.post(s.url("/page/1"), data={**page_answers(s, L1="1"), "action": "save"}),
                     client.post(s.url("/review"), data={})):
        assert response.status_code == 410
        assert "ការស្ទង់មតិនេះបានបិទហើយ" in text(response)
        assert khmer_day(s.wave.closes_at.astimezone(CAMBODIA).date()) in text(response)
        assert s.wave.closes_at.astimezone(CAMBODIA).strftime("%d-%m-%Y") not in text(response)
    assert snapshot(session) == before


def test_wave_not_open_yet(app, session) -> None:
    s = build(session, opens=3, closes=20)
    client = app.test_client()
    client.get(f"/s/{s.token}")
    response = client.get(s.url())
    assert response.status_code == 409 and "មិនទាន់បើក" in text(response)


@pytest.mark.postgres
@pytest.mark.parametrize(("change", "status", "words"), [
    ("withdrawn", 403, "លោកអ្នកបានដកខ្លួនចេញពីការវាយតម្លៃ"),
    ("unenrolled", 403, "លោកអ្នកលែងបានចុះឈ្មោះក្នុងវគ្គសិក្សានេះទៀតហើយ"),
])
def test_withdrawn_and_unenrolled_participants(client, session, s, change, status, words) -> None:
    start(client, s)
    client.post(s.url("/page/1"), data={**page_answers(s, L1="2"), "action": "save"})
    if change == "withdrawn":
        s.participant.withdrawn_at = utcnow()
    else:
        s.participant.enrolments[0].status = EnrolmentStatus.UNENROLLED
    session.commit()
    before = snapshot(session)
    for response in (client.get(s.url("/page/1")),
                     client.post(s.url("/page/1"), data={**page_answers(s, L1="5"), "action": "save"})):
        assert response.status_code == status and words in text(response)
    assert snapshot(session) == before


# --------------------------------------------------------------------------- exactly once, security


@pytest.mark.postgres
def test_double_submit_and_later_edits_keep_the_first_submission(app, session, s) -> None:
    tab_one, tab_two = app.test_client(), app.test_client()
    start(tab_one, s)
    tab_two.get(f"/s/{s.token}")
    tab_one.post(s.url("/page/1"), data={**all_answers(s.version.id, value=2), "action": "save"})
    first = tab_one.post(s.url("/review"), data={})
    second = tab_one.post(s.url("/review"), data={})  # double click
    other_tab = tab_two.post(s.url("/review"), data={})
    assert first.headers["Location"] == second.headers["Location"] == other_tab.headers["Location"] == s.url("/receipt")
    before = snapshot(session)
    late_edit = tab_two.post(s.url("/page/1"), data={**page_answers(s, L1="5"), "action": "save"})
    assert late_edit.status_code == 409
    assert "លោកអ្នកបានដាក់ស្នើការស្ទង់មតិនេះរួចហើយ" in text(late_edit)
    assert f'href="{s.url("/receipt")}"' in text(late_edit)
    assert tab_two.post(s.url(), data={"consent": "yes"}).status_code == 303
    assert snapshot(session) == before
    assert session.scalar(select(func.count()).select_from(Response)) == 1


@pytest.mark.postgres
def test_no_link_can_read_or_write_another_participants_response(app, session, s) -> None:
    # Bea is in another cohort, Chan in the same cohort; each has their own link.
    bea = build(session)
    chan = make_participant(session, s.cohort)
    chan_token = issue_link(session, participant=chan, wave=s.wave, now=utcnow(), ttl_days=60)
    session.commit()
    chan_client = app.test_client()
    chan_client.get(f"/s/{chan_token}")
    chan_client.post(s.url(), data={"consent": "yes"})
    chan_client.post(s.url("/page/1"), data={**page_answers(s, L1="1"), "action": "save"})
    before = snapshot(session)

    mine = app.test_client()
    start(mine, s)  # my own link: my response only
    mine_before = snapshot(session)
    # Altered wave ids: Bea's wave, a made-up wave, and Bea's wave through a POST.
    for url in (bea.url(), bea.url("/page/1"), bea.url("/receipt"), "/survey/wave/987654",
                "/survey/wave/987654/review"):
        response = mine.get(url)
        assert response.status_code == 404, url
        assert "ការស្ទង់មតិនេះមិនមានសម្រាប់លោកអ្នកទេ" in text(response) or "រកមិនឃើញទំព័រ" in text(response)
    assert mine.post(bea.url("/page/1"), data={**page_answers(bea, L1="3"), "action": "save"}).status_code == 404
    # Chan's answers are not visible to me: my page shows nothing chosen.
    html = text(mine.get(s.url("/page/1")))
    assert "checked" not in html
    # A crafted session cookie cannot name Chan: the session is signed.
    with mine.session_transaction() as cookie:
        cookie["participant_id"] = chan.id  # what a server-side bug would do; the link grant no longer matches
    assert mine.get(s.url("/page/1")).status_code == 404
    assert snapshot(session) == mine_before
    chan_rows = [a for a in mine_before[1] if a[0] == before[1][0][0]]
    assert chan_rows == before[1]


def test_a_link_session_reaches_only_its_own_wave(app, session, s) -> None:
    post_wave = make_wave(session, s.cohort, kind=WaveKind.POST, versions=[s.version],
                          opens_at=utcnow() - timedelta(days=1), closes_at=utcnow() + timedelta(days=3))
    session.commit()
    client = app.test_client()
    start(client, s)
    assert client.get(f"/survey/wave/{post_wave.id}").status_code == 404
    # An LTI launch of the same participant reaches every wave of their cohort.
    with client.session_transaction() as cookie:
        cookie["survey_via"] = "lti"
        cookie.pop("survey_links")
    assert client.get(f"/survey/wave/{post_wave.id}").status_code == 200


def test_bind_participant_rules(app) -> None:
    with app.test_request_context():
        from flask import session as cookie

        bind_participant(7, via="link", wave_id=1, invitation_id=11)
        bind_participant(7, via="link", wave_id=2, invitation_id=12)
        assert cookie["survey_links"] == {"1": 11, "2": 12} and cookie["survey_via"] == "link"
        bind_participant(8, via="link", wave_id=3, invitation_id=13)  # someone else on the same phone
        assert cookie["survey_links"] == {"3": 13} and cookie["participant_id"] == 8
        bind_participant(8, via="lti")
        assert "survey_links" not in cookie and cookie["survey_via"] == "lti"
        bind_participant(8, via="link", wave_id=4, invitation_id=14)
        assert cookie["survey_via"] == "lti"
        with pytest.raises(ValueError):
            bind_participant(8, via="email")
        with pytest.raises(ValueError):
            bind_participant(8, via="link")


def test_without_a_participant_the_pages_answer_403(app, s) -> None:
    response = app.test_client().get(s.url())
    assert response.status_code == 403
    assert "Open the survey from your course or your link" in text(response)


def test_every_form_carries_and_needs_a_csrf_token(csrf_app) -> None:
    factory = lipassess_db.session_factory(csrf_app)
    with factory() as session:
        s = build(session)
    client = csrf_app.test_client()
    client.get(f"/s/{s.token}")
    consent_page = text(client.get(s.url()))
    token = re.search(r'name="csrf_token" value="([^"]+)"', consent_page).group(1)
    refused = client.post(s.url(), data={"consent": "yes"})
    assert refused.status_code == 400 and "ទំព័រនេះផុតសុពលភាពហើយ" in text(refused)
    forged = client.post(s.url(), data={"consent": "yes", "csrf_token": token[:-2] + "xx"})
    assert forged.status_code == 400
    assert client.post(s.url(), data={"consent": "yes", "csrf_token": token}).status_code == 303
    page = text(client.get(s.url("/page/1")))
    assert page.count('name="csrf_token"') == 1
    assert client.post(s.url("/page/1"), data={"action": "save"}).status_code == 400
    review = text(client.get(s.url("/review")))
    assert 'name="csrf_token"' in review
    assert client.post(s.url("/review"), data={}).status_code == 400


# --------------------------------------------------------------------------- pages themselves


def test_unknown_survey_paths_and_methods_get_survey_pages(client, s) -> None:
    start(client, s)
    assert client.get("/survey/wave/abc").status_code == 404
    assert "រកមិនឃើញទំព័រ" in text(client.get("/survey/nothing/here"))
    wrong_method = client.post(s.url("/receipt"), data={})
    assert wrong_method.status_code == 405 and "ទំព័រនេះមិនអាចប្រើតាមរបៀបនោះបានទេ" in text(wrong_method)


class _Elements(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.elements: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.elements.append((tag, dict(attrs)))


def test_form_page_structure_is_accessible(client, s) -> None:
    start(client, s)
    html = text(client.get(s.url("/page/2")))
    parser = _Elements()
    parser.feed(html)
    tags = parser.elements
    assert tags[0] == ("html", {"lang": "km"})
    label_for = {a["for"] for t, a in tags if t == "label"}
    radios = [a for t, a in tags if t == "input" and a.get("type") == "radio"]
    assert radios and all(r["id"] in label_for for r in radios)
    textareas = [a for t, a in tags if t == "textarea"]
    assert textareas and all(a["id"] in label_for for a in textareas)
    assert html.count("<fieldset") == html.count("<legend") == 6  # L9..L12, Y1, C1
    assert "(មិនបង្ខំ)" in fieldset(html, s.key("C1"))
    assert [a["lang"] for t, a in tags if t == "button" and a.get("value", "").startswith("lang:")] == ["en"]
    assert ("span", {"aria-current": "true", "lang": "km"}) in tags
    assert 'aria-labelledby="progress-label"' in html
    scripts = [a for t, a in tags if t == "script"]  # one deferred script of our own, versioned like the CSS
    assert len(scripts) == 1 and set(scripts[0]) == {"src", "defer"}
    assert re.fullmatch(r"/static/survey\.js(\?v=[0-9a-f]+)?", scripts[0]["src"] or "")


def _luminance(hex_colour: str) -> float:
    channels = [int(hex_colour[i:i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def _contrast(a: str, b: str) -> float:
    hi, lo = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def test_stylesheet_contrast_focus_and_font() -> None:
    css = (STATIC / "survey.css").read_text(encoding="utf-8")
    colours = dict(re.findall(r"--([a-z-]+):(#[0-9a-f]{6})", css))
    assert _contrast("#767676", "#ffffff") == pytest.approx(4.54, abs=0.01)  # WCAG formula sanity check
    for name in ("fg", "muted", "accent", "error"):
        assert _contrast(colours[name], colours["bg"]) >= 4.5, name
    assert _contrast(colours["accent"], colours["accent-bg"]) >= 4.5
    assert _contrast("#ffffff", colours["accent"]) >= 4.5  # primary button text
    assert _contrast(colours["line"], colours["bg"]) >= 3  # borders of inputs (non-text contrast)
    assert ":focus-visible{outline:3px solid" in css
    assert "@font-face" not in css  # the Khmer font is in khmer.css, linked by Khmer pages only
    khmer = (STATIC / "khmer.css").read_text(encoding="utf-8")
    assert "url(fonts/NotoSansKhmer-Regular.woff2)" in khmer and "unicode-range:U+1780-17FF" in khmer
    assert "http" not in css + khmer  # no CDN


def test_khmer_font_is_served_by_the_app_with_its_license(client) -> None:
    for weight in ("Regular", "Bold"):
        font = client.get(f"/static/fonts/NotoSansKhmer-{weight}.woff2")
        assert font.status_code == 200 and font.data[:4] == b"wOF2"
        font.close()
    license_text = (STATIC / "fonts" / "OFL.txt").read_text(encoding="utf-8")
    assert "SIL OPEN FONT LICENSE Version 1.1" in license_text and "Google" in license_text


def test_form_page_weighs_under_100_kb_before_fonts(app, session) -> None:
    # A heavy page: ten items of long Khmer text on a fully labelled 7-point scale plus a missing code.
    heavy = sample_definition(n_likert=10)
    heavy["items"] = [item for item in heavy["items"] if item.get("scale")]
    for item in heavy["items"]:
        item["text"]["km"] = item["text"]["km"] * 6
    heavy["scales"]["agree5"]["max"] = 7
    heavy["scales"]["agree5"]["points"] = [
        {"value": v, "label": {"en": f"Point {v} of the scale", "km": f"ចំណុចទី {v} នៃមាត្រដ្ឋាន"}} for v in range(1, 8)]
    s = build(session, definition=heavy)
    client = app.test_client()
    start(client, s)
    html = client.get(s.url("/page/1")).data
    assert html.count(b'class="item') == 10 and html.count(b'type="radio"') == 10 * 8
    linked = re.findall(rb'<link rel="stylesheet" href="([^"]+)"', html) + re.findall(rb'<script src="([^"]+)"', html)
    assert len(linked) >= 2
    css = b""
    for href in linked:
        sheet = client.get(href.decode())
        assert sheet.status_code == 200
        css += sheet.data
        sheet.close()
    total = len(html) + len(css)
    print(f"form page: {len(html)} bytes of HTML + {len(css)} bytes of CSS and script = {total} bytes")
    assert total < 100 * 1024, total
    scripts = re.findall(rb'<script src="([^"]+)"', html)
    assert html.count(b"<script") == len(scripts) == 1 and b"<img" not in html


def test_an_lti_session_opens_in_the_launch_language(app, session) -> None:
    s = build(session, language="km")
    client = app.test_client()
    with client.session_transaction() as cookie:  # what lipassess.web.lti leaves after a learner launch
        cookie["participant_id"] = s.participant.id
        cookie["lti"] = {"language": "en", "wave_id": s.wave.id}
    response = client.get(s.url())
    assert response.status_code == 200 and '<html lang="en">' in text(response)
    assert session.scalar(select(Response.channel)) == "lti"
