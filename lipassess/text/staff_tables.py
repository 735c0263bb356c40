"""The dashboard tables' words on the staff pages, in English and Khmer: captions, column headers, cell words, reasons.

Read them through :func:`lipassess.text.text` (keys ``staff.caption.<table>``,
``staff.header.<slug>``, ``staff.cell.<key>``, ``staff.reason.<key>``);
:mod:`lipassess.reports.tables.localize` picks them for a table shown on a
page. The English texts are the ones the table builders write (the CSV files
keep those); a statistic's symbol (g_av, d_z, p, F, df) stays in the header,
its name goes to the header's tooltip. The Khmer texts are pending review by
the program's translators (:data:`lipassess.text.KM_STATUS`).
"""

from __future__ import annotations

import re

CAPTIONS: dict[str, dict[str, str]] = {
    "progress": {"en": "Response rate and reminders per wave (submitted / active students)",
                 "km": "អត្រាឆ្លើយតប និងការរំលឹកតាមដំណាក់កាល (បានដាក់ស្នើ / និស្សិតសកម្ម)"},
    "retention": {"en": "Retention from the pre survey to the follow-up",
                  "km": "ការរក្សាអ្នកចូលរួម ពីការស្ទង់មតិមុនវគ្គ ដល់ការតាមដាន"},
    "pre_post": {"en": "Change from before the training to after the training: paired means, Cohen's d_z and "
                       "Hedges' g_av with 95% CIs",
                 "km": "ការប្រែប្រួលពីមុនវគ្គបណ្តុះបណ្តាល ដល់ក្រោយវគ្គបណ្តុះបណ្តាល៖ មធ្យមភាគជាគូ និងទំហំឥទ្ធិពល "
                       "ជាមួយចន្លោះជឿជាក់ ៩៥%"},
    "pre_followup": {"en": "Change from before the training to at the follow-up: paired means, Cohen's d_z and "
                           "Hedges' g_av with 95% CIs",
                     "km": "ការប្រែប្រួលពីមុនវគ្គបណ្តុះបណ្តាល ដល់ពេលតាមដាន៖ មធ្យមភាគជាគូ និងទំហំឥទ្ធិពល "
                           "ជាមួយចន្លោះជឿជាក់ ៩៥%"},
    "reliable_change": {"en": "Share of participants who reliably improved or declined from before to after the "
                              "training (RCI, |RCI| > 1.96; Wilson 95% CIs)",
                        "km": "ភាគរយអ្នកចូលរួមដែលប្រសើរឡើង ឬធ្លាក់ចុះគួរឲ្យជឿជាក់ ពីមុនដល់ក្រោយវគ្គបណ្តុះបណ្តាល "
                              "(ជាមួយចន្លោះជឿជាក់ ៩៥%)"},
    "reliable_change_participants": {"en": "Reliable change index per participant (pseudonymous)",
                                     "km": "សន្ទស្សន៍ការប្រែប្រួលគួរឲ្យជឿជាក់ តាមអ្នកចូលរួម (ឈ្មោះក្លែង)"},
    "reliability": {"en": "Reliability per outcome and wave: Cronbach's alpha (Feldt 95% CI) and McDonald's omega "
                          "total (one-factor ML, delta-method 95% CI)",
                    "km": "ភាពជឿជាក់តាមលទ្ធផល និងដំណាក់កាល (ជាមួយចន្លោះជឿជាក់ ៩៥%)"},
    "items": {"en": "Item analysis per outcome and wave", "km": "ការវិភាគសំណួរ តាមលទ្ធផល និងដំណាក់កាល"},
    "items_one": {"en": "Item analysis: {outcome}, {wave}", "km": "ការវិភាគសំណួរ៖ {outcome}, {wave}"},
    "repeated": {"en": "Three waves, complete cases: repeated-measures ANOVA (Greenhouse-Geisser corrected) and "
                       "Friedman test",
                 "km": "បីដំណាក់កាល អ្នកចូលរួមដែលឆ្លើយគ្រប់ដំណាក់កាល៖ ការវិភាគវ៉ារ្យង់នៃការវាស់ម្ដងហើយម្ដងទៀត "
                       "និងតេស្តតាមលំដាប់"},
    "pairwise": {"en": "Pairwise comparisons of the three waves (complete cases, Holm)",
                 "km": "ការប្រៀបធៀបជាគូនៃដំណាក់កាលទាំងបី (អ្នកចូលរួមដែលឆ្លើយគ្រប់ដំណាក់កាល)"},
    "mixed_model": {"en": "Mixed model (REML, random intercept per participant, Satterthwaite df): keeps "
                          "participants with a missing wave",
                    "km": "គំរូចម្រុះ៖ រក្សាទុកអ្នកចូលរួមដែលខ្វះដំណាក់កាលណាមួយ"},
    "then_test": {"en": "Then-test: the retrospective pretest against the real pretest (response shift)",
                  "km": "ការវាយតម្លៃមុនវគ្គដោយការរំលឹកឡើងវិញ ធៀបនឹងការវាយតម្លៃមុនវគ្គពិត (ការផ្លាស់ប្ដូរការឆ្លើយ)"},
    "attrition": {"en": "Attrition before the follow-up", "km": "ការបោះបង់មុនការតាមដាន"},
    "attrition_baseline": {"en": "Did those lost before the follow-up differ at baseline?",
                           "km": "តើអ្នកដែលបោះបង់មុនការតាមដាន ខុសគ្នាពីអ្នកផ្សេងនៅពេលចាប់ផ្ដើមដែរឬទេ?"},
    "applied": {"en": "Application of the skills at six months", "km": "ការអនុវត្តជំនាញនៅប្រាំមួយខែក្រោយ"},
    "missing": {"en": "Statistics that could not be computed, and why",
                "km": "ស្ថិតិដែលមិនអាចគណនាបាន និងមូលហេតុ"},
    "subgroups": {"en": "Change in leadership behaviour (total) by {dimension}",
                  "km": "ការប្រែប្រួលនៃឥរិយាបថភាពជាអ្នកដឹកនាំ (សរុប) តាម{dimension}"},
    "cohorts": {"en": "Cohorts side by side: leadership behaviour (total)",
                "km": "ការប្រៀបធៀបជំនាន់៖ ឥរិយាបថភាពជាអ្នកដឹកនាំ (សរុប)"},
}
"""Table captions by table name (``subgroups`` and ``items_one`` take the group or outcome and wave)."""

