"""Answers from the form: parse and validate raw values, then write them over the stored ones.

Values arrive as the form sends them (strings) or as Python numbers; ``None``
or an empty string clears an answer in a draft. Whether a value is valid is
decided by :mod:`lipassess.instruments.answers`, the rule scoring applies too.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from sqlalchemy import bindparam, delete
from sqlalchemy import text as sql_text
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from lipassess.instruments import Instrument, Item
from lipassess.instruments.answers import allowed_values, answer_problem, normalise_text
from lipassess.services.surveys.access import connection
from lipassess.services.surveys.errors import AnswersRejected
from lipassess.services.surveys.form import ANSWER_KEY, Layout, field_problem
from lipassess.store.driver import DriverStatement
from lipassess.store.models import Answer

__all__ = ["parse_answer", "validate_answers", "write_answers"]

_INTEGER = re.compile(r"^\s*[+-]?[0-9]{1,9}\s*$")


def _integer(raw: Any) -> int | None:
    """An integer from what the form sends ("3", 3, 3.0); None for anything else."""
    if isinstance(raw, bool):
        return None
    if isinstance(raw, int):
        return raw
    if isinstance(raw, float) and raw.is_integer():
        return int(raw)
    if isinstance(raw, str) and _INTEGER.match(raw):
        return int(raw)
    return None


def parse_answer(item: Item, instrument: Instrument, raw: Any) -> tuple[float | None, str | None, dict | None]:
    """(number, text, problem) for one raw value; (None, None, None) clears the answer.

    The value is checked by :func:`lipassess.instruments.answers.answer_problem`;
    the problem carries the participant's message.
    """
    if raw is None or (isinstance(raw, str) and raw.strip() == ""):
        return None, None, None
    if item.type == "text":
        found = answer_problem(instrument, item, raw)
        if found is None:
            return None, normalise_text(raw), None
        if found.code == "wrong_type":
            return None, None, field_problem("wrong_type", "Write your answer as text.")
        if found.code == "bad_characters":
            return None, None, field_problem("bad_characters",
                                             "Your answer contains control characters; please retype it.")
        return None, None, field_problem(
            "too_long", f"Your answer is {found.length} characters long; please shorten it to "
            f"{found.max_length} characters or fewer.", max_length=found.max_length, length=found.length)
    number = _integer(raw)
    if number is None or answer_problem(instrument, item, number) is not None:
        return None, None, field_problem("not_an_option", "Choose one of the answers shown.",
                                         allowed=sorted(allowed_values(instrument, item)))
    return float(number), None, None


def validate_answers(layout: Layout, answers: Mapping[str, Any]) -> dict[str, tuple[float | None, str | None]]:
    """Parse every answer; raise :class:`AnswersRejected` listing each bad key, else the parsed values."""
    parsed: dict[str, tuple[float | None, str | None]] = {}
    errors: dict[str, dict[str, Any]] = {}
    for key, raw in answers.items():
        item = layout.items.get(key)
        if item is None:
            errors[str(key)[:120]] = field_problem("unknown_item", "This question is not part of this survey.")
            continue
        version_id = int(ANSWER_KEY.match(key).group(1))  # type: ignore[union-attr]
        number, text, problem = parse_answer(item, layout.instruments[version_id], raw)
        if problem is not None:
            errors[key] = problem
        else:
            parsed[key] = (number, text)
    if errors:
        count = len(errors)
        raise AnswersRejected(
            f"{count} answer{'s' if count > 1 else ''} could not be saved; correct the marked "
            "question" + ("s" if count > 1 else "") + " and send the page again. Nothing was changed.",
            errors=errors,
        )
    return parsed


_DELETE = delete(Answer).where(Answer.response_id == bindparam("b_response"),
                               Answer.instrument_version_id == bindparam("b_version"),
                               Answer.item_key == bindparam("b_item"))


def _upsert_statement(dialect: str):  # an Insert; its generic type says nothing more
    """``INSERT ... ON CONFLICT (response, version, item) DO UPDATE``, one row of bound parameters."""
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    statement = insert(Answer).values(
        response_id=bindparam("b_response"), instrument_version_id=bindparam("b_version"),
        item_key=bindparam("b_item"), value_number=bindparam("b_number"), value_text=bindparam("b_text"))
    return statement.on_conflict_do_update(
        index_elements=[Answer.response_id, Answer.instrument_version_id, Answer.item_key],
        set_={"value_number": statement.excluded.value_number, "value_text": statement.excluded.value_text})


#: Built once per dialect (building and compiling a statement costs more than running it), run for many rows.
_UPSERT = {name: _upsert_statement(name) for name in ("postgresql", "sqlite")}

#: PostgreSQL: the page's rows as four arrays in one statement. A page of ten answers is then one
#: statement for the server to plan and run, not ten (a third less CPU on both sides, measured).
_UPSERT_ARRAYS = DriverStatement(sql_text(
    "INSERT INTO answers (response_id, instrument_version_id, item_key, value_number, value_text) "
    "SELECT :b_response, u.version, u.item, u.number, u.text "
    "FROM unnest(CAST(:b_versions AS integer[]), CAST(:b_items AS varchar[]), CAST(:b_numbers AS float8[]), "
    "CAST(:b_texts AS text[])) AS u(version, item, number, text) "
    "ON CONFLICT (response_id, instrument_version_id, item_key) "
    "DO UPDATE SET value_number = excluded.value_number, value_text = excluded.value_text"),
    ("b_response", "b_versions", "b_items", "b_numbers", "b_texts"))


def answer_arrays(parsed: Mapping[str, tuple[float | None, str | None]]
                  ) -> tuple[dict[str, list[Any]], dict[str, list[Any]], dict[str, int | str | None]]:
    """``parsed`` as arrays for one statement: the answers given, the answers cleared, each key's stored value.

    The given as ``b_versions``, ``b_items``, ``b_numbers``, ``b_texts`` (one
    entry per answer), the cleared (``None``) as ``b_cleared_versions`` and
    ``b_cleared_items``; the stored value as :func:`write_answers` returns it.
    """
    given: dict[str, list[Any]] = {"b_versions": [], "b_items": [], "b_numbers": [], "b_texts": []}
    cleared: dict[str, list[Any]] = {"b_cleared_versions": [], "b_cleared_items": []}
    stored: dict[str, int | str | None] = {}
    for key, (number, text) in parsed.items():
        match = ANSWER_KEY.match(key)
        assert match is not None
        version_id, item = int(match.group(1)), match.group(2)
        if number is None and text is None:
            cleared["b_cleared_versions"].append(version_id)
            cleared["b_cleared_items"].append(item)
            stored[key] = None
            continue
        given["b_versions"].append(version_id)
        given["b_items"].append(item)
        given["b_numbers"].append(number)
        given["b_texts"].append(text)
        stored[key] = text if text is not None else int(number)  # type: ignore[arg-type]
    return given, cleared, stored


def write_answers(session: Session, response_id: int,
                  parsed: Mapping[str, tuple[float | None, str | None]]) -> dict[str, int | str | None]:
    """Write ``parsed`` over whatever is stored, without reading it first; the stored value of each key.

    Every answer given is written by one upsert, run for all of them (a new answer is
    inserted, a changed one updated, an unchanged one rewritten as it was);
    every answer cleared (``None``) is deleted. Returns each key's value as it
    is now stored (the number as an int, or the text), ``None`` for a cleared one.
    """
    given, cleared, stored = answer_arrays(parsed)
    conn = connection(session)
    if cleared["b_cleared_versions"]:
        conn.execute(_DELETE, [{"b_response": response_id, "b_version": version_id, "b_item": item}
                               for version_id, item in zip(cleared["b_cleared_versions"], cleared["b_cleared_items"],
                                                                    strict=True)])
    if given["b_versions"] and conn.dialect.name == "postgresql":
        _UPSERT_ARRAYS.rows(conn, {"b_response": response_id, **given})
    elif given["b_versions"]:
        conn.execute(_UPSERT[conn.dialect.name], [
            {"b_response": response_id, "b_version": version_id, "b_item": item, "b_number": number, "b_text": text}
            for version_id, item, number, text in zip(given["b_versions"], given["b_items"], given["b_numbers"],
                                                      given["b_texts"], strict=True)])
    return stored
