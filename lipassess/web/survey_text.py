"""The survey pages' helpers for their own words, in English and Khmer.

The words themselves are data in :mod:`lipassess.text.survey` (keys
``survey.*`` of the one catalogue, :func:`lipassess.text.text`); instrument
texts come from the instrument files. Keys of :data:`ERROR_PAGES` are error
codes (``exc.code`` of a :class:`~lipassess.errors.LipassessError`,
``csrf_failed`` or ``http_<status>``).

The Khmer texts were written for this service and still need review by a native
speaker from the program team (:data:`KM_STATUS`), like instrument
translations marked ``pending_review``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from lipassess.text import KM_STATUS, TextError, has, template, text
from lipassess.text.survey import ERROR_PAGES, ITEM_ERRORS, UI
from lipassess.vocabulary import normalise_language


def ui(key: str, lang: str, **params: Any) -> str:
    """A page text in ``lang`` (English for an unknown language), formatted with ``params``."""
    return text(f"survey.{key}", normalise_language(lang, "en"), **params)


def item_error(problem: Mapping[str, Any], lang: str) -> str:
    """The message for one per-item problem (``{"code", "message", ...}``) in ``lang``."""
    key = f"survey.item.{problem.get('code')}"
    if not has(key):
        return str(problem.get("message", ""))
    try:
        return text(key, lang, **problem)
    except TextError:
        return str(problem.get("message", template(key, "en")))


def error_page(code: str, status: int, lang: str, **params: Any) -> tuple[str, str]:
    """(title, what to do next) for an error page."""
    fallback = "http_500" if status >= 500 else "http_400"
    page = next(c for c in (code, f"http_{status}", fallback) if has(f"survey.error.{c}.title"))
    title = template(f"survey.error.{page}.title", lang)
    try:
        body = text(f"survey.error.{page}.body", lang, **params)
    except TextError:
        body = template(f"survey.error.{page}.body", lang)
    return title, body


__all__ = ["ERROR_PAGES", "ITEM_ERRORS", "KM_STATUS", "UI", "error_page", "item_error", "ui"]
