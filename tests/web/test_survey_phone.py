"""A participant on a phone, without a browser: saving each answer as it is chosen, numbered errors,
the consent error on top, one Khmer voice with Khmer digits (issue 13, points 4, 5, 6 and 8).

The browser side (sizes, focus, offline, reload) is in ``test_survey_phone_browser.py``.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
from sqlalchemy import func, select

from lipassess import create_app
from lipassess import db as lipassess_db
from lipassess.store.models import Answer, Response, ResponseStatus
from lipassess.text import survey as survey_text
from lipassess.text.lti import LANDING
from tests.survey_factories import all_answers, build, make_participant, sample_definition
from tests.web.test_survey import page_answers, snapshot, start, text

KHMER = re.compile(r"[\u1780-\u17FF]")


@pytest.fixture
def s(app, session):
    return build(session)


class _Visible(HTMLParser):
    """The text a participant reads inside ``<main>`` (attributes and scripts left out)."""

    def __init__(self) -> None:
        super().__init__()
        self.inside = False
        self.parts: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.inside = self.inside or tag == "main"

    def handle_endtag(self, tag: str) -> None:
        if tag == "main":
            self.inside = False

    def handle_data(self, data: str) -> None:
        if self.inside:
            self.parts.append(data)


def visible(html: str) -> str:
    parser = _Visible()
    parser.feed(html)
    return " ".join(parser.parts)


# --------------------------------------------------------------------------- saving as each answer is chosen


def autosave(client, s, **values):
    return client.post(s.url("/answers"), data=page_answers(s, **values))


@pytest.mark.postgres
def test_an_answer_saved_earlier_counts_when_the_page_moves_on_without_it(client, session, s) -> None:
    start(client, s)
    autosave(client, s, L1="3")  # chosen on the phone, sent at once; the page's POST below leaves it out
    page_keys = [k for k in all_answers(s.version.id) if k != s.key("L1")]
    html = client.get(s.url("/page/1")).get_data(as_text=True)
    on_page = [k for k in page_keys if f'name="{k}"' in html]
    moved = client.post(s.url("/page/1"), data={**{k: "4" for k in on_page}, "action": "next"})
    assert moved.status_code == 303 and moved.headers["Location"] == s.url("/page/2")
    # And a required question neither sent nor stored still stops the page, naming it.
    client.post(s.url("/answers"), data={s.key("L1"): ""})
    stopped = client.post(s.url("/page/1"), data={**{k: "4" for k in on_page}, "action": "next"})
    assert stopped.status_code == 200 and f'href="#q-{s.key("L1").replace(".", "-")}"' in stopped.get_data(as_text=True)


@pytest.mark.postgres
def test_each_answer_is_stored_as_it_is_chosen_idempotently_and_never_submits(client, session, s) -> None:
    start(client, s)
    first = autosave(client, s, L1="4", T1="ការផ្លាស់ប្តូរ")
    assert first.status_code == 200 and first.is_json
    assert first.get_json() == {"saved": {s.key("L1"): 4, s.key("T1"): "ការផ្លាស់ប្តូរ"}}
    assert first.headers["Cache-Control"] == "no-store"
    after_one = snapshot(session)
    assert autosave(client, s, L1="4", T1="ការផ្លាស់ប្តូរ").get_json() == first.get_json()  # the same again
    assert snapshot(session)[1] == after_one[1]
    assert autosave(client, s, L1="2").get_json() == {"saved": {s.key("L1"): 2}}
    assert autosave(client, s, T1="").get_json() == {"saved": {s.key("T1"): None}}  # cleared, as a page does
    session.expire_all()
    assert session.execute(select(Answer.item_key, Answer.value_number)).all() == [("L1", 2.0)]
    response = session.scalar(select(Response))
    assert response.status is ResponseStatus.DRAFT and response.submitted_at is None
    assert session.scalar(select(func.count()).select_from(Response)) == 1
    # What was saved this way is what the page and the review show.
    assert re.search(r'value="2" checked', text(client.get(s.url("/page/1"))))


def test_saving_an_answer_needs_consent_and_stops_at_submission(client, session, s) -> None:
    start(client, s, consent=False)
    refused = autosave(client, s, L1="4")
    assert refused.status_code == 409 and session.scalar(select(func.count()).select_from(Answer)) == 0
    assert client.post(s.url(), data={"consent": "yes"}).status_code == 303
    client.post(s.url("/page/1"), data={**all_answers(s.version.id), "action": "save"})
    assert client.post(s.url("/review"), data={}).headers["Location"] == s.url("/receipt")
    before = snapshot(session)
    late = autosave(client, s, L1="1")
    assert late.status_code == 409 and "លោកអ្នកបានដាក់ស្នើការស្ទង់មតិនេះរួចហើយ" in text(late)
    assert snapshot(session) == before


@pytest.mark.parametrize(("kwargs", "status"), [
    ({"data": {}}, 400),  # no answer at all
    ({"data": {"a.1.L1.extra": "3"}}, 400),  # not an answer of this survey
    ({"json": {"a.1.L1": "3"}}, 415),
])
def test_bad_autosave_requests_change_nothing(client, session, s, kwargs, status) -> None:
    start(client, s)
    before = snapshot(session)
    assert client.post(s.url("/answers"), **kwargs).status_code == status
    assert snapshot(session) == before


@pytest.mark.parametrize(("item", "value"), [("L1", "6"), ("Y1", "7"), ("T1", "y" * 201)])
def test_an_invalid_answer_is_refused_and_nothing_of_the_request_is_stored(client, session, s, item,
                                                                            value) -> None:
    start(client, s)
    before = snapshot(session)
    response = client.post(s.url("/answers"), data={s.key(item): value, s.key("L2"): "3"})
    assert response.status_code == 400
    assert snapshot(session) == before


def test_autosave_is_only_for_the_sessions_own_wave_and_only_by_post(app, client, session, s) -> None:
    start(client, s)
    other = build(session)
    assert client.post(other.url("/answers"), data=page_answers(other, L1="3")).status_code == 404
    assert client.get(s.url("/answers")).status_code == 405
    assert app.test_client().post(s.url("/answers"), data=page_answers(s, L1="3")).status_code == 403
    assert session.scalar(select(func.count()).select_from(Answer)) == 0


def test_autosave_needs_the_pages_csrf_token(database_url) -> None:
    app = create_app({"ENV": "testing", "TESTING": True, "DATABASE_URL": database_url,
                      "SECRET_KEY": "csrf-secret-" + "y" * 32, "WTF_CSRF_ENABLED": True})
    try:
        with lipassess_db.session_factory(app)() as session:
            s = build(session)
        client = app.test_client()
        client.get(f"/s/{s.token}")
        token = re.search(r'name="csrf_token" value="([^"]+)"', text(client.get(s.url()))).group(1)
        client.post(s.url(), data={"consent": "yes", "csrf_token": token})
        page = text(client.get(s.url("/page/1")))
        assert f'data-autosave="{s.url("/answers")}"' in page
        assert client.post(s.url("/answers"), data=page_answers(s, L1="3")).status_code == 400
        saved = client.post(s.url("/answers"), data={**page_answers(s, L1="3"), "csrf_token": token})
        assert saved.status_code == 200
    finally:
        lipassess_db.engine_for(app).dispose()


def test_the_device_copy_is_named_per_participant_and_wave_and_the_page_says_what_is_stored(
        app, session, s) -> None:
    neighbour = make_participant(session, s.cohort)  # the same wave, the same phone
    from lipassess.services.links import issue_link
    from lipassess.store.types import utcnow

    token = issue_link(session, participant=neighbour, wave=s.wave, now=utcnow(), ttl_days=60)
    session.commit()
    mine, theirs = app.test_client(), app.test_client()
    start(mine, s)
    mine.post(s.url("/page/1"), data={**page_answers(s, L1="5", L3="9"), "action": "save"})
    theirs.get(f"/s/{token}")
    theirs.post(s.url(), data={"consent": "yes"})
    key_of = re.compile(r'data-draft-key="([0-9a-f]{20})"')
    page = text(mine.get(s.url("/page/1")))
    my_key = key_of.search(page).group(1)
    their_key = key_of.search(text(theirs.get(s.url("/page/1")))).group(1)
    assert my_key != their_key and str(s.participant.id) not in my_key
    stored = re.search(r'data-stored="([^"]*)"', page).group(1)
    assert stored.replace("&#34;", '"') == f'{{"{s.key("L1")}": 5, "{s.key("L3")}": 9}}'
    # The review knows the key too, and the receipt tells the script to forget the copy.
    mine.post(s.url("/page/1"), data={**all_answers(s.version.id), "action": "save"})
    mine.post(s.url("/review"), data={})
    assert f'data-draft-done="{my_key}"' in text(mine.get(s.url("/receipt")))


# --------------------------------------------------------------------------- errors you can see


def test_consent_error_is_on_top_focused_and_marks_the_box(client, s) -> None:
    start(client, s, consent=False)
    html = text(client.post(s.url(), data={}))
    main = html[html.index("<main"):]
    assert main.index('class="error-summary"') < main.index("<h1>")  # before anything else on the page
    summary = re.search(r'<div class="error-summary"[^>]*>', main).group(0)
    assert 'role="alert"' in summary and 'tabindex="-1"' in summary and "autofocus" in summary
    box = re.search(r'<input type="checkbox"[^>]*>', main).group(0)
    assert 'aria-invalid="true"' in box and 'aria-describedby="consent-err"' in box
    assert re.search(r'<p class="error" id="consent-err">[^<]+</p>', main)
    assert '<a href="#consent">' in summary + main[main.index(summary):main.index("</div>")]


def test_page_errors_name_their_numbered_questions_in_form_order(client, s) -> None:
    start(client, s)
    client.post(s.url("/page/1"), data={**page_answers(s, **{f"L{n}": "3" for n in range(1, 9)}), "action": "save"})
    # Page 2 holds questions 9 to 16 (L9..L12, Y1, C1, T1 of 15 items split 8 + 7).
    html = text(client.post(s.url("/page/2"), data={**page_answers(s, L10="4"), "action": "next"}))
    summary = re.search(r'<div class="error-summary".*?</div>', html, re.S).group(0)
    assert re.findall(r'<li><a href="#q-[^"]+">([^<]+)</a></li>', summary) == [
        "សំណួរទី\u00a0៩៖ សូមជ្រើសរើសចម្លើយមួយ។", "សំណួរទី\u00a0១១៖ សូមជ្រើសរើសចម្លើយមួយ។",
        "សំណួរទី\u00a0១២៖ សូមជ្រើសរើសចម្លើយមួយ។", "សំណួរទី\u00a0១៣៖ សូមជ្រើសរើសចម្លើយមួយ។"]
    assert 'tabindex="-1" autofocus' in summary
    # The number shown above each question is the one the message names.
    assert re.search(r'id="q-a-\d+-L11".*?<span class="qno">សំណួរទី\u00a0១១</span>', html, re.S)
    radios = re.findall(r'<input type="radio" id="q-a-\d+-L9-\d"[^>]*>', html)
    assert radios and all('aria-invalid="true"' in r and 'aria-describedby="q-a-' in r for r in radios)
    assert not re.findall(r'<input type="radio" id="q-a-\d+-L10-\d"[^>]*aria-invalid', html)


def test_english_errors_and_review_are_numbered_too(app, session) -> None:
    s = build(session, language="en")
    client = app.test_client()
    start(client, s)
    client.post(s.url("/page/1"), data={**page_answers(s, L1="5"), "action": "save"})
    review = text(client.post(s.url("/review"), data={}))
    messages = re.findall(r'<li><a href="#r-[^"]+">([^<]+)</a></li>', review)
    assert messages[:2] == ["Question 2: please choose an answer.", "Question 3: please choose an answer."]
    assert len(messages) == 12  # L2..L12 and Y1; C1 and T1 are optional
    assert messages[-1] == "Question 13: please choose an answer."  # Y1, after the twelve scale items


# --------------------------------------------------------------------------- where am I


def test_one_counter_and_a_folded_review_with_the_submit_button(client, s) -> None:
    start(client, s)
    page = text(client.get(s.url("/page/2")))
    assert page.count('class="progress-label"') == 1 and "ផ្នែកទី" not in page  # no "part 1 of 3"
    assert re.search(r'<div class="progress" id="progress">\s*<p class="progress-label"', page)
    client.post(s.url("/page/1"), data={**all_answers(s.version.id), "action": "save"})
    review = text(client.get(s.url("/review")))
    sections = re.findall(r"<details class=\"section\"( open)?>", review)
    assert sections == [""]  # all answered: folded
    assert "បានឆ្លើយ ១៣ នៃ ១៥" in review  # 13 of 15 answered (C1, T1 optional and empty)
    assert review.index("</details>") < review.index('class="primary"')
    missing = text(client.post(s.url("/page/1"), data={**page_answers(s, L4=""), "action": "save"}))
    assert missing  # saved a gap
    review = text(client.get(s.url("/review")))
    assert re.findall(r"<details class=\"section\"( open)?>", review) == [" open"]  # a gap opens its part
    change = re.findall(r'<a class="change" href="[^"]+">', review)
    assert len(change) == 15


# --------------------------------------------------------------------------- one Khmer voice


def _khmer_texts():
    for key, texts in survey_text.UI.items():
        yield f"survey.{key}", texts["km"]
    for key, texts in survey_text.ITEM_ERRORS.items():
        yield f"survey.item.{key}", texts["km"]
    for code, page in survey_text.ERROR_PAGES.items():
        for part, texts in page.items():
            yield f"survey.error.{code}.{part}", texts["km"]
    for key, texts in LANDING.items():
        yield f"lti.{key}", texts["km"]


#: Nouns built on អ្នក ("person who ..."), not the pronoun "you".
COMPOUNDS = ("អ្នកដឹកនាំ", "អ្នកចូលរួម", "អ្នកដទៃ")
UNITS = ("ខែ", "ថ្ងៃ", "នាទី", "ម៉ោង", "ឆ្នាំ", "តួអក្សរ", "នាក់", "ទំព័រ", "សំណួរទី")


@pytest.mark.parametrize(("key", "khmer"), list(_khmer_texts()))
def test_the_participant_is_addressed_politely_and_units_never_break(key: str, khmer: str) -> None:
    pronoun = [m.start() for m in re.finditer("អ្នក", khmer)
               if not khmer.startswith(COMPOUNDS, m.start()) and khmer[max(0, m.start() - 3):m.start()] != "លោក"]
    assert pronoun == [], f"{key}: 'អ្នក' without 'លោក' at {pronoun}: {khmer}"
    assert not re.search(r"[0-9]", khmer), key  # numbers come in through placeholders, in Khmer digits
    number = r"(?:[០-៩]+|\{[a-z_]+\})"
    for unit in UNITS:
        assert not re.search(number + " " + unit, khmer), f"{key}: a line may break before {unit}"
        assert not re.search(unit + " " + number, khmer), f"{key}: a line may break after {unit}"


def test_khmer_pages_show_no_latin_digit(client, session) -> None:
    definition = sample_definition()
    for item in definition["items"]:  # the fixture's item texts number themselves "(1)": write them in Khmer
        item["text"]["km"] = item["text"]["km"].translate(str.maketrans("0123456789", "០១២៣៤៥៦៧៨៩"))
    s = build(session, definition=definition)
    start(client, s)
    for url in ("/page/1", "/page/2"):
        shown = visible(text(client.get(s.url(url))))
        assert KHMER.search(shown) and not re.search(r"[0-9]", shown), (url, re.findall(r".{20}[0-9].{20}", shown))
    incomplete = visible(text(client.post(s.url("/page/2"), data={"action": "next"})))
    assert "សំណួរទី\u00a0៩៖" in incomplete and not re.search(r"[0-9]", incomplete)
    client.post(s.url("/page/1"), data={**all_answers(s.version.id), "action": "save"})
    review = visible(text(client.get(s.url("/review"))))
    assert "៤ · យល់ស្រប" in review and not re.search(r"[0-9]", review)
    client.post(s.url("/review"), data={})
    receipt = visible(text(client.get(s.url("/receipt"))))
    code = re.search(r"[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}", receipt).group(0)
    # The receipt code is an identifier typed back to the program team: it stays as issued.
    assert not re.search(r"[0-9]", receipt.replace(code, "")), receipt
    assert "ថ្ងៃទី\u00a0" in receipt and "ម៉ោងកម្ពុជា" in receipt


def test_error_pages_write_dates_in_each_language(app, session) -> None:
    from lipassess.web.survey import CAMBODIA
    from tests.web.test_survey import khmer_day

    for language in ("km", "en"):
        s = build(session, language=language, opens=3, closes=20)
        client = app.test_client()
        client.get(f"/s/{s.token}")
        page = text(client.get(s.url()))
        day = s.wave.opens_at.astimezone(CAMBODIA).date()
        if language == "km":
            assert khmer_day(day) in page
            assert "កំហុស\u00a0៤០៩" in page and not re.search(r"[0-9]", visible(page))
        else:
            assert f"It opens on {day.day} {day:%B} {day.year}." in page and "Error 409" in page
        assert day.strftime("%d-%m-%Y") not in page
