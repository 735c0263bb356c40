"""The plain answer: whether and how much leadership behaviour changed, whether it lasted, how sure we are.

Expected words follow the rules of :mod:`lipassess.reports.answer`: Cohen's
(1988) thresholds on |g| (0.2, 0.5, 0.8), the direction from the 95% CI, the
share of the gain kept at the follow-up (0.9, 0.5), the certainty from the
CI's end nearest zero.
"""

from __future__ import annotations

import pytest

from lipassess.reports.answer import plain_answer
from lipassess.reports.figures import Effect, Missing
from lipassess.reports.render import render_html
from tests.reports.factories import effect, make_figures, with_total

NOT_YET = Missing(reason="not_yet", wave="followup")
TOO_FEW_FOLLOWUP = Missing(reason="too_few", n=3, needed=5, wave="followup")


def figures_with(pre_post: Effect, pre_followup: Effect):
    return with_total(make_figures(), pre_post=pre_post, pre_followup=pre_followup)


def test_the_issue_example_medium_lasting_and_sure() -> None:
    answer = plain_answer(figures_with(effect(0.78, 0.72, 0.84, n=456), effect(0.57, 0.51, 0.62, n=375)))
    assert answer.rules == ("change.up", "lasting.most", "sure.high")
    assert answer.sentences == (
        "Leadership behaviour improved moderately after the training (g = 0.78), and most of the gain remained "
        "6 months later (g = 0.57).",
        "We can be confident of this: the plausible range (95% CI 0.72 to 0.84) shows at least a medium change.",
    )
    assert answer.heading == "In short"


def test_khmer_answer_has_the_same_rules_khmer_digits_and_words() -> None:
    figures = figures_with(effect(0.78, 0.72, 0.84, n=456), effect(0.57, 0.51, 0.62, n=375))
    km = plain_answer(figures, "km")
    assert km.rules == plain_answer(figures, "en").rules
    assert km.sentences[0] == ("ឥរិយាបថភាពជាអ្នកដឹកនាំបានប្រសើរឡើងក្នុងកម្រិតមធ្យម ក្រោយវគ្គបណ្តុះបណ្តាល (g = ០,៧៨) "
                               "ហើយការកើនឡើងភាគច្រើននៅតែមាន ៦ ខែក្រោយមក (g = ០,៥៧)។")
    assert "(ចន្លោះជឿជាក់ ៩៥%៖ ០,៧២ ដល់ ០,៨៤)" in km.sentences[1] and "ទំហំមធ្យម" in km.sentences[1]
    assert km.heading == "សរុបមក"
    latin = plain_answer(figures, "km", khmer_digits=False)
    assert "(g = 0,78)" in latin.sentences[0]


@pytest.mark.parametrize(("followup", "rule", "words"), [
    (effect(0.80, 0.60, 1.00), "lasting.full", "and all of the gain remained 6 months later (g = 0.80)"),
    (effect(0.77, 0.57, 0.97), "lasting.full", "all of the gain"),  # 0.77 / 0.85 = 0.906, just above 0.9
    (effect(0.75, 0.55, 0.95), "lasting.most", "most of the gain"),  # 0.882
    (effect(0.43, 0.23, 0.63), "lasting.most", "most of the gain"),  # 0.506
    (effect(0.42, 0.22, 0.62), "lasting.part", "and part of the gain remained"),  # 0.494
    (effect(0.10, -0.05, 0.25), "lasting.faded", "but 6 months later the gain was no longer clear (g = 0.10)"),
    (effect(-0.30, -0.50, -0.10), "lasting.below",
     "but 6 months later scores were below where they started (g = \u22120.30)"),
])
def test_improvement_and_what_remained(followup: Effect, rule: str, words: str) -> None:
    answer = plain_answer(figures_with(effect(0.85, 0.68, 1.02), followup))
    assert answer.rules[:2] == ("change.up", rule)
    assert answer.sentences[0].startswith("Leadership behaviour improved strongly after the training (g = 0.85), ")
    assert words in answer.sentences[0]


