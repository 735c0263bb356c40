"""Every survey text exists in both languages, and every survey error has a page."""

from __future__ import annotations

import re
import string
from datetime import UTC, datetime

import pytest

from lipassess.errors import LipassessError
from lipassess.services import links, surveys
from lipassess.web.errors import status_for
from lipassess.web.survey import NoParticipant
from lipassess.web.survey_text import ERROR_PAGES, ITEM_ERRORS, UI, error_page, item_error, ui

KHMER = re.compile(r"[\u1780-\u17FF]")


def _fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def _all_texts():
    for key, texts in UI.items():
        yield f"ui.{key}", texts
    for key, texts in ITEM_ERRORS.items():
        yield f"item.{key}", texts
    for code, page in ERROR_PAGES.items():
        yield f"error.{code}.title", page["title"]
        yield f"error.{code}.body", page["body"]


@pytest.mark.parametrize(("name", "texts"), list(_all_texts()))
def test_every_text_has_english_and_khmer_with_the_same_placeholders(name, texts) -> None:
    assert set(texts) == {"en", "km"}, name
    assert texts["en"].strip() and KHMER.search(texts["km"]), name
    assert _fields(texts["en"]) == _fields(texts["km"]), name


def _survey_errors() -> list[type[LipassessError]]:
    found = []
    for module in (links, surveys):
        for value in vars(module).values():
            if isinstance(value, type) and issubclass(value, LipassessError) and value.__module__ == module.__name__:
                found.append(value)
    return [*found, NoParticipant]


@pytest.mark.parametrize("error", _survey_errors(), ids=lambda e: e.__name__)
def test_every_survey_error_has_its_own_page_or_is_shown_inline(error) -> None:
    inline = {surveys.AnswersRejected, surveys.AnswersIncomplete, surveys.ConsentRequired}
    if error in inline:
        return  # shown next to the items, or a redirect to the consent page
    assert error.code in ERROR_PAGES, error
    assert 400 <= status_for(error.__new__(error)) < 500


def test_formatting_helpers() -> None:
    assert ui("page_of", "km", n=12, total=70) == "ទំព័រ\u00a0១២ នៃ ៧០"
    assert ui("page_of", "en", n=12, total=70) == "Page 12 of 70"
    assert item_error({"code": "too_long", "length": 250, "max_length": 200}, "en", number=4).startswith(
        "Question 4: your answer is 250 characters long; shorten it to 200")
    assert item_error({"code": "too_long", "length": 250, "max_length": 200}, "km", number=14) == (
        "សំណួរទី\u00a0១៤៖ ចម្លើយរបស់លោកអ្នកមាន ២៥០\u00a0តួអក្សរ។ សូមកាត់បន្ថយឱ្យនៅត្រឹម ២០០\u00a0តួអក្សរ ឬតិចជាងនេះ។")
    assert item_error({"code": "required"}, "en", number=4) == "Question 4: please choose an answer."
    assert item_error({"code": "required"}, "en", number=7, item_type="text") == "Question 7: please write an answer."
    assert item_error({"code": "invented", "message": "as the service said"}, "km") == "as the service said"
    assert error_page("no_such_code", 413, "en")[0] == "What you sent is too large"
    assert error_page("no_such_code", 418, "en")[0] == ERROR_PAGES["http_400"]["title"]["en"]
    assert error_page("no_such_code", 503, "km")[0] == ERROR_PAGES["http_500"]["title"]["km"]
    closed = datetime(2026, 11, 22, 20, 30, tzinfo=UTC)  # already 23 November in Cambodia (UTC+7)
    assert error_page("wave_closed", 410, "en", date=closed)[1].startswith("It closed on 23 November 2026,")
    assert error_page("wave_closed", 410, "km", date=closed)[1].startswith(
        "វាបានបិទនៅថ្ងៃទី\u00a0២៣\u00a0ខែវិច្ឆិកា\u00a0ឆ្នាំ\u00a0២០២៦ ")
