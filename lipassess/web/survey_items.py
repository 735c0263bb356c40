"""One question's HTML on a survey page, and one answer's row on the review page, rendered once and reused.

A survey page is mostly its questions. A question's HTML depends only on the
item's definition (immutable under its instrument's content hash), the
language, the question's number in the form, the stored answer and the error
shown with it. Rendering the ``question`` macro of ``survey/_items.html`` costs
about 0.1 ms per question (some seventy escapes for a five-point scale with its
missing codes), over a millisecond for a page of ten: most of a page view's CPU
once the queries are few. So the rendered HTML is kept per process, keyed by
exactly those inputs, in an LRU of :data:`CACHE_SIZE` entries (a post wave of
68 items in two languages with every answer and number is a few thousand).

Nothing here can go stale: the key names every input, and a changed definition
has a new content hash. A free-text answer (unbounded) is rendered every time
and never kept. Every process builds the same HTML, so nothing relies on one
process's memory.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any

from flask import get_template_attribute
from markupsafe import Markup

from lipassess.instruments import YES_NO_LABELS, Instrument, Item
from lipassess.web.lru import LRU
from lipassess.web.survey_text import number as numeral
from lipassess.web.survey_text import ui

#: Rendered questions kept per process (about 3 KB each).
CACHE_SIZE = 4096

_RENDERED: LRU[tuple[Any, ...], Markup] = LRU(CACHE_SIZE)


def options(item: Item, instrument: Instrument, lang: str) -> list[tuple[int, str]]:
    """(value, label) of every answer an item offers, in display order."""
    if item.type == "yes_no":
        return [(v, YES_NO_LABELS[v].get(lang)) for v in (1, 0)]
    if item.type == "choice":
        return [(o.value, o.label.get(lang)) for o in item.options]
    scale = instrument.scale_of(item)
    shown = [(v, f"{numeral(v, lang)} · {scale.label(v, lang)}" if scale.label(v, lang) else numeral(v, lang))
             for v in scale.values]
    return shown + [(p.value, p.label.get(lang)) for p in scale.missing_codes]


def _render(item: Item, key: str, number: int, instrument: Instrument, current: Any, error: str | None,
            lang: str) -> Markup:
    macro: Callable[..., str] = get_template_attribute("survey/_items.html", "question")
    return Markup(macro(item, key, number, instrument, {key: current}, {key: error} if error else {}, lang,
                        options, lambda text_key, **params: ui(text_key, lang, **params)))


def question_html(item: Item, key: str, number: int, instrument: Instrument, current: Any, error: str | None,
                  lang: str) -> Markup:
    """The HTML of question ``number`` (answer key ``key``) with its answer ``current`` and ``error``, if any."""
    if item.type == "text" and current is not None:
        return _render(item, key, number, instrument, current, error, lang)
    return _remember((instrument.content_hash, key, lang, number, None if current is None else str(current), error),
                     lambda: _render(item, key, number, instrument, current, error, lang))


def _remember(cache_key: tuple[Any, ...], render: Callable[[], str]) -> Markup:
    found = _RENDERED.get(cache_key)
    if found is None:
        found = Markup(render())
        _RENDERED.put(cache_key, found)
    return found


def answer_row_html(row: Mapping[str, Any], message: str | None, lang: str) -> Markup:
    """One answer of the review or receipt page (see ``_sections`` in :mod:`lipassess.web.survey`).

    Keyed by everything the row shows (its question's text, the answer as
    displayed, the number, the page address of its "Change" link, the message),
    so a cached row is always the row rendered afresh. A free-text answer is
    rendered every time and never kept.
    """
    def render() -> str:
        macro: Callable[..., str] = get_template_attribute("survey/_items.html", "row")
        return macro(row, lambda text_key, **params: ui(text_key, lang, **params), message)

    if row.get("free_text"):
        return Markup(render())
    return _remember(("row", row["key"], lang, row["number"], row["question"], row["answer"], row["change"],
                      message), render)


class RowRenderer:
    """The review and receipt pages' rows in one language: one row, or a section's rows joined (one call)."""

    def __init__(self, lang: str) -> None:
        self.lang = lang

    def __call__(self, row: Mapping[str, Any], message: str | None) -> Markup:
        return answer_row_html(row, message, self.lang)

    def many(self, rows: Iterable[Mapping[str, Any]], missing: Mapping[str, str]) -> Markup:
        """Each row followed by a line break, as a template loop would write them, without the loop's cost."""
        return Markup("".join(f"{answer_row_html(row, missing.get(row['key']), self.lang)}\n" for row in rows))


def clear() -> None:
    """Forget every rendered question and answer row (tests that change templates in place)."""
    _RENDERED.clear()
