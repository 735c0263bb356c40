"""The "What supervisors saw" section: which rule fires, in English and Khmer, for crafted observer figures."""

from __future__ import annotations

import pytest

from lipassess.errors import InvalidInput
from lipassess.reports.figures import ImpactFigures, Missing, MissingReason
from lipassess.reports.khmer import unknown_runs
from lipassess.reports.narrative import build_narrative
from lipassess.reports.observer_figures import ObserverAgreement, ObserverChange, ObserverFigures, ObserverGap
from lipassess.text.raters import REPORT
from tests.reports.factories import make_figures


def observers(**changes) -> ObserverFigures:
    values = dict(
        group="supervisor", min_raters=3, n_raters=120,
        pre_post=ObserverChange(mean_diff=0.19, ci_low=0.12, ci_high=0.26, d_z=0.41, n=60),
        pre_followup=ObserverChange(mean_diff=0.15, ci_low=0.07, ci_high=0.23, d_z=0.30, n=55),
        self_pre_post=ObserverChange(mean_diff=0.42, ci_low=0.37, ci_high=0.47, d_z=1.9, n=58),
        gap=ObserverGap(pre=-0.03, post=0.20, change=0.23, ci_low=0.16, ci_high=0.30, verdict="widened", n=58),
        agreement=ObserverAgreement(icc1=0.41, icc1k=0.74, rwg_median=0.88, n=20),
    )
    values.update(changes)
    return ObserverFigures(**values)


def both(figures: ImpactFigures) -> dict:
    return {lang: build_narrative(figures, lang) for lang in ("en", "km")}


def section(narrative):
    found = narrative.section("observers")
    assert found is not None
    return found


def test_observers_come_first_and_a_disagreement_is_said() -> None:
    for lang, narrative in both(make_figures(observers=observers())).items():
        assert [s.key for s in narrative.sections][:3] == ["participation", "observers", "change"]
        keys = [s.key for s in section(narrative).sentences]
        assert keys == ["observers.prefer", "observers.change", "observers.followup", "observers.gap",
                        "observers.gap_widened", "observers.disagree", "observers.agreement"], lang
    en, km = (section(n) for n in both(make_figures(observers=observers())).values())
    assert en.heading == "What supervisors saw" and km.heading == "អ្វីដែលថ្នាក់ដឹកនាំផ្ទាល់បានឃើញ"
    assert "changed by 0.19 points on the 1-5 scale (95% CI 0.12 to 0.26; d_z = 0.41)" in en.text
    assert "participants saw a change of 0.42 points in themselves, supervisors a change of 0.19" in en.text
    assert "០,១៩" in km.text and "០,៤២" in km.text and "0.19" not in km.text  # Khmer digits, decimal comma


def test_agreement_when_the_difference_of_the_changes_includes_zero() -> None:
    gap = ObserverGap(pre=0.3, post=0.1, change=-0.05, ci_low=-0.15, ci_high=0.05, verdict="narrowed", n=58)
    narrative = build_narrative(make_figures(observers=observers(gap=gap)), "en")
    keys = [s.key for s in section(narrative).sentences]
    assert "observers.agree" in keys and "observers.disagree" not in keys and "observers.gap_narrowed" in keys


def test_all_observers_when_too_few_supervisors_and_merged_relations_named() -> None:
    narrative = build_narrative(make_figures(observers=observers(group="observers", merged=("peer",))), "en")
    observed = section(narrative)
    assert observed.heading == "What observers saw"
    assert observed.sentences[-1].key == "observers.merged"
    assert observed.sentences[-1].text == ("Fewer than 3 colleagues rated, so their answers are counted with the "
                                           "other observers.")


def test_missing_numbers_say_why_with_the_same_rules() -> None:
    not_yet = Missing(reason=MissingReason.NOT_YET, wave="post")
    figures = make_figures(observers=observers(
        pre_post=ObserverChange(missing=not_yet), pre_followup=ObserverChange(missing=not_yet),
        self_pre_post=ObserverChange(missing=not_yet), gap=ObserverGap(missing=not_yet),
        agreement=ObserverAgreement(missing=Missing(reason=MissingReason.TOO_FEW, n=1, needed=2, wave="pre"))))
    for lang, narrative in both(figures).items():
        keys = [s.key for s in section(narrative).sentences]
        assert keys == ["observers.change_missing"], lang
    en = section(build_narrative(figures, "en")).text
    assert en == "The change supervisors saw cannot be given, because the post-training survey has not taken place yet."
    whole = make_figures(observers=ObserverFigures(min_raters=3, n_raters=2,
                                                   missing=Missing(reason=MissingReason.TOO_FEW, n=2, needed=3)))
    en, km = (section(n) for n in both(whole).values())
    assert [s.key for s in en.sentences] == ["observers.missing"]
    assert en.text == ("What observers saw cannot be given, because there are only 2 responses and at least 3 "
                       "are needed.")
    assert "២" in km.text and "៣" in km.text


def test_no_section_when_no_observer_was_planned() -> None:
    narrative = build_narrative(make_figures(), "en")
    assert narrative.section("observers") is None


def test_figures_round_trip_and_refuse_mixed_states() -> None:
    figures = make_figures(observers=observers())
    assert ImpactFigures.from_dict(figures.to_dict()) == figures
    assert figures.to_dict()["observers"]["gap"]["verdict"] == "widened"
    with pytest.raises(InvalidInput, match="missing reason was given"):
        ObserverFigures(missing=Missing(reason=MissingReason.NOT_YET), pre_post=ObserverChange(missing=None,
                        mean_diff=0.1, ci_low=0.0, ci_high=0.2))
    with pytest.raises(InvalidInput, match="give every part"):
        ObserverFigures(group="supervisor")
    with pytest.raises(InvalidInput, match="verdict"):
        ObserverGap(pre=0.1, post=0.2, change=0.1, ci_low=0.0, ci_high=0.2, verdict="better")
    with pytest.raises(InvalidInput, match="ci_low"):
        ObserverChange(mean_diff=0.1, ci_low=0.3, ci_high=0.2)


def test_every_khmer_word_of_the_section_is_in_the_line_break_lexicon() -> None:
    assert {run for texts in REPORT.values() for run in unknown_runs(texts["km"])} == set()