def test_without_follow_up_yet_or_with_too_few_answers() -> None:
    pending = plain_answer(figures_with(effect(0.35, 0.15, 0.55), Effect(missing=NOT_YET)))
    assert pending.rules == ("change.up", "lasting.pending", "sure.fair")
    assert pending.sentences[0] == ("Leadership behaviour improved slightly after the training (g = 0.35), and the "
                                    "6-month follow-up will show whether it lasts.")
    # the CI runs from 0.15 (very small) to 0.55 (medium): a change, but not sure how large
    assert pending.sentences[1] == ("We are fairly sure there was a change, less so of its size: the plausible range "
                                    "(95% CI 0.15 to 0.55) runs from a very small to a medium change.")
    unknown = plain_answer(figures_with(effect(0.35, 0.15, 0.55), Effect(missing=TOO_FEW_FOLLOWUP)))
    assert unknown.rules[1] == "lasting.unknown"
    assert "but too few answered the 6-month follow-up to tell whether it lasted" in unknown.sentences[0]


def test_no_clear_change() -> None:
    answer = plain_answer(figures_with(effect(0.12, -0.04, 0.28), effect(0.05, -0.12, 0.22)))
    assert answer.rules == ("change.none", "lasting.later_none", "sure.none")
    assert answer.sentences == (
        "Leadership behaviour did not clearly change after the training (g = 0.12), and 6 months later there "
        "was no clear difference from before (g = 0.05).",
        "We cannot be sure either way: the plausible range (95% CI \u22120.04 to 0.28) includes no change.",
    )
    alone = plain_answer(figures_with(effect(0.12, -0.04, 0.28), Effect(missing=NOT_YET)))
    assert alone.rules == ("change.none", "sure.none")
    assert alone.sentences[0] == "Leadership behaviour did not clearly change after the training (g = 0.12)."


def test_worse() -> None:
    answer = plain_answer(figures_with(effect(-0.55, -0.74, -0.36), effect(-0.40, -0.60, -0.20)))
    # the end nearest zero (-0.36) is small, the estimate medium
    assert answer.rules == ("change.down", "lasting.later_down", "sure.fair")
    assert answer.sentences[0] == ("Leadership behaviour declined moderately after the training (g = \u22120.55), "
                                   "and 6 months later it was lower than before (g = \u22120.40).")
    assert "runs from a small to a medium change" in answer.sentences[1]
    recovered = plain_answer(figures_with(effect(-0.55, -0.74, -0.36), effect(0.30, 0.10, 0.50)))
    assert recovered.rules[1] == "lasting.later_up"
    assert "but 6 months later it was higher than before (g = 0.30)" in recovered.sentences[0]
    sure = plain_answer(figures_with(effect(-0.9, -1.1, -0.82), Effect(missing=NOT_YET)))
    assert sure.rules == ("change.down", "sure.high")
    assert "declined strongly" in sure.sentences[0] and "at least a large change" in sure.sentences[1]


def test_thin_data_says_it_is_a_first_sign() -> None:
    answer = plain_answer(figures_with(effect(0.9, 0.2, 1.6, n=12), Effect(missing=NOT_YET)))
    assert answer.rules == ("change.up", "lasting.pending", "sure.fair", "sure.thin")
    assert answer.sentences[-1] == ("These are early figures from only 12 people who answered before and after the "
                                    "training, so read them as a first sign.")
    assert "ទាំងនេះជាតួលេខដំបូងពីមនុស្សតែ ១២ នាក់" in plain_answer(
        figures_with(effect(0.9, 0.2, 1.6, n=12), Effect(missing=NOT_YET)), "km").sentences[-1]
    # 30 pairs is enough (Thresholds.small_n)
    assert "sure.thin" not in plain_answer(figures_with(effect(0.9, 0.2, 1.6, n=30), Effect(missing=NOT_YET))).rules


def test_no_change_figure_yet_says_why() -> None:
    missing = Missing(reason="too_few", n=3, needed=5, wave="post")
    answer = plain_answer(figures_with(Effect(missing=missing), Effect(missing=NOT_YET)))
    assert answer.rules == ("change.missing",)
    assert answer.sentences == ("We cannot yet say whether leadership behaviour changed after the training, because "
                                "there are only 3 post-training responses and at least 5 are needed.",)


