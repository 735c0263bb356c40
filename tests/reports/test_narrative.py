"""The summary says the right thing, in English and in Khmer, for crafted results.

Each case checks which rule fired (the sentence key, the same in both
languages) and the key phrases and numbers of that rule in both languages.
"""

from __future__ import annotations

import dataclasses
import string
import unicodedata

import pytest

from lipassess.reports.figures import Attrition, Effect, Missing, Reliability, Share, ThenTest
from lipassess.reports.khmer import unknown_runs
from lipassess.reports.narrative import (
    OUTCOME_LABELS,
    SIZE_WORDS,
    TEXT,
    WAVE_LABELS,
    WAVE_SURVEY_NAMES,
    Thresholds,
    build_narrative,
    cohen_size,
    direction,
)
from tests.reports.factories import effect, make_figures, program_figures, with_total


def both(figures, **kwargs):
    return {lang: build_narrative(figures, lang, **kwargs) for lang in ("en", "km")}


def sentence(narrative, key: str) -> str:
    found = [s.text for s in narrative.sentences() if s.key == key]
    assert found, f"no sentence {key!r} in {sorted(narrative.keys())}"
    return " ".join(found)


def test_templates_have_the_same_placeholders_in_both_languages() -> None:
    fields = {lang: {} for lang in ("en", "km")}
    for key, texts in TEXT.items():
        assert set(texts) == {"en", "km"}, key
        for lang in ("en", "km"):
            fields[lang][key] = {name for _, name, _, _ in string.Formatter().parse(texts[lang]) if name}
            assert unicodedata.is_normalized("NFC", texts[lang]), key
        assert fields["en"][key] == fields["km"][key], key


def test_every_khmer_word_of_the_templates_is_in_the_line_break_lexicon() -> None:
    texts = [t["km"] for t in TEXT.values()] + [t["km"] for t in OUTCOME_LABELS.values()]
    texts += [t["km"] for t in (*WAVE_LABELS.values(), *WAVE_SURVEY_NAMES.values(), *SIZE_WORDS.values())]
    assert {run for text in texts for run in unknown_runs(text)} == set()


@pytest.mark.parametrize(
    ("g", "expected"),
    [(0.0, "negligible"), (0.19, "negligible"), (0.2, "small"), (-0.49, "small"), (0.5, "medium"),
     (0.79, "medium"), (0.8, "large"), (-1.3, "large")],
)
def test_cohen_thresholds(g: float, expected: str) -> None:
    assert cohen_size(g) == expected


def test_direction_follows_the_confidence_interval_not_the_estimate() -> None:
    assert direction(0.01, 0.4) == "up"
    assert direction(-0.2, 0.4) == "none"
    assert direction(0.0, 0.4) == "none"
    assert direction(-0.9, -0.1) == "down"


