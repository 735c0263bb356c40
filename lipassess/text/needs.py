"""The training-needs report's words, in English and Khmer (keys ``report.needs.<key>``).

:mod:`lipassess.reports.needs` picks the templates; numbers arrive formatted
for the language (Khmer digits in Khmer). Every Khmer text is pending review
by the program's translators (:data:`lipassess.text.KM_STATUS`); the English
texts are the reference. Competency names follow the ``lip-needs-assessment``
instrument.
"""

from __future__ import annotations

COMPETENCIES: dict[str, dict[str, str]] = {
    "adaptive_leadership": {"en": "Adaptive leadership", "km": "ភាពជាអ្នកដឹកនាំបែបបន្សាំ"},
    "communication": {"en": "Communication", "km": "ការប្រាស្រ័យទាក់ទង"},
    "conflict_management": {"en": "Conflict management", "km": "ការគ្រប់គ្រងជម្លោះ"},
    "problem_solving_pdia": {"en": "Problem solving with PDIA", "km": "ការដោះស្រាយបញ្ហាតាមវិធីសាស្ត្រ PDIA"},
    "cross_sector_collaboration": {"en": "Cross-sector collaboration", "km": "កិច្ចសហការឆ្លងវិស័យ"},
    "self_awareness_wellbeing": {"en": "Self-awareness and well-being", "km": "ការយល់ដឹងពីខ្លួនឯង និងសុខុមាលភាព"},
    "problem_analysis": {"en": "Problem analysis (PDIA)", "km": "ការវិភាគបញ្ហា (PDIA)"},
    "digital_government": {"en": "Digital government", "km": "រដ្ឋាភិបាលឌីជីថល"},
    "managing_change": {"en": "Managing change", "km": "ការគ្រប់គ្រងការផ្លាស់ប្ដូរ"},
}

QUADRANTS: dict[str, dict[str, str]] = {
    "HH": {"en": "Train first", "km": "បណ្តុះបណ្តាលមុនគេ"},
    "HL": {"en": "Maintain", "km": "រក្សាកម្រិត"},
    "LH": {"en": "Train later", "km": "បណ្តុះបណ្តាលនៅពេលក្រោយ"},
    "LL": {"en": "Low priority", "km": "អាទិភាពទាប"},
}

DIMENSIONS: dict[str, dict[str, str]] = {
    "ministry": {"en": "Ministry", "km": "ក្រសួង"},
    "province": {"en": "Province", "km": "ខេត្ត"},
    "position_level": {"en": "Position level", "km": "កម្រិតមុខតំណែង"},
    "ministry_position": {"en": "Ministry and position level", "km": "ក្រសួង និងកម្រិតមុខតំណែង"},
}

