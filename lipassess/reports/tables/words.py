"""Analysis notes and codes in words, for the staff pages (the CSV files keep them as the analysis wrote them).

The analysis writes its notes for evaluators in a notebook
(``"no group column given: differential attrition not computed"``,
``"ministry=X: Cox index undefined ...; read diff_proportion"``) and names
measures by code (``hedges_g``, ``cox_index``). :func:`plain_words` turns
both into sentences a program manager can read: known notes by rule, known
codes by name, any other ``snake_case`` code with spaces. Effect-size
notation (``g_av``, ``d_z``, ``d_av``) is left for the page to typeset
(:func:`lipassess.reports.notation.notation`).
"""

from __future__ import annotations

import re

from lipassess.reports.tables.base import outcome_label

NOTATION = frozenset({"g_av", "d_z", "d_av"})
"""Effect-size names written as statistical notation, typeset by the page rather than reworded."""

CODES: dict[str, str] = {
    "hedges_g": "difference in means (Hedges' g)",
    "cox_index": "difference in shares (Cox index)",
    "diff_proportion": "the difference in shares",
    "alpha_if_deleted": "alpha if the item is left out",
    "omega_total": "McDonald's omega",
    "retro_pre": "retrospective pretest",
    "sd_pre": "the pretest SD",
    "baseline_score": "score before the training",
    "pre_post": "before and after",
    "pre_followup": "before and follow-up",
    "then_test": "then-test",
}
"""Codes the analysis uses, in words (the technical name stays in brackets where an evaluator needs it)."""

_RULES: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"no group column given: differential attrition not computed"),
     "differential attrition is not computed: these participants form one group, with no comparison group"),
    (re.compile(r"(?P<variable>[a-z_]+)=(?P<level>[^:;]+): Cox index undefined \(a proportion of 0 or 1\); "
                r"read diff_proportion"),
     "for {level} ({variable}) the Cox index cannot be computed, as a share is 0% or 100%: "
     "read the difference in shares instead"),
    (re.compile(r"only one group in '(?P<variable>\w+)': differential attrition undefined"),
     "differential attrition cannot be computed: everyone is in one {variable}"),
)
HEADER_HELP: tuple[tuple[str, str], ...] = (
    ("g_av", "Hedges' g_av: the mean change over the average SD of the two waves, corrected for small "
             "samples (Lakens 2013); 0.2 small, 0.5 medium, 0.8 large (Cohen 1988)"),
    ("d_z", "Cohen's d_z: the mean change over the SD of the individual changes (Lakens 2013)"),
    ("Reliably", "Beyond measurement error by the Reliable Change Index (Jacobson & Truax 1991)"),
    ("RCI", "Reliable Change Index: a change larger than measurement error explains (Jacobson & Truax 1991)"),
    ("GG", "Greenhouse-Geisser correction for unequal variances of the wave differences"),
    ("WWC", "What Works Clearinghouse baseline-equivalence standard (Procedures and Standards Handbook 5.0)"),
    ("omega", "McDonald's omega total: reliability from a one-factor model"),
    ("alpha", "Cronbach's alpha: reliability from the items' covariances"),
    ("eta2", "Generalized eta squared: the share of variance due to the wave (Olejnik & Algina 2003)"),
    ("Kendall", "Kendall's W: agreement of the participants' rankings of the waves (0 to 1)"),
    ("Friedman", "Friedman test: a rank test of differences between the waves"),
    ("Holm", "p adjusted for several comparisons (Holm 1979)"),
    ("Wilcoxon", "Wilcoxon signed-rank test: a rank test of the paired changes"),
    ("SEM", "Standard error of measurement"),
    ("ICC", "Intraclass correlation"),
    ("Wilson", "Wilson score interval for a share"),
)
"""Column headers that name a statistic, and what it is: shown as the header's tooltip on the pages."""

_CODE = re.compile(r"\b[a-z]+(?:_[a-z0-9]+)+\b")


def variable_label(name: str) -> str:
    """A variable's name in words: ``baseline_score`` -> "Score before the training", ``ministry`` -> "Ministry"."""
    if name in CODES:
        words = CODES[name]
    else:
        label = outcome_label(name)
        words = label if label != name.replace("_", " ").capitalize() else name.replace("_", " ")
    return words[:1].upper() + words[1:]


def _code(match: re.Match[str]) -> str:
    code = match.group(0)
    if code in NOTATION:
        return code
    return CODES.get(code, code.replace("_", " "))


def plain_words(text: str | None) -> str:
    """A note or code of the analysis as words for a staff page (see the module docstring)."""
    if not text:
        return ""
    out = str(text)
    for pattern, template in _RULES:
        def fill(found: re.Match[str], template: str = template) -> str:
            values = {name: variable_label(value).lower() if name == "variable" else value
                      for name, value in found.groupdict().items()}
            return template.format(**values)
        out = pattern.sub(fill, out)
    out = _CODE.sub(_code, out)
    if out == str(text) or any(out.startswith(name) for name in NOTATION):
        return out
    return out[:1].upper() + out[1:]  # a note or code reworded at its start begins a sentence


def codes_spaced(text: str) -> str:
    """``text`` with any ``snake_case`` code written with spaces (effect-size notation kept), for a page in
    another language whose words came from the catalogue already."""
    return _CODE.sub(lambda found: found.group(0) if found.group(0) in NOTATION else found.group(0).replace("_", " "),
                     text)


def header_help(header: str) -> str | None:
    """What the statistic a column header names is, for its tooltip; None for a header in plain words."""
    for token, help_text in HEADER_HELP:
        if re.search(rf"\b{re.escape(token)}", header):
            return help_text
    return None


__all__ = ["CODES", "HEADER_HELP", "NOTATION", "codes_spaced", "header_help", "plain_words", "variable_label"]