def test_large_lasting_effect() -> None:
    n = both(make_figures())
    en, km = n["en"], n["km"]
    assert {"change.up", "lasting.up", "rci", "application", "application.earlier.lower",
            "research.similar"} <= en.keys() == km.keys()
    assert "improved from before to after the training. The change is large (Hedges' g_av = 0.85, " \
           "95% CI 0.68 to 1.02" in sentence(en, "change.up")
    assert "ទំហំធំ (Hedges' g_av = ០,៨៥; ចន្លោះជឿជាក់ ៩៥%៖ ០,៦៨ ដល់ ១,០២" in sentence(km, "change.up")
    assert "the change lasted (g_av = 0.68, 95% CI 0.49 to 0.87; n = 118)" in sentence(en, "lasting.up")
    assert "ការផ្លាស់ប្តូរនៅតែមាន (g_av = ០,៦៨" in sentence(km, "lasting.up")
    assert "Of the participants, 46% (95% CI 38% to 54%; n = 150) improved" in sentence(en, "rci")
    assert "៤៦% នៃអ្នកចូលរួម (ចន្លោះជឿជាក់ ៩៥%៖ ៣៨% ដល់ ៥៤%; n = ១៥០)" in sentence(km, "rci")
    assert "; 3% (95% CI 1% to 7%) declined by more than that." in sentence(en, "rci")
    assert "ហើយ ៣% (ចន្លោះជឿជាក់ ៩៥%៖ ១% ដល់ ៧%) បានធ្លាក់ចុះ" in sentence(km, "rci")
    # Participation: counts and retention in both languages, Khmer with Khmer digits.
    assert "180 participants were enrolled; 172 answered" in sentence(en, "participation.counts")
    assert "stayed to the follow-up (148 of 172)" in sentence(en, "participation.retention")
    assert "អ្នកចូលរួមចំនួន ១៨០ នាក់បានចុះឈ្មោះ" in sentence(km, "participation.counts")
    assert "(១៤៨ ក្នុងចំណោម ១៧២ នាក់)" in sentence(km, "participation.retention")
    assert not any(ch in "0123456789" for ch in sentence(km, "participation.counts"))
    # The largest and smallest subscale, and the one with no clear change.
    assert "largest change was in Problem solving (PDIA) (g_av = 1.05)" in sentence(en, "subscales.range")
    assert "There was no clear change in Self-awareness and wellbeing." in sentence(en, "subscales.none")
    assert "មិនមានការផ្លាស់ប្តូរច្បាស់លាស់លើការយល់ដឹងពីខ្លួនឯង និងសុខុមាលភាពទេ" in sentence(km, "subscales.none")
    # Nothing to worry about beyond self-report.
    assert [s.key for s in en.caveats] == ["caveat.self_report"]
    assert "(self-report)" in en.caveats[0].text and "(ការរាយការណ៍ដោយខ្លួនឯង)" in km.caveats[0].text
    assert en.missing == () and km.missing == ()
    assert en.synthetic_notice is None


def test_no_clear_change_when_the_interval_includes_zero() -> None:
    figures = with_total(make_figures(), pre_post=effect(0.12, -0.05, 0.29),
                         pre_followup=effect(0.03, -0.15, 0.21, n=118))
    n = both(figures)
    en, km = n["en"], n["km"]
    assert "change.none" in en.keys() and "lasting.none" in en.keys()
    assert "no clear change in leadership behaviour" in sentence(en, "change.none")
    assert "is very small (g_av = 0.12) and its 95% CI (0.05 to 0.29) includes zero".replace(
        "0.05", "\u22120.05") in sentence(en, "change.none")
    assert "មិនមានការផ្លាស់ប្តូរច្បាស់លាស់" in sentence(km, "change.none")
    assert "(\u2212០,០៥ ដល់ ០,២៩) មានសូន្យនៅក្នុងនោះ" in sentence(km, "change.none")
    assert "we cannot say that the change lasted" in sentence(en, "lasting.none")
    assert "មិនអាចនិយាយបានថាការផ្លាស់ប្តូរនៅតែមាន" in sentence(km, "lasting.none")
    assert "research.smaller" in en.keys()
    assert "smaller than the transfer figure" in sentence(en, "research.smaller")
    assert "តូចជាងតួលេខការផ្ទេរនោះ" in sentence(km, "research.smaller")


def test_a_decline_is_said_plainly() -> None:
    figures = with_total(make_figures(), pre_post=effect(-0.55, -0.74, -0.36),
                         pre_followup=effect(-0.4, -0.6, -0.2, n=118))
    n = both(figures)
    en, km = n["en"], n["km"]
    text = sentence(en, "change.down")
    assert "Leadership behaviour scores went down" in text and "The decline is medium" in text
    assert "g_av = \u22120.55, 95% CI \u22120.74 to \u22120.36" in text
    assert "This needs attention." in text
    khmer = sentence(km, "change.down")
    assert "បានធ្លាក់ចុះ" in khmer and "ទំហំមធ្យម" in khmer and "g_av = \u2212០,៥៥" in khmer
    assert "ចំណុចនេះត្រូវការការយកចិត្តទុកដាក់" in khmer
    assert "were lower than before the training" in sentence(en, "lasting.down")
    assert "ទាបជាងមុនវគ្គបណ្តុះបណ្តាល" in sentence(km, "lasting.down")
    assert "change.up" not in en.keys()


def test_a_very_small_but_clear_change_is_called_very_small() -> None:
    figures = with_total(make_figures(), pre_post=effect(0.15, 0.05, 0.25, n=400))
    n = both(figures)
    assert "The change is very small" in sentence(n["en"], "change.up")
    assert "មានទំហំតូចបំផុត" in sentence(n["km"], "change.up")


