"""A participant on a phone (390x844) in headless Chromium: nothing typed is lost, errors you can see,
where am I, tap targets, one Khmer voice (issue 13, points 4 to 8).

Sizes are measured from the rendered page (``bounding_box``); the network is cut with
``context.set_offline`` or by failing requests (``page.route``). Same set-up and markers as
``test_survey_browser.py`` (Debian's chromium, never Playwright's download).
"""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from lipassess import db as lipassess_db
from lipassess.store.models import Answer, Response, ResponseStatus
from tests.survey_factories import build
from tests.web import test_survey_browser as _browser
from tests.web.chromium import expect
from tests.web.test_survey_browser import ARTIFACTS

served = _browser.served  # the same served app fixture

pytestmark = pytest.mark.browser

PHONE = {"viewport": {"width": 390, "height": 844}, "device_scale_factor": 2, "is_mobile": True,
         "has_touch": True}
DRAFT_KEYS = "Object.keys(localStorage).filter(k => k.startsWith('lipassess.draft.'))"


def _stored(app, version_id: int) -> dict[str, float | str | None]:
    with lipassess_db.session_factory(app)() as session:
        return {a.item_key: a.value_number if a.value_text is None else a.value_text
                for a in session.scalars(select(Answer).where(Answer.instrument_version_id == version_id))}


def _open(browser, base: str, token: str, *, locale: str, consent: bool = True, **options):
    context = browser.new_context(**PHONE, locale=locale, **options)
    page = context.new_page()
    page.goto(f"{base}/s/{token}")
    if consent:
        page.locator("#consent").check()
        page.locator("button.primary").click()
        page.wait_for_url("**/page/1")
    return context, page


def test_unsent_answers_survive_offline_a_dropped_connection_and_reload(served, browser) -> None:
    base, app = served
    with lipassess_db.session_factory(app)() as session:
        s = build(session, language="en")
    v = s.version.id
    row = lambda item, value: f"label[for='q-a-{v}-{item}-{value}']"  # noqa: E731
    state = "#draft-state"
    context, page = _open(browser, base, s.token, locale="en-GB")
    expect(page.locator(state)).to_be_hidden()  # nothing to report yet

    # Online: each answer is stored as it is chosen, before any button is pressed.
    page.locator(row("L1", 2)).click()
    expect(page.locator(state)).to_have_attribute("data-state", "saved")
    expect(page.locator(state)).to_have_text("All answers on this page are saved.")
    assert _stored(app, v) == {"L1": 2.0}

    # Offline: kept on the phone, said so; sending the page keeps it instead of the browser's error page.
    context.set_offline(True)
    page.locator(row("L2", 4)).click()
    page.locator(row("L3", 5)).click()
    expect(page.locator(state)).to_have_attribute("data-state", "unsent")
    expect(page.locator(state)).to_contain_text("Not sent yet")
    page.get_by_role("button", name="Save and continue").click()
    expect(page.locator(state)).to_have_attribute("data-state", "offline")
    assert page.url.endswith("/page/1") and page.locator(f"#q-a-{v}-L3-5").is_checked()
    page.screenshot(path=str(ARTIFACTS / "survey-offline-en-phone.png"))
    assert _stored(app, v) == {"L1": 2.0}

    # Back online but the answers still do not get through; a reload brings them back from the phone.
    page.route("**/answers", lambda route: route.abort())
    context.set_offline(False)
    page.reload()
    assert page.locator(f"#q-a-{v}-L2-4").is_checked() and page.locator(f"#q-a-{v}-L3-5").is_checked()
    assert page.locator(f"#q-a-{v}-L1-2").is_checked()  # the server's own copy
    expect(page.locator(state)).to_have_attribute("data-state", "unsent")
    expect(page.locator(state)).to_contain_text("brought back from this phone")
    assert _stored(app, v) == {"L1": 2.0}

    # The connection drops while the page is sent: Chrome's error page, then Back.
    page.route(re.compile(r".*/page/1$"),
               lambda route: route.abort() if route.request.method == "POST" else route.continue_())
    for n in range(4, 9):
        page.locator(row(f"L{n}", 3)).click()
    page.get_by_role("button", name="Save and continue").click()
    page.wait_for_url(re.compile(r"^chrome-error://"))
    page.go_back()
    page.wait_for_url("**/page/1")
    for n in range(4, 9):
        assert page.locator(f"#q-a-{v}-L{n}-3").is_checked(), n
    assert page.locator(f"#q-a-{v}-L2-4").is_checked()
    assert _stored(app, v) == {"L1": 2.0}

    # The network is back: the next answer sends every unsent one; the page goes on.
    page.unroute("**/answers")
    page.unroute(re.compile(r".*/page/1$"))
    page.locator(row("L8", 4)).click()
    expect(page.locator(state)).to_have_attribute("data-state", "saved")
    assert _stored(app, v) == {"L1": 2.0, "L2": 4.0, "L3": 5.0, "L4": 3.0, "L5": 3.0, "L6": 3.0,
                               "L7": 3.0, "L8": 4.0}
    assert page.evaluate(DRAFT_KEYS) == []  # acknowledged: nothing left on the phone
    page.get_by_role("button", name="Save and continue").click()
    page.wait_for_url("**/page/2")

    # Typing, then a reload before the field is left: the text is kept on the phone and comes back.
    typed = "Weekly team meetings where everyone speaks first."
    page.locator(f"#q-a-{v}-T1-in").press_sequentially(typed[:20])
    page.locator(f"#q-a-{v}-T1-in").fill(typed)
    expect(page.locator(state)).to_have_attribute("data-state", "unsent")
    assert len(page.evaluate(DRAFT_KEYS)) == 1
    page.reload()
    expect(page.locator(f"#q-a-{v}-T1-in")).to_have_value(typed)
    expect(page.locator(state)).to_have_attribute("data-state", "saved")  # sent at once on load
    for n in range(9, 13):
        page.locator(row(f"L{n}", 4)).click()
    page.locator(row("Y1", 1)).click()
    page.get_by_role("button", name="Save and continue").click()
    page.wait_for_url("**/review")
    page.get_by_role("button", name="Submit my answers").click()
    page.wait_for_url("**/receipt")
    assert page.evaluate(DRAFT_KEYS) == []
    context.close()
    with lipassess_db.session_factory(app)() as session:
        response = session.scalar(select(Response))
        assert response.status is ResponseStatus.SUBMITTED
    stored = _stored(app, v)
    assert stored["T1"] == typed and stored["L2"] == 4.0 and len(stored) == 14


