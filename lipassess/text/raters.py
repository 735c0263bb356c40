"""The words of multi-rater (observer) ratings, in English and Khmer.

Keys: ``message.rater.<key>`` (the e-mail to raters), ``survey.rater.<key>``
(the rater's form and the participant's nomination block on the receipt page),
``report.raters.<key>`` (the summary's "What supervisors saw" section) and
``report.relation.<relation>``. The Khmer texts are pending review by the
program's translators (:data:`lipassess.text.KM_STATUS`).
"""

from __future__ import annotations

RELATIONS: dict[str, dict[str, str]] = {
    "supervisor": {"en": "supervisor", "km": "ថ្នាក់ដឹកនាំផ្ទាល់"},
    "peer": {"en": "colleague", "km": "សហការី"},
    "direct_report": {"en": "staff member", "km": "បុគ្គលិកក្រោមឱវាទ"},
    "other": {"en": "other observer", "km": "អ្នកសង្កេតផ្សេងទៀត"},
    "others": {"en": "other observers together", "km": "អ្នកសង្កេតផ្សេងទៀតរួមគ្នា"},
}

MAIL: dict[str, dict[str, str]] = {
    "subject": {
        "en": "Leadership and Innovation Program: what have you seen {name} do at work?",
        "km": "កម្មវិធីភាពជាអ្នកដឹកនាំ និងនវានុវត្តន៍៖ តើលោកអ្នកបានឃើញ {name} ធ្វើអ្វីខ្លះនៅកន្លែងការងារ?",
    },
    "reminder_subject": {
        "en": "Reminder: your observation of {name} for the Leadership and Innovation Program",
        "km": "ការរំលឹក៖ ការសង្កេតរបស់លោកអ្នកអំពី {name} សម្រាប់កម្មវិធីភាពជាអ្នកដឹកនាំ និងនវានុវត្តន៍",
    },
    "greeting": {"en": "Dear {who},", "km": "សូមជម្រាបសួរ {who}"},
    "invitation": {
        "en": "{name} takes part in the Leadership and Innovation Program of the Royal School of "
              "Administration, and you are their {relation}. Please tell us, in about ten minutes, what you "
              "have seen them do at work, through your personal link below.",
        "km": "{name} ចូលរួមក្នុងកម្មវិធីភាពជាអ្នកដឹកនាំ និងនវានុវត្តន៍ របស់សាលាភូមិន្ទរដ្ឋបាល ហើយលោកអ្នកជា{relation}"
              "របស់គាត់។ សូមមេត្តាប្រាប់យើង ក្នុងរយៈពេលប្រហែលដប់នាទី អំពីអ្វីដែលលោកអ្នកបានឃើញគាត់ធ្វើនៅកន្លែងការងារ "
              "តាមរយៈតំណភ្ជាប់ផ្ទាល់ខ្លួនខាងក្រោម។",
    },
    "reminder": {
        "en": "This is a reminder: we have not yet received your observation of {name}. Please answer "
              "through your personal link below; it replaces the link in earlier messages.",
        "km": "នេះជាការរំលឹក៖ យើងមិនទាន់បានទទួលការសង្កេតរបស់លោកអ្នកអំពី {name} នៅឡើយទេ។ "
              "សូមមេត្តាបំពេញតាមរយៈតំណភ្ជាប់ផ្ទាល់ខ្លួនខាងក្រោម ដែលជំនួសតំណភ្ជាប់ក្នុងសារមុនៗ។",
    },
    "privacy": {
        "en": "Your answers evaluate the program, not the person. {name} never sees them; reports show only "
              "figures from several raters together.",
        "km": "ចម្លើយរបស់លោកអ្នកវាយតម្លៃកម្មវិធី មិនមែនវាយតម្លៃបុគ្គលនោះទេ។ {name} មិនដែលឃើញចម្លើយទាំងនោះទេ "
              "របាយការណ៍បង្ហាញតែតួលេខរួមពីអ្នកវាយតម្លៃច្រើននាក់ប៉ុណ្ណោះ។",
    },
    "personal_link": {"en": "This link is for you only; please do not share it.",
                      "km": "តំណភ្ជាប់នេះសម្រាប់តែលោកអ្នកប៉ុណ្ណោះ សូមកុំចែករំលែកវាទៅអ្នកដទៃ។"},
    "answer_by": {"en": "Please answer by {date}.", "km": "សូមបំពេញឲ្យបានត្រឹម{date}។"},
    "signature": {
        "en": "Leadership and Innovation Program · Royal School of Administration",
        "km": "កម្មវិធីភាពជាអ្នកដឹកនាំ និងនវានុវត្តន៍ · សាលាភូមិន្ទរដ្ឋបាល",
    },
}

