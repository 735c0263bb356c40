"""Analysis notes and codes in words for the staff pages; g_av and d_z typeset, not reworded."""

from __future__ import annotations

import re

import pytest

from lipassess.reports.notation import notation
from lipassess.reports.render import render_html
from lipassess.reports.tables.words import header_help, plain_words, variable_label
from tests.reports.factories import make_figures

CODE = re.compile(r"\b[a-z]+(?:_[a-z0-9]+)+\b")


@pytest.mark.parametrize(("note", "words"), [
    ("no group column given: differential attrition not computed",
     "Differential attrition is not computed: these participants form one group, with no comparison group"),
    ("ministry=Ministry of Planning: Cox index undefined (a proportion of 0 or 1); read diff_proportion",
     "For Ministry of Planning (ministry) the Cox index cannot be computed, as a share is 0% or 100%: "
     "read the difference in shares instead"),
    ("only one group in 'province': differential attrition undefined",
     "Differential attrition cannot be computed: everyone is in one province"),
    ("hedges_g", "Difference in means (Hedges' g)"),
    ("cox_index", "Difference in shares (Cox index)"),
    ("omega_total is NaN: a one-factor model needs at least 3 items.",
     "McDonald's omega is NaN: a one-factor model needs at least 3 items."),
    ("the gap between pretest and retro_pre could not be estimated",
     "The gap between pretest and retrospective pretest could not be estimated"),
    ("some_new_code appeared", "Some new code appeared"),  # any other code: its words
    ("does not satisfy", "does not satisfy"),  # words stay as they are
    ("n retained", "n retained"),
])
def test_notes_and_codes_in_words(note: str, words: str) -> None:
    assert plain_words(note) == words
    assert not CODE.search(plain_words(note))


def test_two_notes_joined_are_both_reworded() -> None:
    joined = ("no group column given: differential attrition not computed; "
              "ministry=X: Cox index undefined (a proportion of 0 or 1); read diff_proportion")
    assert plain_words(joined) == ("Differential attrition is not computed: these participants form one group, "
                                   "with no comparison group; for X (ministry) the Cox index cannot be computed, "
                                   "as a share is 0% or 100%: read the difference in shares instead")


def test_effect_size_notation_is_typeset_not_reworded() -> None:
    assert plain_words("d_z and g_av") == "d_z and g_av"
    assert str(notation("d_z < g_av & d_av")) == "d<sub>z</sub> &lt; g<sub>av</sub> &amp; d<sub>av</sub>"
    assert variable_label("baseline_score") == "Score before the training"
    assert variable_label("ministry") == "Ministry"


def test_summary_shows_no_code_and_the_pdf_html_no_web_font() -> None:
    for lang in ("en", "km"):
        html = render_html(make_figures(), lang)
        visible = re.sub(r"<style>.*?</style>|<[^>]+>", " ", html, flags=re.S)
        assert not CODE.search(visible), CODE.findall(visible)
        pdf_html = render_html(make_figures(), lang, for_pdf=True)
        assert "url(" not in pdf_html and "@media screen" not in pdf_html


@pytest.mark.parametrize(("header", "names"), [
    ("g_av 95% CI", "Hedges' g_av"), ("Gap d_z", "Cohen's d_z"), ("p (Holm)", "Holm 1979"),
    ("GG epsilon", "Greenhouse-Geisser"), ("Reliably improved", "Reliable Change Index"),
    ("omega total", "McDonald's omega"), ("WWC baseline equivalence", "What Works Clearinghouse"),
])
def test_headers_naming_a_statistic_carry_its_name_and_meaning(header: str, names: str) -> None:
    assert names in (header_help(header) or "")


@pytest.mark.parametrize("header", ["Mean pre", "Submitted", "Opens", "Why it is missing"])
def test_headers_in_plain_words_need_no_tooltip(header: str) -> None:
    assert header_help(header) is None
