"""A participant on a phone, in headless Chromium: Khmer form, leave, resume, submit.

Drives Debian's ``chromium`` through Playwright (never Playwright's own
browser download; see :mod:`tests.web.chromium`) against the app served by
werkzeug on 127.0.0.1. Saves a screenshot per step in ``test-artifacts/``.
Locally the test skips when Chromium is missing; with
``LIPASSESS_REQUIRE_SYSTEM=1`` (CI) it fails instead.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from sqlalchemy import select
from werkzeug.serving import make_server

from lipassess import create_app
from lipassess import db as lipassess_db
from lipassess.store.models import Answer, Response, ResponseStatus
from tests.survey_factories import build
from tests.web.chromium import expect

pytestmark = pytest.mark.browser

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


@pytest.fixture
def served(database_url: str) -> Iterator[tuple[str, object]]:
    """The app with CSRF on, served by werkzeug on a free loopback port."""
    app = create_app({"ENV": "testing", "DATABASE_URL": database_url, "SECRET_KEY": "browser-" + "z" * 40,
                      "WTF_CSRF_ENABLED": True})
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}", app
    finally:
        server.shutdown()
        thread.join(10)
        server.server_close()
        lipassess_db.engine_for(app).dispose()


def test_khmer_form_on_a_phone_leave_resume_submit(served, browser) -> None:
    base, app = served
    factory = lipassess_db.session_factory(app)
    with factory() as session:
        s = build(session, language="km")
    version_id = s.version.id
    ARTIFACTS.mkdir(exist_ok=True)
    requested: list[str] = []
    typed = "ខ្ញុំបានរៀបចំកិច្ចប្រជុំក្រុមប្រចាំសប្តាហ៍ ដើម្បីស្តាប់មតិរបស់បុគ្គលិក។"

    phone = {"viewport": {"width": 390, "height": 844}, "device_scale_factor": 2, "is_mobile": True,
             "has_touch": True, "locale": "km-KH"}
    # First visit: consent, answer half of page 1, save and leave.
    context = browser.new_context(**phone)
    page = context.new_page()
    page.on("request", lambda r: requested.append(r.url))
    page.goto(f"{base}/s/{s.token}")
    assert page.url == f"{base}/survey/wave/{s.wave.id}"  # the token left the address bar
    assert page.locator("html").get_attribute("lang") == "km"
    page.screenshot(path=str(ARTIFACTS / "survey-consent-km.png"), full_page=True)
    page.get_by_label("ខ្ញុំបានអានសេចក្តីនេះ ហើយយល់ព្រមចូលរួម។").check()
    page.get_by_role("button", name="ចាប់ផ្តើមការស្ទង់មតិ").click()
    page.wait_for_url("**/page/1")
    expect(page.locator("body > button[hidden]")).to_be_hidden()
    # Keyboard: Tab reaches the first radio and shows a visible focus ring; arrows choose.
    for _ in range(12):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.type") == "radio":
            break
    assert page.evaluate("document.activeElement.name") == f"a.{version_id}.L1"
    assert page.evaluate("getComputedStyle(document.activeElement).outlineWidth") == "3px"
    page.keyboard.press("Space")
    page.keyboard.press("ArrowDown")  # moves the choice from 1 to 2
    assert page.locator(f"#q-a-{version_id}-L1-2").is_checked()
    for n in range(2, 5):
        page.locator(f"label[for='q-a-{version_id}-L{n}-4']").click()
    page.screenshot(path=str(ARTIFACTS / "survey-page1-km-phone.png"), full_page=False)
    page.get_by_role("button", name="រក្សាទុក ហើយបំពេញពេលក្រោយ").click()
    page.wait_for_url("**/page/1?saved=1")
    expect(page.get_by_role("status")).to_be_visible()
    fonts = page.evaluate(
        "document.fonts.ready.then(() => [...document.fonts]"
        ".filter(f => f.family.includes('Noto Sans Khmer') && f.status === 'loaded').map(f => f.weight))")
    assert "400" in fonts, fonts
    assert page.evaluate("document.fonts.check('16px \"Noto Sans Khmer\"', 'ខ្ញុំ')")
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"page is {overflow}px wider than the phone"
    context.close()

    # Later, on a fresh browser session: the same link resumes the draft.
    context = browser.new_context(**phone)
    page = context.new_page()
    page.on("request", lambda r: requested.append(r.url))
    page.goto(f"{base}/s/{s.token}")
    page.wait_for_url("**/page/1")  # consent given before; page 1 still has gaps
    assert page.locator(f"#q-a-{version_id}-L1-2").is_checked()
    assert page.locator(f"#q-a-{version_id}-L4-4").is_checked()
    # Next with gaps: the page says which questions still need an answer.
    page.get_by_role("button", name="រក្សាទុក ហើយបន្ត").click()
    expect(page.get_by_role("alert")).to_be_visible()
    expect(page.locator(f"#q-a-{version_id}-L5 .error")).to_have_text("សំណួរទី\u00a0៥៖ សូមជ្រើសរើសចម្លើយមួយ។")
    for n in range(5, 9):
        page.locator(f"label[for='q-a-{version_id}-L{n}-5']").click()
    # Enter on a radio submits with the page's default action (save and continue), not the
    # language switch that comes first on the page.
    page.locator(f"#q-a-{version_id}-L8-5").press("Enter")
    page.wait_for_url("**/page/2")
    assert page.locator("html").get_attribute("lang") == "km"
    for n in range(9, 13):
        page.locator(f"label[for='q-a-{version_id}-L{n}-3']").click()
    page.locator(f"label[for='q-a-{version_id}-Y1-1']").click()
    page.get_by_label("តើអ្នកបានផ្លាស់ប្តូរអ្វីខ្លះក្នុងការងាររបស់អ្នក? (មិនបង្ខំ)").fill(typed)
    page.screenshot(path=str(ARTIFACTS / "survey-page2-km-phone.png"), full_page=True)
    page.get_by_role("button", name="រក្សាទុក ហើយបន្ត").click()
    page.wait_for_url("**/review")
    expect(page.get_by_text(typed)).to_be_hidden()  # every part is answered: the review is folded
    page.locator("details.section summary").first.click()
    expect(page.get_by_text(typed)).to_be_visible()
    page.get_by_role("button", name="ដាក់ស្នើចម្លើយរបស់ខ្ញុំ").click()
    page.wait_for_url("**/receipt")
    code = page.locator(".code").inner_text()
    page.screenshot(path=str(ARTIFACTS / "survey-receipt-km-phone.png"), full_page=True)
    # Back button and resubmission: the receipt stays the only outcome.
    page.go_back()
    page.goto(f"{base}/survey/wave/{s.wave.id}/review")
    page.wait_for_url("**/receipt")
    expect(page.locator(".code")).to_have_text(code)
    context.close()

    assert {urlsplit(u).netloc for u in requested} == {urlsplit(base).netloc}  # nothing from a CDN
    with factory() as session:
        response = session.scalar(select(Response))
        assert response.status is ResponseStatus.SUBMITTED and response.language == "km"
        answers = {a.item_key: (a.value_number, a.value_text) for a in session.scalars(select(Answer))}
    expected = {"L1": 2.0, **{f"L{n}": 4.0 for n in range(2, 5)}, **{f"L{n}": 5.0 for n in range(5, 9)},
                **{f"L{n}": 3.0 for n in range(9, 13)}, "Y1": 1.0}
    assert {k: v[0] for k, v in answers.items() if k != "T1"} == expected
    assert answers["T1"] == (None, typed)
