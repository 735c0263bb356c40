"""Every bilingual text of lipassess behind one function: ``text(key, lang, **values)``.

The words live as data, one mapping per domain (each key holds its English
and Khmer text side by side, so a translator reviews a pair at a time):

- ``survey.<key>``: the survey pages' own words (:mod:`.survey` ``UI``)
- ``survey.item.<code>``: per-item validation messages (:mod:`.survey` ``ITEM_ERRORS``)
- ``survey.error.<code>.title`` / ``.body``: error pages (:mod:`.survey` ``ERROR_PAGES``)
- ``report.<key>``: impact summary templates (:mod:`.report` ``TEXT``)
- ``report.outcome.<name>``, ``report.wave.<kind>``, ``report.wave_survey.<kind>``,
  ``report.size.<size>``: the summary's outcome, wave and effect-size words (:mod:`.report`)
- ``report.answer.<key>``: the plain answer at the top of a summary (:mod:`.report` ``ANSWER``)
- ``report.needs.<key>``, ``report.needs.competency.<id>``, ``report.needs.quadrant.<code>``,
  ``report.needs.dimension.<group>``: the training-needs report (:mod:`.needs`)
- ``message.<key>``, ``message.wave.<kind>``: invitations and reminders (:mod:`.messages`)
- ``lti.<key>``: LTI landing pages after a launch from Moodle (:mod:`.lti` ``LANDING``)
- ``staff.<key>``: the staff pages' navigation around the summaries (:mod:`.staff` ``NAV``)
- ``message.rater.<key>``, ``survey.rater.<key>``, ``report.raters.<key>``, ``report.relation.<relation>``:
  observer ratings (:mod:`.raters`)
- ``staff.page.<key>``, ``staff.chart.<key>``: the staff dashboards' own words (:mod:`.staff_pages`)
- ``staff.error.<key>``: why a staff page could not be shown, by the error's English message
  (:mod:`.staff_pages` ``ERROR_REASONS``)
- ``staff.caption.<table>``, ``staff.header.<slug>``, ``staff.cell.<key>``, ``staff.reason.<key>``,
  ``staff.shift.<direction>``: the dashboard tables' words on a page (:mod:`.staff_tables`)
- ``staff.reason.note.<key>``, ``staff.cell.what.<slug>``: the analysis' notes on a table (:mod:`.staff_notes`)
- ``wave.<kind>``: short wave labels for tables and exports (:data:`lipassess.vocabulary.WAVE_LABELS`)

Every key has a text in every language of :data:`lipassess.vocabulary.LANGUAGES`
with the same ``{placeholders}`` (``tests/test_text.py``). An unknown key or
language, or a placeholder without a value, raises :class:`TextError` (a
``KeyError``): a missing text fails loudly instead of showing a blank.

All Khmer texts were written for this service and are pending review by the
program's translators (:data:`KM_STATUS`); the English texts are the reference.
"""

from __future__ import annotations

import string
from collections.abc import Iterator, Mapping

from lipassess.text import lti as _lti
from lipassess.text import messages as _messages
from lipassess.text import needs as _needs
from lipassess.text import raters as _raters
from lipassess.text import report as _report
from lipassess.text import staff as _staff
from lipassess.text import staff_notes as _staff_notes
from lipassess.text import staff_pages as _staff_pages
from lipassess.text import staff_tables as _staff_tables
from lipassess.text import survey as _survey
from lipassess.vocabulary import LANGUAGES, WAVE_LABELS

KM_STATUS = "pending_review"
"""Review state of every Khmer text: written for this service, waiting for the program's translators."""

Texts = Mapping[str, str]


class TextError(KeyError):
    """An unknown text key or language, or a placeholder without a value."""

    def __str__(self) -> str:
        return str(self.args[0]) if self.args else ""