def test_errors_are_on_top_focused_and_name_their_question(served, browser) -> None:
    base, app = served
    with lipassess_db.session_factory(app)() as session:
        s = build(session, language="en")
    v = s.version.id
    for javascript in (True, False):  # the summary takes the focus with or without the script
        context, page = _open(browser, base, s.token, locale="en-GB", consent=False,
                              java_script_enabled=javascript)
        page.locator("button.primary").click()  # the box is not ticked
        page.wait_for_load_state()
        assert page.evaluate("document.activeElement.id") == "error-summary", javascript
        box = page.locator("#error-summary").bounding_box()
        assert box is not None and 0 <= box["y"] and box["y"] + 40 < 844, box  # in view, on top
        expect(page.locator("#consent")).to_have_attribute("aria-invalid", "true")
        expect(page.locator("#consent")).to_have_attribute("aria-describedby", "consent-err")
        page.screenshot(path=str(ARTIFACTS / f"survey-consent-error-{'js' if javascript else 'nojs'}.png"))
        context.close()

    context, page = _open(browser, base, s.token, locale="en-GB")
    page.locator(f"label[for='q-a-{v}-L2-5']").click()
    page.get_by_role("button", name="Save and continue").click()
    page.wait_for_url("**/page/1")
    assert page.evaluate("document.activeElement.id") == "error-summary"
    links = page.locator("#error-summary li a")
    expect(links).to_have_text([f"Question {n}: please choose an answer." for n in (1, 3, 4, 5, 6, 7, 8)])
    # Following "Question 4" shows question 4 below the sticky counter, not under it.
    links.nth(2).click()
    target = page.locator(f"#q-a-{v}-L4").bounding_box()
    counter = page.locator("#progress").bounding_box()
    assert target and counter and counter["y"] + counter["height"] <= target["y"] < 844, (target, counter)
    expect(page.locator(f"#q-a-{v}-L4 .qno")).to_have_text("Question 4")
    expect(page.locator(f"#q-a-{v}-L4-1")).to_have_attribute("aria-invalid", "true")
    context.close()


