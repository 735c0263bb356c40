"""A page save's answers: the ones just written are known, the rest read once and only when asked for."""

from __future__ import annotations

import pytest

from lipassess.services.surveys.form import StoredAnswers


def _counting(stored: dict[str, int | str]):
    calls = []

    def load() -> dict[str, int | str]:
        calls.append(1)
        return dict(stored)
    return load, calls


def test_the_answers_just_written_need_no_read() -> None:
    load, calls = _counting({"a.1.L1": 4, "a.1.L2": 2, "a.1.T1": "text"})
    answers = StoredAnswers({"a.1.L1": 4, "a.1.L3": None}, load)
    assert answers["a.1.L1"] == 4 and "a.1.L1" in answers and answers.get("a.1.L1") == 4
    assert "a.1.L3" not in answers and answers.get("a.1.L3") is None  # cleared by this save
    with pytest.raises(KeyError):
        answers["a.1.L3"]
    assert calls == []


def test_any_other_answer_reads_the_stored_ones_once() -> None:
    load, calls = _counting({"a.1.L1": 4, "a.1.L2": 2})
    answers = StoredAnswers({"a.1.L1": 4}, load)
    assert answers["a.1.L2"] == 2 and "a.1.L9" not in answers
    assert dict(answers) == {"a.1.L1": 4, "a.1.L2": 2} and len(answers) == 2
    assert calls == [1]
    # Once read, the store's values answer everything (they were read after the writes).
    assert answers["a.1.L1"] == 4
    assert calls == [1]
