"""A dashboard table in the page's language: caption, headers, cell words and missing-number reasons.

The table builders write English (the CSV keeps it, full precision, as the
analysis wrote it). :func:`localize` returns the same table for a page in
another language: every word from the text catalogue (``staff.caption.*``,
``staff.header.*``, ``staff.cell.*``, ``staff.reason.*``; the outcome and wave
names of ``report.outcome.*`` and ``wave.*``), numbers in that language's
digits (:attr:`Table.lang`), and each column's English header kept as its
``term`` for the tooltip an evaluator reads. A reason the catalogue does not
know stays in English behind a marker that says so
(``staff.page.reason_in_english``), so nothing is silently dropped.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Mapping
from functools import cache
from typing import Any

from lipassess.reports.tables.base import WAVE_NAMES, Table
from lipassess.reports.tables.words import plain_words
from lipassess.text import CATALOGUE, has, template, text
from lipassess.text.staff_tables import HEADERS
from lipassess.vocabulary import khmer_digits, outcome_key

_SLUG = re.compile(r"[^a-z0-9]+")


def _slug(english: str) -> str:
    return _SLUG.sub("_", english.lower()).strip("_")


def _word(key: str, lang: str, fallback: str) -> str:
    return text(key, lang) if has(key) else fallback


def outcome_words(name: str, lang: str) -> str:
    """An outcome's name in ``lang`` (``total`` and ``leadership_total`` are the behaviour total)."""
    return _word(f"report.outcome.{outcome_key(name)}", lang, name.replace("_", " "))


@cache
def _wave_kinds() -> dict[str, str]:
    """Every English spelling of a wave in the tables (``follow-up``, ``retro pre``...) -> its kind."""
    kinds: dict[str, str] = {}
    for kind, name in WAVE_NAMES.items():
        kinds[name] = kind
        kinds[kind.replace("_", " ")] = kind
        kinds[kind] = kind
    return kinds


def wave_words(name: str, lang: str) -> str:
    """A wave, given by kind or by its English name, in ``lang`` (lower case in a sentence)."""
    kind = _wave_kinds().get(name.strip().lower())
    return text(f"wave.{kind}", lang) if kind else name


@cache
def _outcomes_by_label() -> dict[str, str]:
    return {texts["en"]: key.removeprefix("report.outcome.") for key, texts in CATALOGUE.items()
            if key.startswith("report.outcome.")}


def _header(header: str, lang: str) -> str:
    slug = _slug(header)
    return text(f"staff.header.{slug}", lang) if slug in HEADERS else header


@cache
def sentence_rules(prefix: str = "staff.reason.") -> tuple[tuple[re.Pattern[str], str], ...]:
    """Each English template under ``prefix`` as a pattern (its placeholders match any text but ``;``).

    A sentence the code wrote in English finds its catalogue key by the first pattern that matches it
    whole; the groups are its placeholders' values."""
    rules = []
    for key, texts in CATALOGUE.items():
        if not key.startswith(prefix) or ".who." in key or ".verdict." in key:
            continue
        parts = re.split(r"\{(\w+)\}", texts["en"])
        pattern = "".join(re.escape(p) if i % 2 == 0 else f"(?P<{p}>[^;]+?)" for i, p in enumerate(parts))
        rules.append((re.compile(rf"{pattern}\.?", re.IGNORECASE), key))
    return tuple(rules)


def _value(name: str, value: str, lang: str) -> str:
    if name in ("wave", "other_wave"):
        return wave_words(value, lang)
    if name == "what":
        return _word(f"staff.cell.what.{_slug(value)}", lang, value)
    if name == "variable":
        return _word(f"staff.cell.variable.{_slug(value)}", lang, value)
    if name in ("items", "cohort", "relation"):
        return value  # item, cohort and relation names are data
    if name in ("who", "who_saw", "verdict"):
        kind = "verdict" if name == "verdict" else "who"
        return _word(f"staff.observer.{kind}.{_slug(value)}", lang, value)
    if name == "variables":
        return ", ".join(_value("variable", v, lang) for v in value.split(", "))
    return khmer_digits(value) if lang == "km" else value


def reason_words(reason: str | None, lang: str) -> str:
    """A missing-number reason or an analysis note in ``lang`` (English: :func:`plain_words`).

    Each ``;``-separated part is matched against the catalogue's reasons; a part
    it does not know keeps its English words after ``staff.page.reason_in_english``.
    """
    english = plain_words(reason)
    if lang == "en" or not english:
        return english
    parts = english.split("; ")
    out, start = [], 0
    while start < len(parts):
        for end in range(len(parts), start, -1):  # the longest run of parts one reason explains
            said = _reason("; ".join(parts[start:end]).strip(), lang)
            if said is not None:
                out.append(said)
                start = end
                break
        else:
            out.append(f"{text('staff.page.reason_in_english', lang)} {parts[start]}")
            start += 1
    return "; ".join(out)