_HEADER_PAIRS: tuple[tuple[str, str], ...] = (
    ("Outcome", "លទ្ធផល"), ("Pairs", "ចំនួនគូ"), ("Mean before", "មធ្យមភាគមុន"), ("Mean after", "មធ្យមភាគក្រោយ"),
    ("Change", "ការប្រែប្រួល"), ("95% CI", "ចន្លោះជឿជាក់ ៩៥%"), ("p (t)", "p (តេស្ត t)"),
    ("p (Wilcoxon)", "p (តេស្តតាមលំដាប់)"), ("d_z", "ទំហំឥទ្ធិពល d_z"), ("d_z 95% CI", "ចន្លោះជឿជាក់ ៩៥% នៃ d_z"),
    ("g_av", "ទំហំឥទ្ធិពល g_av"), ("g_av 95% CI", "ចន្លោះជឿជាក់ ៩៥% នៃ g_av"),
    ("alpha (pre) used", "ភាពជឿជាក់មុនវគ្គដែលបានប្រើ"), ("SE of difference", "កំហុសស្តង់ដារនៃភាពខុសគ្នា"),
    ("Reliably improved", "ប្រសើរឡើងគួរឲ្យជឿជាក់"), ("No reliable change", "គ្មានការប្រែប្រួលគួរឲ្យជឿជាក់"),
    ("Reliably declined", "ធ្លាក់ចុះគួរឲ្យជឿជាក់"), ("Participant (pseudonym)", "អ្នកចូលរួម (ឈ្មោះក្លែង)"),
    ("RCI", "សន្ទស្សន៍ការប្រែប្រួល"), ("Category", "ប្រភេទ"), ("Complete cases", "អ្នកឆ្លើយគ្រប់ដំណាក់កាល"),
    ("Mean pre", "មធ្យមភាគមុនវគ្គ"), ("Mean post", "មធ្យមភាគក្រោយវគ្គ"), ("Mean follow-up", "មធ្យមភាគតាមដាន"),
    ("F", "ស្ថិតិ F"), ("df1", "កម្រិតសេរី\u2081"), ("df2", "កម្រិតសេរី\u2082"), ("GG epsilon", "ការកែតម្រូវ \u03b5"),
    ("p (GG)", "p (បានកែតម្រូវ)"), ("eta2 (generalized)", "ចំណែកវ៉ារ្យង់ \u03b7\u00b2"),
    ("Friedman Q", "តេស្តតាមលំដាប់ Q"), ("p (Friedman)", "p (តេស្តតាមលំដាប់)"),
    ("Kendall's W", "កម្រិតស្របគ្នា W"), ("Comparison", "ការប្រៀបធៀប"), ("n", "ចំនួន"), ("Difference", "ភាពខុសគ្នា"),
    ("t", "ស្ថិតិ t"), ("df", "កម្រិតសេរី"), ("p", "តម្លៃ p"), ("p (Holm)", "p (បានកែតម្រូវ)"), ("Wave", "ដំណាក់កាល"),
    ("Participants", "អ្នកចូលរួម"), ("Estimated mean", "មធ្យមភាគប៉ាន់ស្មាន"),
    ("Change from pre", "ការប្រែប្រួលពីមុនវគ្គ"), ("F (wave)", "F (ដំណាក់កាល)"), ("p (F)", "តម្លៃ p (F)"),
    ("ICC", "សហសម្ព័ន្ធក្នុងក្រុម"), ("Gap (retro \u2212 pre)", "គម្លាត (រំលឹក \u2212 មុនវគ្គ)"),
    ("Gap d_z", "គម្លាត d_z"), ("g_av with pretest", "g_av ជាមួយការវាយតម្លៃមុនវគ្គ"),
    ("g_av with retro pretest", "g_av ជាមួយការវាយតម្លៃមុនវគ្គដោយរំលឹក"), ("Shift", "ការផ្លាស់ប្ដូរ"),
    ("Opens", "បើក"), ("Closes", "បិទ"), ("Active students", "និស្សិតសកម្ម"), ("Invited", "បានអញ្ជើញ"),
    ("Started", "បានចាប់ផ្ដើម"), ("Submitted", "បានដាក់ស្នើ"), ("Response rate", "អត្រាឆ្លើយតប"),
    ("Reminders sent", "ការរំលឹកដែលបានផ្ញើ"), ("Messages failed", "សារបរាជ័យ"),
    ("Messages of unknown fate", "សារមិនដឹងលទ្ធផល"), ("Messages pending", "សារកំពុងរង់ចាំ"),
    ("Answered the pre survey", "បានឆ្លើយការស្ទង់មតិមុនវគ្គ"),
    ("Of them answered the follow-up", "ក្នុងនោះបានឆ្លើយការតាមដាន"), ("Retention", "ការរក្សាអ្នកចូលរួម"),
    ("At baseline", "នៅពេលចាប់ផ្ដើម"), ("Retained", "នៅបន្ត"), ("Lost", "បោះបង់"), ("Attrition", "ការបោះបង់"),
    ("Differential attrition", "ភាពខុសគ្នានៃការបោះបង់"), ("Largest baseline difference", "ភាពខុសគ្នាធំបំផុតពេលចាប់ផ្ដើម"),
    ("WWC baseline equivalence", "ភាពស្មើគ្នាពេលចាប់ផ្ដើម"), ("Needs attention", "ត្រូវការការយកចិត្តទុកដាក់"),
    ("Variable", "អថេរ"), ("Level", "កម្រិត"), ("n retained", "ចំនួននៅបន្ត"), ("n lost", "ចំនួនបោះបង់"),
    ("Retained (mean or share)", "នៅបន្ត (មធ្យមភាគ ឬភាគរយ)"), ("Lost (mean or share)", "បោះបង់ (មធ្យមភាគ ឬភាគរយ)"),
    ("Standardized difference", "ភាពខុសគ្នាស្តង់ដារ"), ("Measure", "រង្វាស់"), ("WWC", "ភាពស្មើគ្នា"),
    ("Answered", "បានឆ្លើយ"), ("Applied the skills", "បានអនុវត្តជំនាញ"), ("Share", "ភាគរយ"),
    ("95% CI (Wilson)", "ចន្លោះជឿជាក់ ៩៥%"), ("Program's earlier figure", "តួលេខមុនរបស់កម្មវិធី"),
    ("Statistic", "ស្ថិតិ"), ("Why it is missing", "មូលហេតុដែលខ្វះ"), ("Items", "ចំនួនសំណួរ"),
    ("alpha", "ភាពជឿជាក់ \u03b1"), ("alpha 95% CI", "ចន្លោះជឿជាក់ ៩៥% នៃ \u03b1"), ("omega total", "ភាពជឿជាក់ \u03c9"),
    ("omega 95% CI", "ចន្លោះជឿជាក់ ៩៥% នៃ \u03c9"), ("Mean", "មធ្យមភាគ"), ("SD", "គម្លាតស្តង់ដារ"),
    ("SEM", "កំហុសនៃការវាស់"), ("Notes", "កំណត់សម្គាល់"), ("Item", "សំណួរ"), ("Reverse-keyed", "ដាក់ពិន្ទុបញ្ច្រាស"),
    ("Corrected item-total r", "សហសម្ព័ន្ធជាមួយពិន្ទុសរុប"), ("alpha if deleted", "\u03b1 បើដកសំណួរនេះចេញ"),
    ("At lowest", "នៅកម្រិតទាបបំផុត"), ("At highest", "នៅកម្រិតខ្ពស់បំផុត"), ("Loading", "ទម្ងន់កត្តា"),
    ("Cohort", "ជំនាន់"), ("Response pre", "ឆ្លើយតបមុនវគ្គ"), ("Response post", "ឆ្លើយតបក្រោយវគ្គ"),
    ("Response follow-up", "ឆ្លើយតបតាមដាន"), ("Pre/post pairs", "គូមុន/ក្រោយ"), ("g_av after", "g_av ក្រោយវគ្គ"),
    ("g_av follow-up", "g_av តាមដាន"), ("Applied at 6 months", "បានអនុវត្តនៅ ៦ ខែ"),
    ("Ministry", "ក្រសួង"), ("Province", "ខេត្ត"), ("Estimate", "តម្លៃប៉ាន់ស្មាន"),
)


