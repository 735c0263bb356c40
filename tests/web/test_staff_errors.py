"""The staff error pages speak the staff member's language; API errors stay JSON in English.

Each refused or failed staff page (403, 404, 400, 405, 422, 500) is rendered
once with the language chosen by ``?lang=`` or kept in the staff cookie: the
title and the reason come from the catalogue (Khmer words, Khmer digits), and
a reason the catalogue does not know is shown in English behind the marker
that says so. :func:`test_every_message_the_staff_modules_raise_has_its_words`
fails when a staff module raises a message without a ``staff.error.*`` entry.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

import lipassess
from lipassess.errors import NotFound
from lipassess.text import text
from lipassess.vocabulary import khmer_digits
from lipassess.web import staff as staff_web
from lipassess.web.staff_errors import reason_words
from lipassess.web.staff_lang import COOKIE
from tests.web.staff_world import as_lti_instructor, build_world, sign_in
from tests.web.test_staff_khmer import visible

LATIN_DIGIT = re.compile(r"[0-9]")
PACKAGE = Path(lipassess.__file__).parent


def _world(factory) -> dict:
    with factory() as session:
        return build_world(session)


@pytest.fixture
def world(prebuilt) -> dict:
    return prebuilt(_world)


def _in(client, lang: str) -> None:
    client.set_cookie(COOKIE, lang)


def _page(response, lang: str, status: int, reason_key: str, **values: str) -> str:
    """Check the error page of ``response`` in ``lang`` and return its visible text."""
    assert response.status_code == status, response.text[:300]
    assert response.mimetype == "text/html"
    page_lang, words = visible(response.text)
    assert page_lang == lang
    title = text(f"staff.page.error.title.{status}", lang)
    assert f"<h1>{title}</h1>" in response.text
    assert text(f"staff.error.{reason_key}", lang, **values) in words
    assert text("staff.page.error.status", lang, status=khmer_digits(str(status)) if lang == "km" else status) in words
    assert text("staff.page.reason_in_english", lang) not in words
    if lang == "km":
        assert not LATIN_DIGIT.findall(words), words
    return words


@pytest.mark.parametrize("lang", ["en", "km"])
def test_a_role_refused_page_speaks_the_kept_language(client, world, lang: str) -> None:
    assert sign_in(client, "max").status_code == 302  # a manager
    _in(client, lang)
    words = _page(client.get("/staff/status"), lang, 403, "role")
    assert ("Your role does not give access" in words) is (lang == "en")


@pytest.mark.parametrize("lang", ["en", "km"])
def test_an_instructor_of_another_cohort_is_refused_in_the_asked_language(client, world, lang: str) -> None:
    as_lti_instructor(client, world["b"])
    _page(client.get(f"/staff/cohorts/{world['a']}?lang={lang}"), lang, 403, "other_cohort")
    _page(client.get(f"/staff/program?lang={lang}"), lang, 403, "one_cohort")


@pytest.mark.parametrize("lang", ["en", "km"])
def test_a_manager_asking_for_a_per_participant_table(client, world, lang: str) -> None:
    assert sign_in(client, "max").status_code == 302
    _in(client, lang)
    url = f"/staff/cohorts/{world['a']}/tables/reliable_change_participants.csv"
    _page(client.get(url), lang, 403, "per_participant")


@pytest.mark.parametrize("lang", ["en", "km"])
def test_not_found_pages(client, world, lang: str) -> None:
    assert sign_in(client, "ana").status_code == 302
    _in(client, lang)
    missing = 987654
    shown = khmer_digits(str(missing)) if lang == "km" else str(missing)
    _page(client.get(f"/staff/cohorts/{missing}"), lang, 404, "no_cohort", id=shown)
    _page(client.get(f"/staff/cohorts/{world['a']}/tables/nothing.csv"), lang, 404, "no_table", name="nothing")
    _page(client.get("/staff/no-such-page"), lang, 404, "http.404")


def test_a_not_found_page_keeps_the_staff_layout_and_its_language_switch(client, world) -> None:
    assert sign_in(client, "ana").status_code == 302
    response = client.get("/staff/cohorts/987654?lang=km")
    assert 'class="lang-switch" href="/staff/cohorts/987654?lang=en"' in response.text
    assert 'href="/staff/program"' in response.text  # the signed-in admin's navigation
    assert f'href="/staff/">{text("staff.page.error.back", "km")}</a>' in response.text


@pytest.mark.parametrize("lang", ["en", "km"])
def test_an_unknown_language_is_answered_in_the_kept_one(client, world, lang: str) -> None:
    assert sign_in(client, "ana").status_code == 302
    _in(client, lang)
    _page(client.get("/staff/?lang=fr"), lang, 400, "language", name="fr")


@pytest.mark.parametrize("lang", ["en", "km"])
def test_a_method_the_page_does_not_take(client, world, lang: str) -> None:
    assert sign_in(client, "ana").status_code == 302
    _in(client, lang)
    response = client.post("/staff/status")
    _page(response, lang, 405, "http.405")
    assert response.headers["Allow"]


@pytest.mark.parametrize("lang", ["en", "km"])
def test_a_needs_report_without_answers(client, world, lang: str) -> None:
    assert sign_in(client, "ana").status_code == 302
    _in(client, lang)
    scope = "LIP-A"
    _page(client.get(f"/staff/cohorts/{world['a']}/needs"), lang, 422, "no_needs", scope=scope,
          instrument="lip-needs-assessment")


@pytest.mark.parametrize("lang", ["en", "km"])
def test_an_expired_form(app, client, world, lang: str) -> None:
    app.config["WTF_CSRF_ENABLED"] = True
    _in(client, lang)
    _page(client.post("/staff/logout"), lang, 400, "csrf")


@pytest.mark.parametrize("lang", ["en", "km"])
def test_a_failure_of_ours(app, client, world, monkeypatch: pytest.MonkeyPatch, lang: str) -> None:
    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("the status query failed")

    app.config["PROPAGATE_EXCEPTIONS"] = False
    monkeypatch.setattr(staff_web, "operations_status", broken)
    assert sign_in(client, "ana").status_code == 302
    _in(client, lang)
    words = _page(client.get("/staff/status"), lang, 500, "http.500")
    assert "the status query failed" not in words


def test_a_reason_the_catalogue_does_not_know_stays_in_english_behind_the_marker(
        client, world, monkeypatch: pytest.MonkeyPatch) -> None:
    def missing(*args: object) -> None:
        raise NotFound("A reason nobody has translated.")

    monkeypatch.setattr(staff_web.dashboard_service, "get_cohort", missing)
    assert sign_in(client, "ana").status_code == 302
    response = client.get(f"/staff/cohorts/{world['a']}?lang=km")
    assert response.status_code == 404
    assert (f'{text("staff.page.reason_in_english", "km")} <span lang="en">A reason nobody has translated.</span>'
            in response.text)
    english = client.get(f"/staff/cohorts/{world['a']}?lang=en")
    assert "<p>A reason nobody has translated.</p>" in english.text
    assert text("staff.page.reason_in_english", "en") not in english.text


def test_api_errors_stay_json_in_english(client, world) -> None:
    assert sign_in(client, "ana").status_code == 302
    _in(client, "km")
    response = client.get("/staff/cohorts/987654", headers={"Accept": "application/json"})
    assert response.status_code == 404
    assert response.json == {"code": "not_found", "status": 404, "errors": {},
                             "message": "There is no cohort with id 987654. Pick one from the cohort list."}
    api = client.get("/api/v1/cohorts/987654?lang=km")
    assert api.status_code == 404 and api.json["message"] == response.json["message"]
    anonymous = client.application.test_client().get("/api/v1/cohorts", headers={"Cookie": f"{COOKIE}=km"})
    assert anonymous.status_code == 401 and anonymous.json["code"] == "unauthorized"
    assert anonymous.json["message"].startswith("Send 'Authorization: Bearer")


def test_reason_words_fill_the_values_in_the_pages_language() -> None:
    message = "There is no cohort with id 42. Pick one from the cohort list."
    assert reason_words(message, "en") == message
    assert reason_words(message, "km") == "គ្មានជំនាន់ដែលមានលេខសម្គាល់ ៤២ ទេ។ សូមជ្រើសរើសជំនាន់មួយពីបញ្ជីជំនាន់។"
    assert reason_words("There is no cohort with id 42.", "km") is None  # the whole message, or nothing
    assert reason_words("A reason nobody has translated.", "km") is None


# --- every message a staff module raises has its words -------------------------------------------

STAFF_MODULES = ("web/staff.py", "web/staff_needs.py", "web/staff_lang.py", "web/auth.py")
RAISED = {"PermissionDenied", "NotFound", "InvalidInput", "InsufficientData", "Conflict", "Gone", "BadRequest"}


def _sample(node: ast.expr) -> str | None:
    """The message an exception's first argument makes, with a sample value for each ``{...}``."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr):
        parts = []
        for part in node.values:
            if isinstance(part, ast.Constant):
                parts.append(str(part.value))
            elif isinstance(part, ast.FormattedValue):
                parts.append("'sample'" if part.conversion == ord("r") else "7")
        return "".join(parts)
    return None


def _raised_messages() -> list[tuple[str, str]]:
    found = []
    for module in STAFF_MODULES:
        tree = ast.parse((PACKAGE / module).read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if (isinstance(node, ast.Raise) and isinstance(node.exc, ast.Call)
                    and isinstance(node.exc.func, ast.Name) and node.exc.func.id in RAISED and node.exc.args):
                message = _sample(node.exc.args[0])
                assert message is not None, f"{module}:{node.lineno}: a message the test cannot read"
                found.append((f"{module}:{node.lineno}", message))
    return found


def test_every_message_the_staff_modules_raise_has_its_words() -> None:
    raised = _raised_messages()
    assert len(raised) >= 6  # the scan sees the staff modules' refusals, so the check means something
    missing = [f"{where}: {message}" for where, message in raised if reason_words(message, "km") is None]
    assert missing == [], "add these to ERROR_REASONS in lipassess/text/staff_pages.py:\n" + "\n".join(missing)