def _reason(english: str, lang: str, prefix: str = "staff.reason.") -> str | None:
    for pattern, key in sentence_rules(prefix):
        found = pattern.fullmatch(english)
        if found:
            return text(key, lang, **{name: _value(name, value, lang) for name, value in found.groupdict().items()})
    return None


def _statistic(value: str, lang: str) -> str:
    key = value.replace(" ", "_")
    if key.startswith("reliability_"):
        return text("staff.cell.statistic.reliability", lang, wave=wave_words(key.removeprefix("reliability_"), lang))
    return _word(f"staff.cell.statistic.{key}", lang, value)


def _cell(key: str, value: Any, row: Mapping[str, Any], lang: str, table_name: str = "") -> Any:
    if not isinstance(value, str) or not value:
        return value
    if key == "outcome":
        return outcome_words(str(row.get("outcome_id", "")), lang) if row.get("outcome_id") else value
    if key == "wave":
        return wave_words(str(row.get("kind") or row.get("wave_id") or value), lang)
    if key == "comparison":
        return " \u2212 ".join(wave_words(w, lang) for w in value.split(" \u2212 "))
    if key == "scope":
        label = _outcomes_by_label().get(value)
        return outcome_words(label, lang) if label else _word(f"staff.cell.{value}", lang, value)
    if key == "statistic" and table_name == "observers":
        return _reason(value, lang, "staff.observer.") or reason_words(value, lang)
    if key == "statistic":
        return _statistic(value, lang)
    if key == "category":
        return _word(f"staff.cell.category.{value}", lang, value)
    if key == "direction":
        return _word(f"staff.cell.shift.{_slug(value)}", lang, value)
    if key in ("wwc", "wwc_category"):
        return _word(f"staff.cell.wwc.{_slug(value)}", lang, value)
    if key == "measure":
        return _word(f"staff.cell.measure.{value}", lang, value)
    if key == "variable":
        return _word(f"staff.cell.variable.{_slug(value)}", lang, value)
    if key == "group" and value == "all":
        return text("staff.cell.all", lang)
    if key in ("reason", "notes", "missing"):
        return reason_words(value, lang)
    return value


def _caption(table: Table, lang: str) -> str:
    if table.name.startswith("subgroups_"):
        dimension = table.name.removeprefix("subgroups_")
        return text("staff.caption.subgroups", lang,
                    dimension=_word(f"staff.cell.variable.{dimension}", lang, dimension))
    if table.name == "items" and table.caption.startswith("Item analysis: ") and table.rows:
        first = table.rows[0]
        return text("staff.caption.items_one", lang, outcome=outcome_words(str(first["outcome_id"]), lang),
                    wave=wave_words(str(first["wave_id"]), lang))
    if table.name == "observers":
        return _reason(table.caption, lang, "staff.observer.") or table.caption
    return _word(f"staff.caption.{table.name}", lang, table.caption)


def item_heading(table: Table) -> str:
    """The outcome and wave an item-analysis table is about (its caption after the colon), for its summary."""
    for mark in ("\u17d6 ", ": "):
        if mark in table.caption:
            return table.caption.split(mark, 1)[1]
    return table.caption


def caption_head(table: Table) -> str:
    """A caption's part before its colon (``What supervisors saw: ...`` -> ``What supervisors saw``), for a heading."""
    for mark in ("\u17d6", ":"):
        if mark in table.caption:
            return table.caption.split(mark, 1)[0].strip()
    return table.caption


def localize(table: Table, lang: str) -> Table:
    """``table`` as a page in ``lang`` shows it (``en``: unchanged; see the module docstring)."""
    if lang == "en" or table.lang == lang:
        return table
    template("staff.page.title", lang)  # an unknown language fails here, loudly
    columns = tuple(dataclasses.replace(c, header=_header(c.header, lang), term=c.term or c.header)
                    for c in table.columns)
    rows = tuple({key: _cell(key, value, row, lang, table.name) for key, value in row.items()} for row in table.rows)
    return dataclasses.replace(table, caption=_caption(table, lang), columns=columns, rows=rows,
                               notes=tuple(reason_words(n, lang) for n in table.notes), lang=lang)


__all__ = ["caption_head", "item_heading", "localize", "outcome_words", "reason_words", "sentence_rules",
           "wave_words"]
