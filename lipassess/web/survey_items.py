"""One question's HTML on a survey page, and the answers' rows on the review page, rendered once and reused.

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

from collections.abc import Callable, Mapping, Sequence
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
#: Pages of answer rows kept per process (:func:`answer_rows`; each a few rows per item).
ROW_TABLES = 1024
_ROW_TABLES: LRU[tuple[Any, ...], tuple[dict[str | None, Markup], ...]] = LRU(ROW_TABLES)


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


def displayed_answer(item: Item, instrument: Instrument, value: Any, lang: str) -> str | None:
    """How a stored answer reads on the review and receipt pages (None: not answered)."""
    if value is None:
        return None
    if item.type == "text":
        return str(value)
    if item.type == "yes_no":
        label = YES_NO_LABELS.get(int(value))
        return label.get(lang) if label else str(value)
    if item.type == "choice":
        for option in item.options:
            if option.value == int(value):
                return option.label.get(lang)
        return str(value)
    scale_label = instrument.scale_of(item).label(int(value), lang)
    return f"{numeral(value, lang)} · {scale_label}" if scale_label else numeral(value, lang)


def _render_row(item: Item, key: str, number: int, instrument: Instrument, value: Any, lang: str,
                change: str | None, message: str | None) -> Markup:
    row = {"key": key, "number": number, "question": item.text.get(lang), "change": change,
           "answer": displayed_answer(item, instrument, value, lang)}
    macro: Callable[..., str] = get_template_attribute("survey/_items.html", "row")
    return Markup(macro(row, lambda text_key, **params: ui(text_key, lang, **params), message))


def answer_rows(items: Sequence[Item], keys: Sequence[str], numbers: Sequence[int], instrument: Instrument,
                values: Sequence[Any], lang: str, *, change: str | None,
                messages: Mapping[str, str] | None = None) -> list[Markup]:
    """One page's answers as rows of the review or receipt page: question ``numbers[i]`` (``keys[i]``), ``values[i]``.

    A row shows the item's definition (its instrument's content hash and the
    key), the language, the number, the stored value, the page address of its
    "Change" link and the message, if any. Rows without a message are kept per
    page: a table, keyed by everything the rows show except the value, of each
    item's rows by stored value; a kept row costs one dictionary lookup (the
    answer's wording is worked out only when the row is first rendered), the
    page one lookup in an LRU of :data:`ROW_TABLES` pages. A free-text answer
    and a row with a message are rendered every time and never kept.
    """
    messages = messages or {}
    table_key = (instrument.content_hash, tuple(keys), tuple(numbers), lang, change)
    table = _ROW_TABLES.get(table_key)
    if table is None:
        table = tuple({} for _ in keys)
        _ROW_TABLES.put(table_key, table)
    rows: list[Markup] = []
    for item, key, number, value, kept in zip(items, keys, numbers, values, table, strict=True):
        message = messages.get(key)
        if message is not None or (item.type == "text" and value is not None):
            rows.append(_render_row(item, key, number, instrument, value, lang, change, message))
            continue
        shown = None if value is None else str(value)
        row = kept.get(shown)
        if row is None:  # two threads may both render it: the same row, kept once
            row = kept[shown] = _render_row(item, key, number, instrument, value, lang, change, None)
        rows.append(row)
    return rows


def clear() -> None:
    """Forget every rendered question and answer row (tests that change templates in place)."""
    _RENDERED.clear()
    _ROW_TABLES.clear()