UI: dict[str, dict[str, str]] = {
    "title": {"en": "What you have seen {name} do at work",
              "km": "អ្វីដែលលោកអ្នកបានឃើញ {name} ធ្វើនៅកន្លែងការងារ"},
    "consent": {
        "en": "I understand that my answers are used to evaluate the program, that {name} will not see them, "
              "and that reports show only figures from several raters together.",
        "km": "ខ្ញុំយល់ថា ចម្លើយរបស់ខ្ញុំត្រូវបានប្រើដើម្បីវាយតម្លៃកម្មវិធី ថា {name} នឹងមិនឃើញចម្លើយទាំងនោះទេ "
              "ហើយថារបាយការណ៍បង្ហាញតែតួលេខរួមពីអ្នកវាយតម្លៃច្រើននាក់ប៉ុណ្ណោះ។",
    },
    "submit": {"en": "Submit my answers", "km": "ដាក់ស្នើចម្លើយរបស់ខ្ញុំ"},
    "thanks": {"en": "Thank you. Your answers have been received; nothing more is needed.",
               "km": "សូមអរគុណ។ យើងបានទទួលចម្លើយរបស់លោកអ្នកហើយ មិនចាំបាច់ធ្វើអ្វីទៀតទេ។"},
    "nominate_title": {"en": "Who sees you at work?", "km": "តើនរណាឃើញលោកអ្នកនៅកន្លែងការងារ?"},
    "nominate_intro": {
        "en": "You may name your supervisor and, if you wish, colleagues or staff who see you at work. We will "
              "ask them what they have seen you do. You will never see their individual answers.",
        "km": "លោកអ្នកអាចដាក់ឈ្មោះថ្នាក់ដឹកនាំផ្ទាល់របស់លោកអ្នក ហើយប្រសិនបើលោកអ្នកចង់ សហការី ឬបុគ្គលិកដែលឃើញលោកអ្នកនៅកន្លែងការងារ។ "
              "យើងនឹងសួរពួកគេអំពីអ្វីដែលពួកគេបានឃើញលោកអ្នកធ្វើ។ លោកអ្នកនឹងមិនឃើញចម្លើយរបស់ម្នាក់ៗឡើយ។",
    },
    "name": {"en": "Name", "km": "ឈ្មោះ"},
    "email": {"en": "E-mail", "km": "អ៊ីមែល"},
    "phone": {"en": "Phone", "km": "ទូរស័ព្ទ"},
    "relation": {"en": "They are my", "km": "គាត់ជា"},
    "rel_supervisor": {"en": "Supervisor", "km": "ថ្នាក់ដឹកនាំផ្ទាល់"},
    "rel_peer": {"en": "Colleague", "km": "សហការី"},
    "rel_direct_report": {"en": "Staff member I lead", "km": "បុគ្គលិកក្រោមឱវាទខ្ញុំ"},
    "rel_other": {"en": "Someone else who sees my work", "km": "អ្នកផ្សេងទៀតដែលឃើញការងាររបស់ខ្ញុំ"},
    "nominate_submit": {"en": "Ask them", "km": "សួរពួកគេ"},
    "nominated": {"en": "Thank you: {count} person(s) will be asked.",
                  "km": "សូមអរគុណ៖ យើងនឹងសួរមនុស្ស {count} នាក់។"},
}