def test_larger_than_the_meta_analysis_and_its_citation() -> None:
    figures = with_total(make_figures(), pre_post=effect(1.3, 1.1, 1.5))
    n = both(figures)
    en, km = n["en"], n["km"]
    assert "larger than the transfer figure" in sentence(en, "research.larger")
    assert "ធំជាងតួលេខការផ្ទេរនោះ" in sentence(km, "research.larger")
    cite = sentence(en, "research.cite")
    assert "Lacerenza, Reyes, Marlow, Joseph & Salas, 2017" in cite
    assert "\u03b4 = 0.76 overall and \u03b4 = 0.82 for behaviour at work (transfer)" in cite
    assert "\u03b4 = ០,៧៦ ជារួម និង \u03b4 = ០,៨២" in sentence(km, "research.cite")
    assert "The comparison is rough" in sentence(en, "research.rough")
    assert "គ្រាន់តែប្រហាក់ប្រហែលប៉ុណ្ណោះ" in sentence(km, "research.rough")
    assert any("Journal of Applied Psychology, 102(12), 1686\u20131718" in ref for ref in en.references)


def test_low_reliability_is_a_caveat_naming_the_scale_and_wave() -> None:
    figures = make_figures()
    communication = dataclasses.replace(
        figures.outcome("communication"),
        reliability=(Reliability(wave="pre", alpha=0.62, ci_low=0.52, ci_high=0.7, n=150),
                     Reliability(wave="post", alpha=0.74, n=150)))
    figures = dataclasses.replace(figures, outcomes=tuple(communication if o.outcome == "communication" else o
                                                          for o in figures.outcomes))
    n = both(figures)
    en = sentence(n["en"], "caveat.reliability")
    assert en.startswith("Reliability was below 0.70 for Communication (before the training, \u03b1 = 0.62)")
    assert "after the training" not in en
    km = sentence(n["km"], "caveat.reliability")
    assert "ទាបជាង ០,៧០ សម្រាប់ការប្រាស្រ័យទាក់ទង (មុនវគ្គបណ្តុះបណ្តាល, \u03b1 = ០,៦២)" in km
    # The threshold is a setting.
    assert "caveat.reliability" not in build_narrative(figures, "en", thresholds=Thresholds(reliability_min=0.6)).keys()
    # several waves of one scale: the scale is named once, its waves in brackets
    communication = dataclasses.replace(communication, reliability=(
        Reliability(wave="pre", alpha=0.62, n=150), Reliability(wave="post", alpha=0.66, n=150)))
    figures = dataclasses.replace(figures, outcomes=tuple(communication if o.outcome == "communication" else o
                                                          for o in figures.outcomes))
    assert sentence(both(figures)["en"], "caveat.reliability").startswith(
        "Reliability was below 0.70 for Communication (before the training, \u03b1 = 0.62; after the training, "
        "\u03b1 = 0.66):")


def test_high_and_biased_attrition() -> None:
    attrition = Attrition(overall_rate=0.45, differential_rate=0.12, baseline_smd=-0.31, wwc_high=True,
                          n_baseline=172, n_retained=95)
    n = both(make_figures(attrition=attrition))
    en, km = n["en"], n["km"]
    assert "Of those who answered before the training, 45% did not answer the 6-month follow-up (more than 20%)" \
        in sentence(en, "caveat.attrition_high")
    assert "៤៥% នៃអ្នកដែលបានឆ្លើយមុនវគ្គ មិនបានឆ្លើយការតាមដាន ៦ ខែទេ (លើសពី ២០%)" \
        in sentence(km, "caveat.attrition_high")
    assert "(standardized difference = \u22120.31; above the 0.25 limit of the What Works Clearinghouse)" \
        in sentence(en, "caveat.attrition_biased")
    assert "ភាពខុសគ្នាស្តង់ដារ = \u2212០,៣១; លើសពីកម្រិត ០,២៥ របស់ What Works Clearinghouse" \
        in sentence(km, "caveat.attrition_biased")
    assert "attrition is high (overall 45%, differential 12%)" in sentence(en, "caveat.attrition_wwc")
    assert "ការបោះបង់គឺខ្ពស់ (សរុប ៤៥%; ភាពខុសគ្នារវាងក្រុម ១២%)" in sentence(km, "caveat.attrition_wwc")


