"""The analysis' own notes on a dashboard table, in English and Khmer (keys ``staff.reason.note.<key>``).

The statistics (:mod:`lipassess.analysis`) write notes for evaluators: why a
number is undefined, who was left out, which approximation R would use. A
table shows them in its notes column or as the reason a number is missing;
:func:`lipassess.reports.tables.localize.reason_words` finds their words here
by the English text as :func:`lipassess.reports.tables.words.plain_words`
leaves it (codes in words, so ``sd_pre`` reads "the pretest SD"), beside the
table builders' reasons (:data:`lipassess.text.staff_tables.REASONS`).
``tests/reports/test_note_words.py`` fails when the analysis can write a note
that has no entry. Statistical symbols and test names (t, p, F, d_z, g_av,
Wilcoxon, Mauchly) stay as they are. The Khmer texts are pending review by the
program's translators (:data:`lipassess.text.KM_STATUS`).
"""

from __future__ import annotations

NOTES: dict[str, dict[str, str]] = {
    # too few rows (lipassess.analysis.validation.require_rows); {what}: staff.cell.what.<slug>
    "too_few_rows": {"en": "{what} needs at least {n} participants with complete data; {has} remain. Add data or "
                           "analyse a larger group.",
                     "km": "{what} ត្រូវការអ្នកចូលរួមយ៉ាងតិច {n} នាក់ដែលមានទិន្នន័យពេញលេញ ប៉ុន្តែនៅសល់តែ {has} នាក់។ "
                           "សូមបន្ថែមទិន្នន័យ ឬវិភាគក្រុមធំជាងនេះ។"},
    "too_few_rows_after": {"en": "{what} needs at least {n} participants with complete data; {has} remain after "
                                 "removing {dropped} with missing values. Add data or analyse a larger group.",
                           "km": "{what} ត្រូវការអ្នកចូលរួមយ៉ាងតិច {n} នាក់ដែលមានទិន្នន័យពេញលេញ ប៉ុន្តែនៅសល់តែ "
                                 "{has} នាក់ បន្ទាប់ពីដកចេញ {dropped} នាក់ដែលមានតម្លៃខ្វះ។ "
                                 "សូមបន្ថែមទិន្នន័យ ឬវិភាគក្រុមធំជាងនេះ។"},
    # paired (lipassess.analysis.paired) and its rank test (lipassess.analysis._ranks)
    "pairs_dropped": {"en": "{n} participant(s) without both {wave} and {other_wave} dropped (pairwise)",
                      "km": "បានដកចេញអ្នកចូលរួម {n} នាក់ ដែលមិនមានទាំង {wave} និង {other_wave} (តាមគូ)"},
    "r_flat": {"en": "r undefined: pre or post scores have no variance",
               "km": "មិនអាចកំណត់ r បានទេ៖ ពិន្ទុមុន ឬក្រោយវគ្គមិនមានការប្រែប្រួល"},
    "t_too_large": {"en": "The noncentral-t CIs of d_z, g z, d_av and g_av could not be computed (t too large)",
                    "km": "មិនអាចគណនាចន្លោះជឿជាក់នៃ d_z, g z, d_av និង g_av បានទេ (t ធំពេក)"},
    "same_change_infinite": {"en": "Every participant changed by the same amount (sd of differences is 0): t is "
                                   "infinite, so t, p, d_z, g z and the CIs of d_z, g z, d_av and g_av are undefined; "
                                   "the mean difference is exact",
                             "km": "អ្នកចូលរួមគ្រប់រូបប្រែប្រួលដូចគ្នា (គម្លាតស្តង់ដារនៃភាពខុសគ្នាស្មើ ០)៖ t គ្មានកំណត់ "
                                   "ដូច្នេះមិនអាចកំណត់ t, p, d_z, g z និងចន្លោះជឿជាក់នៃ d_z, g z, d_av និង g_av បានទេ "
                                   "ប៉ុន្តែភាពខុសគ្នានៃមធ្យមភាគគឺត្រឹមត្រូវពិតប្រាកដ"},
    "same_change_zero": {"en": "Every participant changed by the same amount (sd of differences is 0): t is 0/0, "
                               "so t, p, d_z, g z and the CIs of d_z, g z, d_av and g_av are undefined; the mean "
                               "difference is exact",
                         "km": "អ្នកចូលរួមគ្រប់រូបប្រែប្រួលដូចគ្នា (គម្លាតស្តង់ដារនៃភាពខុសគ្នាស្មើ ០)៖ t ស្មើ ០/០ "
                               "ដូច្នេះមិនអាចកំណត់ t, p, d_z, g z និងចន្លោះជឿជាក់នៃ d_z, g z, d_av និង g_av បានទេ "
                               "ប៉ុន្តែភាពខុសគ្នានៃមធ្យមភាគគឺត្រឹមត្រូវពិតប្រាកដ"},
    "av_flat": {"en": "d_av and g_av undefined: pre and post scores both have no variance",
                "km": "មិនអាចកំណត់ d_av និង g_av បានទេ៖ ពិន្ទុមុន និងក្រោយវគ្គមិនមានការប្រែប្រួលទាំងពីរ"},
    "g_z_pairs": {"en": "G z undefined: Hedges' exact correction needs at least 3 pairs",
                  "km": "មិនអាចកំណត់ g z បានទេ៖ ការកែតម្រូវរបស់ Hedges ត្រូវការយ៉ាងតិច ៣ គូ"},
    "wilcoxon_zeros": {"en": "Wilcoxon: {n} zero differences dropped (as R does)",
                       "km": "Wilcoxon៖ បានដកចេញភាពខុសគ្នាស្មើសូន្យចំនួន {n} (ដូច R ដែរ)"},
    "wilcoxon_all_zero": {"en": "Wilcoxon and the rank-biserial r are undefined: every difference is zero",
                          "km": "មិនអាចកំណត់ Wilcoxon និង r rank-biserial បានទេ៖ ភាពខុសគ្នាទាំងអស់ស្មើសូន្យ"},
    "rank_ci_one": {"en": "rank-biserial CI undefined: one non-zero difference",
                    "km": "មិនអាចកំណត់ចន្លោះជឿជាក់នៃ r rank-biserial បានទេ៖ មានភាពខុសគ្នាមិនស្មើសូន្យតែមួយ"},
    "rank_ci_sign": {"en": "rank-biserial CI undefined: every non-zero difference has the same sign",
                     "km": "មិនអាចកំណត់ចន្លោះជឿជាក់នៃ r rank-biserial បានទេ៖ "
                           "ភាពខុសគ្នាមិនស្មើសូន្យទាំងអស់មានសញ្ញាដូចគ្នា"},
    "wilcoxon_tied": {"en": "Wilcoxon p undefined: all differences are tied, so the normal approximation has no "
                            "variance",
                      "km": "មិនអាចកំណត់ p នៃ Wilcoxon បានទេ៖ ភាពខុសគ្នាទាំងអស់ស្មើគ្នា "
                            "ដូច្នេះការប៉ាន់ស្មានតាមច្បាប់ធម្មតាគ្មានវ៉ារ្យង់"},
    "wilcoxon_normal_ties": {"en": "Wilcoxon: normal approximation used because of ties (as R does)",
                             "km": "Wilcoxon៖ បានប្រើការប៉ាន់ស្មានតាមច្បាប់ធម្មតា ដោយសារមានតម្លៃស្មើគ្នា (ដូច R ដែរ)"},
    "wilcoxon_normal_zeros": {"en": "Wilcoxon: normal approximation used because of zero differences (as R does)",
                              "km": "Wilcoxon៖ បានប្រើការប៉ាន់ស្មានតាមច្បាប់ធម្មតា ដោយសារមានភាពខុសគ្នាស្មើសូន្យ "
                                    "(ដូច R ដែរ)"},
    "wilcoxon_normal_both": {"en": "Wilcoxon: normal approximation used because of ties and zero differences (as R "
                                   "does)",
                             "km": "Wilcoxon៖ បានប្រើការប៉ាន់ស្មានតាមច្បាប់ធម្មតា ដោយសារមានតម្លៃស្មើគ្នា "
                                   "និងភាពខុសគ្នាស្មើសូន្យ (ដូច R ដែរ)"},
    # reliable change (lipassess.analysis.change) and shares (lipassess.analysis.proportion)
    "nobody_classified": {"en": "No participant could be classified, so the share and its intervals are NaN.",
                          "km": "មិនអាចចាត់ថ្នាក់អ្នកចូលរួមណាម្នាក់បានទេ ដូច្នេះគ្មានភាគរយ និងចន្លោះជឿជាក់ទេ។"},
    "sd_pre_used": {"en": "The pretest SD is the SD of the {n} pretest scores used.",
                    "km": "គម្លាតស្តង់ដារមុនវគ្គ គឺជាគម្លាតស្តង់ដារនៃពិន្ទុមុនវគ្គទាំង {n} ដែលបានប្រើ។"},
    "rci_dropped": {"en": "{n} participants without both a pre and a post score were left out.",
                    "km": "អ្នកចូលរួម {n} នាក់ដែលមិនមានទាំងពិន្ទុមុន និងក្រោយវគ្គ ត្រូវបានដកចេញ។"},
    "rci_flat": {"en": "No RCI can be computed: sdiff is 0 because the pretest SD is 0 (everyone had the same pretest "
                       "score); give the pretest SD from a reference group.",
                 "km": "មិនអាចគណនា RCI បានទេ៖ sdiff ស្មើ ០ ព្រោះគម្លាតស្តង់ដារមុនវគ្គស្មើ ០ "
                       "(អ្នកគ្រប់គ្នាមានពិន្ទុមុនវគ្គដូចគ្នា)។ សូមផ្ដល់គម្លាតស្តង់ដារមុនវគ្គពីក្រុមយោងមួយ។"},
    "few_for_share": {"en": "Only {n} participants: the interval is wide.",
                      "km": "មានអ្នកចូលរួមតែ {n} នាក់ប៉ុណ្ណោះ៖ ចន្លោះជឿជាក់ធំទូលាយ។"},
    # reliability (lipassess.analysis.reliability, _omega)
    "all_items_flat": {"en": "Every item has the same answer from everyone: no reliability can be computed; every "
                             "figure but the item means and floor/ceiling is NaN.",
                       "km": "សំណួរនីមួយៗមានចម្លើយដូចគ្នាពីអ្នកគ្រប់គ្នា៖ មិនអាចគណនាភាពជឿជាក់បានទេ។ "
                             "គ្មានតួលេខណាមួយក្រៅពីមធ្យមភាគនៃសំណួរ និងកម្រិតទាប/ខ្ពស់បំផុតទេ។"},
    "one_item_varies": {"en": "alpha and the other scale figures are NaN: only one item varies.",
                        "km": "មិនអាចគណនា \u03b1 និងតួលេខផ្សេងទៀតនៃមាត្រដ្ឋានបានទេ៖ មានតែសំណួរមួយដែលមានចម្លើយខុសៗគ្នា។"},
    "two_items": {"en": "Alpha if the item is left out is NaN: with two items, one item alone has no alpha.",
                  "km": "មិនអាចគណនា \u03b1 ពេលដកសំណួរចេញបានទេ៖ ពេលមានសំណួរពីរ សំណួរតែមួយគ្មាន \u03b1 ទេ។"},
    "no_scale": {"en": "floor and ceiling are NaN: no response scale was given.",
                 "km": "មិនអាចគណនាកម្រិតទាប និងខ្ពស់បំផុតបានទេ៖ មិនបានផ្ដល់មាត្រដ្ឋានចម្លើយ។"},
    "omega_ci_singular": {"en": "omega's CI is NaN: the factor model's information matrix is singular.",
                          "km": "មិនអាចគណនាចន្លោះជឿជាក់នៃ \u03c9 បានទេ៖ ម៉ាទ្រីសព័ត៌មាននៃគំរូកត្តាមានលក្ខណៈឯកវចនៈ។"},
    "omega_ci_variance": {"en": "omega's CI is NaN: the delta-method variance is not positive.",
                          "km": "មិនអាចគណនាចន្លោះជឿជាក់នៃ \u03c9 បានទេ៖ វ៉ារ្យង់តាមវិធី delta មិនវិជ្ជមាន។"},
    # three waves (lipassess.analysis.repeated) and the mixed model (lipassess.analysis._lmm)
    "rm_no_error": {"en": "RM-ANOVA undefined (F, p and the corrected p-values): no participant-by-wave variation "
                          "(error sum of squares is 0)",
                    "km": "មិនអាចកំណត់ RM-ANOVA បានទេ (F, p និងតម្លៃ p ដែលបានកែតម្រូវ)៖ "
                          "គ្មានការប្រែប្រួលតាមអ្នកចូលរួម និងដំណាក់កាល (ផលបូកការេនៃកំហុសស្មើ ០)"},
    "rm_all_same": {"en": "eta2_partial, eta2_generalized, the epsilons and Mauchly's test undefined: every score is "
                          "the same",
                    "km": "មិនអាចកំណត់ eta2 partial, eta2 generalized, epsilon និងតេស្ត Mauchly បានទេ៖ "
                          "ពិន្ទុទាំងអស់ដូចគ្នា"},
    "hf_undefined": {"en": "Huynh-Feldt epsilon and its p undefined: too few participants for its correction (it is "
                           "not positive)",
                     "km": "មិនអាចកំណត់ epsilon Huynh-Feldt និង p របស់វាបានទេ៖ "
                           "អ្នកចូលរួមតិចពេកសម្រាប់ការកែតម្រូវរបស់វា (វាមិនវិជ្ជមាន)"},
    "epsilons_flat": {"en": "Greenhouse-Geisser and Huynh-Feldt epsilons, their p-values and Mauchly's test are "
                            "undefined: the wave differences have no variance",
                      "km": "មិនអាចកំណត់ epsilon Greenhouse-Geisser និង Huynh-Feldt តម្លៃ p របស់វា និងតេស្ត Mauchly "
                            "បានទេ៖ ភាពខុសគ្នារវាងដំណាក់កាលមិនមានការប្រែប្រួល"},
    "mauchly_two": {"en": "Mauchly's test needs three or more waves (two waves are always spherical)",
                    "km": "តេស្ត Mauchly ត្រូវការបីដំណាក់កាល ឬច្រើនជាងនេះ (ពីរដំណាក់កាលតែងតែមានលក្ខណៈស្វ៊ែរ)"},
    "mauchly_singular": {"en": "Mauchly's test undefined: the covariance of the wave differences is singular (fewer "
                               "participants than waves, or a wave difference that is constant)",
                         "km": "មិនអាចកំណត់តេស្ត Mauchly បានទេ៖ កូវ៉ារ្យង់នៃភាពខុសគ្នារវាងដំណាក់កាលមានលក្ខណៈឯកវចនៈ "
                               "(អ្នកចូលរួមតិចជាងដំណាក់កាល ឬភាពខុសគ្នារវាងដំណាក់កាលមួយថេរ)"},
    "mauchly_few": {"en": "Mauchly's test undefined: it needs more participants than waves",
                    "km": "មិនអាចកំណត់តេស្ត Mauchly បានទេ៖ វាត្រូវការអ្នកចូលរួមច្រើនជាងចំនួនដំណាក់កាល"},
    "friedman_flat": {"en": "Friedman test undefined (and Kendall's W): every participant gave the same score at all "
                            "waves",
                      "km": "មិនអាចកំណត់តេស្ត Friedman (និង W របស់ Kendall) បានទេ៖ "
                            "អ្នកចូលរួមម្នាក់ៗផ្ដល់ពិន្ទុដូចគ្នានៅគ្រប់ដំណាក់កាល"},
    "pair_same_infinite": {"en": "{wave} - {other_wave}: every participant changed by the same amount, so t is "
                                 "infinite and t, p, p holm and d_z are undefined",
                           "km": "{wave} - {other_wave}៖ អ្នកចូលរួមគ្រប់រូបប្រែប្រួលដូចគ្នា ដូច្នេះ t គ្មានកំណត់ "
                                 "ហើយមិនអាចកំណត់ t, p, p holm និង d_z បានទេ"},
    "pair_same_zero": {"en": "{wave} - {other_wave}: every participant changed by the same amount, so t is 0/0 and "
                             "t, p, p holm and d_z are undefined",
                       "km": "{wave} - {other_wave}៖ អ្នកចូលរួមគ្រប់រូបប្រែប្រួលដូចគ្នា ដូច្នេះ t ស្មើ ០/០ "
                             "ហើយមិនអាចកំណត់ t, p, p holm និង d_z បានទេ"},
    "incomplete_left_out": {"en": "{n} participant(s) with a missing wave left out of the complete-case analyses "
                                  "(RM-ANOVA, Friedman, pairwise); the mixed model keeps them",
                            "km": "អ្នកចូលរួម {n} នាក់ដែលខ្វះដំណាក់កាលណាមួយ ត្រូវបានដកចេញពីការវិភាគលើអ្នកឆ្លើយគ្រប់ដំណាក់កាល "
                                  "(RM-ANOVA, Friedman, ការប្រៀបធៀបជាគូ) ប៉ុន្តែគំរូចម្រុះរក្សាពួកគេទុក"},
    "lmm_no_score": {"en": "{n} participant(s) with no score at any wave left out",
                     "km": "អ្នកចូលរួម {n} នាក់ដែលគ្មានពិន្ទុនៅដំណាក់កាលណាមួយ ត្រូវបានដកចេញ"},
    "lmm_kept": {"en": "{n} participant(s) with a missing wave kept (their other waves count)",
                 "km": "អ្នកចូលរួម {n} នាក់ដែលខ្វះដំណាក់កាលណាមួយ ត្រូវបានរក្សាទុក (ដំណាក់កាលផ្សេងទៀតរបស់ពួកគេត្រូវបានរាប់)"},
    "lmm_exact": {"en": "every score equals its wave mean (no variation left): the mixed model is undefined (its "
                        "variances, icc, REML criterion, df, t, p and F are NaN), but the wave means and their "
                        "differences are exact, so they are reported with se 0 and an interval of zero width",
                  "km": "ពិន្ទុនីមួយៗស្មើនឹងមធ្យមភាគនៃដំណាក់កាលរបស់វា (គ្មានការប្រែប្រួលនៅសល់)៖ មិនអាចកំណត់គំរូចម្រុះបានទេ "
                        "(វ៉ារ្យង់ icc លក្ខណៈវិនិច្ឆ័យ REML df t p និង F គ្មានតម្លៃ) ប៉ុន្តែមធ្យមភាគនៃដំណាក់កាល "
                        "និងភាពខុសគ្នារបស់វាត្រឹមត្រូវពិតប្រាកដ ដូច្នេះត្រូវបានបង្ហាញជាមួយ se ០ "
                        "និងចន្លោះជឿជាក់ដែលមានទទឹងសូន្យ"},
    "lmm_no_residual": {"en": "no variation left once participants and waves are accounted for (every participant "
                              "changed by exactly the average change): the mixed model is undefined",
                        "km": "គ្មានការប្រែប្រួលនៅសល់ បន្ទាប់ពីគិតអ្នកចូលរួម និងដំណាក់កាល "
                              "(អ្នកចូលរួមម្នាក់ៗប្រែប្រួលស្មើនឹងការប្រែប្រួលមធ្យមពិតប្រាកដ)៖ មិនអាចកំណត់គំរូចម្រុះបានទេ"},
    "lmm_singular": {"en": "participant variance estimated at (nearly) zero (singular fit, as lme4 would say)",
                     "km": "វ៉ារ្យង់តាមអ្នកចូលរួមត្រូវបានប៉ាន់ស្មាន (ស្ទើរតែ) ស្មើសូន្យ (singular fit តាមពាក្យរបស់ lme4)"},
    # then-test (lipassess.analysis.then_test)
    "then_dropped": {"en": "{n} participant(s) without all of pretest, retrospective pretest and post dropped",
                     "km": "បានដកចេញអ្នកចូលរួម {n} នាក់ ដែលមិនមានគ្រប់ទាំងការវាយតម្លៃមុនវគ្គ "
                           "ការវាយតម្លៃមុនវគ្គដោយរំលឹក និងក្រោយវគ្គ"},
    "then_gap": {"en": "The gap between pretest and retrospective pretest could not be estimated",
                 "km": "មិនអាចប៉ាន់ស្មានគម្លាតរវាងការវាយតម្លៃមុនវគ្គ និងការវាយតម្លៃមុនវគ្គដោយរំលឹកបានទេ"},
    # subgroups (lipassess.services.dashboard.subgroup_changes)
    "subgroups_no_post": {"en": "subgroups compare pre and post scores, and there are none yet",
                          "km": "ការប្រៀបធៀបក្រុមរងប្រើពិន្ទុមុន និងក្រោយវគ្គ ប៉ុន្តែមិនទាន់មាននៅឡើយទេ"},
    # attrition (lipassess.analysis.attrition); {variable}: staff.cell.variable.<slug>
    "attrition_no_t": {"en": "{variable}: standardized difference, Student's and Welch's t undefined (no variance, or "
                             "too few in a group)",
                       "km": "{variable}៖ មិនអាចកំណត់ភាពខុសគ្នាស្តង់ដារ និង t របស់ Student និង Welch បានទេ "
                             "(គ្មានការប្រែប្រួល ឬមានមនុស្សតិចពេកក្នុងក្រុមមួយ)"},
    "attrition_no_welch": {"en": "{variable}: Welch's t undefined (it needs two values in each group)",
                           "km": "{variable}៖ មិនអាចកំណត់ t របស់ Welch បានទេ (វាត្រូវការតម្លៃពីរក្នុងក្រុមនីមួយៗ)"},
    "attrition_one_sd": {"en": "{variable}: the SD of a group of one person is undefined",
                         "km": "{variable}៖ មិនអាចកំណត់គម្លាតស្តង់ដារនៃក្រុមដែលមានមនុស្សតែម្នាក់បានទេ"},
    "attrition_mw_flat": {"en": "{variable}: Mann-Whitney p undefined (every value is the same)",
                          "km": "{variable}៖ មិនអាចកំណត់ p នៃ Mann-Whitney បានទេ (តម្លៃទាំងអស់ដូចគ្នា)"},
}
"""The analysis' notes by key (``staff.reason.note.<key>``)."""

WHAT: dict[str, dict[str, str]] = {
    "reliability": {"en": "Reliability", "km": "ភាពជឿជាក់"},
    "paired": {"en": "paired", "km": "ការប្រៀបធៀបជាគូ"},
    "repeated": {"en": "repeated", "km": "ការប្រៀបធៀបបីដំណាក់កាល"},
    "then_test": {"en": "Then-test", "km": "ការវាយតម្លៃមុនវគ្គដោយរំលឹក"},
    "attrition": {"en": "attrition", "km": "ការវិភាគការបោះបង់"},
    "estimating_the_pretest_sd": {"en": "Estimating the pretest SD", "km": "ការប៉ាន់ស្មានគម្លាតស្តង់ដារមុនវគ្គ"},
    "reliable_change": {"en": "Reliable change", "km": "ការប្រែប្រួលគួរឲ្យជឿជាក់"},
}
"""What :func:`lipassess.analysis.validation.require_rows` says needs more rows (``staff.cell.what.<slug>``)."""