TEXT: dict[str, dict[str, str]] = {
    "title": {"en": "Training needs: {scope}", "km": "តម្រូវការបណ្តុះបណ្តាល៖ {scope}"},
    "scope.program": {"en": "whole program", "km": "កម្មវិធីទាំងមូល"},
    "who.cohort": {"en": "the participants of {scope}", "km": "អ្នកចូលរួមនៃ {scope}"},
    "who.program": {"en": "the whole program", "km": "កម្មវិធីទាំងមូល"},
    "who.pair": {"en": "{position} in the {ministry}", "km": "{position} នៃ{ministry}"},
    "intro": {
        "en": "{n} people rated, for each competency, how important it is for their job and how competent they "
              "are in it now (1 to 5). Competencies are ranked by the mean weighted discrepancy score (MWDS): "
              "the mean importance times the mean gap between importance and competence. The larger the MWDS, "
              "the more the training is needed.",
        "km": "មនុស្ស {n} នាក់បានវាយតម្លៃសមត្ថភាពនីមួយៗ ថាតើវាមានសារៈសំខាន់ប៉ុណ្ណាសម្រាប់ការងាររបស់ពួកគេ "
              "និងតើពួកគេមានសមត្ថភាពកម្រិតណានៅពេលនេះ (ពី ១ ដល់ ៥)។ សមត្ថភាពត្រូវបានតម្រៀបតាមពិន្ទុគម្លាតដែលមានទម្ងន់ជាមធ្យម "
              "(MWDS)៖ មធ្យមភាគនៃសារៈសំខាន់ គុណនឹងមធ្យមភាគនៃគម្លាតរវាងសារៈសំខាន់ និងសមត្ថភាព។ "
              "MWDS កាន់តែធំ តម្រូវការបណ្តុះបណ្តាលកាន់តែខ្លាំង។",
    },
    "heading.recommendations": {"en": "What to teach first", "km": "អ្វីដែលគួរបង្រៀនមុន"},
    "heading.ranked": {"en": "Competencies ranked by need", "km": "សមត្ថភាពតម្រៀបតាមតម្រូវការ"},
    "heading.locus": {"en": "Locus for Focus", "km": "ផែនទីចំណុចផ្ដោត"},
    "heading.groups": {"en": "Top needs per group", "km": "តម្រូវការចម្បងតាមក្រុម"},
    "heading.loop": {"en": "Closing the loop", "km": "ការបិទវដ្ត"},
    "heading.method": {"en": "Method", "km": "វិធីសាស្ត្រ"},
    "table.rank": {"en": "Rank", "km": "ចំណាត់ថ្នាក់"},
    "table.competency": {"en": "Competency", "km": "សមត្ថភាព"},
    "table.importance": {"en": "Importance", "km": "សារៈសំខាន់"},
    "table.competence": {"en": "Competence", "km": "សមត្ថភាព"},
    "table.mwds": {"en": "MWDS (95% CI)", "km": "MWDS (ចន្លោះទំនុកចិត្ត ៩៥%)"},
    "table.quadrant": {"en": "Focus", "km": "ការផ្ដោត"},
    "table.group": {"en": "Group", "km": "ក្រុម"},
    "table.top": {"en": "Largest needs", "km": "តម្រូវការធំបំផុត"},
    "table.change": {"en": "Change after the course (g_av)", "km": "ការប្រែប្រួលក្រោយវគ្គ (g_av)"},
    "not_ranked": {"en": "nobody answered both questions", "km": "គ្មាននរណាឆ្លើយសំណួរទាំងពីរទេ"},
    "no_ci": {"en": "one answer: no interval", "km": "ចម្លើយតែមួយ៖ គ្មានចន្លោះទំនុកចិត្ត"},
    "hidden": {"en": "fewer than {min} people: not shown", "km": "តិចជាង {min} នាក់៖ មិនបង្ហាញ"},
    "hidden_groups": {"en": "{count} other groups", "km": "ក្រុម {count} ផ្សេងទៀត"},
    "not_measured": {"en": "not measured", "km": "មិនបានវាស់"},
    "chart.mwds.title": {"en": "Need by competency (MWDS, 95% CI)",
                         "km": "តម្រូវការតាមសមត្ថភាព (MWDS ចន្លោះទំនុកចិត្ត ៩៥%)"},
    "chart.mwds.axis": {"en": "MWDS: larger = more needed", "km": "MWDS៖ កាន់តែធំ = កាន់តែត្រូវការ"},
    "chart.locus.title": {"en": "Locus for Focus: importance against gap",
                          "km": "ផែនទីចំណុចផ្ដោត៖ សារៈសំខាន់ធៀបនឹងគម្លាត"},
    "chart.locus.x": {"en": "Gap: importance minus competence", "km": "គម្លាត៖ សារៈសំខាន់ ដក សមត្ថភាព"},
    "chart.locus.y": {"en": "Importance", "km": "សារៈសំខាន់"},
    "chart.locus.legend": {
        "en": "Numbers are ranks. Lines at the means of the competencies; top right: important and a large gap.",
        "km": "លេខគឺជាចំណាត់ថ្នាក់។ បន្ទាត់នៅត្រង់មធ្យមភាគនៃសមត្ថភាព។ ផ្នែកខាងលើស្ដាំ៖ សំខាន់ និងមានគម្លាតធំ។",
    },
    "rec.first": {
        "en": "Put {competency} first for {who}: it has the largest gap between importance and current "
              "competence (MWDS {mwds}, 95% CI {ci}).",
        "km": "សូមដាក់{competency}ជាអាទិភាពទីមួយសម្រាប់{who}៖ វាមានគម្លាតធំបំផុតរវាងសារៈសំខាន់ "
              "និងសមត្ថភាពបច្ចុប្បន្ន (MWDS {mwds} ចន្លោះទំនុកចិត្ត ៩៥% {ci})។",
    },
    "rec.next": {"en": "Then: {competencies}.", "km": "បន្ទាប់មក៖ {competencies}។"},
    "rec.close": {
        "en": "{first} and {second} are close: their confidence intervals overlap, so treat them as equally urgent.",
        "km": "{first} និង{second} មានកម្រិតជិតគ្នា៖ ចន្លោះទំនុកចិត្តរបស់វាត្រួតគ្នា ដូច្នេះគួរចាត់ទុកថាបន្ទាន់ស្មើគ្នា។",
    },
    "rec.group": {
        "en": "Put {competency} first for {who}: largest gap between importance and current competence "
              "(MWDS {mwds}, {n} people).",
        "km": "សូមដាក់{competency}ជាអាទិភាពទីមួយសម្រាប់{who}៖ គម្លាតធំបំផុតរវាងសារៈសំខាន់ "
              "និងសមត្ថភាពបច្ចុប្បន្ន (MWDS {mwds} មនុស្ស {n} នាក់)។",
    },
    "rec.group_most": {
        "en": "{competency} is needed most by {who} (MWDS {mwds}, {n} people): start there.",
        "km": "{who} ត្រូវការ{competency}ខ្លាំងជាងគេ (MWDS {mwds} មនុស្ស {n} នាក់)៖ សូមចាប់ផ្ដើមពីទីនោះ។",
    },
    "rec.maintain": {
        "en": "{competencies}: important and already strong; a short refresher is enough.",
        "km": "{competencies}៖ សំខាន់ ហើយមានសមត្ថភាពល្អរួចហើយ។ ការរំលឹកឡើងវិញរយៈពេលខ្លីគឺគ្រប់គ្រាន់។",
    },
    "rec.later": {
        "en": "{competencies}: a large gap, but less important for the job; teach it later or as an option.",
        "km": "{competencies}៖ មានគម្លាតធំ ប៉ុន្តែមិនសូវសំខាន់សម្រាប់ការងារ។ គួរបង្រៀននៅពេលក្រោយ ឬជាជម្រើស។",
    },
    "loop.aligned": {
        "en": "After the course ({wave}), the competencies with the largest needs changed most "
              "(Spearman rho {rho} across {k} competencies).",
        "km": "ក្រោយវគ្គសិក្សា ({wave}) សមត្ថភាពដែលមានតម្រូវការធំបំផុត បានប្រែប្រួលច្រើនជាងគេ "
              "(Spearman rho {rho} លើសមត្ថភាព {k})។",
    },
    "loop.opposite": {
        "en": "After the course ({wave}), the competencies with the largest needs changed least "
              "(Spearman rho {rho} across {k} competencies): look again at how {competency} is taught.",
        "km": "ក្រោយវគ្គសិក្សា ({wave}) សមត្ថភាពដែលមានតម្រូវការធំបំផុត បានប្រែប្រួលតិចជាងគេ "
              "(Spearman rho {rho} លើសមត្ថភាព {k})៖ សូមពិនិត្យឡើងវិញនូវរបៀបបង្រៀន{competency}។",
    },
    "loop.unclear": {
        "en": "After the course ({wave}), there is no clear link between the size of a need and the change "
              "(Spearman rho {rho} across {k} competencies).",
        "km": "ក្រោយវគ្គសិក្សា ({wave}) មិនមានទំនាក់ទំនងច្បាស់លាស់រវាងទំហំនៃតម្រូវការ និងការប្រែប្រួលទេ "
              "(Spearman rho {rho} លើសមត្ថភាព {k})។",
    },
    "loop.too_few": {
        "en": "After the course ({wave}), too few competencies have both a need and a change to compare.",
        "km": "ក្រោយវគ្គសិក្សា ({wave}) មានសមត្ថភាពតិចពេកដែលមានទាំងតម្រូវការ និងការប្រែប្រួល ដើម្បីប្រៀបធៀប។",
    },
    "loop.not_yet": {
        "en": "Whether the largest needs changed most can be shown once the behaviour survey has post-course "
              "or follow-up answers.",
        "km": "ថាតើតម្រូវការធំបំផុតបានប្រែប្រួលច្រើនជាងគេឬទេ អាចបង្ហាញបាន "
              "នៅពេលការស្ទង់មតិឥរិយាបថមានចម្លើយក្រោយវគ្គ ឬចម្លើយតាមដាន។",
    },
    "loop.not_measured": {
        "en": "The behaviour survey does not measure {competencies}, so their change is not shown.",
        "km": "ការស្ទង់មតិឥរិយាបថមិនវាស់{competencies}ទេ ដូច្នេះការប្រែប្រួលរបស់វាមិនត្រូវបានបង្ហាញឡើយ។",
    },
    "loop.wave.post": {"en": "end of the course", "km": "ចុងបញ្ចប់វគ្គសិក្សា"},
    "loop.wave.followup": {"en": "six-month follow-up", "km": "ការតាមដានក្រោយប្រាំមួយខែ"},
    "and": {"en": " and ", "km": " និង"},
    "method": {
        "en": "Borich (1980) model: for each competency, over the people who answered both questions, "
              "MWDS = mean importance x mean(importance - competence); 95% CI = mean importance x the t interval "
              "of the mean gap. Rank 1 = largest MWDS; equal MWDS share a rank. Locus for Focus (Mink, Shultz & "
              "Mink 1991): lines at the mean importance and mean gap of the competencies. Groups under {min} "
              "people are not shown. Closing the loop: Spearman rank correlation of the needs with Hedges' g_av "
              "from pre to post of the matching behaviour subscale.",
        "km": "គំរូ Borich (1980)៖ សម្រាប់សមត្ថភាពនីមួយៗ លើអ្នកដែលបានឆ្លើយសំណួរទាំងពីរ "
              "MWDS = មធ្យមភាគនៃសារៈសំខាន់ x មធ្យមភាគនៃ (សារៈសំខាន់ - សមត្ថភាព)។ ចន្លោះទំនុកចិត្ត ៩៥% = "
              "មធ្យមភាគនៃសារៈសំខាន់ x ចន្លោះ t នៃមធ្យមភាគគម្លាត។ ចំណាត់ថ្នាក់ទី ១ = MWDS ធំបំផុត។ "
              "ផែនទីចំណុចផ្ដោត (Mink, Shultz & Mink 1991)៖ បន្ទាត់នៅត្រង់មធ្យមភាគនៃសារៈសំខាន់ និងគម្លាត។ "
              "ក្រុមដែលមានតិចជាង {min} នាក់ មិនត្រូវបានបង្ហាញទេ។ ការបិទវដ្ត៖ មេគុណសហសម្ព័ន្ធចំណាត់ថ្នាក់ Spearman "
              "រវាងតម្រូវការ និង g_av របស់ Hedges ពីមុនវគ្គ ដល់ក្រោយវគ្គ នៃផ្នែករងឥរិយាបថដែលត្រូវគ្នា។",
    },
}