def test_modest_unbiased_attrition_raises_no_caveat() -> None:
    attrition = Attrition(overall_rate=0.2, baseline_smd=0.25, wwc_high=False)
    keys = build_narrative(make_figures(attrition=attrition), "en").keys()
    assert not {"caveat.attrition_high", "caveat.attrition_biased", "caveat.attrition_wwc"} & keys


def test_small_n() -> None:
    figures = with_total(make_figures(n_enrolled=24, n_pre=22, n_post=20, n_followup=12,
                                      retention=Share(share=12 / 22, count=12, n=22)),
                         pre_post=effect(0.9, 0.4, 1.4, n=18), pre_followup=effect(0.7, 0.1, 1.3, n=11))
    n = both(figures)
    assert "Only 18 participants answered both before and after the training; with fewer than 30" \
        in sentence(n["en"], "caveat.small_n")
    assert "មានតែអ្នកចូលរួម ១៨ នាក់ប៉ុណ្ណោះ" in sentence(n["km"], "caveat.small_n")
    assert "តិចជាង ៣០ នាក់" in sentence(n["km"], "caveat.small_n")
    assert "Only 11 participants answered the 6-month follow-up" in sentence(n["en"], "caveat.small_n_followup")
    assert "១១ នាក់ប៉ុណ្ណោះដែលបានឆ្លើយការតាមដាន ៦ ខែ" in sentence(n["km"], "caveat.small_n_followup")


def test_missing_follow_up_says_why_for_every_follow_up_number() -> None:
    base = make_figures()
    missing = Missing(reason="too_few", n=3, needed=5, wave="followup")
    outcomes = tuple(dataclasses.replace(o, pre_followup=Effect(missing=missing), mean_followup=None)
                     for o in base.outcomes)
    figures = dataclasses.replace(
        base, n_followup=3, outcomes=outcomes, retention=Share(share=3 / 172, count=3, n=172),
        applied_skills=Share(missing=missing), attrition=Attrition(missing=missing))
    n = both(figures)
    en, km = n["en"], n["km"]
    assert sentence(en, "lasting.missing") == (
        "The change from before the training to the follow-up in Leadership behaviour (total) cannot be given, "
        "because there are only 3 follow-up responses and at least 5 are needed.")
    assert sentence(km, "lasting.missing") == (
        "មិនអាចបង្ហាញការផ្លាស់ប្តូរពីមុនវគ្គដល់ការតាមដានលើឥរិយាបថភាពជាអ្នកដឹកនាំ (សរុប)បានទេ "
        "ដោយសារមានចម្លើយតាមដានតែ ៣ ប៉ុណ្ណោះ ប៉ុន្តែត្រូវការយ៉ាងហោចណាស់ ៥។")
    assert "the share who applied the skills at the follow-up cannot be given" in \
        sentence(en, "application.missing").lower()
    assert "The program's own earlier self-reported figure was 89%." in sentence(en, "application.earlier")
    assert "៨៩%" in sentence(km, "application.earlier")
    # The six subscales and the attrition check share one sentence with the same reason.
    (grouped,) = en.missing
    for label in ("Adaptive leadership", "Communication", "Self-awareness and wellbeing",
                  "the check of who dropped out before the follow-up"):
        assert label in grouped.text
    assert grouped.text.endswith("because there are only 3 follow-up responses and at least 5 are needed.")
    assert len(km.missing) == 1 and "ការពិនិត្យអ្នកដែលបានបោះបង់មុនការតាមដាន" in km.missing[0].text
    # No follow-up numbers are invented, and the "lasting" rules did not fire.
    assert not {"lasting.up", "lasting.none", "lasting.down", "application"} & en.keys()


