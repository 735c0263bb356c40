"""The impact summary's words, in English and Khmer: sentence templates, outcome, wave and size words.

Read them through :func:`lipassess.text.text` (keys ``report.<key>``,
``report.outcome.<name>``, ``report.wave.<kind>``, ``report.wave_survey.<kind>``,
``report.size.<size>``); :mod:`lipassess.reports.narrative` holds the rules
that pick a template.

Khmer text: PENDING REVIEW
--------------------------
Every Khmer template here (and the Khmer outcome and wave names) was written
for :mod:`lipassess.reports.narrative` and is **pending review by the
program's translators** at the Royal School of Administration. The English
templates are the reference. Keep one ``{placeholder}`` set per key in both
languages; ``tests/test_text.py`` checks that they match.
"""

from __future__ import annotations

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
    "caveat.invariance_holds": {
        "en": "The questions were understood the same way before and after the training ({outcomes}): a factor "
              "analysis found that each question related to the behaviour in the same way in both surveys (scalar "
              "measurement invariance), so the change is not an artefact of reading the questions differently.",
        "km": "សំណួរត្រូវបានយល់ដូចគ្នា មុន និងក្រោយវគ្គបណ្តុះបណ្តាល ({outcomes})៖ ការវិភាគកត្តាបានបង្ហាញថា "
              "សំណួរនីមួយៗទាក់ទងនឹងឥរិយាបថក្នុងរបៀបដូចគ្នានៅក្នុងការស្ទង់មតិទាំងពីរ (ភាពមិនប្រែប្រួលនៃរង្វាស់កម្រិតស្កាលែរ) "
              "ដូច្នេះការផ្លាស់ប្តូរនេះមិនមែនកើតចេញពីការអានសំណួរខុសគ្នានោះទេ។",
    },
    "caveat.invariance_partial": {
        "en": "For {outcomes}, this holds once the answers to {items} are set aside: they shifted on their own "
              "after the training (partial measurement invariance), so the change in these scores may be slightly "
              "over- or understated.",
        "km": "សម្រាប់{outcomes} ការនេះពិតនៅពេលដាក់ចម្លើយចំពោះ {items} ដោយឡែក៖ ចម្លើយទាំងនោះបានផ្លាស់ប្តូរដោយខ្លួនឯង"
              "ក្រោយវគ្គបណ្តុះបណ្តាល (ភាពមិនប្រែប្រួលនៃរង្វាស់ដោយផ្នែក) ដូច្នេះការផ្លាស់ប្តូរនៃពិន្ទុទាំងនេះ"
              "អាចត្រូវបានបង្ហាញច្រើនជាង ឬតិចជាងការពិតបន្តិច។",
    },
    "caveat.invariance_fails": {
        "en": "Warning: for {outcomes}, the questions may not have been understood the same way before and after "
              "the training (scalar measurement invariance does not hold), so part of the change shown may come "
              "from reading the questions differently rather than from a change in behaviour.",
        "km": "ការព្រមាន៖ សម្រាប់{outcomes} សំណួរប្រហែលជាមិនត្រូវបានយល់ដូចគ្នា មុន និងក្រោយវគ្គបណ្តុះបណ្តាលទេ "
              "(ភាពមិនប្រែប្រួលនៃរង្វាស់កម្រិតស្កាលែរមិនត្រូវបានបញ្ជាក់) ដូច្នេះផ្នែកខ្លះនៃការផ្លាស់ប្តូរដែលបានបង្ហាញ "
              "អាចមកពីការអានសំណួរខុសគ្នា ជាជាងការផ្លាស់ប្តូរឥរិយាបថ។",
    },
    "caveat.invariance_language": {
        "en": "Warning: for {outcomes}, the Khmer and English questionnaires may not have been understood the "
              "same way (scalar measurement invariance across the languages does not hold), so compare the scores "
              "of the two language groups with care.",
        "km": "ការព្រមាន៖ សម្រាប់{outcomes} កម្រងសំណួរជាភាសាខ្មែរ និងភាសាអង់គ្លេសប្រហែលជាមិនត្រូវបានយល់ដូចគ្នាទេ "
              "(ភាពមិនប្រែប្រួលនៃរង្វាស់កម្រិតស្កាលែររវាងភាសាទាំងពីរមិនត្រូវបានបញ្ជាក់) ដូច្នេះត្រូវប្រៀបធៀបពិន្ទុ"
              "របស់ក្រុមភាសាទាំងពីរដោយប្រុងប្រយ័ត្ន។",
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
        "en": "The effect size g (Hedges' g_av; Lakens 2013) is the change in standard-deviation units. By "
              "Cohen's (1988) conventional thresholds, below {small} is very small, {small} small, {medium} "
              "medium and {large} or more large. The 95% confidence interval (CI) is the range of plausible "
              "values; when it includes zero there is no clear change.",
        "km": "ទំហំឥទ្ធិពល g (Hedges' g_av; Lakens 2013) ជាការផ្លាស់ប្តូរគិតជាឯកតាគម្លាតស្តង់ដារ។ តាមកម្រិតស្តង់ដាររបស់ Cohen (1988) "
              "ក្រោម {small} គឺតូចបំផុត {small} គឺតូច {medium} គឺមធ្យម ហើយ {large} ឡើងទៅគឺធំ។ "
              "ចន្លោះជឿជាក់ ៩៥% (CI) ជាជួរតម្លៃដែលអាចជឿបាន ហើយនៅពេលដែលវាមានសូន្យនៅក្នុងនោះ "
              "មិនមានការផ្លាស់ប្តូរច្បាស់លាស់ទេ។",
    },
    # list joining
    "and": {"en": " and ", "km": " និង "},
    # charts
    "chart.forest.title": {"en": "Change in leadership behaviour from before to after the training",
                           "km": "ការផ្លាស់ប្តូរឥរិយាបថភាពជាអ្នកដឹកនាំ ពីមុនដល់ក្រោយវគ្គបណ្តុះបណ្តាល"},
    "chart.forest.axis": {"en": "Effect size with 95% CI (0 = no change)",
                          "km": "ទំហំឥទ្ធិពល និងចន្លោះជឿជាក់ ៩៥% (០ = គ្មានការផ្លាស់ប្តូរ)"},
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
    "page.key.change": {"en": "change in leadership behaviour (effect size)",
                        "km": "ការផ្លាស់ប្តូរឥរិយាបថភាពជាអ្នកដឹកនាំ (ទំហំឥទ្ធិពល)"},
    "page.key.up": {"en": "{size} improvement", "km": "ការប្រសើរឡើងទំហំ{size}"},
    "page.key.none": {"en": "no clear change", "km": "គ្មានការផ្លាស់ប្តូរច្បាស់លាស់"},
    "page.key.down": {"en": "{size} decline", "km": "ការធ្លាក់ចុះទំហំ{size}"},
    "page.key.applied": {"en": "applied the skills at {months} months", "km": "បានអនុវត្តជំនាញក្រោយ {months} ខែ"},
    "page.table.group": {"en": "Group", "km": "ក្រុម"},
    "page.table.change": {"en": "Change (effect size) [95% CI]",
                          "km": "ការផ្លាស់ប្តូរ (ទំហំឥទ្ធិពល) [ចន្លោះជឿជាក់ ៩៥%]"},
    "page.table.n": {"en": "People", "km": "ចំនួនមនុស្ស"},
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