def _flatten() -> Iterator[tuple[str, Texts]]:
    domains: tuple[tuple[str, Mapping[str, Texts]], ...] = (
        ("survey", _survey.UI),
        ("survey.item", _survey.ITEM_ERRORS),
        ("report", _report.TEXT),
        ("report.outcome", _report.OUTCOME_LABELS),
        ("report.wave", _report.WAVE_LABELS),
        ("report.wave_survey", _report.WAVE_SURVEY_NAMES),
        ("report.size", _report.SIZE_WORDS),
        ("report.answer", _report.ANSWER),
        ("report.needs", _needs.TEXT),
        ("report.needs.competency", _needs.COMPETENCIES),
        ("report.needs.quadrant", _needs.QUADRANTS),
        ("report.needs.dimension", _needs.DIMENSIONS),
        ("message", _messages.MESSAGES),
        ("message.wave", _messages.WAVE_NAMES),
        ("message.rater", _raters.MAIL),
        ("survey.rater", _raters.UI),
        ("report.raters", _raters.REPORT),
        ("report.relation", _raters.RELATIONS),
        ("lti", _lti.LANDING),
        ("staff", _staff.NAV),
        ("staff.page", _staff_pages.PAGE),
        ("staff.chart", _staff_pages.CHART),
        ("staff.error", _staff_pages.ERROR_REASONS),
        ("staff.caption", _staff_tables.CAPTIONS),
        ("staff.header", _staff_tables.HEADERS),
        ("staff.cell", _staff_tables.CELLS),
        ("staff.reason", _staff_tables.REASONS),
        ("staff.reason.note", _staff_notes.NOTES),
        ("staff.cell.what", _staff_notes.WHAT),
        ("staff.shift", _staff_tables.SHIFT_TEXT),
        ("staff.observer", _staff_tables.OBSERVERS),
        ("wave", WAVE_LABELS),
    )
    for prefix, mapping in domains:
        for key, texts in mapping.items():
            yield f"{prefix}.{key}", texts
    for code, page in _survey.ERROR_PAGES.items():
        for part, texts in page.items():
            yield f"survey.error.{code}.{part}", texts


def _build() -> dict[str, Texts]:
    catalogue: dict[str, Texts] = {}
    for key, texts in _flatten():
        if key in catalogue:
            raise RuntimeError(f"text key {key!r} is defined twice")
        catalogue[key] = texts
    return catalogue


CATALOGUE: Mapping[str, Texts] = _build()
"""Every text by its full key (``survey.start``, ``report.change.up`` ...): ``{"en": ..., "km": ...}``."""


def template(key: str, lang: str) -> str:
    """The unformatted text of ``key`` in ``lang``; :class:`TextError` when either is unknown."""
    try:
        texts = CATALOGUE[key]
    except KeyError:
        raise TextError(f"no text {key!r} in the catalogue") from None
    try:
        return texts[lang]
    except KeyError:
        raise TextError(f"no {lang!r} text for {key!r}; languages are {', '.join(LANGUAGES)}") from None


def text(key: str, lang: str, /, **values: object) -> str:
    """The text of ``key`` in ``lang`` with its ``{placeholders}`` filled from ``values``.

    Raises
    ------
    TextError
        For an unknown key or language, or a placeholder ``values`` does not fill.

    Examples
    --------
    >>> text("survey.page_of", "en", n=2, total=7)
    'Page 2 of 7'
    """
    found = template(key, lang)
    try:
        return found.format(**values)
    except (KeyError, IndexError) as exc:
        raise TextError(f"text {key!r} ({lang}) needs a value for {{{exc.args[0]}}}") from None


def has(key: str) -> bool:
    """Whether the catalogue holds ``key``."""
    return key in CATALOGUE


def placeholders(template_text: str) -> set[str]:
    """The names of the ``{placeholders}`` of one template."""
    return {name for _, name, _, _ in string.Formatter().parse(template_text) if name}


__all__ = ["CATALOGUE", "KM_STATUS", "TextError", "has", "placeholders", "template", "text"]