def test_progress_stays_in_view_and_every_target_is_big_enough(served, browser) -> None:
    base, app = served
    with lipassess_db.session_factory(app)() as session:
        s = build(session, language="km")
    v = s.version.id
    # Nothing of "៦ ខែ" or "១៥ នាទី" breaks over two lines, even on a narrow phone.
    context, page = _open(browser, base, s.token, locale="km-KH", consent=False)
    page.set_viewport_size({"width": 320, "height": 700})
    for unit in ("៦\u00a0ខែ", "១៥\u00a0នាទី"):
        assert page.evaluate(_ONE_LINE, unit), unit
    page.set_viewport_size(PHONE["viewport"])
    page.locator("#consent").check()
    page.locator("button.primary").click()
    page.wait_for_url("**/page/1")
    expect(page.locator(".progress-label")).to_have_count(1)
    expect(page.locator(".progress-label")).to_have_text("ទំព័រ\u00a0១ នៃ ២")
    page.evaluate("window.scrollTo(0, document.documentElement.scrollHeight)")
    page.wait_for_function("window.scrollY > 500")
    counter = page.locator("#progress").bounding_box()
    assert counter is not None and abs(counter["y"]) <= 1 and counter["height"] < 150, counter
    assert page.evaluate(
        "document.elementFromPoint(195, 10).closest('#progress') !== null")  # on top, not covered

    # Every answer row is one tap target of at least 44 px; a tap anywhere on it chooses.
    heights = page.eval_on_selector_all("label.choice", "els => els.map(e => e.getBoundingClientRect().height)")
    assert len(heights) == 8 * 6 and min(heights) >= 44, min(heights)
    row = page.locator(f"label[for='q-a-{v}-L3-4']")
    row.scroll_into_view_if_needed()
    box = row.bounding_box()
    fieldset = page.locator(f"#q-a-{v}-L3").bounding_box()
    assert box and fieldset and box["width"] >= fieldset["width"] - 2  # the full width of the question
    page.touchscreen.tap(box["x"] + box["width"] - 4, box["y"] + 4)  # the far corner, not the radio
    assert page.locator(f"#q-a-{v}-L3-4").is_checked()
    page.touchscreen.tap(box["x"] + 3, box["y"] + box["height"] - 3)
    assert page.locator(f"#q-a-{v}-L3-4").is_checked()
    page.screenshot(path=str(ARTIFACTS / "survey-sticky-km-phone.png"))

    page.set_viewport_size({"width": 320, "height": 700})
    for unit in ("សំណួរទី\u00a0១", "ទំព័រ\u00a0១"):
        assert page.evaluate(_ONE_LINE, unit), unit
    page.set_viewport_size(PHONE["viewport"])

    # Review: folded by part, Submit in the first screen, Change links of 44x44 at least.
    for n in range(1, 9):
        page.locator(f"label[for='q-a-{v}-L{n}-4']").click()
    page.get_by_role("button", name="រក្សាទុក ហើយបន្ត").click()
    page.wait_for_url("**/page/2")
    for n in range(9, 13):
        page.locator(f"label[for='q-a-{v}-L{n}-4']").click()
    page.locator(f"label[for='q-a-{v}-Y1-1']").click()
    page.get_by_role("button", name="រក្សាទុក ហើយបន្ត").click()
    page.wait_for_url("**/review")
    submit = page.get_by_role("button", name="ដាក់ស្នើចម្លើយរបស់ខ្ញុំ").bounding_box()
    assert submit is not None and submit["y"] + submit["height"] <= 844, submit
    expect(page.locator("details.section")).not_to_have_attribute("open", "")
    page.locator("details.section summary").click()
    sizes = page.eval_on_selector_all(
        "a.change", "els => els.map(e => { const r = e.getBoundingClientRect(); return [r.width, r.height]; })")
    assert len(sizes) == 15 and min(w for w, _ in sizes) >= 44 and min(h for _, h in sizes) >= 44, sizes
    summary = page.locator("details.section summary").bounding_box()
    assert summary is not None and summary["height"] >= 44
    page.screenshot(path=str(ARTIFACTS / "survey-review-km-phone.png"), full_page=True)
    context.close()



