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
Every Khmer template in :data:`TEXT` (and the Khmer outcome and wave names)
was written for this module and is **pending review by the program's
translators** at the Royal School of Administration. The English templates
are the reference. Keep one ``{placeholder}`` set per key in both languages;
``tests/reports/test_narrative.py`` checks that they match.
"""

from __future__ import annotations

import dataclasses
import unicodedata
from collections.abc import Callable, Sequence

from lipassess.reports.figures import Effect, ImpactFigures, Missing, MissingReason
from lipassess.reports.numbers import check_lang, fmt_decimal, fmt_int, fmt_percent

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


@dataclasses.dataclass(frozen=True, slots=True, kw_only=True)
class Thresholds:
    """When a caveat is raised. Defaults follow common practice; see the module docstring."""

    reliability_min: float = 0.70
    small_n: int = 30
    attrition_max: float = 0.20
    baseline_smd_max: float = 0.25
    ceiling_max: float = 0.15
    then_test_gap: float = 0.20


# ---------------------------------------------------------------------------
# Vocabulary (Khmer pending review by the program's translators)
# ---------------------------------------------------------------------------

OUTCOME_LABELS: dict[str, dict[str, str]] = {
    "leadership_total": {"en": "Leadership behaviour (total)", "km": "ឥរិយាបថភាពជាអ្នកដឹកនាំ (សរុប)"},
    "adaptive_leadership": {"en": "Adaptive leadership", "km": "ភាពជាអ្នកដឹកនាំបែបបត់បែន"},
    "communication": {"en": "Communication", "km": "ការប្រាស្រ័យទាក់ទង"},
    "conflict_management": {"en": "Conflict management", "km": "ការគ្រប់គ្រងជម្លោះ"},
    "problem_solving_pdia": {"en": "Problem solving (PDIA)", "km": "ការដោះស្រាយបញ្ហា (PDIA)"},
    "cross_sector_collaboration": {"en": "Cross-sector collaboration", "km": "កិច្ចសហការអន្តរវិស័យ"},
    "self_awareness_wellbeing": {"en": "Self-awareness and wellbeing",
                                 "km": "ការយល់ដឹងពីខ្លួនឯង និងសុខុមាលភាព"},
}

WAVE_LABELS: dict[str, dict[str, str]] = {
    "pre": {"en": "before the training", "km": "មុនវគ្គបណ្តុះបណ្តាល"},
    "post": {"en": "after the training", "km": "ក្រោយវគ្គបណ្តុះបណ្តាល"},
    "retro_pre": {"en": "retrospective pre-test", "km": "ការវាយតម្លៃមុនវគ្គដោយការរំលឹកឡើងវិញ"},
    "followup": {"en": "follow-up", "km": "ការតាមដាន"},
}

# As an adjective before "survey" / "responses" (the pre-training survey, 3 follow-up responses).
WAVE_SURVEY_NAMES: dict[str, dict[str, str]] = {
    "pre": {"en": "pre-training", "km": "មុនវគ្គបណ្តុះបណ្តាល"},
    "post": {"en": "post-training", "km": "ក្រោយវគ្គបណ្តុះបណ្តាល"},
    "retro_pre": {"en": "retrospective pre-test", "km": "មុនវគ្គដោយការរំលឹកឡើងវិញ"},
    "followup": {"en": "follow-up", "km": "តាមដាន"},
}

SIZE_WORDS: dict[str, dict[str, str]] = {
    "negligible": {"en": "very small", "km": "តូចបំផុត"},
    "small": {"en": "small", "km": "តូច"},
    "medium": {"en": "medium", "km": "មធ្យម"},
    "large": {"en": "large", "km": "ធំ"},
}

TEXT: dict[str, dict[str, str]] = {
    # titles and headings
    "title": {"en": "Impact summary: {scope}", "km": "សេចក្តីសង្ខេបអំពីផលប៉ះពាល់៖ {scope}"},
    "scope.program": {"en": "whole program", "km": "កម្មវិធីទាំងមូល"},
    "synthetic": {
        "en": "SYNTHETIC DATA \u2014 for demonstration only. These figures describe simulated "
              "participants, not real people.",
        "km": "ទិន្នន័យសំយោគ \u2014 សម្រាប់ការបង្ហាញគំរូតែប៉ុណ្ណោះ។ តួលេខទាំងនេះពិពណ៌នាអំពីអ្នកចូលរួមនិម្មិត "
              "មិនមែនមនុស្សពិតទេ។",
    },
    "synthetic.short": {"en": "Synthetic data", "km": "ទិន្នន័យសំយោគ"},
    "heading.participation": {"en": "Who took part", "km": "អ្នកចូលរួម"},
    "heading.change": {"en": "What changed", "km": "អ្វីដែលបានផ្លាស់ប្តូរ"},
    "heading.lasting": {"en": "Did it last?", "km": "តើការផ្លាស់ប្តូរនៅតែមានឬទេ?"},
    "heading.application": {"en": "Applying the skills", "km": "ការអនុវត្តជំនាញ"},
    "heading.research": {"en": "Compared with research", "km": "ប្រៀបធៀបនឹងការស្រាវជ្រាវ"},
    "heading.subgroups": {"en": "By ministry and province", "km": "តាមក្រសួង និងខេត្ត"},
    "heading.caveats": {"en": "Read with care", "km": "ចំណុចដែលត្រូវប្រុងប្រយ័ត្ន"},
    "heading.missing": {"en": "Missing figures", "km": "តួលេខដែលខ្វះ"},
    "heading.method": {"en": "How to read the numbers", "km": "របៀបអានតួលេខ"},
    "heading.references": {"en": "References", "km": "ឯកសារយោង"},
    # participation
    "participation.counts": {
        "en": "{enrolled} participants were enrolled; {pre} answered the survey before the training, "
              "{post} right after it and {followup} at the {months}-month follow-up.",
        "km": "អ្នកចូលរួមចំនួន {enrolled} នាក់បានចុះឈ្មោះ។ {pre} នាក់បានឆ្លើយកម្រងសំណួរមុនវគ្គបណ្តុះបណ្តាល "
              "{post} នាក់បានឆ្លើយភ្លាមៗក្រោយវគ្គ និង {followup} នាក់បានឆ្លើយនៅពេលតាមដាន {months} ខែក្រោយ។",
    },
    "participation.retention": {
        "en": "Of those who answered before the training, {share} stayed to the follow-up ({count} of {n}).",
        "km": "{share} នៃអ្នកដែលបានឆ្លើយមុនវគ្គ បាននៅបន្តរហូតដល់ការតាមដាន ({count} ក្នុងចំណោម {n} នាក់)។",
    },
    # pre/post change of the behaviour total
    "change.up": {
        "en": "Leadership behaviour, as rated by the participants themselves, improved from before to after "
              "the training. The change is {size} (Hedges' g_av = {g}, 95% CI {lo} to {hi}; d_z = {dz}; "
              "n = {n} who answered both times).",
        "km": "ឥរិយាបថភាពជាអ្នកដឹកនាំ តាមការវាយតម្លៃដោយអ្នកចូលរួមខ្លួនឯង បានប្រសើរឡើងពីមុនដល់ក្រោយវគ្គបណ្តុះបណ្តាល។ "
              "ការផ្លាស់ប្តូរនេះមានទំហំ{size} (Hedges' g_av = {g}; ចន្លោះជឿជាក់ ៩៥%៖ {lo} ដល់ {hi}; d_z = {dz}; "
              "n = {n} នាក់ដែលបានឆ្លើយទាំងពីរដង)។",
    },
    "change.none": {
        "en": "There was no clear change in leadership behaviour from before to after the training: the "
              "estimate is {size} (g_av = {g}) and its 95% CI ({lo} to {hi}) includes zero (n = {n}).",
        "km": "មិនមានការផ្លាស់ប្តូរច្បាស់លាស់ក្នុងឥរិយាបថភាពជាអ្នកដឹកនាំ ពីមុនដល់ក្រោយវគ្គបណ្តុះបណ្តាលទេ៖ "
              "តម្លៃប៉ាន់ស្មានមានទំហំ{size} (g_av = {g}) ហើយចន្លោះជឿជាក់ ៩៥% ({lo} ដល់ {hi}) "
              "មានសូន្យនៅក្នុងនោះ (n = {n})។",
    },
    "change.down": {
        "en": "Leadership behaviour scores went down from before to after the training. The decline is "
              "{size} (g_av = {g}, 95% CI {lo} to {hi}; n = {n}). This needs attention.",
        "km": "ពិន្ទុឥរិយាបថភាពជាអ្នកដឹកនាំបានធ្លាក់ចុះពីមុនដល់ក្រោយវគ្គបណ្តុះបណ្តាល។ ការធ្លាក់ចុះនេះមានទំហំ{size} "
              "(g_av = {g}; ចន្លោះជឿជាក់ ៩៥%៖ {lo} ដល់ {hi}; n = {n})។ ចំណុចនេះត្រូវការការយកចិត្តទុកដាក់។",
    },
    "subscales.range": {
        "en": "Of the {k} areas measured, the largest change was in {best} (g_av = {g_best}) and the "
              "smallest in {worst} (g_av = {g_worst}).",
        "km": "ក្នុងចំណោមផ្នែកទាំង {k} ដែលបានវាស់ ការផ្លាស់ប្តូរធំជាងគេគឺលើ{best} (g_av = {g_best}) "
              "ហើយតូចជាងគេគឺលើ{worst} (g_av = {g_worst})។",
    },
    "subscales.none": {
        "en": "There was no clear change in {areas}.",
        "km": "មិនមានការផ្លាស់ប្តូរច្បាស់លាស់លើ{areas}ទេ។",
    },
    "subscales.down": {
        "en": "Scores went down in {areas}.",
        "km": "ពិន្ទុបានធ្លាក់ចុះលើ{areas}។",
    },
    "rci": {
        "en": "Of the participants, {improved} (95% CI {lo} to {hi}; n = {n}) improved by more than measurement "
              "error alone would explain (Reliable Change Index, Jacobson & Truax 1991); {declined} "
              "(95% CI {dlo} to {dhi}) declined by more than that.",
        "km": "{improved} នៃអ្នកចូលរួម (ចន្លោះជឿជាក់ ៩៥%៖ {lo} ដល់ {hi}; n = {n}) បានប្រសើរឡើងលើសពីអ្វីដែល"
              "កំហុសនៃការវាស់វែងអាចពន្យល់បាន (សន្ទស្សន៍ការផ្លាស់ប្តូរដែលអាចទុកចិត្តបាន Jacobson & Truax 1991) "
              "ហើយ {declined} (ចន្លោះជឿជាក់ ៩៥%៖ {dlo} ដល់ {dhi}) បានធ្លាក់ចុះលើសពីកំហុសនៃការវាស់វែងដែរ។",
    },
    # lasting: pre to follow-up
    "lasting.up": {
        "en": "At the {months}-month follow-up, leadership behaviour was still higher than before the training: "
              "the change lasted (g_av = {g}, 95% CI {lo} to {hi}; n = {n}).",
        "km": "នៅពេលតាមដាន {months} ខែក្រោយ ឥរិយាបថភាពជាអ្នកដឹកនាំនៅតែខ្ពស់ជាងមុនវគ្គបណ្តុះបណ្តាល៖ "
              "ការផ្លាស់ប្តូរនៅតែមាន (g_av = {g}; ចន្លោះជឿជាក់ ៩៥%៖ {lo} ដល់ {hi}; n = {n})។",
    },
    "lasting.none": {
        "en": "By the {months}-month follow-up there was no clear difference from before the training "
              "(g_av = {g}, 95% CI {lo} to {hi}; n = {n}), so we cannot say that the change lasted.",
        "km": "នៅពេលតាមដាន {months} ខែក្រោយ មិនមានភាពខុសគ្នាច្បាស់លាស់ពីមុនវគ្គបណ្តុះបណ្តាលទេ "
              "(g_av = {g}; ចន្លោះជឿជាក់ ៩៥%៖ {lo} ដល់ {hi}; n = {n}) ដូច្នេះមិនអាចនិយាយបានថា"
              "ការផ្លាស់ប្តូរនៅតែមាននោះទេ។",
    },
    "lasting.down": {
        "en": "By the {months}-month follow-up, leadership behaviour scores were lower than before the "
              "training (g_av = {g}, 95% CI {lo} to {hi}; n = {n}).",
        "km": "នៅពេលតាមដាន {months} ខែក្រោយ ពិន្ទុឥរិយាបថភាពជាអ្នកដឹកនាំទាបជាងមុនវគ្គបណ្តុះបណ្តាល "
              "(g_av = {g}; ចន្លោះជឿជាក់ ៩៥%៖ {lo} ដល់ {hi}; n = {n})។",
    },
    "lasting.compare": {
        "en": "Right after the training the change was g_av = {g_post}.",
        "km": "ភ្លាមៗក្រោយវគ្គបណ្តុះបណ្តាល ការផ្លាស់ប្តូរគឺ g_av = {g_post}។",
    },
    # application at the follow-up
    "application": {
        "en": "At the {months}-month follow-up, {share} of respondents said they had applied the skills at "
              "work (95% Wilson CI {lo} to {hi}; n = {n}).",
        "km": "នៅពេលតាមដាន {months} ខែក្រោយ {share} នៃអ្នកឆ្លើយបាននិយាយថា ពួកគេបានអនុវត្តជំនាញនៅកន្លែងធ្វើការ "
              "(ចន្លោះជឿជាក់ Wilson ៩៥%៖ {lo} ដល់ {hi}; n = {n})។",
    },
    "application.earlier.same": {
        "en": "The program's own earlier self-reported figure was {earlier}; the new figure is consistent with it.",
        "km": "តួលេខពីមុនរបស់កម្មវិធី ដែលផ្អែកលើការរាយការណ៍ដោយខ្លួនឯង គឺ {earlier}; តួលេខថ្មីនេះស្របនឹងតួលេខនោះ។",
    },
    "application.earlier.lower": {
        "en": "The program's own earlier self-reported figure was {earlier}; the new figure is lower.",
        "km": "តួលេខពីមុនរបស់កម្មវិធី ដែលផ្អែកលើការរាយការណ៍ដោយខ្លួនឯង គឺ {earlier}; តួលេខថ្មីនេះទាបជាង។",
    },
    "application.earlier.higher": {
        "en": "The program's own earlier self-reported figure was {earlier}; the new figure is higher.",
        "km": "តួលេខពីមុនរបស់កម្មវិធី ដែលផ្អែកលើការរាយការណ៍ដោយខ្លួនឯង គឺ {earlier}; តួលេខថ្មីនេះខ្ពស់ជាង។",
    },
    "application.earlier": {
        "en": "The program's own earlier self-reported figure was {earlier}.",
        "km": "តួលេខពីមុនរបស់កម្មវិធី ដែលផ្អែកលើការរាយការណ៍ដោយខ្លួនឯង គឺ {earlier}។",
    },
    # research comparison
    "research.cite": {
        "en": "A meta-analysis of leadership training studies (Lacerenza, Reyes, Marlow, Joseph & Salas, 2017) "
              "found an average effect of \u03b4 = {overall} overall and \u03b4 = {transfer} for behaviour at "
              "work (transfer).",
        "km": "ការវិភាគមេតា (meta-analysis) លើការសិក្សាអំពីការបណ្តុះបណ្តាលភាពជាអ្នកដឹកនាំ "
              "(Lacerenza, Reyes, Marlow, Joseph & Salas, 2017) បានរកឃើញឥទ្ធិពលជាមធ្យម \u03b4 = {overall} "
              "ជារួម និង \u03b4 = {transfer} សម្រាប់ឥរិយាបថនៅកន្លែងធ្វើការ (ការផ្ទេរ)។",
    },
    "research.similar": {
        "en": "This program's change (g_av = {g}) is similar to the transfer figure.",
        "km": "ការផ្លាស់ប្តូររបស់កម្មវិធីនេះ (g_av = {g}) ប្រហាក់ប្រហែលនឹងតួលេខការផ្ទេរនោះ។",
    },
    "research.larger": {
        "en": "This program's change (g_av = {g}) is larger than the transfer figure.",
        "km": "ការផ្លាស់ប្តូររបស់កម្មវិធីនេះ (g_av = {g}) ធំជាងតួលេខការផ្ទេរនោះ។",
    },
    "research.smaller": {
        "en": "This program's change (g_av = {g}) is smaller than the transfer figure.",
        "km": "ការផ្លាស់ប្តូររបស់កម្មវិធីនេះ (g_av = {g}) តូចជាងតួលេខការផ្ទេរនោះ។",
    },
    "research.rough": {
        "en": "The comparison is rough: the meta-analysis pooled studies with different designs, raters and "
              "corrections, while this is one group rating itself before and after.",
        "km": "ការប្រៀបធៀបនេះគ្រាន់តែប្រហាក់ប្រហែលប៉ុណ្ណោះ៖ ការវិភាគមេតាបានបូកបញ្ចូលការសិក្សាដែលមានការរចនា "
              "អ្នកវាយតម្លៃ និងការកែតម្រូវខុសៗគ្នា ខណៈដែលនេះជាក្រុមតែមួយវាយតម្លៃខ្លួនឯងមុន និងក្រោយវគ្គ។",
    },
    # subgroups
    "subgroups.suppressed": {
        "en": "Groups with fewer than {min} participants are not shown, to protect their privacy.",
        "km": "ក្រុមដែលមានអ្នកចូលរួមតិចជាង {min} នាក់ មិនត្រូវបានបង្ហាញទេ ដើម្បីការពារឯកជនភាពរបស់ពួកគេ។",
    },
    "subgroups.hidden": {"en": "fewer than {min}: not shown", "km": "តិចជាង {min}៖ មិនបង្ហាញ"},
    # caveats
    "caveat.self_report": {
        "en": "All results are the participants' own ratings of their behaviour (self-report). People tend to "
              "rate themselves more favourably after a training, so the real change in behaviour may be smaller.",
        "km": "លទ្ធផលទាំងអស់ជាការវាយតម្លៃរបស់អ្នកចូលរួមលើឥរិយាបថរបស់ខ្លួនឯង (ការរាយការណ៍ដោយខ្លួនឯង)។ "
              "មនុស្សតែងវាយតម្លៃខ្លួនឯងល្អជាងក្រោយពេលបណ្តុះបណ្តាល ដូច្នេះការផ្លាស់ប្តូរឥរិយាបថពិតប្រាកដអាចតូចជាងនេះ។",
    },
    "caveat.reliability": {
        "en": "Reliability was below {min} for {items}: these scores are imprecise, so read their results with care.",
        "km": "ភាពជឿជាក់នៃរង្វាស់ទាបជាង {min} សម្រាប់{items}៖ ពិន្ទុទាំងនេះមិនសូវជាក់លាក់ "
              "ដូច្នេះត្រូវអានលទ្ធផលរបស់វាដោយប្រុងប្រយ័ត្ន។",
    },
    "caveat.small_n": {
        "en": "Only {n} participants answered both before and after the training; with fewer than {min}, "
              "the estimates are imprecise (wide confidence intervals).",
        "km": "មានតែអ្នកចូលរួម {n} នាក់ប៉ុណ្ណោះដែលបានឆ្លើយទាំងមុន និងក្រោយវគ្គបណ្តុះបណ្តាល។ ដោយមានតិចជាង {min} នាក់ "
              "តួលេខប៉ាន់ស្មានមិនសូវជាក់លាក់ (ចន្លោះជឿជាក់ធំ)។",
    },
    "caveat.small_n_followup": {
        "en": "Only {n} participants answered the {months}-month follow-up; with fewer than {min}, the "
              "follow-up figures are imprecise.",
        "km": "មានតែអ្នកចូលរួម {n} នាក់ប៉ុណ្ណោះដែលបានឆ្លើយការតាមដាន {months} ខែ។ ដោយមានតិចជាង {min} នាក់ "
              "តួលេខនៃការតាមដានមិនសូវជាក់លាក់។",
    },
    "caveat.attrition_high": {
        "en": "Of those who answered before the training, {rate} did not answer the {months}-month follow-up "
              "(more than {max}): the follow-up results describe only those who stayed.",
        "km": "{rate} នៃអ្នកដែលបានឆ្លើយមុនវគ្គ មិនបានឆ្លើយការតាមដាន {months} ខែទេ (លើសពី {max})៖ "
              "លទ្ធផលនៃការតាមដានពិពណ៌នាតែអ្នកដែលនៅបន្តប៉ុណ្ណោះ។",
    },
    "caveat.attrition_biased": {
        "en": "Those who dropped out differed from those who stayed in their scores before the training "
              "(standardized difference = {smd}; above the {max} limit of the What Works Clearinghouse), so the "
              "follow-up results may not represent everyone who started.",
        "km": "អ្នកដែលបានបោះបង់មានពិន្ទុមុនវគ្គខុសពីអ្នកដែលនៅបន្ត (ភាពខុសគ្នាស្តង់ដារ = {smd}; លើសពីកម្រិត {max} "
              "របស់ What Works Clearinghouse) ដូច្នេះលទ្ធផលនៃការតាមដានប្រហែលជាមិនតំណាងឱ្យអ្នកទាំងអស់ដែលបានចាប់ផ្តើមទេ។",
    },
    "caveat.attrition_wwc": {
        "en": "By the What Works Clearinghouse attrition standard, attrition is high (overall {overall}, "
              "differential {differential}).",
        "km": "តាមស្តង់ដារនៃការបោះបង់របស់ What Works Clearinghouse ការបោះបង់គឺខ្ពស់ (សរុប {overall}; "
              "ភាពខុសគ្នារវាងក្រុម {differential})។",
    },
    "caveat.ceiling": {
        "en": "Before the training, more than {max} of participants already had the highest possible score in "
              "{items}, so improvement there cannot fully show (ceiling effect).",
        "km": "មុនវគ្គបណ្តុះបណ្តាល អ្នកចូលរួមលើសពី {max} មានពិន្ទុខ្ពស់បំផុតរួចទៅហើយលើ{items} "
              "ដូច្នេះការប្រសើរឡើងលើផ្នែកនោះមិនអាចបង្ហាញបានពេញលេញទេ (ឥទ្ធិពលពិដាន)។",
    },
    "caveat.then_test_lower": {
        "en": "After the training, participants rated their behaviour before it lower than they had at the time "
              "(retrospective pre-test gap = {gap}, 95% CI {lo} to {hi}; n = {n}). Their view of their own "
              "starting point changed (response shift) or their recall is biased; change measured from the "
              "retrospective pre-test would look larger.",
        "km": "ក្រោយវគ្គបណ្តុះបណ្តាល អ្នកចូលរួមបានវាយតម្លៃឥរិយាបថមុនវគ្គរបស់ខ្លួនទាបជាងការវាយតម្លៃដែលពួកគេបានធ្វើ"
              "នៅពេលនោះ (គម្លាតនៃការវាយតម្លៃមុនវគ្គដោយការរំលឹកឡើងវិញ = {gap}; ចន្លោះជឿជាក់ ៩៥%៖ {lo} ដល់ {hi}; "
              "n = {n})។ ការយល់ឃើញរបស់ពួកគេចំពោះចំណុចចាប់ផ្តើមរបស់ខ្លួនបានផ្លាស់ប្តូរ (response shift) "
              "ឬការចងចាំរបស់ពួកគេមានភាពលម្អៀង ដូច្នេះការផ្លាស់ប្តូរដែលវាស់ពីការវាយតម្លៃដោយការរំលឹកនឹងមើលទៅធំជាង។",
    },
    "caveat.then_test_higher": {
        "en": "After the training, participants rated their behaviour before it higher than they had at the time "
              "(retrospective pre-test gap = {gap}, 95% CI {lo} to {hi}; n = {n}); change measured from the "
              "retrospective pre-test would look smaller.",
        "km": "ក្រោយវគ្គបណ្តុះបណ្តាល អ្នកចូលរួមបានវាយតម្លៃឥរិយាបថមុនវគ្គរបស់ខ្លួនខ្ពស់ជាងការវាយតម្លៃដែលពួកគេបានធ្វើ"
              "នៅពេលនោះ (គម្លាតនៃការវាយតម្លៃមុនវគ្គដោយការរំលឹកឡើងវិញ = {gap}; ចន្លោះជឿជាក់ ៩៥%៖ {lo} ដល់ {hi}; "
              "n = {n}) ដូច្នេះការផ្លាស់ប្តូរដែលវាស់ពីការវាយតម្លៃដោយការរំលឹកនឹងមើលទៅតូចជាង។",
    },
    # missing numbers: "{what} cannot be given, because {why}."
    "missing": {"en": "{what} cannot be given, because {why}.", "km": "មិនអាចបង្ហាញ{what}បានទេ ដោយសារ{why}។"},
    "what.retention": {"en": "The share who stayed to the follow-up",
                       "km": "អត្រាអ្នកដែលនៅបន្តរហូតដល់ការតាមដាន"},
    "what.pre_post": {"en": "the change from before to after the training in {outcome}",
                      "km": "ការផ្លាស់ប្តូរពីមុនដល់ក្រោយវគ្គលើ{outcome}"},
    "what.pre_followup": {"en": "the change from before the training to the follow-up in {outcome}",
                          "km": "ការផ្លាស់ប្តូរពីមុនវគ្គដល់ការតាមដានលើ{outcome}"},
    "what.reliability": {"en": "the reliability of {outcome} ({wave})",
                         "km": "ភាពជឿជាក់នៃរង្វាស់{outcome} ({wave})"},
    "what.ceiling": {"en": "the share at the highest score before the training in {outcome}",
                     "km": "អត្រាអ្នកដែលមានពិន្ទុខ្ពស់បំផុតមុនវគ្គលើ{outcome}"},
    "what.improved": {"en": "the share who reliably improved",
                      "km": "អត្រាអ្នកដែលបានប្រសើរឡើងលើសពីកំហុសនៃការវាស់វែង"},
    "what.declined": {"en": "the share who reliably declined",
                      "km": "អត្រាអ្នកដែលបានធ្លាក់ចុះលើសពីកំហុសនៃការវាស់វែង"},
    "what.applied": {"en": "the share who applied the skills at the follow-up",
                     "km": "អត្រាអ្នកដែលបានអនុវត្តជំនាញនៅពេលតាមដាន"},
    "what.then_test": {"en": "the retrospective pre-test comparison",
                       "km": "ការប្រៀបធៀបជាមួយការវាយតម្លៃមុនវគ្គដោយការរំលឹកឡើងវិញ"},
    "what.attrition": {"en": "the check of who dropped out before the follow-up",
                       "km": "ការពិនិត្យអ្នកដែលបានបោះបង់មុនការតាមដាន"},
    "what.subgroup": {"en": "the change in {group}", "km": "ការផ្លាស់ប្តូរនៅ{group}"},
    "why.not_yet": {"en": "the survey that provides it has not taken place yet",
                    "km": "ការស្ទង់មតិដែលផ្តល់ទិន្នន័យនេះមិនទាន់បានធ្វើនៅឡើយ"},
    "why.not_yet.wave": {"en": "the {wave} survey has not taken place yet",
                         "km": "ការស្ទង់មតិ{wave}មិនទាន់បានធ្វើនៅឡើយ"},
    "why.too_few": {"en": "there are only {n} responses and at least {needed} are needed",
                    "km": "មានចម្លើយតែ {n} ប៉ុណ្ណោះ ប៉ុន្តែត្រូវការយ៉ាងហោចណាស់ {needed}"},
    "why.too_few.wave": {"en": "there are only {n} {wave} responses and at least {needed} are needed",
                         "km": "មានចម្លើយ{wave}តែ {n} ប៉ុណ្ណោះ ប៉ុន្តែត្រូវការយ៉ាងហោចណាស់ {needed}"},
    "why.too_few.bare": {"en": "there are too few responses", "km": "មានចម្លើយតិចពេក"},
    "why.no_variance": {"en": "everyone gave the same answers, so there is no variation to analyse",
                        "km": "អ្នកទាំងអស់បានឆ្លើយដូចគ្នា ដូច្នេះគ្មានភាពប្រែប្រួលសម្រាប់វិភាគទេ"},
    "why.not_measured": {"en": "it was not measured for this group", "km": "វាមិនត្រូវបានវាស់សម្រាប់ក្រុមនេះទេ"},
    "why.error": {"en": "the analysis could not be run ({detail})",
                  "km": "មិនអាចដំណើរការការវិភាគបាន ({detail})"},
    "why.error.bare": {"en": "the analysis could not be run", "km": "មិនអាចដំណើរការការវិភាគបាន"},
    # method
    "method": {
        "en": "g_av is the change in standard-deviation units (Hedges' g_av). By Cohen's (1988) conventional "
              "thresholds, below {small} is very small, {small} small, {medium} medium and {large} or more "
              "large. The 95% confidence interval (CI) is the range of plausible values; when it includes zero "
              "there is no clear change.",
        "km": "g_av ជាការផ្លាស់ប្តូរគិតជាឯកតាគម្លាតស្តង់ដារ (Hedges' g_av)។ តាមកម្រិតស្តង់ដាររបស់ Cohen (1988) "
              "ក្រោម {small} គឺតូចបំផុត {small} គឺតូច {medium} គឺមធ្យម ហើយ {large} ឡើងទៅគឺធំ។ "
              "ចន្លោះជឿជាក់ ៩៥% (CI) ជាជួរតម្លៃដែលអាចជឿបាន ហើយនៅពេលដែលវាមានសូន្យនៅក្នុងនោះ "
              "មិនមានការផ្លាស់ប្តូរច្បាស់លាស់ទេ។",
    },
    # list joining
    "and": {"en": " and ", "km": " និង "},
    # charts
    "chart.forest.title": {"en": "Change in leadership behaviour from before to after the training",
                           "km": "ការផ្លាស់ប្តូរឥរិយាបថភាពជាអ្នកដឹកនាំ ពីមុនដល់ក្រោយវគ្គបណ្តុះបណ្តាល"},
    "chart.forest.axis": {"en": "Effect size g_av with 95% CI (0 = no change)",
                          "km": "ទំហំឥទ្ធិពល g_av និងចន្លោះជឿជាក់ ៩៥% (០ = គ្មានការផ្លាស់ប្តូរ)"},
    "chart.forest.reference": {"en": "Lacerenza et al. 2017: \u03b4 = {d}",
                               "km": "Lacerenza et al. 2017៖ \u03b4 = {d}"},
    "chart.group.outcomes": {"en": "Areas", "km": "ផ្នែក"},
    "chart.group.cohorts": {"en": "Cohorts (total)", "km": "ជំនាន់ (សរុប)"},
    "chart.missing": {"en": "not available", "km": "មិនមាន"},
    "chart.means.title": {"en": "Average scores before, after and at the follow-up",
                          "km": "ពិន្ទុមធ្យម មុនវគ្គ ក្រោយវគ្គ និងនៅពេលតាមដាន"},
    "chart.means.pre": {"en": "Before", "km": "មុនវគ្គ"},
    "chart.means.post": {"en": "After", "km": "ក្រោយវគ្គ"},
    "chart.means.followup": {"en": "{months} months", "km": "{months} ខែក្រោយ"},
    "chart.timeline.title": {"en": "Responses over time", "km": "ចម្លើយតាមពេលវេលា"},
    "chart.timeline.x": {"en": "Days since the survey opened", "km": "ចំនួនថ្ងៃគិតចាប់ពីថ្ងៃបើកការស្ទង់មតិ"},
    "chart.timeline.y": {"en": "Response rate", "km": "អត្រាឆ្លើយតប"},
    # page furniture
    "page.key.took_part": {"en": "answered before the training", "km": "នាក់បានឆ្លើយមុនវគ្គ"},
    "page.key.stayed": {"en": "stayed to the {months}-month follow-up", "km": "នៅបន្តដល់ការតាមដាន {months} ខែ"},
    "page.key.change": {"en": "change in leadership behaviour (g_av)",
                        "km": "ការផ្លាស់ប្តូរឥរិយាបថភាពជាអ្នកដឹកនាំ (g_av)"},
    "page.key.up": {"en": "{size} improvement", "km": "ការប្រសើរឡើងទំហំ{size}"},
    "page.key.none": {"en": "no clear change", "km": "គ្មានការផ្លាស់ប្តូរច្បាស់លាស់"},
    "page.key.down": {"en": "{size} decline", "km": "ការធ្លាក់ចុះទំហំ{size}"},
    "page.key.applied": {"en": "applied the skills at {months} months", "km": "បានអនុវត្តជំនាញក្រោយ {months} ខែ"},
    "page.table.group": {"en": "Group", "km": "ក្រុម"},
    "page.table.change": {"en": "Change g_av [95% CI]", "km": "ការផ្លាស់ប្តូរ g_av [ចន្លោះជឿជាក់ ៩៥%]"},
    "page.dimension.ministry": {"en": "Ministry", "km": "ក្រសួង"},
    "page.dimension.province": {"en": "Province", "km": "ខេត្ត"},
    "page.scope.cohort": {"en": "Cohort", "km": "ជំនាន់"},
    "page.scope.program": {"en": "Whole program", "km": "កម្មវិធីទាំងមូល"},
    "page.as_of": {"en": "Data as of {date}", "km": "ទិន្នន័យគិតត្រឹម {date}"},
    "page.generated": {"en": "Generated by lipassess on {date}.", "km": "បង្កើតដោយ lipassess នៅ{date}។"},
    "page.no_khmer_font": {
        "en": "No Khmer font was found on the server that made this page; Khmer text may not display. "
              "Install a Khmer font (e.g. the fonts-khmeros package).",
        "km": "រកមិនឃើញពុម្ពអក្សរខ្មែរនៅលើម៉ាស៊ីនមេដែលបានបង្កើតទំព័រនេះទេ អក្សរខ្មែរប្រហែលជាមិនបង្ហាញត្រឹមត្រូវ។ "
              "សូមដំឡើងពុម្ពអក្សរខ្មែរ (ឧទាហរណ៍ កញ្ចប់ fonts-khmeros)។",
    },
}


# ---------------------------------------------------------------------------
# Result
# ---------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True, slots=True, kw_only=True)
class Sentence:
    """One sentence and the rule that produced it (``key``, the same in every language)."""

    key: str
    text: str


@dataclasses.dataclass(frozen=True, slots=True, kw_only=True)
class Section:
    """A titled group of sentences."""

    key: str
    heading: str
    sentences: tuple[Sentence, ...]

    @property
    def text(self) -> str:
        return " ".join(s.text for s in self.sentences)


@dataclasses.dataclass(frozen=True, slots=True, kw_only=True)
class Narrative:
    """The words of one impact summary in one language.

    Attributes
    ----------
    lang : str
        ``en`` or ``km``.
    title : str
        Page title.
    synthetic_notice : str or None
        The "synthetic data" banner text, when the figures are synthetic.
    sections : tuple of Section
        participation, change, lasting, application, research, subgroups (when any), in order.
    caveats : tuple of Sentence
        Cautions generated from the data.
    missing : tuple of Sentence
        Why further numbers (subscales, reliability, ...) are missing.
    method : Sentence
        How to read effect sizes and CIs (Cohen's thresholds).
    references : tuple of str
        Full references, in English in both languages.
    """

    lang: str
    title: str
    synthetic_notice: str | None
    sections: tuple[Section, ...]
    caveats: tuple[Sentence, ...]
    missing: tuple[Sentence, ...]
    method: Sentence
    references: tuple[str, ...]

    def section(self, key: str) -> Section | None:
        return next((s for s in self.sections if s.key == key), None)

    def sentences(self) -> tuple[Sentence, ...]:
        """Every sentence, in page order."""
        body = tuple(s for section in self.sections for s in section.sentences)
        return body + self.caveats + self.missing + (self.method,)

    def keys(self) -> set[str]:
        """The rules that fired."""
        return {s.key for s in self.sentences()}

    def text(self) -> str:
        """All the words as plain text (title, banner, sections, caveats, missing, method)."""
        parts = [self.title]
        if self.synthetic_notice:
            parts.append(self.synthetic_notice)
        parts += [f"{section.heading}\n{section.text}" for section in self.sections]
        if self.caveats:
            parts.append(heading("caveats", self.lang) + "\n" + "\n".join(s.text for s in self.caveats))
        if self.missing:
            parts.append(heading("missing", self.lang) + "\n" + "\n".join(s.text for s in self.missing))
        parts.append(self.method.text)
        return "\n\n".join(parts)


# ---------------------------------------------------------------------------
# Rules
# ---------------------------------------------------------------------------


def text(key: str, lang: str, **values: object) -> str:
    """One template filled in, NFC-normalised."""
    return unicodedata.normalize("NFC", TEXT[key][check_lang(lang)].format(**values))


def heading(key: str, lang: str) -> str:
    return text(f"heading.{key}", lang)


def outcome_label(outcome: str, lang: str) -> str:
    return OUTCOME_LABELS[outcome][check_lang(lang)]


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
    return ", ".join(items[:-1]) + TEXT["and"][lang] + items[-1]


def _capitalise(sentence: str) -> str:
    return sentence[:1].upper() + sentence[1:]


class _Writer:
    """Binds a language and thresholds to the rules."""

    def __init__(self, figures: ImpactFigures, lang: str, thresholds: Thresholds, khmer_digits: bool) -> None:
        self.f = figures
        self.lang = check_lang(lang)
        self.th = thresholds
        self.kd = khmer_digits

    # numbers -----------------------------------------------------------
    def num(self, value: float, digits: int = 2) -> str:
        return fmt_decimal(value, self.lang, digits=digits, khmer_digits=self.kd)

    def pct(self, value: float) -> str:
        return fmt_percent(value, self.lang, khmer_digits=self.kd)

    def cnt(self, value: int) -> str:
        return fmt_int(value, self.lang, khmer_digits=self.kd)

    def say(self, key: str, **values: object) -> Sentence:
        return Sentence(key=key, text=text(key, self.lang, **values))

    # missing -----------------------------------------------------------
    def why(self, missing: Missing) -> str:
        wave = WAVE_SURVEY_NAMES[missing.wave][self.lang] if missing.wave else None
        match missing.reason:
            case MissingReason.NOT_YET:
                return text("why.not_yet.wave", self.lang, wave=wave) if wave else text("why.not_yet", self.lang)
            case MissingReason.TOO_FEW:
                if missing.n is None or missing.needed is None:
                    return text("why.too_few.bare", self.lang)
                values = {"n": self.cnt(missing.n), "needed": self.cnt(missing.needed)}
                if wave:
                    return text("why.too_few.wave", self.lang, wave=wave, **values)
                return text("why.too_few", self.lang, **values)
            case MissingReason.NO_VARIANCE:
                return text("why.no_variance", self.lang)
            case MissingReason.NOT_MEASURED:
                return text("why.not_measured", self.lang)
            case _:
                if missing.detail:
                    return text("why.error", self.lang, detail=missing.detail.rstrip("."))
                return text("why.error.bare", self.lang)

    def missing_sentence(self, whats: Sequence[str], missing: Missing, key: str = "missing") -> Sentence:
        what = _capitalise(join_list(whats, self.lang))
        return Sentence(key=key, text=text("missing", self.lang, what=what, why=self.why(missing)))

    def what(self, key: str, **values: object) -> str:
        return text(f"what.{key}", self.lang, **values)

    # sections ----------------------------------------------------------
    def participation(self) -> Section:
        f = self.f
        out = [self.say("participation.counts", enrolled=self.cnt(f.n_enrolled), pre=self.cnt(f.n_pre),
                        post=self.cnt(f.n_post), followup=self.cnt(f.n_followup), months=self.cnt(f.followup_months))]
        r = f.retention
        if r.missing is not None:
            out.append(self.missing_sentence([self.what("retention")], r.missing, "participation.retention_missing"))
        else:
            count = r.count if r.count is not None else f.n_followup
            n = r.n if r.n is not None else f.n_pre
            out.append(self.say("participation.retention", share=self.pct(r.share), count=self.cnt(count),
                                n=self.cnt(n)))
        return Section(key="participation", heading=heading("participation", self.lang), sentences=tuple(out))

    def _effect_values(self, e: Effect) -> dict[str, str]:
        return {"g": self.num(e.g_av), "lo": self.num(e.ci_low), "hi": self.num(e.ci_high),
                "n": self.cnt(e.n) if e.n is not None else "?",
                "size": SIZE_WORDS[cohen_size(e.g_av)][self.lang],
                "dz": self.num(e.d_z) if e.d_z is not None else "\u2013"}

    def change(self) -> Section:
        total = self.f.total
        out: list[Sentence] = []
        e = total.pre_post
        if e.missing is not None:
            out.append(self.missing_sentence(
                [self.what("pre_post", outcome=outcome_label("leadership_total", self.lang))],
                e.missing, "change.missing"))
        else:
            out.append(self.say(f"change.{direction(e.ci_low, e.ci_high)}", **self._effect_values(e)))
        out += self.subscale_sentences()
        out += self.rci_sentences()
        return Section(key="change", heading=heading("change", self.lang), sentences=tuple(out))

    def subscale_sentences(self) -> list[Sentence]:
        shown = [o for o in self.f.subscales if o.pre_post.available]
        out: list[Sentence] = []
        if len(shown) >= 2:
            best = max(shown, key=lambda o: o.pre_post.g_av)
            worst = min(shown, key=lambda o: o.pre_post.g_av)
            out.append(self.say("subscales.range", k=self.cnt(len(shown)),
                                best=outcome_label(best.outcome, self.lang), g_best=self.num(best.pre_post.g_av),
                                worst=outcome_label(worst.outcome, self.lang),
                                g_worst=self.num(worst.pre_post.g_av)))
        for kind in ("none", "down"):
            areas = [outcome_label(o.outcome, self.lang) for o in shown
                     if direction(o.pre_post.ci_low, o.pre_post.ci_high) == kind]
            if areas:
                out.append(self.say(f"subscales.{kind}", areas=join_list(areas, self.lang)))
        return out

    def rci_sentences(self) -> list[Sentence]:
        up, down = self.f.reliably_improved, self.f.reliably_declined
        if up.missing is not None or down.missing is not None:
            return self._missing_group([("improved", up.missing), ("declined", down.missing)], "rci.missing")
        n = up.n if up.n is not None else (self.f.total.pre_post.n or 0)
        return [self.say("rci", improved=self.pct(up.share), lo=self.pct_or_dash(up.ci_low),
                         hi=self.pct_or_dash(up.ci_high), n=self.cnt(n), declined=self.pct(down.share),
                         dlo=self.pct_or_dash(down.ci_low), dhi=self.pct_or_dash(down.ci_high))]

    def pct_or_dash(self, value: float | None) -> str:
        return "\u2013" if value is None else self.pct(value)

    def _missing_group(self, items: Sequence[tuple[str, Missing | None]], key: str) -> list[Sentence]:
        groups: dict[Missing, list[str]] = {}
        for what_key, missing in items:
            if missing is not None:
                groups.setdefault(missing, []).append(self.what(what_key))
        return [self.missing_sentence(whats, missing, key) for missing, whats in groups.items()]

    def lasting(self) -> Section:
        total = self.f.total
        e = total.pre_followup
        months = self.cnt(self.f.followup_months)
        out: list[Sentence] = []
        if e.missing is not None:
            out.append(self.missing_sentence(
                [self.what("pre_followup", outcome=outcome_label("leadership_total", self.lang))],
                e.missing, "lasting.missing"))
        else:
            out.append(self.say(f"lasting.{direction(e.ci_low, e.ci_high)}", months=months,
                                **self._effect_values(e)))
            if total.pre_post.available:
                out.append(self.say("lasting.compare", g_post=self.num(total.pre_post.g_av)))
        return Section(key="lasting", heading=heading("lasting", self.lang), sentences=tuple(out))

    def application(self) -> Section:
        a = self.f.applied_skills
        earlier = self.pct(PROGRAM_EARLIER_APPLIED_SHARE)
        out: list[Sentence] = []
        if a.missing is not None:
            out.append(self.missing_sentence([self.what("applied")], a.missing, "application.missing"))
            out.append(self.say("application.earlier", earlier=earlier))
        else:
            lo = self.pct(a.ci_low) if a.ci_low is not None else "\u2013"
            hi = self.pct(a.ci_high) if a.ci_high is not None else "\u2013"
            n = a.n if a.n is not None else self.f.n_followup
            out.append(self.say("application", months=self.cnt(self.f.followup_months), share=self.pct(a.share),
                                lo=lo, hi=hi, n=self.cnt(n)))
            if a.ci_low is None:
                out.append(self.say("application.earlier", earlier=earlier))
            elif a.ci_high < PROGRAM_EARLIER_APPLIED_SHARE:
                out.append(self.say("application.earlier.lower", earlier=earlier))
            elif a.ci_low > PROGRAM_EARLIER_APPLIED_SHARE:
                out.append(self.say("application.earlier.higher", earlier=earlier))
            else:
                out.append(self.say("application.earlier.same", earlier=earlier))
        return Section(key="application", heading=heading("application", self.lang), sentences=tuple(out))

    def research(self) -> Section:
        out = [self.say("research.cite", overall=self.num(LACERENZA_OVERALL), transfer=self.num(LACERENZA_TRANSFER))]
        e = self.f.total.pre_post
        if e.available:
            if e.ci_low > LACERENZA_TRANSFER:
                kind = "larger"
            elif e.ci_high < LACERENZA_TRANSFER:
                kind = "smaller"
            else:
                kind = "similar"
            out.append(self.say(f"research.{kind}", g=self.num(e.g_av)))
        out.append(self.say("research.rough"))
        return Section(key="research", heading=heading("research", self.lang), sentences=tuple(out))

    def subgroups(self) -> Section | None:
        if not self.f.subgroups:
            return None
        out: list[Sentence] = []
        if any(row.suppressed for row in self.f.subgroups):
            out.append(self.say("subgroups.suppressed", min=self.cnt(self.f.min_subgroup_size)))
        return Section(key="subgroups", heading=heading("subgroups", self.lang), sentences=tuple(out))

    # caveats -----------------------------------------------------------
    def caveats(self) -> tuple[Sentence, ...]:
        f, th = self.f, self.th
        out: list[Sentence] = []
        if f.self_report:
            out.append(self.say("caveat.self_report"))
        low = [(o, r) for o in f.outcomes for r in o.reliability
               if r.alpha is not None and r.alpha < th.reliability_min]
        if low:
            items = [f"{outcome_label(o.outcome, self.lang)} ({WAVE_LABELS[r.wave][self.lang]}, "
                     f"\u03b1 = {self.num(r.alpha)})" for o, r in low]
            out.append(self.say("caveat.reliability", min=self.num(th.reliability_min),
                                items=join_list(items, self.lang)))
        pairs = f.total.pre_post.n
        if pairs is not None and pairs < th.small_n:
            out.append(self.say("caveat.small_n", n=self.cnt(pairs), min=self.cnt(th.small_n)))
        fu_n = f.total.pre_followup.n if f.total.pre_followup.n is not None else f.n_followup
        if f.n_followup and fu_n < th.small_n:
            out.append(self.say("caveat.small_n_followup", n=self.cnt(fu_n),
                                months=self.cnt(f.followup_months), min=self.cnt(th.small_n)))
        out += self.attrition_caveats()
        ceiling = [(o, o.ceiling_pre) for o in f.outcomes
                   if o.ceiling_pre is not None and o.ceiling_pre.available and o.ceiling_pre.share > th.ceiling_max]
        if ceiling:
            items = [f"{outcome_label(o.outcome, self.lang)} ({self.pct(s.share)})" for o, s in ceiling]
            out.append(self.say("caveat.ceiling", max=self.pct(th.ceiling_max), items=join_list(items, self.lang)))
        t = f.then_test
        if t.missing is None and abs(t.gap) >= th.then_test_gap:
            lo = self.num(t.ci_low) if t.ci_low is not None else "\u2013"
            hi = self.num(t.ci_high) if t.ci_high is not None else "\u2013"
            key = "caveat.then_test_lower" if t.gap < 0 else "caveat.then_test_higher"
            out.append(self.say(key, gap=self.num(t.gap), lo=lo, hi=hi, n=self.cnt(t.n) if t.n is not None else "?"))
        return tuple(out)

    def attrition_caveats(self) -> list[Sentence]:
        a, th = self.f.attrition, self.th
        if a.missing is not None:
            return []
        out: list[Sentence] = []
        if a.overall_rate > th.attrition_max:
            out.append(self.say("caveat.attrition_high", rate=self.pct(a.overall_rate),
                                months=self.cnt(self.f.followup_months), max=self.pct(th.attrition_max)))
        if a.baseline_smd is not None and abs(a.baseline_smd) > th.baseline_smd_max:
            out.append(self.say("caveat.attrition_biased", smd=self.num(a.baseline_smd),
                                max=self.num(th.baseline_smd_max)))
        if a.wwc_high:
            differential = self.pct(a.differential_rate) if a.differential_rate is not None else "\u2013"
            out.append(self.say("caveat.attrition_wwc", overall=self.pct(a.overall_rate), differential=differential))
        return out

    # further missing numbers -----------------------------------------------
    def missing(self) -> tuple[Sentence, ...]:
        """Missing numbers not already explained in a section, grouped by reason."""
        f = self.f
        items: list[tuple[str, Missing]] = []

        def add(what: str, missing: Missing | None) -> None:
            if missing is not None:
                items.append((what, missing))

        for o in f.subscales:
            label = outcome_label(o.outcome, self.lang)
            add(self.what("pre_post", outcome=label), o.pre_post.missing)
            add(self.what("pre_followup", outcome=label), o.pre_followup.missing)
        for o in f.outcomes:
            label = outcome_label(o.outcome, self.lang)
            for r in o.reliability:
                add(self.what("reliability", outcome=label, wave=WAVE_LABELS[r.wave][self.lang]), r.missing)
            if o.ceiling_pre is not None:
                add(self.what("ceiling", outcome=label), o.ceiling_pre.missing)
        add(self.what("then_test"), f.then_test.missing)
        add(self.what("attrition"), f.attrition.missing)
        for row in f.subgroups:
            if row.pre_post is not None:
                add(self.what("subgroup", group=row.label), row.pre_post.missing)
        for cohort in f.cohorts:
            add(self.what("subgroup", group=cohort.label), cohort.pre_post.missing)
        groups: dict[Missing, list[str]] = {}
        for what, missing in items:
            groups.setdefault(missing, []).append(what)
        return tuple(self.missing_sentence(whats, missing) for missing, whats in groups.items())

    def method(self) -> Sentence:
        return self.say("method", small=self.num(COHEN_SMALL, 1), medium=self.num(COHEN_MEDIUM, 1),
                        large=self.num(COHEN_LARGE, 1))


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
    writer = _Writer(figures, lang, thresholds or Thresholds(), khmer_digits)
    scope = figures.scope if figures.scope_kind == "cohort" else (figures.scope or text("scope.program", lang))
    sections: list[Section] = [writer.participation(), writer.change(), writer.lasting(),
                               writer.application(), writer.research()]
    subgroups = writer.subgroups()
    if subgroups is not None:
        sections.append(subgroups)
    return Narrative(
        lang=lang,
        title=text("title", lang, scope=scope),
        synthetic_notice=text("synthetic", lang) if figures.synthetic else None,
        sections=tuple(sections),
        caveats=writer.caveats(),
        missing=writer.missing(),
        method=writer.method(),
        references=REFERENCES,
    )


def number_formatter(lang: str, *, khmer_digits: bool = True) -> Callable[[float, int], str]:
    """``fmt(value, digits)`` for tables and charts in ``lang``."""
    check_lang(lang)

    def fmt(value: float, digits: int = 2) -> str:
        return fmt_decimal(value, lang, digits=digits, khmer_digits=khmer_digits)

    return fmt


__all__ = [
    "KHMER_REVIEW_STATUS", "LACERENZA_2017", "OUTCOME_LABELS", "PROGRAM_EARLIER_APPLIED_SHARE", "TEXT",
    "WAVE_LABELS", "Narrative", "Section", "Sentence", "Thresholds", "build_narrative", "cohen_size",
    "direction", "heading", "join_list", "number_formatter", "outcome_label", "text",
]
