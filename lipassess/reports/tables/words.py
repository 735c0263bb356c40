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


__all__ = ["CODES", "NOTATION", "plain_words", "variable_label"]