def test_the_review_of_a_real_post_wave_folds_with_submit_in_the_first_screen(served, browser) -> None:
    """The bundled post-wave instruments (behaviour, its retrospective pre-test, reaction): every answer
    given, the review shows one folded part per instrument and the Submit button without scrolling."""
    base, app = served
    from datetime import timedelta

    from lipassess.instruments.files import bundled_instruments_dir
    from lipassess.services import surveys
    from lipassess.services.instruments import instrument_of, register_directory
    from lipassess.services.links import issue_link
    from lipassess.store.models import WaveKind
    from lipassess.store.types import utcnow
    from tests.survey_factories import make_cohort, make_participant, make_wave

    with lipassess_db.session_factory(app)() as session:
        now = utcnow()
        versions = {v.instrument_key: v for v in register_directory(session, bundled_instruments_dir())}
        chosen = [versions[k] for k in ("lip-leadership-behaviour", "lip-leadership-behaviour-retro", "lip-reaction")]
        cohort = make_cohort(session)
        wave = make_wave(session, cohort, kind=WaveKind.POST, versions=chosen, opens_at=now - timedelta(days=1),
                         closes_at=now + timedelta(days=9))
        participant = make_participant(session, cohort, language="km")
        token = issue_link(session, participant=participant, wave=wave, now=now, ttl_days=9)
        form = surveys.open_form(session, participant_id=participant.id, wave_id=wave.id, now=now)
        surveys.record_consent(session, participant_id=participant.id, wave_id=wave.id, now=now)
        answers: dict[str, str] = {}
        for version in chosen:
            instrument = instrument_of(version)
            for item in instrument.items:
                key = surveys.answer_key(version.id, item.id)
                if item.type == "text":
                    answers[key] = "ល្អ"
                elif item.type == "yes_no":
                    answers[key] = "1"
                elif item.type == "choice":
                    answers[key] = str(item.options[0].value)
                else:
                    answers[key] = str(instrument.scale_of(item).values[-1])
        surveys.save_draft(session, participant_id=participant.id, wave_id=wave.id, answers=answers, now=now)
        session.commit()
        total = len(answers)
        parts = len(chosen)
        assert form.pages and total >= 60
    context, page = _open(browser, base, token, locale="km-KH", consent=False)
    page.goto(f"{base}/survey/wave/{wave.id}/review")
    expect(page.locator("details.section")).to_have_count(parts)
    expect(page.locator("details.section[open]")).to_have_count(0)
    submit = page.get_by_role("button", name="ដាក់ស្នើចម្លើយរបស់ខ្ញុំ").bounding_box()
    assert submit is not None and submit["y"] + submit["height"] <= 844, submit
    height = page.evaluate("document.documentElement.scrollHeight")
    print(f"review of {total} answers in {parts} parts: page {height} px tall, Submit at {submit['y']:.0f} px")
    page.screenshot(path=str(ARTIFACTS / "survey-review-real-km-phone.png"))
    page.get_by_role("button", name="ដាក់ស្នើចម្លើយរបស់ខ្ញុំ").click()
    page.wait_for_url("**/receipt")
    context.close()


# True when every occurrence of the text in <main> sits on one line (its ranges share one top).
_ONE_LINE = """text => {
  const walker = document.createTreeWalker(document.querySelector('main'), NodeFilter.SHOW_TEXT);
  let found = 0;
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    let at = node.data.indexOf(text);
    while (at >= 0) {
      const range = document.createRange();
      range.setStart(node, at);
      range.setEnd(node, at + text.length);
      const tops = new Set([...range.getClientRects()].map(r => Math.round(r.top)));
      if (tops.size !== 1) return false;
      found += 1;
      at = node.data.indexOf(text, at + 1);
    }
  }
  return found > 0;
}"""