def _slug(english: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", english.lower()).strip("_") or "symbol"


HEADERS: dict[str, dict[str, str]] = {_slug(en): {"en": en, "km": km} for en, km in _HEADER_PAIRS}
"""Column headers by the slug of their English text (``Mean before`` -> ``mean_before``)."""

CELLS: dict[str, dict[str, str]] = {
    "yes": {"en": "yes", "km": "មែន"},
    "no": {"en": "no", "km": "មិនមែន"},
    "all": {"en": "all", "km": "ទាំងអស់"},
    "cohort": {"en": "cohort", "km": "ជំនាន់"},
    "program": {"en": "program", "km": "កម្មវិធី"},
    "baseline": {"en": "baseline", "km": "ពេលចាប់ផ្ដើម"},
    "category.improved": {"en": "improved", "km": "ប្រសើរឡើង"},
    "category.unchanged": {"en": "unchanged", "km": "មិនប្រែប្រួល"},
    "category.declined": {"en": "declined", "km": "ធ្លាក់ចុះ"},
    "shift.retro_lower": {"en": "retro lower", "km": "ការរំលឹកទាបជាង"},
    "shift.retro_higher": {"en": "retro higher", "km": "ការរំលឹកខ្ពស់ជាង"},
    "shift.none": {"en": "none", "km": "គ្មាន"},
    "shift.undetermined": {"en": "undetermined", "km": "មិនអាចកំណត់បាន"},
    "wwc.satisfies": {"en": "satisfies", "km": "បំពេញលក្ខខណ្ឌ"},
    "wwc.requires_statistical_adjustment": {"en": "requires statistical adjustment", "km": "ត្រូវការការកែតម្រូវស្ថិតិ"},
    "wwc.does_not_satisfy": {"en": "does not satisfy", "km": "មិនបំពេញលក្ខខណ្ឌ"},
    "wwc.undetermined": {"en": "undetermined", "km": "មិនអាចកំណត់បាន"},
    "wwc.no_attrition": {"en": "no attrition", "km": "គ្មានការបោះបង់"},
    "wwc.suppressed": {"en": "suppressed", "km": "បានលាក់"},
    "measure.hedges_g": {"en": "difference in means (Hedges' g)", "km": "ភាពខុសគ្នានៃមធ្យមភាគ (Hedges' g)"},
    "measure.cox_index": {"en": "difference in shares (Cox index)", "km": "ភាពខុសគ្នានៃភាគរយ (Cox index)"},
    "variable.baseline_score": {"en": "Score before the training", "km": "ពិន្ទុមុនវគ្គបណ្តុះបណ្តាល"},
    "variable.ministry": {"en": "Ministry", "km": "ក្រសួង"},
    "variable.province": {"en": "Province", "km": "ខេត្ត"},
    "variable.gender": {"en": "Gender", "km": "ភេទ"},
    "statistic.pre_post": {"en": "before and after", "km": "មុន និងក្រោយ"},
    "statistic.pre_followup": {"en": "before and follow-up", "km": "មុន និងការតាមដាន"},
    "statistic.change": {"en": "reliable change", "km": "ការប្រែប្រួលគួរឲ្យជឿជាក់"},
    "statistic.repeated": {"en": "three waves", "km": "បីដំណាក់កាល"},
    "statistic.then_test": {"en": "then-test", "km": "ការវាយតម្លៃមុនវគ្គដោយរំលឹក"},
    "statistic.attrition": {"en": "attrition", "km": "ការបោះបង់"},
    "statistic.applied": {"en": "application", "km": "ការអនុវត្ត"},
    "statistic.subgroups": {"en": "subgroups", "km": "ក្រុមរង"},
    "statistic.reliability": {"en": "reliability ({wave})", "km": "ភាពជឿជាក់ ({wave})"},
}
"""Words in table cells: yes/no, reliable-change categories, response-shift directions, WWC categories..."""

REASONS: dict[str, dict[str, str]] = {
    "not_computed": {"en": "not computed", "km": "មិនបានគណនា"},
    "not_defined": {"en": "not defined for these data", "km": "មិនអាចកំណត់បានសម្រាប់ទិន្នន័យទាំងនេះ"},
    "no_scores": {"en": "no {wave} scores yet", "km": "មិនទាន់មានពិន្ទុ{wave}នៅឡើយ"},
    "no_responses": {"en": "no {wave} responses yet", "km": "មិនទាន់មានចម្លើយ{wave}នៅឡើយ"},
    "no_pre_reliability": {"en": "no usable pre-wave reliability to compute reliable change with",
                           "km": "គ្មានភាពជឿជាក់មុនវគ្គដែលអាចប្រើបាន ដើម្បីគណនាការប្រែប្រួលគួរឲ្យជឿជាក់"},
    "three_waves": {"en": "the three-wave comparison needs pre, post and follow-up scores",
                    "km": "ការប្រៀបធៀបបីដំណាក់កាលត្រូវការពិន្ទុមុនវគ្គ ក្រោយវគ្គ និងការតាមដាន"},
    "no_baseline": {"en": "no baseline (pre) scores to compare retained and lost participants on",
                    "km": "គ្មានពិន្ទុមុនវគ្គ ដើម្បីប្រៀបធៀបអ្នកនៅបន្ត និងអ្នកបោះបង់"},
    "no_followup": {"en": "the follow-up wave has no answers yet, so nobody can be counted as retained",
                    "km": "ដំណាក់កាលតាមដានមិនទាន់មានចម្លើយ ដូច្នេះមិនអាចរាប់នរណាម្នាក់ថានៅបន្តបានទេ"},
    "no_application": {"en": "nobody has answered the six-month application question yet",
                       "km": "មិនទាន់មាននរណាម្នាក់ឆ្លើយសំណួរអំពីការអនុវត្តនៅប្រាំមួយខែនៅឡើយ"},
    "no_pre_survey": {"en": "nobody has answered the pre-training survey yet",
                      "km": "មិនទាន់មាននរណាម្នាក់ឆ្លើយការស្ទង់មតិមុនវគ្គនៅឡើយ"},
    "no_behaviour": {"en": "no answers to the leadership behaviour survey yet",
                     "km": "មិនទាន់មានចម្លើយចំពោះការស្ទង់មតិអំពីឥរិយាបថភាពជាអ្នកដឹកនាំនៅឡើយ"},
    "hidden_small": {"en": "hidden: groups under {n} people are not shown",
                     "km": "បានលាក់៖ ក្រុមដែលមានតិចជាង {n} នាក់មិនត្រូវបានបង្ហាញទេ"},
    "hidden_level": {"en": "fewer than {n} people, or hidden so that such a group cannot be worked out: not shown",
                     "km": "តិចជាង {n} នាក់ ឬត្រូវបានលាក់ដើម្បីកុំឲ្យគេគណនាក្រុមបែបនេះបាន៖ មិនបង្ហាញ"},
    "too_few_pairs": {"en": "too few pairs ({n} needed)", "km": "ចំនួនគូតិចពេក (ត្រូវការ {n})"},
    "need_pairs": {"en": "needs at least {n} participants with both scores, has {has}",
                   "km": "ត្រូវការអ្នកចូលរួមយ៉ាងតិច {n} នាក់ដែលមានពិន្ទុទាំងពីរ ប៉ុន្តែមានតែ {has} នាក់"},
    "one_wave": {"en": "only one wave has answers", "km": "មានតែដំណាក់កាលមួយប៉ុណ្ណោះដែលមានចម្លើយ"},
    "no_group_column": {"en": "differential attrition is not computed: these participants form one group, with no "
                              "comparison group",
                        "km": "មិនបានគណនាភាពខុសគ្នានៃការបោះបង់ទេ៖ អ្នកចូលរួមទាំងនេះជាក្រុមតែមួយ គ្មានក្រុមប្រៀបធៀប"},
    "one_group": {"en": "differential attrition cannot be computed: everyone is in one {variable}",
                  "km": "មិនអាចគណនាភាពខុសគ្នានៃការបោះបង់បានទេ៖ អ្នកទាំងអស់នៅក្នុង{variable}តែមួយ"},
    "cox_undefined": {"en": "for {level} ({variable}) the Cox index cannot be computed, as a share is 0% or 100%: "
                            "read the difference in shares instead",
                      "km": "សម្រាប់ {level} ({variable}) មិនអាចគណនា Cox index បានទេ ព្រោះភាគរយគឺ ០% ឬ ១០០%៖ "
                            "សូមមើលភាពខុសគ្នានៃភាគរយជំនួសវិញ"},
    "nobody_lost": {"en": "nobody was lost: no baseline differences to compute",
                    "km": "គ្មាននរណាម្នាក់បោះបង់ទេ៖ គ្មានភាពខុសគ្នាពេលចាប់ផ្ដើមត្រូវគណនា"},
    "nobody_retained": {"en": "nobody was retained: no baseline differences to compute",
                        "km": "គ្មាននរណាម្នាក់នៅបន្តទេ៖ គ្មានភាពខុសគ្នាពេលចាប់ផ្ដើមត្រូវគណនា"},
    "no_variance": {"en": "the scores have no variance", "km": "ពិន្ទុមិនមានការប្រែប្រួល"},
    "reliability_range": {"en": "reliability must be at least 0 and below 1 (for example alpha = 0.85), not {value}",
                          "km": "ភាពជឿជាក់ត្រូវតែយ៉ាងតិច ០ និងតិចជាង ១ (ឧទាហរណ៍ \u03b1 = ០.៨៥) មិនមែន {value} ទេ "
                                "ដូច្នេះមិនអាចគណនាការប្រែប្រួលគួរឲ្យជឿជាក់បានទេ"},
    "no_missing": {"en": "No missing answers: all {n} rows used", "km": "គ្មានចម្លើយខ្វះទេ៖ បានប្រើទាំង {n} ជួរ"},
    "listwise": {"en": "Listwise deletion: {dropped} of {total} rows had a missing item and were left out",
                 "km": "ការលុបតាមជួរ៖ {dropped} ក្នុងចំណោម {total} ជួរ មានសំណួរខ្វះ ហើយត្រូវបានដកចេញ"},
    "complete_rows": {"en": "all figures use the {n} complete rows",
                      "km": "តួលេខទាំងអស់ប្រើជួរពេញលេញចំនួន {n}"},
    "heywood": {"en": "Heywood case: uniqueness of {items} held at its lower bound (0.005) in the factor model for "
                      "omega",
                "km": "ករណី Heywood៖ ភាពឯកឯងនៃ {items} ស្ថិតនៅព្រំដែនទាប (០.០០៥) ក្នុងគំរូកត្តាសម្រាប់ \u03c9"},
    "omega_dependent": {"en": "McDonald's omega is NaN: the items are linearly dependent (or there are fewer "
                              "complete rows than items), so no factor model can be fitted",
                        "km": "មិនអាចគណនា \u03c9 បានទេ៖ សំណួរពឹងផ្អែកលើគ្នាជាលីនេអ៊ែរ (ឬមានជួរពេញលេញតិចជាងចំនួនសំណួរ) "
                              "ដូច្នេះមិនអាចសាងសង់គំរូកត្តាបានទេ"},
    "omega_items": {"en": "McDonald's omega is NaN: a one-factor model needs at least 3 items",
                    "km": "មិនអាចគណនា \u03c9 បានទេ៖ គំរូកត្តាមួយត្រូវការសំណួរយ៉ាងតិច ៣"},
    "omega_vary": {"en": "McDonald's omega is NaN: it needs every item to vary",
                   "km": "មិនអាចគណនា \u03c9 បានទេ៖ សំណួរនីមួយៗត្រូវតែមានចម្លើយខុសៗគ្នា"},
    "omega_converge": {"en": "The one-factor model for omega did not fully converge; treat omega with care",
                       "km": "គំរូកត្តាសម្រាប់ \u03c9 មិនបានបញ្ចប់ការគណនាពេញលេញទេ សូមប្រើ \u03c9 ដោយប្រុងប្រយ័ត្ន"},
    "alpha_zero": {"en": "alpha is NaN: the total score has zero variance",
                   "km": "មិនអាចគណនា \u03b1 បានទេ៖ ពិន្ទុសរុបមិនមានការប្រែប្រួល"},
    "alpha_negative": {"en": "alpha is negative: the items do not measure one thing as scored",
                       "km": "\u03b1 អវិជ្ជមាន៖ សំណួរមិនវាស់រឿងតែមួយ តាមរបៀបដែលបានដាក់ពិន្ទុទេ"},
    "categorical_tests": {"en": "{variables}: t-tests and Mann-Whitney are for numeric variables; their fields are "
                                "NaN for the levels of a categorical one",
                          "km": "{variables}៖ តេស្ត t និង Mann-Whitney សម្រាប់តែអថេរជាលេខ "
                                "ដូច្នេះគ្មានតម្លៃសម្រាប់កម្រិតនៃអថេរតាមប្រភេទទេ"},
    # what needs a person on the status page (lipassess.services.status)
    "never_synced": {"en": "cohort {cohort} was never synced: run 'lipassess sync' and read its errors",
                     "km": "ជំនាន់ {cohort} មិនដែលធ្វើសមកាលកម្មទេ៖ សូមដំណើរការ 'lipassess sync' ហើយអានកំហុសរបស់វា"},
    "not_synced": {"en": "cohort {cohort} has not been synced since {when} UTC: run 'lipassess sync' and read its "
                         "errors",
                   "km": "ជំនាន់ {cohort} មិនបានធ្វើសមកាលកម្មតាំងពី {when} UTC៖ សូមដំណើរការ 'lipassess sync' "
                         "ហើយអានកំហុសរបស់វា"},
    "stuck": {"en": "{n} message(s) are stuck (refused out of attempts, of unknown fate, or waiting since Moodle was "
                    "down): see 'lipassess dispatch --stuck'",
              "km": "សារ {n} ជាប់គាំង (ត្រូវបានបដិសេធបន្ទាប់ពីព្យាយាមអស់ មិនដឹងលទ្ធផល ឬរង់ចាំតាំងពី Moodle "
                    "មិនដំណើរការ)៖ សូមមើល 'lipassess dispatch --stuck'"},
    "scores_refused": {"en": "{n} gradebook score(s) were refused for good: see 'lipassess lti list'",
                       "km": "ពិន្ទុ {n} ក្នុងសៀវភៅពិន្ទុត្រូវបានបដិសេធជាស្ថាពរ៖ សូមមើល 'lipassess lti list'"},
    "scores_queued": {"en": "{n} gradebook score(s) queued, the oldest since {when} UTC: run 'lipassess lti "
                            "send-scores' to see why",
                      "km": "ពិន្ទុ {n} កំពុងតម្រង់ជួរ ចាស់ជាងគេតាំងពី {when} UTC៖ សូមដំណើរការ "
                            "'lipassess lti send-scores' ដើម្បីដឹងមូលហេតុ"},
    "no_missing_pairwise": {"en": "No missing answers: every figure, alpha pairwise too, uses all {n} rows",
                            "km": "គ្មានចម្លើយខ្វះទេ៖ តួលេខទាំងអស់ រួមទាំង \u03b1 តាមគូ ប្រើទាំង {n} ជួរ"},
    "heywood_care": {"en": "Heywood case: uniqueness of {items} held at its lower bound (0.005) in the factor model "
                           "for omega (omega heywood is true); omega is then likely overstated and its interval too "
                           "narrow, so read it with care",
                     "km": "ករណី Heywood៖ ភាពឯកឯងនៃ {items} ស្ថិតនៅព្រំដែនទាប (០.០០៥) ក្នុងគំរូកត្តាសម្រាប់ \u03c9 "
                           "ដូច្នេះ \u03c9 ប្រហែលជាខ្ពស់ពេក ហើយចន្លោះរបស់វាតូចពេក សូមអានដោយប្រុងប្រយ័ត្ន"},
    "r_cor_singular": {"en": "R cor is NaN: the item correlations are singular (fewer complete rows than items, or "
                             "items that are linear combinations of others)",
                       "km": "មិនអាចគណនាសហសម្ព័ន្ធកែតម្រូវបានទេ៖ សហសម្ព័ន្ធនៃសំណួរមានលក្ខណៈឯកវចនៈ "
                             "(ជួរពេញលេញតិចជាងចំនួនសំណួរ ឬសំណួរជាបន្សំលីនេអ៊ែរនៃសំណួរផ្សេង)"},
    "item_negative": {"en": "Item {items} correlates negatively with the rest of the scale; check whether it should "
                            "be reversed",
                      "km": "សំណួរ {items} មានសហសម្ព័ន្ធអវិជ្ជមានជាមួយសំណួរផ្សេងទៀតនៃមាត្រដ្ឋាន "
                            "សូមពិនិត្យថាតើវាគួរដាក់ពិន្ទុបញ្ច្រាសឬទេ"},
    "omega_all_dependent": {"en": "McDonald's omega, its interval and the loadings are NaN: the items are linearly "
                                  "dependent (or there are fewer complete rows than items), so no factor model can "
                                  "be fitted",
                            "km": "មិនអាចគណនា \u03c9 ចន្លោះរបស់វា និងទម្ងន់កត្តាបានទេ៖ សំណួរពឹងផ្អែកលើគ្នាជាលីនេអ៊ែរ "
                                  "(ឬមានជួរពេញលេញតិចជាងចំនួនសំណួរ) ដូច្នេះមិនអាចសាងសង់គំរូកត្តាបានទេ"},
    "omega_all_items": {"en": "McDonald's omega, its interval and the loadings are NaN: a one-factor model needs at "
                              "least 3 items that vary",
                        "km": "មិនអាចគណនា \u03c9 ចន្លោះរបស់វា និងទម្ងន់កត្តាបានទេ៖ គំរូកត្តាមួយត្រូវការសំណួរ"
                              "ដែលមានចម្លើយខុសៗគ្នាយ៉ាងតិច ៣"},
    "omega_no_alpha": {"en": "McDonald's omega, its interval and the loadings are NaN: alpha could not be computed",
                       "km": "មិនអាចគណនា \u03c9 ចន្លោះរបស់វា និងទម្ងន់កត្តាបានទេ៖ មិនអាចគណនា \u03b1 បាន"},
    "item_flat": {"en": "Item {items} has the same answer from everyone (zero variance) and was left out of alpha, "
                        "omega and the item analysis, as psych::alpha drops it; it still counts in mean score and sd "
                        "score. Its r drop, r cor, r item total, alpha if the item is left out and loading are NaN",
                  "km": "សំណួរ {items} មានចម្លើយដូចគ្នាពីមនុស្សគ្រប់គ្នា (គ្មានការប្រែប្រួល) ហើយត្រូវបានដកចេញពី "
                        "\u03b1, \u03c9 និងការវិភាគសំណួរ ប៉ុន្តែនៅតែរាប់ក្នុងពិន្ទុមធ្យម និងគម្លាតស្តង់ដារ។ "
                        "សហសម្ព័ន្ធ និងទម្ងន់កត្តារបស់វាមិនមានទេ"},
    "not_yet_wave": {"en": "not yet: the wave has not taken place ({wave})",
                     "km": "មិនទាន់៖ ដំណាក់កាលនេះមិនទាន់ធ្វើឡើងនៅឡើយ ({wave})"},
    "not_yet": {"en": "not yet: the wave has not taken place", "km": "មិនទាន់៖ ដំណាក់កាលនេះមិនទាន់ធ្វើឡើងនៅឡើយ"},
    "too_few_wave": {"en": "too few: {n} of the {needed} needed ({wave})",
                     "km": "តិចពេក៖ មាន {n} ក្នុងចំណោម {needed} ដែលត្រូវការ ({wave})"},
    "too_few": {"en": "too few: {n} of the {needed} needed", "km": "តិចពេក៖ មាន {n} ក្នុងចំណោម {needed} ដែលត្រូវការ"},
    "rated_alike": {"en": "no variance: everyone rated alike", "km": "គ្មានការប្រែប្រួល៖ អ្នកទាំងអស់វាយតម្លៃដូចគ្នា"},
    "not_measured": {"en": "not measured", "km": "មិនបានវាស់"},
    "fewer_raters": {"en": "Fewer than {n} raters of the relation {relation}: counted with all observers",
                     "km": "អ្នកវាយតម្លៃក្នុងទំនាក់ទំនង {relation} តិចជាង {n} នាក់៖ រាប់បញ្ចូលជាមួយអ្នកសង្កេតទាំងអស់"},
    "listwise_pairwise": {"en": "Listwise deletion: {dropped} of {total} rows had a missing item and were left out; "
                                "every figure except alpha pairwise uses the {n} complete rows. alpha pairwise uses "
                                "every answer (pairwise deletion, psych::alpha's default): {rows} rows, each "
                                "covariance on {low} to {high} of them",
                          "km": "ការលុបតាមជួរ៖ {dropped} ក្នុងចំណោម {total} ជួរ មានសំណួរខ្វះ ហើយត្រូវបានដកចេញ "
                                "តួលេខទាំងអស់ លើកលែងតែ \u03b1 តាមគូ ប្រើជួរពេញលេញចំនួន {n}។ \u03b1 តាមគូ "
                                "ប្រើចម្លើយទាំងអស់ ({rows} ជួរ) កូវ៉ារ្យង់នីមួយៗលើ {low} ដល់ {high} ជួរ"},
    "pairwise_never": {"en": "Alpha pairwise is NaN: two items are never answered by the same two rows",
                       "km": "មិនអាចគណនា \u03b1 តាមគូបានទេ៖ សំណួរពីរមិនដែលត្រូវបានឆ្លើយដោយជួរពីរដូចគ្នាទេ"},
    "missing_values": {"en": "{variable}: {n} missing value(s) skipped",
                       "km": "{variable}៖ បានរំលងតម្លៃខ្វះចំនួន {n}"},
}
"""Reasons a number is missing, as the analysis and the table builders give them (English) and in Khmer."""

SHIFT_TEXT: dict[str, dict[str, str]] = {
    "retro_lower": {
        "en": "Participants rate their pre-training selves lower in hindsight than they did at the pretest. Either "
              "the training changed their yardstick (response shift: the pretest overstated their starting level, "
              "so the ordinary pre/post effect understates change) or they expect to have changed and recall a "
              "worse start (implicit theory of change: the retrospective effect overstates change). The data "
              "cannot tell which; report both effects.",
        "km": "នៅពេលរំលឹកឡើងវិញ អ្នកចូលរួមវាយតម្លៃខ្លួនឯងមុនវគ្គទាបជាងការវាយតម្លៃមុនវគ្គពិត។ "
              "ប្រហែលជាវគ្គបណ្តុះបណ្តាលបានផ្លាស់ប្ដូររង្វាស់របស់ពួកគេ (ការវាយតម្លៃមុនវគ្គខ្ពស់ពេក "
              "ដូច្នេះឥទ្ធិពលមុន/ក្រោយធម្មតាបង្ហាញការប្រែប្រួលតិចជាងការពិត) ឬពួកគេរំពឹងថាខ្លួនបានប្រែប្រួល "
              "ហើយរំលឹកចំណុចចាប់ផ្ដើមអាក្រក់ជាងការពិត (ឥទ្ធិពលដោយការរំលឹកបង្ហាញការប្រែប្រួលច្រើនជាងការពិត)។ "
              "ទិន្នន័យមិនអាចបញ្ជាក់ថាមួយណាទេ សូមរាយការណ៍ឥទ្ធិពលទាំងពីរ។",
    },
    "retro_higher": {
        "en": "Participants rate their pre-training selves higher in hindsight than they did at the pretest, so "
              "the retrospective pre/post effect is smaller than the ordinary one; this is the opposite of the "
              "usual response shift and worth checking (item wording, recall).",
        "km": "នៅពេលរំលឹកឡើងវិញ អ្នកចូលរួមវាយតម្លៃខ្លួនឯងមុនវគ្គខ្ពស់ជាងការវាយតម្លៃមុនវគ្គពិត "
              "ដូច្នេះឥទ្ធិពលដោយការរំលឹកតូចជាងឥទ្ធិពលធម្មតា។ នេះផ្ទុយពីការផ្លាស់ប្ដូរការឆ្លើយធម្មតា "
              "ហើយគួរពិនិត្យ (ពាក្យពេចន៍នៃសំណួរ និងការរំលឹក)។",
    },
    "none": {
        "en": "The retrospective pretest does not differ detectably from the real pretest: no evidence of "
              "response shift, and both pre/post effects tell the same story.",
        "km": "ការវាយតម្លៃមុនវគ្គដោយការរំលឹក មិនខុសគួរកត់សម្គាល់ពីការវាយតម្លៃមុនវគ្គពិតទេ៖ "
              "គ្មានភស្តុតាងនៃការផ្លាស់ប្ដូរការឆ្លើយ ហើយឥទ្ធិពលមុន/ក្រោយទាំងពីរប្រាប់រឿងដូចគ្នា។",
    },
    "undetermined": {"en": "The gap could not be estimated (see notes).",
                     "km": "មិនអាចប៉ាន់ស្មានគម្លាតបានទេ (សូមមើលកំណត់សម្គាល់)។"},
}
"""The then-test's reading of the response shift, by direction (the analysis' ``SHIFT_TEXT`` in both languages)."""

OBSERVERS: dict[str, dict[str, str]] = {
    "caption": {"en": "What {who_saw} saw: ratings by {who} (at least {n} raters of a relation; mean change on the "
                      "1-5 scale)",
                "km": "អ្វីដែល{who_saw}បានឃើញ៖ ការវាយតម្លៃដោយ{who} (អ្នកវាយតម្លៃយ៉ាងតិច {n} នាក់ក្នុងទំនាក់ទំនងនីមួយៗ "
                      "ការប្រែប្រួលមធ្យមលើមាត្រដ្ឋាន ១-៥)"},
    "change_post": {"en": "Change seen by {who}, before \u2192 after", "km": "ការប្រែប្រួលដែល{who}បានឃើញ មុន \u2192 ក្រោយ"},
    "change_followup": {"en": "Change seen by {who}, before \u2192 follow-up",
                        "km": "ការប្រែប្រួលដែល{who}បានឃើញ មុន \u2192 តាមដាន"},
    "own_change": {"en": "Participants' own change, same people, before \u2192 after",
                   "km": "ការប្រែប្រួលដែលអ្នកចូលរួមវាយតម្លៃខ្លួនឯង (មនុស្សដដែល) មុន \u2192 ក្រោយ"},
    "gap_before": {"en": "Self minus observer, before", "km": "ខ្លួនឯងដកអ្នកសង្កេត មុនវគ្គ"},
    "gap_after": {"en": "Self minus observer, after", "km": "ខ្លួនឯងដកអ្នកសង្កេត ក្រោយវគ្គ"},
    "gap_change": {"en": "Self-rated minus observer-rated change (gap {verdict})",
                   "km": "ការប្រែប្រួលដែលវាយតម្លៃខ្លួនឯង ដកការប្រែប្រួលដែលអ្នកសង្កេតវាយតម្លៃ (គម្លាត{verdict})"},
    "gap": {"en": "Self minus observer gap", "km": "គម្លាតរវាងខ្លួនឯង និងអ្នកសង្កេត"},
    "icc1": {"en": "ICC(1): one observer's reliability", "km": "ICC(1)៖ ភាពជឿជាក់នៃអ្នកសង្កេតម្នាក់"},
    "icc1k": {"en": "ICC(1,k): reliability of the observers' mean", "km": "ICC(1,k)៖ ភាពជឿជាក់នៃមធ្យមភាគរបស់អ្នកសង្កេត"},
    "rwg": {"en": "Median r_wg (agreement within a person's observers)",
            "km": "មេដ្យាន rwg (ការស្របគ្នារវាងអ្នកសង្កេតរបស់មនុស្សម្នាក់)"},
    "agreement": {"en": "Agreement among observers", "km": "ការស្របគ្នារវាងអ្នកសង្កេត"},
    "ratings": {"en": "Observer ratings", "km": "ការវាយតម្លៃដោយអ្នកសង្កេត"},
    "who.supervisors": {"en": "supervisors", "km": "អ្នកគ្រប់គ្រងផ្ទាល់"},
    "who.observers": {"en": "observers", "km": "អ្នកសង្កេត"},
    "who.all_observers": {"en": "all observers", "km": "អ្នកសង្កេតទាំងអស់"},
    "verdict.narrowed": {"en": "narrowed", "km": "រួមតូច"},
    "verdict.widened": {"en": "widened", "km": "រីកធំ"},
    "verdict.unclear": {"en": "unclear", "km": "មិនច្បាស់"},
}
"""The observer-ratings table's words (``staff.observer.<key>``): its caption and row labels."""