# The plain answer a manager reads first (lipassess.reports.answer): keys ``report.answer.<key>``.
ANSWER: dict[str, dict[str, str]] = {
    "heading": {"en": "In short", "km": "សរុបមក"},
    "how.negligible": {"en": "very slightly", "km": "បន្តិចបន្តួច"},
    "how.small": {"en": "slightly", "km": "បន្តិច"},
    "how.medium": {"en": "moderately", "km": "ក្នុងកម្រិតមធ្យម"},
    "how.large": {"en": "strongly", "km": "យ៉ាងច្រើន"},
    "change.up": {"en": "Leadership behaviour improved {how} after the training (g = {g})",
                  "km": "ឥរិយាបថភាពជាអ្នកដឹកនាំបានប្រសើរឡើង{how} ក្រោយវគ្គបណ្តុះបណ្តាល (g = {g})"},
    "change.none": {"en": "Leadership behaviour did not clearly change after the training (g = {g})",
                    "km": "ឥរិយាបថភាពជាអ្នកដឹកនាំមិនបានផ្លាស់ប្តូរច្បាស់លាស់ក្រោយវគ្គបណ្តុះបណ្តាលទេ (g = {g})"},
    "change.down": {"en": "Leadership behaviour declined {how} after the training (g = {g})",
                    "km": "ឥរិយាបថភាពជាអ្នកដឹកនាំបានធ្លាក់ចុះ{how} ក្រោយវគ្គបណ្តុះបណ្តាល (g = {g})"},
    "change.missing": {
        "en": "We cannot yet say whether leadership behaviour changed after the training, because {why}.",
        "km": "យើងមិនទាន់អាចនិយាយបានថា ឥរិយាបថភាពជាអ្នកដឹកនាំបានផ្លាស់ប្តូរក្រោយវគ្គបណ្តុះបណ្តាលឬទេ ដោយសារ{why}។",
    },
    "joined": {"en": "{change}, {lasting}.", "km": "{change} {lasting}។"},
    "alone": {"en": "{change}.", "km": "{change}។"},
    "lasting.full": {"en": "and all of the gain remained {months} months later (g = {g})",
                     "km": "ហើយការកើនឡើងទាំងអស់នៅតែមាន {months} ខែក្រោយមក (g = {g})"},
    "lasting.most": {"en": "and most of the gain remained {months} months later (g = {g})",
                     "km": "ហើយការកើនឡើងភាគច្រើននៅតែមាន {months} ខែក្រោយមក (g = {g})"},
    "lasting.part": {"en": "and part of the gain remained {months} months later (g = {g})",
                     "km": "ហើយការកើនឡើងមួយផ្នែកនៅតែមាន {months} ខែក្រោយមក (g = {g})"},
    "lasting.faded": {"en": "but {months} months later the gain was no longer clear (g = {g})",
                      "km": "ប៉ុន្តែ {months} ខែក្រោយមក ការកើនឡើងនោះលែងច្បាស់លាស់ទៀតហើយ (g = {g})"},
    "lasting.below": {"en": "but {months} months later scores were below where they started (g = {g})",
                      "km": "ប៉ុន្តែ {months} ខែក្រោយមក ពិន្ទុបានធ្លាក់ទាបជាងមុនវគ្គ (g = {g})"},
    "lasting.pending": {"en": "and the {months}-month follow-up will show whether it lasts",
                        "km": "ហើយការតាមដាន {months} ខែក្រោយនឹងបង្ហាញថា តើការផ្លាស់ប្តូរនេះនៅតែមានឬទេ"},
    "lasting.unknown": {"en": "but too few answered the {months}-month follow-up to tell whether it lasted",
                        "km": "ប៉ុន្តែមានអ្នកឆ្លើយការតាមដាន {months} ខែតិចពេក ដើម្បីដឹងថាការផ្លាស់ប្តូរនេះនៅតែមានឬទេ"},
    "lasting.later_up": {"en": "but {months} months later it was higher than before (g = {g})",
                         "km": "ប៉ុន្តែ {months} ខែក្រោយមក វាខ្ពស់ជាងមុនវគ្គ (g = {g})"},
    "lasting.later_none": {"en": "and {months} months later there was no clear difference from before (g = {g})",
                           "km": "ហើយ {months} ខែក្រោយមក មិនមានភាពខុសគ្នាច្បាស់លាស់ពីមុនវគ្គទេ (g = {g})"},
    "lasting.later_down": {"en": "and {months} months later it was lower than before (g = {g})",
                           "km": "ហើយ {months} ខែក្រោយមក វាទាបជាងមុនវគ្គ (g = {g})"},
    "sure.high": {
        "en": "We can be confident of this: the plausible range (95% CI {lo} to {hi}) shows at least a {size} "
              "change.",
        "km": "យើងអាចជឿជាក់លើលទ្ធផលនេះបាន៖ ជួរតម្លៃដែលអាចជឿបាន (ចន្លោះជឿជាក់ ៩៥%៖ {lo} ដល់ {hi}) "
              "បង្ហាញការផ្លាស់ប្តូរយ៉ាងហោចណាស់ទំហំ{size}។",
    },
    "sure.fair": {
        "en": "We are fairly sure there was a change, less so of its size: the plausible range (95% CI {lo} to "
              "{hi}) runs from a {near} to a {far} change.",
        "km": "យើងប្រាកដគួរសមថាមានការផ្លាស់ប្តូរ ប៉ុន្តែមិនសូវប្រាកដពីទំហំរបស់វាទេ៖ ជួរតម្លៃដែលអាចជឿបាន "
              "(ចន្លោះជឿជាក់ ៩៥%៖ {lo} ដល់ {hi}) មានចាប់ពីការផ្លាស់ប្តូរទំហំ{near} ដល់ទំហំ{far}។",
    },
    "sure.none": {
        "en": "We cannot be sure either way: the plausible range (95% CI {lo} to {hi}) includes no change.",
        "km": "យើងមិនអាចប្រាកដបានទេ៖ ជួរតម្លៃដែលអាចជឿបាន (ចន្លោះជឿជាក់ ៩៥%៖ {lo} ដល់ {hi}) "
              "រួមទាំងគ្មានការផ្លាស់ប្តូរផងដែរ។",
    },
    "observer.who.supervisor": {"en": "Their supervisors", "km": "ថ្នាក់ដឹកនាំផ្ទាល់របស់ពួកគេ"},
    "observer.who.observers": {"en": "Those who see them at work", "km": "អ្នកដែលឃើញការងាររបស់ពួកគេ"},
    "observer.up": {"en": "{who} saw an improvement too (d_z = {d})",
                    "km": "{who}ក៏បានឃើញការប្រសើរឡើងផងដែរ (d_z = {d})"},
    "observer.none": {"en": "{who} saw no clear change (d_z = {d})",
                      "km": "{who}មិនបានឃើញការផ្លាស់ប្តូរច្បាស់លាស់ទេ (d_z = {d})"},
    "observer.down": {"en": "{who} saw a decline (d_z = {d})",
                      "km": "{who}បានឃើញការធ្លាក់ចុះ (d_z = {d})"},
    "observer.alone": {"en": "{observed}.", "km": "{observed}។"},
    "observer.smaller": {"en": "{observed}, a smaller change than participants report about themselves.",
                         "km": "{observed} ដែលជាការផ្លាស់ប្តូរតូចជាងអ្វីដែលអ្នកចូលរួមរាយការណ៍អំពីខ្លួនឯង។"},
    "observer.larger": {"en": "{observed}, a larger change than participants report about themselves.",
                        "km": "{observed} ដែលជាការផ្លាស់ប្តូរធំជាងអ្វីដែលអ្នកចូលរួមរាយការណ៍អំពីខ្លួនឯង។"},
    "sure.thin": {
        "en": "These are early figures from only {n} people who answered before and after the training, so read "
              "them as a first sign.",
        "km": "ទាំងនេះជាតួលេខដំបូងពីមនុស្សតែ {n} នាក់ ដែលបានឆ្លើយទាំងមុន និងក្រោយវគ្គបណ្តុះបណ្តាល "
              "ដូច្នេះសូមអានវាជាសញ្ញាដំបូងប៉ុណ្ណោះ។",
    },
}