REPORT: dict[str, dict[str, str]] = {
    "heading": {"en": "What supervisors saw", "km": "អ្វីដែលថ្នាក់ដឹកនាំផ្ទាល់បានឃើញ"},
    "heading_others": {"en": "What observers saw", "km": "អ្វីដែលអ្នកសង្កេតបានឃើញ"},
    "change": {
        "en": "{who} rated {n} participants before and after the course: their leadership behaviour changed "
              "by {diff} points on the 1-5 scale (95% CI {low} to {high}; d_z = {d}).",
        "km": "{who} បានវាយតម្លៃអ្នកចូលរួម {n} នាក់ មុន និងក្រោយវគ្គសិក្សា៖ ឥរិយាបថភាពជាអ្នកដឹកនាំរបស់ពួកគេបានផ្លាស់ប្តូរ "
              "{diff} ពិន្ទុ លើមាត្រដ្ឋាន ១-៥ (95% CI {low} ដល់ {high}; d_z = {d})។",
    },
    "followup_change": {
        "en": "By the follow-up, {who} saw a change of {diff} points from before the course (n = {n}; 95% CI "
              "{low} to {high}).",
        "km": "នៅពេលតាមដាន {who} បានឃើញការផ្លាស់ប្តូរ {diff} ពិន្ទុ ធៀបនឹងមុនវគ្គសិក្សា (n = {n}; 95% CI {low} ដល់ {high})។",
    },
    "gap": {
        "en": "Participants' self-ratings minus those of {who}: {pre} points before the course and {post} after "
              "it (above 0: participants rate themselves higher).",
        "km": "ការវាយតម្លៃខ្លួនឯងរបស់អ្នកចូលរួម ដកការវាយតម្លៃរបស់{who}៖ {pre} ពិន្ទុ មុនវគ្គសិក្សា និង {post} ពិន្ទុ "
              "ក្រោយវគ្គសិក្សា (លើសពី ០៖ អ្នកចូលរួមវាយតម្លៃខ្លួនឯងខ្ពស់ជាង)។",
    },
    "gap_narrowed": {"en": "The gap between self and observer ratings narrowed.",
                     "km": "គម្លាតរវាងការវាយតម្លៃខ្លួនឯង និងការវាយតម្លៃរបស់អ្នកសង្កេតបានរួមតូច។"},
    "gap_widened": {"en": "The gap between self and observer ratings widened.",
                    "km": "គម្លាតរវាងការវាយតម្លៃខ្លួនឯង និងការវាយតម្លៃរបស់អ្នកសង្កេតបានរីកធំ។"},
    "gap_unclear": {"en": "Whether the gap between self and observer ratings narrowed is not clear.",
                    "km": "មិនទាន់ច្បាស់ថា គម្លាតរវាងការវាយតម្លៃខ្លួនឯង និងការវាយតម្លៃរបស់អ្នកសង្កេតបានរួមតូចឬទេ។"},
    "agreement": {
        "en": "Raters of the same person agreed with ICC(1) = {icc1} (reliability of their mean, ICC(1,k) = "
              "{icc1k}; median r_wg = {rwg}).",
        "km": "អ្នកវាយតម្លៃបុគ្គលតែមួយបានយល់ស្របគ្នាជាមួយ ICC(1) = {icc1} (ភាពជឿជាក់នៃមធ្យមភាគរបស់ពួកគេ ICC(1,k) = "
              "{icc1k}; មធ្យមភាគ r_wg = {rwg})។",
    },
    "prefer_observer": {
        "en": "Observers' ratings are stronger evidence than self-ratings, which rise after almost any "
              "training; this summary leads with what observers saw.",
        "km": "ការវាយតម្លៃរបស់អ្នកសង្កេតជាភស្តុតាងរឹងមាំជាងការវាយតម្លៃខ្លួនឯង ដែលកើនឡើងក្រោយការបណ្តុះបណ្តាលស្ទើរតែគ្រប់ប្រភេទ "
              "ដូច្នេះសេចក្តីសង្ខេបនេះចាប់ផ្តើមដោយអ្វីដែលអ្នកសង្កេតបានឃើញ។",
    },
    "disagree": {
        "en": "Self and observers disagree: participants saw a change of {self_diff} points in themselves, "
              "{who} a change of {other_diff}.",
        "km": "ការវាយតម្លៃខ្លួនឯង និងអ្នកសង្កេតមិនស្របគ្នា៖ អ្នកចូលរួមបានឃើញការផ្លាស់ប្តូរ {self_diff} ពិន្ទុលើខ្លួនឯង "
              "ចំណែក{who}បានឃើញការផ្លាស់ប្តូរ {other_diff} ពិន្ទុ។",
    },
    "agree": {
        "en": "Self and observers agree on the change: {self_diff} points in participants' eyes, {other_diff} "
              "in those of {who}.",
        "km": "ការវាយតម្លៃខ្លួនឯង និងអ្នកសង្កេតស្របគ្នាលើការផ្លាស់ប្តូរ៖ {self_diff} ពិន្ទុតាមអ្នកចូលរួម និង {other_diff} ពិន្ទុតាម{who}។",
    },
    "merged": {
        "en": "Fewer than {min} {relation}s rated, so their answers are counted with the other observers.",
        "km": "{relation}ដែលបានវាយតម្លៃមានតិចជាង {min} នាក់ ដូច្នេះចម្លើយរបស់ពួកគេត្រូវបានរាប់បញ្ចូលជាមួយអ្នកសង្កេតផ្សេងទៀត។",
    },
    "what_section": {"en": "What {who} saw", "km": "អ្វីដែល{who}បានឃើញ"},
    "what_change": {"en": "The change {who} saw", "km": "ការផ្លាស់ប្តូរដែល{who}បានឃើញ"},
    "what_followup": {"en": "The change {who} saw by the follow-up", "km": "ការផ្លាស់ប្តូរដែល{who}បានឃើញនៅពេលតាមដាន"},
    "what_gap": {"en": "The gap between self and observer ratings",
                 "km": "គម្លាតរវាងការវាយតម្លៃខ្លួនឯង និងការវាយតម្លៃរបស់អ្នកសង្កេត"},
    "what_agreement": {"en": "How far observers of the same person agreed",
                       "km": "កម្រិតដែលអ្នកសង្កេតបុគ្គលតែមួយយល់ស្របគ្នា"},
    "who_supervisors": {"en": "supervisors", "km": "ថ្នាក់ដឹកនាំផ្ទាល់"},
    "who_observers": {"en": "observers", "km": "អ្នកសង្កេត"},
}
