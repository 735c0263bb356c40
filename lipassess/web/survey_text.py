"""The survey pages' helpers for their own words, in English and Khmer.

The words themselves are data in :mod:`lipassess.text.survey` (keys
``survey.*`` of the one catalogue, :func:`lipassess.text.text`); instrument
texts come from the instrument files. Keys of :data:`ERROR_PAGES` are error
codes (``exc.code`` of a :class:`~lipassess.errors.LipassessError`,
``csrf_failed`` or ``http_<status>``).

The Khmer interface speaks in one voice: the polite ``លោកអ្នក`` of the
instruments, Khmer digits in every number it fills in (:func:`number`, done by
:func:`ui` and :func:`item_error`), dates written in full by
:func:`lipassess.vocabulary.format_date`, and no line break between a number and
its unit (a no-break space, U+00A0, in the texts and in dates).

The Khmer texts were written for this service and still need review by a native
speaker from the program team (:data:`KM_STATUS`), like instrument
translations marked ``pending_review``.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime, timedelta, timezone
from typing import Any

from lipassess.text import KM_STATUS, TextError, has, template, text
from lipassess.text.survey import ERROR_PAGES, ITEM_ERRORS, UI
from lipassess.vocabulary import format_date, khmer_digits, normalise_language

CAMBODIA = timezone(timedelta(hours=7), "ICT")
NO_BREAK = "\u00a0"


def number(value: int | str, lang: str) -> str:
    """A number as the page in ``lang`` writes it: Khmer digits in Khmer (``12`` -> ``១២``)."""
    return khmer_digits(str(value)) if lang == "km" else str(value)


def local_date(moment: date | datetime, lang: str) -> str:
    """A day in full (``19 February 2024`` / ``ថ្ងៃទី ១៩ ខែកុម្ភៈ ឆ្នាំ ២០២៤``), in Cambodia for a datetime.

    The Khmer form never breaks across lines (its spaces are no-break spaces).
    """
    day = moment.astimezone(CAMBODIA).date() if isinstance(moment, datetime) else moment
    written = format_date(day, lang)
    return written.replace(" ", NO_BREAK) if lang == "km" else written


def local_time(moment: datetime, lang: str) -> str:
    """The date and time in Cambodia: ``19 February 2024 14:05``, in Khmer digits in Khmer."""
    here = moment.astimezone(CAMBODIA)
    return f"{local_date(here, lang)} {number(here.strftime('%H:%M'), lang)}"


def _localised(params: Mapping[str, Any], lang: str) -> dict[str, Any]:
    """Numbers in the page's digits, days and times written in full; other values as they are."""
    shown: dict[str, Any] = {}
    for name, value in params.items():
        if isinstance(value, bool):
            shown[name] = value
        elif isinstance(value, int):
            shown[name] = number(value, lang)
        elif isinstance(value, date):  # a datetime too
            shown[name] = local_date(value, lang)
        else:
            shown[name] = value
    return shown


def ui(key: str, lang: str, **params: Any) -> str:
    """A page text in ``lang`` (English for an unknown language), formatted with ``params``.

    Integer values are written in Khmer digits on a Khmer page, dates in full.
    """
    lang = normalise_language(lang, "en")
    return text(f"survey.{key}", lang, **_localised(params, lang))


def item_error(problem: Mapping[str, Any], lang: str, *, number: int | None = None,
               item_type: str | None = None) -> str:
    """The message for one per-item problem (``{"code", "message", ...}``) in ``lang``.

    ``number`` is the question's number on the form (the message names it); a
    missing answer to a text item (``item_type="text"``) asks to write one.
    """
    code = problem.get("code")
    if code == "required" and item_type == "text":
        code = "required_text"
    key = f"survey.item.{code}"
    if not has(key):
        return str(problem.get("message", ""))
    values = {k: v for k, v in problem.items() if k not in ("code", "message")}
    if number is not None:
        values["number"] = number
    try:
        return text(key, lang, **_localised(values, lang))
    except TextError:
        return str(problem.get("message", template(key, "en")))


def error_page(code: str, status: int, lang: str, **params: Any) -> tuple[str, str]:
    """(title, what to do next) for an error page; a ``date`` parameter is written in ``lang``."""
    fallback = "http_500" if status >= 500 else "http_400"
    page = next(c for c in (code, f"http_{status}", fallback) if has(f"survey.error.{c}.title"))
    title = template(f"survey.error.{page}.title", lang)
    try:
        body = text(f"survey.error.{page}.body", lang, **_localised(params, lang))
    except TextError:
        body = template(f"survey.error.{page}.body", lang)
    return title, body


__all__ = ["CAMBODIA", "ERROR_PAGES", "ITEM_ERRORS", "KM_STATUS", "UI", "error_page", "item_error",
           "local_date", "local_time", "number", "ui"]
