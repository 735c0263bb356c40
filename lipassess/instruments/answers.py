"""Whether an answer is valid for an item: the one rule every caller applies.

The survey (:mod:`lipassess.services.surveys`) checks answers before storing
them, and :mod:`lipassess.scoring` checks them again before scoring, one
response at a time and as whole columns. All three take their limits from
here, so a value the survey stores is never refused by scoring and the other
way round:

* ``likert``: an integer on the item's scale (``min..max``) or one of the
  scale's missing codes;
* ``yes_no``: 1 (yes) or 0 (no);
* ``choice``: one of the option values;
* ``text``: a string without control characters (tab and newline allowed),
  at most :func:`text_limit` characters after :func:`normalise_text`.

Turning raw input into the value checked here is the caller's job: the survey
parses form strings ("3"), scoring takes stored numbers (3.0) and booleans
for yes/no items. The messages are the caller's too (participants and
evaluators need different words); the rule returns an :class:`AnswerProblem`.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Literal

from lipassess.instruments.model import Instrument, Item

__all__ = [
    "TEXT_MAX_LENGTH",
    "AnswerProblem",
    "allowed_values",
    "answer_problem",
    "normalise_text",
    "text_limit",
]

#: Longest free-text answer (characters, after NFC) when the item sets no ``max_length``.
TEXT_MAX_LENGTH = 4000

# C0 controls except tab and newline, DEL, C1 controls; PostgreSQL text refuses NUL outright.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")

ProblemCode = Literal["wrong_type", "not_an_option", "too_long", "bad_characters"]


@dataclass(frozen=True, slots=True, kw_only=True)
class AnswerProblem:
    """Why an answer is not valid.

    Attributes
    ----------
    code
        ``wrong_type`` (text for a coded item or a number for a text item),
        ``not_an_option`` (a code the item does not accept), ``too_long`` or
        ``bad_characters`` (text items).
    allowed
        The accepted codes, sorted (coded items).
    max_length, length
        The limit and the answer's length after :func:`normalise_text` (``too_long``).
    """

    code: ProblemCode
    allowed: tuple[int, ...] = ()
    max_length: int | None = None
    length: int | None = None


def allowed_values(instrument: Instrument, item: Item) -> frozenset[int]:
    """The codes a coded item accepts (empty for text items).

    Likert: every value of the item's scale and its missing codes; yes/no:
    0 and 1; choice: the option values.
    """
    if item.type == "likert":
        scale = instrument.scale_of(item)
        return frozenset(scale.values) | scale.missing_values
    if item.type == "yes_no":
        return frozenset({0, 1})
    if item.type == "choice":
        return frozenset(option.value for option in item.options)
    return frozenset()


def text_limit(item: Item) -> int:
    """The longest text answer to ``item``: its ``max_length``, else :data:`TEXT_MAX_LENGTH`."""
    return item.max_length or TEXT_MAX_LENGTH


def normalise_text(value: str) -> str:
    """A text answer as stored: line ends as ``\\n``, Unicode NFC (lengths are counted on this)."""
    return unicodedata.normalize("NFC", value.replace("\r\n", "\n").replace("\r", "\n"))


def answer_problem(instrument: Instrument, item: Item, value: int | str) -> AnswerProblem | None:
    """Why ``value`` is not a valid answer to ``item``; None when it is valid.

    ``value`` is an ``int`` for coded items (likert, yes/no, choice) and a
    ``str`` for text items; anything else is ``wrong_type``. Text is checked
    after :func:`normalise_text`.
    """
    if item.type == "text":
        if not isinstance(value, str):
            return AnswerProblem(code="wrong_type")
        text = normalise_text(value)
        if _CONTROL.search(text):
            return AnswerProblem(code="bad_characters")
        limit = text_limit(item)
        if len(text) > limit:
            return AnswerProblem(code="too_long", max_length=limit, length=len(text))
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        return AnswerProblem(code="wrong_type", allowed=tuple(sorted(allowed_values(instrument, item))))
    allowed = allowed_values(instrument, item)
    if value not in allowed:
        return AnswerProblem(code="not_an_option", allowed=tuple(sorted(allowed)))
    return None
