"""Plain-language rules: :class:`~lipassess.reports.figures.ImpactFigures` -> sentences in English and Khmer.

Each rule looks at the figures and picks one sentence template; every
sentence carries the ``key`` of the rule that produced it (``change.up``,
``caveat.reliability`` ...) so tests and the dashboard can tell which rule
fired in either language. A number that is missing always becomes a sentence
saying why ("... cannot be given, because there are only 3 responses and at
least 5 are needed").

How numbers are described
-------------------------
* Effect sizes in words use Cohen's (1988) conventional thresholds on |g|:
  below 0.2 very small, 0.2 small, 0.5 medium, 0.8 or more large; the 95% CI
  is always given in numbers beside the word.
* A CI that includes 0 is "no clear change", whatever the point estimate;
  a CI wholly below 0 is said plainly as a decline.
* Caveats come from the data, with the thresholds in :class:`Thresholds`
  (reliability below .70, fewer than 30 pairs, attrition above 20%,
  a baseline difference above .25 (What Works Clearinghouse) or the WWC flag,
  more than 15% at the scale maximum at the pre-test, a then-test gap of 0.2 or more).
* The research comparison is Lacerenza, Reyes, Marlow, Joseph & Salas (2017),
  J. Applied Psychology 102(12), 1686-1718: overall delta = .76, transfer
  (behaviour at work) delta = .82. It is rough, and the text says so.
* Khmer numbers follow :mod:`lipassess.reports.numbers` (Khmer digits, decimal comma).

Khmer text: PENDING REVIEW
--------------------------
The templates are data in :mod:`lipassess.text.report` (keys ``report.*`` of
the one text catalogue, :func:`lipassess.text.text`). Every Khmer template
(and the Khmer outcome and wave names) was written for this module and is
**pending review by the program's translators** at the Royal School of
Administration. The English templates are the reference. Keep one
``{placeholder}`` set per key in both languages; ``tests/test_text.py`` and
``tests/reports/test_narrative.py`` check that they match.
"""

from __future__ import annotations

from collections.abc import Callable

from lipassess.reports.figures import ImpactFigures, Missing
from lipassess.reports.narrative_result import Narrative, Section, Sentence
from lipassess.reports.narrative_words import (
    KHMER_REVIEW_STATUS,
    LACERENZA_2017,
    LACERENZA_OVERALL,
    LACERENZA_TRANSFER,
    PROGRAM_EARLIER_APPLIED_SHARE,
    REFERENCES,
    cohen_size,
    direction,
    heading,
    join_list,
    outcome_label,
    text,
    word,
)
from lipassess.reports.narrative_writer import Thresholds, Writer
from lipassess.reports.numbers import check_lang, fmt_decimal
from lipassess.reports.observer_narrative import observer_section
from lipassess.text.report import OUTCOME_LABELS, SIZE_WORDS, TEXT, WAVE_LABELS, WAVE_SURVEY_NAMES


def build_narrative(figures: ImpactFigures, lang: str = "en", *, thresholds: Thresholds | None = None,
                    khmer_digits: bool = True) -> Narrative:
    """Turn impact figures into the summary's sentences in ``lang`` (``en`` or ``km``).

    Parameters
    ----------
    figures : ImpactFigures
        What to describe.
    lang : str
        ``en`` or ``km``.
    thresholds : Thresholds, optional
        When caveats fire; defaults to :class:`Thresholds()`.
    khmer_digits : bool
        In Khmer, write numbers with Khmer digits (default) or Latin digits.

    Raises
    ------
    InvalidInput
        For an unknown language.
    """
    writer = Writer(figures, lang, thresholds or Thresholds(), khmer_digits)
    scope = figures.scope if figures.scope_kind == "cohort" else (figures.scope or text("scope.program", lang))
    sections: list[Section] = [writer.participation(), writer.change(), writer.lasting(),
                               writer.application(), writer.research()]
    sections += [s for s in (writer.subgroups(),) if s is not None]
    observed = observer_section(writer, figures.observers)
    if observed is not None:  # observers' evidence first, before the self-rated change
        sections.insert(1, observed)
    return Narrative(
        lang=lang, title=text("title", lang, scope=scope),
        synthetic_notice=text("synthetic", lang) if figures.synthetic else None,
        sections=tuple(sections),
        caveats=writer.caveats(),
        missing=writer.missing(),
        method=writer.method(),
        references=REFERENCES,
    )


def why_missing(figures: ImpactFigures, missing: Missing, lang: str, *, khmer_digits: bool = True) -> str:
    """The reason clause for a missing number ("there are only 3 responses and at least 5 are needed")."""
    return Writer(figures, lang, Thresholds(), khmer_digits).why(missing)


def number_formatter(lang: str, *, khmer_digits: bool = True) -> Callable[[float, int], str]:
    """``fmt(value, digits)`` for tables and charts in ``lang``."""
    check_lang(lang)

    def fmt(value: float, digits: int = 2) -> str:
        return fmt_decimal(value, lang, digits=digits, khmer_digits=khmer_digits)

    return fmt


__all__ = [
    "KHMER_REVIEW_STATUS", "LACERENZA_2017", "LACERENZA_OVERALL", "LACERENZA_TRANSFER", "OUTCOME_LABELS",
    "PROGRAM_EARLIER_APPLIED_SHARE", "SIZE_WORDS", "TEXT", "WAVE_LABELS", "WAVE_SURVEY_NAMES", "Narrative",
    "Section", "Sentence", "Thresholds", "build_narrative", "cohen_size", "direction", "heading", "join_list",
    "number_formatter", "outcome_label", "text", "why_missing", "word",
]
