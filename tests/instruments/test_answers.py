"""One rule for a valid answer: the rule itself and every caller that applies it agree.

The survey (before storing), :func:`score_response` and :func:`score_frame`
(before scoring) must accept and refuse exactly the same values; a caller with
its own limit fails here at the edge where it differs.
"""

from __future__ import annotations

import pandas as pd
import pytest

from lipassess.errors import InvalidInput
from lipassess.instruments import Instrument
from lipassess.instruments.answers import TEXT_MAX_LENGTH, allowed_values, answer_problem, text_limit
from lipassess.scoring import score_frame, score_response
from lipassess.services.surveys.answers import parse_answer
from tests.instruments.fixtures import SCORING_YAML, scoring_instrument

# The fixture plus a text item without max_length (so TEXT_MAX_LENGTH applies).
ANSWERS_YAML = SCORING_YAML.replace(
    "  - {id: Y, type: yes_no,",
    "  - {id: U, type: text, required: false, text: {en: story, km: \"រឿង\"}}\n"
    "  - {id: Y, type: yes_no,",
)

CASES = [
    # likert on 1..5 with missing codes 8 and 9
    ("A1", 1, True),
    ("A1", 5, True),
    ("A1", 8, True),
    ("A1", 9, True),
    ("A1", 0, False),
    ("A1", 6, False),
    ("A1", 7, False),
    ("A1", 10, False),
    # yes/no
    ("Y", 0, True),
    ("Y", 1, True),
    ("Y", 2, False),
    ("Y", -1, False),
    # choice with options 1 and 2
    ("C", 1, True),
    ("C", 2, True),
    ("C", 0, False),
    ("C", 3, False),
    # text with max_length 10, counted after NFC and line-end normalisation
    ("T", "x" * 10, True),
    ("T", "x" * 11, False),
    ("T", "ក" * 10, True),
    ("T", "e\u0301" * 10, True),  # 20 code points, 10 characters after NFC
    ("T", "e\u0301" * 11, False),
    ("T", "x" * 9 + "\r\n", True),  # CRLF is stored as one newline
    ("T", "tab\there\n", True),
    ("T", "bad\x00byte", False),
    ("T", "del\x7f", False),
    ("T", "c1\x85", False),
    # text without max_length: the service-wide limit
    ("U", "x" * TEXT_MAX_LENGTH, True),
    ("U", "x" * (TEXT_MAX_LENGTH + 1), False),
    ("U", "ក" * (TEXT_MAX_LENGTH + 1), False),
]


@pytest.fixture(scope="module")
def instrument(tmp_path_factory: pytest.TempPathFactory) -> Instrument:
    return scoring_instrument(tmp_path_factory.mktemp("answers"), ANSWERS_YAML)


def _survey_accepts(instrument: Instrument, item_id: str, value: object) -> bool:
    _, _, problem = parse_answer(instrument.item(item_id), instrument, value)
    return problem is None


def _score_response_accepts(instrument: Instrument, item_id: str, value: object) -> bool:
    try:
        score_response(instrument, {item_id: value})
    except InvalidInput:
        return False
    return True


def _score_frame_accepts(instrument: Instrument, item_id: str, value: object) -> bool:
    frame = pd.DataFrame({item_id: pd.Series([value], index=["p1"], dtype=object)})
    try:
        score_frame(instrument, frame)
    except InvalidInput:
        return False
    return True


@pytest.mark.parametrize(("item_id", "value", "valid"), CASES)
def test_rule(instrument, item_id, value, valid):
    assert (answer_problem(instrument, instrument.item(item_id), value) is None) is valid


@pytest.mark.parametrize(
    "accepts",
    [_survey_accepts, _score_response_accepts, _score_frame_accepts],
    ids=["survey", "score_response", "score_frame"],
)
@pytest.mark.parametrize(("item_id", "value", "valid"), CASES)
def test_every_caller_applies_the_rule(instrument, accepts, item_id, value, valid):
    assert accepts(instrument, item_id, value) is valid


def test_limits(instrument):
    assert allowed_values(instrument, instrument.item("A1")) == {1, 2, 3, 4, 5, 8, 9}
    assert allowed_values(instrument, instrument.item("Y")) == {0, 1}
    assert allowed_values(instrument, instrument.item("C")) == {1, 2}
    assert allowed_values(instrument, instrument.item("T")) == frozenset()
    assert text_limit(instrument.item("T")) == 10
    assert text_limit(instrument.item("U")) == TEXT_MAX_LENGTH


def test_problem_says_why(instrument):
    too_long = answer_problem(instrument, instrument.item("T"), "x" * 12)
    assert too_long is not None
    assert (too_long.code, too_long.max_length, too_long.length) == ("too_long", 10, 12)
    off_scale = answer_problem(instrument, instrument.item("A1"), 6)
    assert off_scale is not None
    assert (off_scale.code, off_scale.allowed) == ("not_an_option", (1, 2, 3, 4, 5, 8, 9))
    assert answer_problem(instrument, instrument.item("A1"), "3").code == "wrong_type"  # type: ignore[union-attr]
    assert answer_problem(instrument, instrument.item("T"), 3).code == "wrong_type"  # type: ignore[union-attr]
