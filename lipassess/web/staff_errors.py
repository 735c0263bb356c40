"""The staff pages' error page, in the staff member's language.

A refused or failed page under ``/staff`` (403, 404, a bad ``?lang=``, a 422
of the needs report, a 500 ...) is the staff layout in the language the other
staff pages speak (:mod:`lipassess.web.staff_lang`: ``?lang=``, else the
``lipassess_staff_lang`` cookie, else English). A ``?lang=`` the error is
about (unknown) is not used: the page falls back to the cookie. Its title
says what happened by status (``staff.page.error.title.<status>``); the
reason is the error's message, found by its English words in
``staff.error.*`` (:data:`lipassess.text.staff_pages.ERROR_REASONS`), or in
English behind ``staff.page.reason_in_english`` when the catalogue does not
know it, so nothing is hidden. API (JSON) errors are not made here
(:func:`lipassess.web.errors.error_response`).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from flask import Response, g, render_template, request
from markupsafe import Markup

from lipassess.reports.tables.localize import sentence_rules
from lipassess.text import has, text
from lipassess.vocabulary import LANGUAGE_NAMES, LANGUAGES, khmer_digits, other_language
from lipassess.web import staff_lang

PREFIX = "/staff"
REASONS = "staff.error."


def is_staff_page() -> bool:
    """Whether this request asked for a staff page (anything under ``/staff``)."""
    return request.path == PREFIX or request.path.startswith(PREFIX + "/")


def error_language() -> str:
    """The staff language of this request that cannot fail: a known ``?lang=``, else the cookie, else English."""
    asked = request.args.get("lang")
    if asked in LANGUAGES:
        return str(asked)
    kept = request.cookies.get(staff_lang.COOKIE)
    return kept if kept in LANGUAGES else staff_lang.DEFAULT


def _value(name: str, value: str, lang: str) -> str:
    if name == "id":
        return khmer_digits(value) if lang == "km" else value
    if name == "scope" and value == "program":
        return text("staff.page.program.h1", lang)
    return value  # names of tables, cohorts, instruments and what was asked are data


def reason_words(message: str, lang: str) -> str | None:
    """``message`` (an error's English text) in ``lang`` from ``staff.error.*``; None when no entry matches."""
    english = message.strip()
    for pattern, key in sentence_rules(REASONS):
        found = pattern.fullmatch(english)
        if found:
            values = {name: _value(name, value, lang) for name, value in found.groupdict().items()}
            return text(key, lang, **values)
    return None


def _reason(message: str, lang: str) -> Markup:
    said = reason_words(message, lang)
    if said is not None:
        return Markup("{}").format(said)
    if lang == "en":
        return Markup("{}").format(message)
    return Markup('{} <span lang="en">{}</span>').format(text("staff.page.reason_in_english", lang), message)


def _title(status: int, lang: str) -> str:
    key = f"staff.page.error.title.{status}"
    return text(key if has(key) else "staff.page.error.title.other", lang)


def _switch_url(lang: str) -> str:
    args: dict[str, Any] = {**request.args.to_dict(), "lang": other_language(lang)}
    return f"{request.path}?{urlencode(args)}"


def error_page(status: int, message: str, errors: dict[str, Any]) -> Response:
    """The staff layout saying why this page could not be shown, in the staff member's language."""
    lang = error_language()
    g.staff_lang = lang  # the layout's words (t, num) read it
    other = other_language(lang)
    html = render_template(
        "staff/error.html", status=status, title=_title(status, lang), reason=_reason(message, lang),
        errors=errors, principal=g.get("principal"), lang=lang, t=staff_lang.page_text,
        switch_url=lambda: _switch_url(lang), switch_lang=other, switch_label=LANGUAGE_NAMES[other],
        **staff_lang.font_urls())
    return Response(html, status=status, mimetype="text/html")


__all__ = ["error_language", "error_page", "is_staff_page", "reason_words"]
