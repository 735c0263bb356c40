"""The one text catalogue: every key in both languages with the same placeholders, and loud failures."""

from __future__ import annotations

import re
import unicodedata

import pytest

from lipassess.text import CATALOGUE, KM_STATUS, TextError, placeholders, template, text
from lipassess.vocabulary import LANGUAGES, WAVE_KINDS

KHMER = re.compile(r"[\u1780-\u17FF]")


@pytest.mark.parametrize("key", sorted(CATALOGUE))
def test_every_key_has_every_language_with_the_same_placeholders(key: str) -> None:
    texts = CATALOGUE[key]
    assert set(texts) == set(LANGUAGES), key
    assert texts["en"].strip() and KHMER.search(texts["km"]), key
    assert placeholders(texts["en"]) == placeholders(texts["km"]), key
    assert all(unicodedata.is_normalized("NFC", t) for t in texts.values()), key


def test_domains_are_all_there() -> None:
    prefixes = {key.split(".", 1)[0] for key in CATALOGUE}
    assert prefixes == {"survey", "report", "message", "lti", "staff", "wave"}
    assert {f"wave.{kind}" for kind in WAVE_KINDS} <= set(CATALOGUE)
    assert KM_STATUS == "pending_review"


def test_text_fills_placeholders() -> None:
    # text() fills values as given; the survey's ui() writes them in Khmer digits (tests/web/test_survey_text.py)
    assert text("survey.page_of", "km", n=2, total=7) == "ទំព័រ\u00a02 នៃ 7"
    assert text("message.answer_by", "en", date="1 March 2025") == "Please answer by 1 March 2025."
    assert text("wave.followup", "km") == "តាមដាន"


def test_an_unknown_key_fails_loudly() -> None:
    with pytest.raises(TextError, match="no text 'survey.no_such_key'"):
        text("survey.no_such_key", "en")


def test_an_unknown_language_fails_loudly() -> None:
    with pytest.raises(TextError, match="no 'fr' text"):
        text("survey.start", "fr")


def test_a_missing_placeholder_value_fails_loudly() -> None:
    with pytest.raises(TextError, match=r"needs a value for \{total\}"):
        text("survey.page_of", "en", n=2)
    assert template("survey.page_of", "en") == "Page {n} of {total}"


def test_text_error_is_a_key_error() -> None:
    assert issubclass(TextError, KeyError)
