"""The summary's caveats say whether the questions were understood the same way before and after."""

from __future__ import annotations

import pytest

from lipassess.errors import InvalidInput
from lipassess.reports.figures import ImpactFigures
from lipassess.reports.invariance import Invariance
from lipassess.reports.narrative import build_narrative
from tests.reports.factories import make_figures


def caveats(figures: ImpactFigures, lang: str = "en") -> dict[str, str]:
    return {s.key: s.text for s in build_narrative(figures, lang).caveats}


def test_holding_invariance_says_the_questions_were_understood_the_same_way() -> None:
    said = caveats(make_figures(invariance=Invariance(holds=("communication", "adaptive_leadership"))))
    text = said["caveat.invariance_holds"]
    assert text.startswith("The questions were understood the same way before and after the training")
    assert "(Communication and Adaptive leadership)" in text
    assert "caveat.invariance_fails" not in said and "caveat.invariance_partial" not in said


def test_partial_invariance_names_the_questions_set_aside() -> None:
    figures = make_figures(invariance=Invariance(holds=("communication",), partial=("conflict_management",),
                                                 partial_items=("CF3", "CF5")))
    said = caveats(figures)
    assert "(Communication and Conflict management)" in said["caveat.invariance_holds"]
    assert said["caveat.invariance_partial"].startswith(
        "For Conflict management, this holds once the answers to CF3 and CF5 are set aside")
    km = caveats(figures, "km")
    assert "CF3 និង CF5" in km["caveat.invariance_partial"]


def test_failing_scalar_invariance_is_a_warning_in_both_languages() -> None:
    figures = make_figures(invariance=Invariance(fails=("problem_solving_pdia",)))
    en, km = caveats(figures), caveats(figures, "km")
    assert en["caveat.invariance_fails"].startswith("Warning: for Problem solving (PDIA), the questions may not")
    assert "caveat.invariance_holds" not in en
    assert km["caveat.invariance_fails"].startswith("ការព្រមាន៖")
    assert set(km) == set(en)


def test_nothing_is_said_when_nothing_was_tested() -> None:
    assert not any(k.startswith("caveat.invariance") for k in caveats(make_figures()))
    assert not any(k.startswith("caveat.invariance") for k in caveats(make_figures(invariance=Invariance())))


def test_figures_round_trip_with_invariance() -> None:
    figures = make_figures(invariance=Invariance(partial=("communication",), partial_items=("CM2",)))
    again = ImpactFigures.from_dict(figures.to_dict())
    assert again.invariance == figures.invariance
    assert figures.to_dict()["invariance"]["partial_items"] == ["CM2"]


@pytest.mark.parametrize("bad", [dict(holds=("total",)), dict(partial=("communication",))])
def test_invalid_invariance_figures_are_refused(bad) -> None:
    with pytest.raises(InvalidInput):
        Invariance(**bad)


def test_failing_language_invariance_is_a_warning() -> None:
    figures = make_figures(invariance=Invariance(holds=("communication",), language_fails=("communication",)))
    en, km = caveats(figures), caveats(figures, "km")
    assert en["caveat.invariance_language"].startswith(
        "Warning: for Communication, the Khmer and English questionnaires may not have been understood the same way")
    assert "caveat.invariance_holds" in en
    assert set(km) == set(en)
