"""The words every part of lipassess shares: wave kinds, languages, outcomes, Khmer digits and dates.

Defined once here so the store, the analysis, the reports and the web pages
agree on spelling and order. Pure Python: no Flask, no store, no pandas, so any
layer may import it (``lipassess.analysis`` included).

Khmer labels are pending review by the program's translators (see
:data:`lipassess.text.KM_STATUS`), like every Khmer text of the service.
"""

from __future__ import annotations

from datetime import date
from typing import Final, overload

# ---------------------------------------------------------------------------
# Waves
# ---------------------------------------------------------------------------

NEEDS: Final = "needs"
PRE: Final = "pre"
POST: Final = "post"
RETRO_PRE: Final = "retro_pre"
FOLLOWUP: Final = "followup"

WAVE_KINDS: Final[tuple[str, ...]] = (NEEDS, PRE, POST, RETRO_PRE, FOLLOWUP)
"""Every wave kind, in display order (the stored values of ``WaveKind``).

``needs`` is the training-needs assessment, asked before a cohort is designed
(so it sorts first); it is no measurement point of the behaviour outcomes."""

WAVE_ORDER: Final[dict[str, int]] = {kind: i for i, kind in enumerate(WAVE_KINDS)}
"""Sort position of each wave kind."""

MEASUREMENT_WAVES: Final[tuple[str, ...]] = (PRE, POST, FOLLOWUP)
"""The three measurement points in time (the retrospective pre-test is asked at ``post``)."""

WAVE_LABELS: Final[dict[str, dict[str, str]]] = {
    NEEDS: {"en": "Needs assessment", "km": "ការវាយតម្លៃតម្រូវការ"},
    PRE: {"en": "Pre", "km": "មុនវគ្គ"},
    POST: {"en": "Post", "km": "ក្រោយវគ្គ"},
    RETRO_PRE: {"en": "Retrospective pre", "km": "មុនវគ្គ (រំលឹកឡើងវិញ)"},
    FOLLOWUP: {"en": "Follow-up", "km": "តាមដាន"},
}
"""Short wave labels for column headers and table cells, by kind and language."""


def wave_sort_key(kind: str) -> tuple[int, str]:
    """Sort known wave kinds in :data:`WAVE_KINDS` order, unknown ones after them by name."""
    return (WAVE_ORDER[kind], "") if kind in WAVE_ORDER else (len(WAVE_KINDS), kind)


# ---------------------------------------------------------------------------
# Languages
# ---------------------------------------------------------------------------

LANGUAGES: Final[tuple[str, ...]] = ("en", "km")
"""The languages of every text, in a fixed order (English is the reference text)."""

DEFAULT_LANGUAGE: Final = "km"
"""The language participants get when theirs is unknown: the program runs in Khmer."""

LANGUAGE_NAMES: Final[dict[str, str]] = {"en": "English", "km": "ខ្មែរ"}
"""Each language's name in itself (for a language switch)."""


def other_language(language: str) -> str:
    """The language to offer as the switch on a page in ``language`` (the service has two).

    >>> other_language("en"), other_language("km")
    ('km', 'en')
    """
    return "km" if language == "en" else "en"


@overload
def normalise_language(language: str | None, default: str = DEFAULT_LANGUAGE) -> str: ...
@overload
def normalise_language(language: str | None, default: str | None) -> str | None: ...
def normalise_language(language: str | None, default: str | None = DEFAULT_LANGUAGE) -> str | None:
    """``language`` when it is one of :data:`LANGUAGES`, else ``default`` (``km`` unless given).

    >>> normalise_language("en"), normalise_language("fr"), normalise_language(None, "en")
    ('en', 'km', 'en')
    """
    return language if language in LANGUAGES else default


# ---------------------------------------------------------------------------
# Outcomes
# ---------------------------------------------------------------------------

TOTAL: Final = "total"
"""The score name of an instrument's total (reserved: no subscale may use it)."""

TOTAL_OUTCOME: Final = "leadership_total"
"""The outcome key of the leadership behaviour total in reports."""

SUBSCALE_OUTCOMES: Final[tuple[str, ...]] = (
    "adaptive_leadership",
    "communication",
    "conflict_management",
    "problem_solving_pdia",
    "cross_sector_collaboration",
    "self_awareness_wellbeing",
)
"""The six behaviour subscales, in display order."""

OUTCOMES: Final[tuple[str, ...]] = (TOTAL_OUTCOME, *SUBSCALE_OUTCOMES)
"""Outcome keys, in display order: the behaviour total, then its six subscales."""


def outcome_key(score_name: str) -> str:
    """The report outcome key of an instrument score name (``total`` -> ``leadership_total``)."""
    return TOTAL_OUTCOME if score_name == TOTAL else score_name


# ---------------------------------------------------------------------------
# Khmer digits and dates
# ---------------------------------------------------------------------------

KHMER_DIGITS: Final = str.maketrans("0123456789", "០១២៣៤៥៦៧៨៩")
"""``str.translate`` table from Latin to Khmer digits."""

KHMER_MONTHS: Final[tuple[str, ...]] = (
    "មករា", "កុម្ភៈ", "មីនា", "មេសា", "ឧសភា", "មិថុនា",
    "កក្កដា", "សីហា", "កញ្ញា", "តុលា", "វិច្ឆិកា", "ធ្នូ",
)
ENGLISH_MONTHS: Final[tuple[str, ...]] = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)


def khmer_digits(text: str) -> str:
    """``text`` with its Latin digits written as Khmer digits (``2025`` -> ``២០២៥``)."""
    return text.translate(KHMER_DIGITS)


def format_date(day: date, lang: str, *, use_khmer_digits: bool = True) -> str:
    """A day as each language writes it in full: ``1 March 2025`` / ``ថ្ងៃទី ១ ខែមីនា ឆ្នាំ ២០២៥``.

    The Khmer form is the one of official Cambodian documents (day, month and
    year each introduced by its word). ``lang`` must be ``en`` or ``km``.
    """
    if lang == "km":
        d, y = str(day.day), str(day.year)
        if use_khmer_digits:
            d, y = khmer_digits(d), khmer_digits(y)
        return f"ថ្ងៃទី {d} ខែ{KHMER_MONTHS[day.month - 1]} ឆ្នាំ {y}"
    if lang == "en":
        return f"{day.day} {ENGLISH_MONTHS[day.month - 1]} {day.year}"
    raise ValueError(f"unknown language {lang!r}; use one of {', '.join(LANGUAGES)}")


__all__ = [
    "DEFAULT_LANGUAGE", "ENGLISH_MONTHS", "FOLLOWUP", "KHMER_DIGITS", "KHMER_MONTHS", "LANGUAGES",
    "LANGUAGE_NAMES", "MEASUREMENT_WAVES", "NEEDS", "OUTCOMES", "POST", "PRE", "RETRO_PRE", "SUBSCALE_OUTCOMES",
    "TOTAL", "TOTAL_OUTCOME", "WAVE_KINDS", "WAVE_LABELS", "WAVE_ORDER", "format_date", "khmer_digits",
    "normalise_language", "other_language", "outcome_key", "wave_sort_key",
]
