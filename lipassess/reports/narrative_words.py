"""The summary's words: the catalogue's ``report.*`` templates, Cohen's size words and the research constants.

The small functions every narrative rule uses to say something in ``en`` or
``km`` (:func:`text`, :func:`word`, :func:`join_list` ...), how an effect is
named (:func:`cohen_size`, :func:`direction`), and the figures the summary
compares with (Lacerenza et al. 2017, the program's earlier share). See
:mod:`lipassess.reports.narrative` for how numbers are described.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence

from lipassess.reports.numbers import check_lang
from lipassess.text import text as catalogue_text

KHMER_REVIEW_STATUS = "pending review by the program's translators"

PROGRAM_EARLIER_APPLIED_SHARE = 0.89
"""The program's own earlier, self-reported share of graduates who applied the skills."""

LACERENZA_OVERALL = 0.76
LACERENZA_TRANSFER = 0.82
LACERENZA_2017 = (
    "Lacerenza, C. N., Reyes, D. L., Marlow, S. L., Joseph, D. L., & Salas, E. (2017). "
    "Leadership training design, delivery, and implementation: A meta-analysis. "
    "Journal of Applied Psychology, 102(12), 1686\u20131718. https://doi.org/10.1037/apl0000241"
)
REFERENCES = (
    LACERENZA_2017,
    "Cohen, J. (1988). Statistical power analysis for the behavioral sciences (2nd ed.). Erlbaum.",
    "Jacobson, N. S., & Truax, P. (1991). Clinical significance: A statistical approach to defining "
    "meaningful change in psychotherapy research. Journal of Consulting and Clinical Psychology, 59(1), 12\u201319.",
    "Lakens, D. (2013). Calculating and reporting effect sizes to facilitate cumulative science. "
    "Frontiers in Psychology, 4, 863.",
    "What Works Clearinghouse (2022). Procedures and Standards Handbook, Version 5.0. "
    "U.S. Department of Education, Institute of Education Sciences.",
)

COHEN_SMALL, COHEN_MEDIUM, COHEN_LARGE = 0.2, 0.5, 0.8


def text(key: str, lang: str, **values: object) -> str:
    """One template filled in, NFC-normalised (``key`` without its ``report.`` prefix)."""
    return unicodedata.normalize("NFC", catalogue_text(f"report.{key}", check_lang(lang), **values))


def word(kind: str, name: str, lang: str) -> str:
    """One word of the summary's vocabulary: ``word("size", "large", "km")`` (``report.<kind>.<name>``)."""
    return catalogue_text(f"report.{kind}.{name}", check_lang(lang))


def heading(key: str, lang: str) -> str:
    return text(f"heading.{key}", lang)


def outcome_label(outcome: str, lang: str) -> str:
    return word("outcome", outcome, lang)


def cohen_size(g: float) -> str:
    """Cohen's (1988) conventional label for |g|: negligible, small, medium or large."""
    size = abs(g)
    if size >= COHEN_LARGE:
        return "large"
    if size >= COHEN_MEDIUM:
        return "medium"
    if size >= COHEN_SMALL:
        return "small"
    return "negligible"


def direction(low: float, high: float) -> str:
    """``up`` when the CI lies above 0, ``down`` when below, ``none`` when it includes 0."""
    if low > 0:
        return "up"
    if high < 0:
        return "down"
    return "none"


def join_list(items: Sequence[str], lang: str) -> str:
    """"a, b and c" / "a, b និង c"."""
    items = list(items)
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + catalogue_text("report.and", lang) + items[-1]



def capitalise(sentence: str) -> str:
    return sentence[:1].upper() + sentence[1:]


__all__ = [
    "COHEN_LARGE", "COHEN_MEDIUM", "COHEN_SMALL", "KHMER_REVIEW_STATUS", "LACERENZA_2017", "LACERENZA_OVERALL",
    "LACERENZA_TRANSFER", "PROGRAM_EARLIER_APPLIED_SHARE", "REFERENCES", "capitalise", "cohen_size", "direction",
    "heading", "join_list", "outcome_label", "text", "word",
]