@pytest.mark.parametrize(
    ("missing", "en_reason", "km_reason"),
    [
        (Missing(reason="not_yet", wave="followup"), "because the follow-up survey has not taken place yet",
         "ដោយសារការស្ទង់មតិតាមដានមិនទាន់បានធ្វើនៅឡើយ"),
        (Missing(reason="not_yet"), "because the survey that provides it has not taken place yet",
         "ដោយសារការស្ទង់មតិដែលផ្តល់ទិន្នន័យនេះមិនទាន់បានធ្វើនៅឡើយ"),
        (Missing(reason="too_few"), "because there are too few responses", "ដោយសារមានចម្លើយតិចពេក"),
        (Missing(reason="no_variance"), "because everyone gave the same answers, so there is no variation to analyse",
         "ដោយសារអ្នកទាំងអស់បានឆ្លើយដូចគ្នា"),
        (Missing(reason="not_measured"), "because it was not measured for this group",
         "ដោយសារវាមិនត្រូវបានវាស់សម្រាប់ក្រុមនេះទេ"),
        (Missing(reason="error", detail="Zero variance in the change scores."),
         "because the analysis could not be run (Zero variance in the change scores)",
         "ដោយសារមិនអាចដំណើរការការវិភាគបាន (Zero variance in the change scores)"),
    ],
)
def test_every_missing_reason_has_a_sentence_in_both_languages(missing: Missing, en_reason: str,
                                                               km_reason: str) -> None:
    figures = make_figures(then_test=ThenTest(missing=missing))
    n = both(figures)
    (en,) = n["en"].missing
    (km,) = n["km"].missing
    assert en.text == f"The retrospective pre-test comparison cannot be given, {en_reason}."
    assert km.text.startswith("មិនអាចបង្ហាញការប្រៀបធៀបជាមួយការវាយតម្លៃមុនវគ្គដោយការរំលឹកឡើងវិញបានទេ ")
    assert km_reason in km.text


def test_everything_missing_still_reads_and_every_gap_is_explained() -> None:
    nothing = Missing(reason="not_yet", wave="pre")
    base = make_figures()
    outcomes = tuple(dataclasses.replace(o, pre_post=Effect(missing=nothing), pre_followup=Effect(missing=nothing),
                                         reliability=(Reliability(wave="pre", missing=nothing),),
                                         ceiling_pre=Share(missing=nothing), mean_pre=None, mean_post=None,
                                         mean_followup=None) for o in base.outcomes)
    figures = dataclasses.replace(
        base, n_pre=0, n_post=0, n_followup=0, outcomes=outcomes, retention=Share(missing=nothing),
        reliably_improved=Share(missing=nothing), reliably_declined=Share(missing=nothing),
        applied_skills=Share(missing=nothing), then_test=ThenTest(missing=nothing),
        attrition=Attrition(missing=nothing), subgroups=())
    for lang, narrative in both(figures).items():
        keys = narrative.keys()
        assert {"participation.retention_missing", "change.missing", "rci.missing", "lasting.missing",
                "application.missing", "missing"} <= keys, lang
        assert [s.key for s in narrative.caveats] == ["caveat.self_report"]
    en = build_narrative(figures, "en")
    # reliably improved and declined share one reason: one sentence naming both
    assert sentence(en, "rci.missing") == (
        "The share who reliably improved and the share who reliably declined cannot be given, because the "
        "pre-training survey has not taken place yet.")
    # subscales, reliability, ceiling, then-test and attrition: one sentence for the one reason
    (rest,) = en.missing
    for phrase in ("the change from before to after the training in Communication",
                   "the reliability of Communication (before the training)",
                   "the share at the highest score before the training in Leadership behaviour (total)",
                   "the retrospective pre-test comparison", "the check of who dropped out before the follow-up"):
        assert phrase in rest.text
    km = build_narrative(figures, "km")
    assert "ដោយសារការស្ទង់មតិមុនវគ្គបណ្តុះបណ្តាលមិនទាន់បានធ្វើនៅឡើយ" in km.missing[0].text


