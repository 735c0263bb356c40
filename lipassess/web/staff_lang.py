"""The staff pages' language: ``?lang=`` chooses it, a cookie keeps it, English when neither says.

The same rule as the impact summaries (``?lang=en`` / ``?lang=km``), made to
last: a staff page opened with ``?lang=`` (not a summary nor a PDF, whose
``?lang=`` is for that document only) sets the ``lipassess_staff_lang`` cookie,
so every later staff page (dashboards, summaries, status, sign-in) opens in
that language without carrying the parameter in its links. The layout's switch
(English / ខ្មែរ) links to the same page with the other ``?lang=``. An unknown
``?lang=`` is a 400 that names the two choices; an unknown cookie is ignored.

Templates get ``lang``, ``t(key, **values)`` (``staff.page.<key>`` in the
page's language), ``word(key)`` (any catalogue key), ``code(command)``,
``switch_url`` / ``switch_lang`` and the filters ``num`` (digits of the page)
and ``localized`` (a dashboard table in the page's language,
:func:`lipassess.reports.tables.localize.localize`); :func:`font_urls` gives
the Khmer web fonts the layout links.
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any

from flask import Blueprint, Response, current_app, g, has_request_context, request, url_for
from markupsafe import Markup, escape

from lipassess.errors import InvalidInput
from lipassess.reports.tables import Table
from lipassess.reports.tables.localize import caption_head, item_heading, localize, reason_words
from lipassess.text import template, text
from lipassess.vocabulary import LANGUAGE_NAMES, LANGUAGES, khmer_digits, other_language
from lipassess.web.cookies import cookie_attributes

COOKIE = "lipassess_staff_lang"
DEFAULT = "en"
MAX_AGE = 365 * 24 * 3600
KHMER_FONT = "fonts/NotoSansKhmer-Regular.woff2"
KHMER_FONT_BOLD = "fonts/NotoSansKhmer-Bold.woff2"
ONE_OFF = frozenset({"staff.cohort_summary", "staff.program_summary"})
"""Pages whose ``?lang=`` is for that page only: a summary opened in the other language (or as a PDF)
does not change the language of the dashboards."""


def asked_language() -> str | None:
    """The ``?lang=`` of this request, None without one; :class:`InvalidInput` (400) for an unknown one."""
    asked = request.args.get("lang")
    if asked is None:
        return None
    if asked not in LANGUAGES:
        raise InvalidInput(f"Unknown language {asked!r}: use ?lang=en or ?lang=km.", errors={"lang": asked})
    return asked


def page_language() -> str:
    """The language of this staff page: ``?lang=``, else the cookie, else English."""
    asked = asked_language()
    if asked is not None:
        return asked
    kept = request.cookies.get(COOKIE)
    return kept if kept in LANGUAGES else DEFAULT


def current() -> str:
    """The page language decided for this request.

    A blueprint without :func:`install` (the needs report) decides here, by the same rule
    (:func:`page_language`: 400 for an unknown ``?lang=``); outside a request, English.
    """
    if not has_request_context():
        return DEFAULT
    return str(g.staff_lang) if "staff_lang" in g else page_language()


def number(value: Any) -> str:
    """``value`` as text in the page's digits (Khmer digits on a Khmer page)."""
    shown = "\u2013" if value is None else str(value)
    return khmer_digits(shown) if current() == "km" else shown


def page_text(key: str, **values: Any) -> Markup:
    """``staff.page.<key>`` in the page's language, its values HTML-escaped (a :class:`Markup` value is kept)."""
    return Markup(escape(template(f"staff.page.{key}", current()))).format(
        **{name: value for name, value in values.items()})


def word(key: str, **values: Any) -> str:
    """Any catalogue text ``key`` (``wave.pre``, ``staff.pdf``...) in the page's language."""
    return text(key, current(), **values)


def code(command: str) -> Markup:
    """A command as ``<code>`` inside a sentence of :func:`page_text`."""
    return Markup("<code>{}</code>").format(command)


def time_tag(shown: str) -> Markup:
    """A date as ``<time>`` inside a sentence of :func:`page_text`."""
    return Markup("<time>{}</time>").format(shown)


@functools.cache
def static_fonts(static_folder: str) -> tuple[str | None, str | None]:
    """Which Khmer web fonts (regular, bold) the static folder has (checked once per process)."""
    folder = Path(static_folder)

    def present(name: str) -> str | None:
        return name if (folder / name).is_file() else None

    return present(KHMER_FONT), present(KHMER_FONT_BOLD)


def font_urls() -> dict[str, str | None]:
    """The layout's ``khmer_font`` and ``khmer_font_bold``: the web fonts' URLs, None for one the folder lacks."""
    regular, bold = static_fonts(current_app.static_folder or "")
    return {"khmer_font": url_for("static", filename=regular) if regular else None,
            "khmer_font_bold": url_for("static", filename=bold) if bold else None}


def _switch_url() -> str:
    args = {**request.args.to_dict(), **(request.view_args or {}), "lang": other_language(current())}
    return url_for(str(request.endpoint), **args)


def install(bp: Blueprint) -> None:
    """Decide the language before each request of ``bp``, keep a ``?lang=`` in the cookie, expose the helpers."""

    @bp.before_request
    def _decide() -> None:
        g.staff_lang = DEFAULT
        g.staff_lang = page_language()

    @bp.after_request
    def _keep(response: Response) -> Response:
        asked = request.args.get("lang")
        if (asked in LANGUAGES and response.mimetype == "text/html" and request.endpoint not in ONE_OFF
                and request.cookies.get(COOKIE) != asked):
            response.set_cookie(COOKIE, asked, max_age=MAX_AGE, httponly=True, path="/",
                                **cookie_attributes())  # type: ignore[arg-type]
        return response

    @bp.context_processor
    def _helpers() -> dict[str, Any]:
        lang = current()
        other = other_language(lang)
        return {"lang": lang, "t": page_text, "switch_lang": other, "switch_label": LANGUAGE_NAMES[other],
                "switch_url": _switch_url if request.endpoint else None, "language_names": LANGUAGE_NAMES,
                "word": word, "code": code, "time_tag": time_tag}


def register_filters(bp: Blueprint) -> None:
    """The app-wide template filters of the page language (``num``, ``localized``, ``item_heading``, ``reason``)."""
    bp.add_app_template_filter(number, "num")

    @bp.app_template_filter("localized")
    def _localized(table: Table) -> Table:
        return localize(table, current())

    bp.add_app_template_filter(item_heading, "item_heading")
    bp.add_app_template_filter(caption_head, "caption_head")

    @bp.app_template_filter("reason")
    def _reason(said: str) -> str:
        """A service's English sentence (what needs a person) in the page's language."""
        return said if current() == "en" else reason_words(said, current())
    # macros imported without the page's context still reach the words through globals
    bp.add_app_template_global(page_text, "page_words")
    bp.add_app_template_global(code, "code_words")


__all__ = ["COOKIE", "asked_language", "current", "font_urls", "install", "number", "page_language", "page_text",
           "register_filters", "static_fonts"]