def test_the_answer_comes_first_on_the_page() -> None:
    html = render_html(figures_with(effect(0.78, 0.72, 0.84, n=456), effect(0.57, 0.51, 0.62, n=375)), "en")
    answer_at = html.index("Leadership behaviour improved moderately after the training (g = 0.78)")
    assert answer_at < html.index('class="key-figures"') < html.index('class="words"')
    assert 'data-rules="change.up lasting.most sure.high"' in html


def _observers(pre_post, gap):
    from lipassess.reports.observer_figures import ObserverAgreement, ObserverChange, ObserverFigures

    return ObserverFigures(
        group="supervisor", min_raters=3, n_raters=120, pre_post=pre_post,
        pre_followup=ObserverChange(mean_diff=0.15, ci_low=0.07, ci_high=0.23, d_z=0.30, n=55),
        self_pre_post=ObserverChange(mean_diff=0.42, ci_low=0.37, ci_high=0.47, d_z=1.9, n=58),
        gap=gap, agreement=ObserverAgreement(icc1=0.41, icc1k=0.74, rwg_median=0.88, n=20))


def test_what_supervisors_saw_comes_before_the_certainty_and_says_they_saw_less() -> None:
    from dataclasses import replace

    from lipassess.reports.observer_figures import ObserverChange, ObserverGap

    base = figures_with(effect(0.78, 0.72, 0.84, n=456), effect(0.57, 0.51, 0.62, n=375))
    smaller = ObserverGap(pre=-0.03, post=0.20, change=0.23, ci_low=0.16, ci_high=0.30, verdict="widened", n=58)
    up = ObserverChange(mean_diff=0.19, ci_low=0.12, ci_high=0.26, d_z=0.41, n=60)
    answer = plain_answer(replace(base, observers=_observers(up, smaller)))
    assert answer.rules == ("change.up", "lasting.most", "observer.up.smaller", "sure.high")
    assert answer.sentences[1] == ("Their supervisors saw an improvement too (d_z = 0.41), a smaller change than "
                                   "participants report about themselves.")
    km = plain_answer(replace(base, observers=_observers(up, smaller)), "km")
    assert km.sentences[1] == ("ថ្នាក់ដឹកនាំផ្ទាល់របស់ពួកគេក៏បានឃើញការប្រសើរឡើងផងដែរ (d_z = ០,៤១) "
                               "ដែលជាការផ្លាស់ប្តូរតូចជាងអ្វីដែលអ្នកចូលរួមរាយការណ៍អំពីខ្លួនឯង។")
    # self and observers agree (the CI of the difference of the changes includes 0): no comparison
    agree = ObserverGap(pre=0.3, post=0.1, change=-0.05, ci_low=-0.15, ci_high=0.05, verdict="narrowed", n=58)
    assert plain_answer(replace(base, observers=_observers(up, agree))).sentences[1] == (
        "Their supervisors saw an improvement too (d_z = 0.41).")
    # observers saw no clear change while participants say they improved: observers saw less
    flat = ObserverChange(mean_diff=0.02, ci_low=-0.05, ci_high=0.09, d_z=0.04, n=60)
    answer = plain_answer(replace(base, observers=_observers(flat, smaller)))
    assert answer.rules[2] == "observer.none.smaller"
    assert answer.sentences[1].startswith("Their supervisors saw no clear change (d_z = 0.04), a smaller change")
    # observers rated more change than participants did
    larger = ObserverGap(pre=0.4, post=0.0, change=-0.40, ci_low=-0.55, ci_high=-0.25, verdict="narrowed", n=58)
    assert plain_answer(replace(base, observers=_observers(up, larger))).rules[2] == "observer.up.larger"


def test_no_observer_sentence_without_observer_change() -> None:
    from dataclasses import replace

    from lipassess.reports.figures import Missing
    from lipassess.reports.observer_figures import ObserverFigures

    base = figures_with(effect(0.78, 0.72, 0.84, n=456), effect(0.57, 0.51, 0.62, n=375))
    none_yet = ObserverFigures(missing=Missing(reason="not_yet", wave="post"))
    assert plain_answer(replace(base, observers=none_yet)).rules == ("change.up", "lasting.most", "sure.high")