def test_ceiling_and_then_test_caveats() -> None:
    figures = make_figures(then_test=ThenTest(gap=-0.35, ci_low=-0.5, ci_high=-0.2, n=160))
    total = dataclasses.replace(figures.total, ceiling_pre=Share(share=0.22, count=33, n=150))
    figures = dataclasses.replace(figures, outcomes=(total, *figures.subscales))
    n = both(figures)
    en, km = n["en"], n["km"]
    assert "more than 15% of participants already had the highest possible score in Leadership behaviour " \
           "(total) (22%)" in sentence(en, "caveat.ceiling")
    assert "(ឥទ្ធិពលពិដាន)" in sentence(km, "caveat.ceiling") and "(២២%)" in sentence(km, "caveat.ceiling")
    then = sentence(en, "caveat.then_test_lower")
    assert "rated their behaviour before it lower than they had at the time" in then
    assert "gap = \u22120.35, 95% CI \u22120.50 to \u22120.20; n = 160" in then
    assert "response shift" in then and "would look larger" in then
    assert "គម្លាតនៃការវាយតម្លៃមុនវគ្គដោយការរំលឹកឡើងវិញ = \u2212០,៣៥" in sentence(km, "caveat.then_test_lower")
    higher = build_narrative(make_figures(then_test=ThenTest(gap=0.3, ci_low=0.1, ci_high=0.5, n=160)), "en")
    assert "would look smaller" in sentence(higher, "caveat.then_test_higher")


@pytest.mark.parametrize(
    ("share", "low", "high", "key", "en_phrase", "km_phrase"),
    [
        (0.88, 0.82, 0.92, "application.earlier.same", "the new figure is consistent with it",
         "តួលេខថ្មីនេះស្របនឹងតួលេខនោះ"),
        (0.95, 0.91, 0.98, "application.earlier.higher", "the new figure is higher", "តួលេខថ្មីនេះខ្ពស់ជាង"),
        (0.60, 0.52, 0.68, "application.earlier.lower", "the new figure is lower", "តួលេខថ្មីនេះទាបជាង"),
    ],
)
def test_application_is_set_beside_the_programs_earlier_89_percent(share: float, low: float, high: float, key: str,
                                                                  en_phrase: str, km_phrase: str) -> None:
    figures = make_figures(applied_skills=Share(share=share, ci_low=low, ci_high=high, count=100, n=120))
    n = both(figures)
    en = sentence(n["en"], key)
    assert "The program's own earlier self-reported figure was 89%" in en and en_phrase in en
    km = sentence(n["km"], key)
    assert "ការរាយការណ៍ដោយខ្លួនឯង គឺ ៨៩%" in km and km_phrase in km
    assert "(95% Wilson CI" in sentence(n["en"], "application")
    assert "ចន្លោះជឿជាក់ Wilson ៩៥%" in sentence(n["km"], "application")


def test_synthetic_notice_title_and_program_scope() -> None:
    n = both(program_figures())
    assert n["en"].title == "Impact summary: whole program"
    assert n["km"].title == "សេចក្តីសង្ខេបអំពីផលប៉ះពាល់៖ កម្មវិធីទាំងមូល"
    assert n["en"].synthetic_notice.startswith("SYNTHETIC DATA")
    assert n["km"].synthetic_notice.startswith("ទិន្នន័យសំយោគ")


def test_figures_summary_is_the_narrative_text() -> None:
    figures = make_figures()
    assert figures.summary() == build_narrative(figures, "en").text()
    assert figures.summary("km").startswith("សេចក្តីសង្ខេបអំពីផលប៉ះពាល់")


def test_self_report_caveat_only_for_self_report() -> None:
    assert "caveat.self_report" not in build_narrative(make_figures(self_report=False), "en").keys()


def test_latin_digits_in_khmer_when_asked() -> None:
    text = build_narrative(make_figures(), "km", khmer_digits=False).section("change").text
    assert "g_av = 0,85" in text and "០" not in text


def test_cohen_thresholds_are_stated_in_both_languages() -> None:
    n = both(make_figures())
    assert "By Cohen's (1988) conventional thresholds, below 0.2 is very small, 0.2 small, 0.5 medium and 0.8 " \
           "or more large" in n["en"].method.text
    assert "Cohen (1988) ក្រោម ០,២ គឺតូចបំផុត ០,២ គឺតូច ០,៥ គឺមធ្យម ហើយ ០,៨ ឡើងទៅគឺធំ" in n["km"].method.text


def test_suppressed_subgroups_are_explained() -> None:
    n = both(make_figures())
    assert "Groups with fewer than 5 participants are not shown" in n["en"].section("subgroups").text
    assert "តិចជាង ៥ នាក់" in n["km"].section("subgroups").text
    assert build_narrative(make_figures(subgroups=()), "en").section("subgroups") is None
