"""The survey pages' own words, in English and Khmer: buttons, consent, validation messages, error pages.

Instrument texts come from the instrument files. Keys of :data:`ERROR_PAGES`
are error codes (``exc.code`` of a :class:`~lipassess.errors.LipassessError`,
``csrf_failed`` or ``http_<status>``). Read them through
:func:`lipassess.text.text` (keys ``survey.<key>``, ``survey.item.<code>``,
``survey.error.<code>.title`` / ``.body``).

The Khmer texts were written for this service and still need review by a native
speaker from the program team (:data:`lipassess.text.KM_STATUS`), like
instrument translations marked ``pending_review``.
"""

from __future__ import annotations

UI: dict[str, dict[str, str]] = {
    "program": {"en": "Leadership and Innovation Program",
                "km": "កម្មវិធីភាពជាអ្នកដឹកនាំ និងនវានុវត្តន៍"},
    "school": {"en": "Royal School of Administration", "km": "សាលាភូមិន្ទរដ្ឋបាល"},
    "language": {"en": "Language", "km": "ភាសា"},
    "consent_heading": {"en": "Before you start", "km": "មុនពេលចាប់ផ្តើម"},
    "consent_purpose": {
        "en": "This survey is part of the evaluation of the Leadership and Innovation Program. We ask "
              "the same questions before the training, at its end and six months later, to learn "
              "whether the training changed how participants lead. It takes about 10 to 15 minutes.",
        "km": "ការស្ទង់មតិនេះ ជាផ្នែកមួយនៃការវាយតម្លៃកម្មវិធីភាពជាអ្នកដឹកនាំ និងនវានុវត្តន៍។ "
              "យើងសួរសំណួរដូចគ្នា មុនការបណ្តុះបណ្តាល នៅចុងបញ្ចប់ និង ៦\u00a0ខែក្រោយមក "
              "ដើម្បីដឹងថាតើការបណ្តុះបណ្តាលបានផ្លាស់ប្តូររបៀបដឹកនាំរបស់អ្នកចូលរួមឬទេ។ "
              "វាចំណាយពេលប្រហែល ១០ ទៅ ១៥\u00a0នាទី។",
    },
    "consent_privacy": {
        "en": "Your answers are confidential. Reports show only group results, never your name, and "
              "no group of fewer than five people is reported. Only the program's evaluation team "
              "sees individual answers, under a code instead of your name.",
        "km": "ចម្លើយរបស់លោកអ្នកត្រូវបានរក្សាការសម្ងាត់។ របាយការណ៍បង្ហាញតែលទ្ធផលជាក្រុមប៉ុណ្ណោះ "
              "មិនដែលបង្ហាញឈ្មោះរបស់លោកអ្នកទេ ហើយក្រុមដែលមានតិចជាងប្រាំនាក់មិនត្រូវបានរាយការណ៍ឡើយ។ "
              "មានតែក្រុមវាយតម្លៃរបស់កម្មវិធីប៉ុណ្ណោះ ដែលមើលឃើញចម្លើយរបស់បុគ្គលម្នាក់ៗ "
              "ក្រោមលេខកូដជំនួសឈ្មោះរបស់លោកអ្នក។",
    },
    "consent_voluntary": {
        "en": "Taking part is voluntary and does not affect your course results. Your answers are "
              "saved page by page: you can stop at any time and come back later to finish. To "
              "withdraw from the evaluation, tell the program team.",
        "km": "ការចូលរួមគឺស្ម័គ្រចិត្ត ហើយមិនប៉ះពាល់ដល់លទ្ធផលវគ្គសិក្សារបស់លោកអ្នកទេ។ "
              "ចម្លើយរបស់លោកអ្នកត្រូវបានរក្សាទុកតាមទំព័រនីមួយៗ៖ លោកអ្នកអាចឈប់នៅពេលណាក៏បាន "
              "ហើយត្រឡប់មកបំពេញបន្តពេលក្រោយ។ ដើម្បីដកខ្លួនចេញពីការវាយតម្លៃ "
              "សូមប្រាប់ក្រុមការងារកម្មវិធី។",
    },
    "consent_agree": {"en": "I have read this and agree to take part.",
                      "km": "ខ្ញុំបានអានសេចក្តីនេះ ហើយយល់ព្រមចូលរួម។"},
    "consent_missing": {
        "en": "Tick the box to show that you agree, or close this page if you do not want to take part.",
        "km": "សូមធីកប្រអប់ ដើម្បីបង្ហាញថាលោកអ្នកយល់ព្រម ឬបិទទំព័រនេះ ប្រសិនបើលោកអ្នកមិនចង់ចូលរួម។",
    },
    "start": {"en": "Start the survey", "km": "ចាប់ផ្តើមការស្ទង់មតិ"},
    "page_of": {"en": "Page {n} of {total}", "km": "ទំព័រ\u00a0{n} នៃ {total}"},
    "question_number": {"en": "Question {number}", "km": "សំណួរទី\u00a0{number}"},
    "next": {"en": "Save and continue", "km": "រក្សាទុក ហើយបន្ត"},
    "back": {"en": "Back", "km": "ថយក្រោយ"},
    "save_later": {"en": "Save and finish later", "km": "រក្សាទុក ហើយបំពេញពេលក្រោយ"},
    "saved": {
        "en": "Your answers are saved. You can close this page and come back later with the same link "
              "or from your course page.",
        "km": "ចម្លើយរបស់លោកអ្នកត្រូវបានរក្សាទុក។ លោកអ្នកអាចបិទទំព័រនេះ ហើយត្រឡប់មកវិញពេលក្រោយ "
              "តាមរយៈតំណដដែល ឬពីទំព័រវគ្គសិក្សារបស់លោកអ្នក។",
    },
    "optional": {"en": "optional", "km": "មិនបង្ខំ"},
    "error_summary": {"en": "There is a problem", "km": "មានបញ្ហា"},
    "errors_fix": {"en": "Nothing on this page was saved. Correct the questions marked below and send "
                         "the page again.",
                   "km": "គ្មានអ្វីនៅលើទំព័រនេះត្រូវបានរក្សាទុកទេ។ សូមកែសំណួរដែលបានសម្គាល់ខាងក្រោម "
                         "ហើយផ្ញើទំព័រម្តងទៀត។"},
    "page_incomplete": {
        "en": "Your answers are saved, but some required questions on this page are not answered yet.",
        "km": "ចម្លើយរបស់លោកអ្នកត្រូវបានរក្សាទុក ប៉ុន្តែសំណួរចាំបាច់មួយចំនួននៅលើទំព័រនេះ "
              "មិនទាន់បានឆ្លើយនៅឡើយ។",
    },
    "review_heading": {"en": "Check your answers", "km": "ពិនិត្យចម្លើយរបស់លោកអ្នក"},
    "review_intro": {"en": "Check your answers, then submit them. After you submit, they cannot be changed.",
                     "km": "សូមពិនិត្យចម្លើយរបស់លោកអ្នក រួចដាក់ស្នើ។ បន្ទាប់ពីដាក់ស្នើ "
                           "ចម្លើយមិនអាចកែប្រែបានទៀតទេ។"},
    "review_missing": {"en": "Some required questions are not answered yet. Answer them, then submit.",
                       "km": "សំណួរចាំបាច់មួយចំនួនមិនទាន់បានឆ្លើយនៅឡើយ។ សូមឆ្លើយ រួចដាក់ស្នើ។"},
    "change": {"en": "Change", "km": "កែប្រែ"},
    "not_answered": {"en": "Not answered", "km": "មិនទាន់ឆ្លើយ"},
    "submit": {"en": "Submit my answers", "km": "ដាក់ស្នើចម្លើយរបស់ខ្ញុំ"},
    "thanks_heading": {"en": "Thank you", "km": "សូមអរគុណ"},
    "thanks_body": {"en": "Your answers have been received.", "km": "យើងបានទទួលចម្លើយរបស់លោកអ្នកហើយ។"},
    "receipt_code": {"en": "Receipt number", "km": "លេខបង្កាន់ដៃ"},
    "receipt_time": {"en": "Submitted", "km": "ពេលដាក់ស្នើ"},
    "receipt_keep": {
        "en": "Keep this number if you want to ask the program team about your answers.",
        "km": "សូមរក្សាលេខនេះទុក ប្រសិនបើលោកអ្នកចង់សួរក្រុមការងារកម្មវិធីអំពីចម្លើយរបស់លោកអ្នក។",
    },
    "your_answers": {"en": "Your answers", "km": "ចម្លើយរបស់លោកអ្នក"},
    "cambodia_time": {"en": "Cambodia time", "km": "ម៉ោងកម្ពុជា"},
    "error_status": {"en": "Error {status}", "km": "កំហុស\u00a0{status}"},
    "to_receipt": {"en": "See your receipt", "km": "មើលបង្កាន់ដៃរបស់លោកអ្នក"},
    "to_survey": {"en": "Back to the survey", "km": "ត្រឡប់ទៅការស្ទង់មតិ"},
    "section_answered": {"en": "{answered} of {total} answered",
                         "km": "បានឆ្លើយ {answered} នៃ {total}"},
    "review_sections": {"en": "Open a part to see or change its answers.",
                        "km": "សូមបើកផ្នែកនីមួយៗ ដើម្បីមើល ឬកែប្រែចម្លើយរបស់វា។"},
    # The device copy (lipassess/static/survey.js): shown only when the script runs.
    "draft_saved": {"en": "All answers on this page are saved.",
                    "km": "ចម្លើយទាំងអស់នៅលើទំព័រនេះត្រូវបានរក្សាទុក។"},
    "draft_saving": {"en": "Saving your answer…", "km": "កំពុងរក្សាទុកចម្លើយរបស់លោកអ្នក…"},
    "draft_unsent": {
        "en": "Not sent yet: your latest answers are kept on this phone and will be sent when you are "
              "back online.",
        "km": "មិនទាន់បានផ្ញើនៅឡើយ៖ ចម្លើយចុងក្រោយរបស់លោកអ្នកត្រូវបានរក្សាទុកនៅលើទូរស័ព្ទនេះ "
              "ហើយនឹងត្រូវបានផ្ញើនៅពេលលោកអ្នកភ្ជាប់អ៊ីនធឺណិតវិញ។",
    },
    "draft_offline": {
        "en": "You are offline, so the page was not sent. Your answers are kept on this phone; send the "
              "page again when you are connected.",
        "km": "លោកអ្នកមិនបានភ្ជាប់អ៊ីនធឺណិតទេ ដូច្នេះទំព័រមិនត្រូវបានផ្ញើទេ។ "
              "ចម្លើយរបស់លោកអ្នកត្រូវបានរក្សាទុកនៅលើទូរស័ព្ទនេះ។ "
              "សូមផ្ញើទំព័រម្តងទៀត នៅពេលលោកអ្នកភ្ជាប់អ៊ីនធឺណិតវិញ។",
    },
    "draft_restored": {
        "en": "Answers you had not sent yet were brought back from this phone.",
        "km": "ចម្លើយដែលលោកអ្នកមិនទាន់បានផ្ញើ ត្រូវបាននាំមកវិញពីទូរស័ព្ទនេះ។",
    },
}

#: Per-item validation messages, by the ``code`` of the service's per-item problem. Each names its
#: question by the number shown above it (``{number}``, counted across the whole form), so a list of
#: them at the top of the page says where to go; ``required_text`` is ``required`` for a text item.
ITEM_ERRORS: dict[str, dict[str, str]] = {
    "required": {"en": "Question {number}: please choose an answer.",
                 "km": "សំណួរទី\u00a0{number}៖ សូមជ្រើសរើសចម្លើយមួយ។"},
    "required_text": {"en": "Question {number}: please write an answer.",
                      "km": "សំណួរទី\u00a0{number}៖ សូមសរសេរចម្លើយ។"},
    "not_an_option": {"en": "Question {number}: choose one of the answers shown.",
                      "km": "សំណួរទី\u00a0{number}៖ សូមជ្រើសរើសចម្លើយមួយក្នុងចំណោមចម្លើយដែលបានបង្ហាញ។"},
    "too_long": {"en": "Question {number}: your answer is {length} characters long; shorten it to "
                       "{max_length} characters or fewer.",
                 "km": "សំណួរទី\u00a0{number}៖ ចម្លើយរបស់លោកអ្នកមាន {length}\u00a0តួអក្សរ។ "
                       "សូមកាត់បន្ថយឱ្យនៅត្រឹម {max_length}\u00a0តួអក្សរ ឬតិចជាងនេះ។"},
    "bad_characters": {"en": "Question {number}: your answer contains characters that cannot be stored; "
                             "please retype it.",
                       "km": "សំណួរទី\u00a0{number}៖ ចម្លើយរបស់លោកអ្នកមានតួអក្សរដែលមិនអាចរក្សាទុកបាន។ "
                             "សូមវាយម្តងទៀត។"},
    "wrong_type": {"en": "Question {number}: this answer has the wrong form; please answer again.",
                   "km": "សំណួរទី\u00a0{number}៖ ចម្លើយនេះមានទម្រង់មិនត្រឹមត្រូវ។ សូមឆ្លើយម្តងទៀត។"},
    "unknown_item": {"en": "An answer was sent for a question that is not part of this survey. Reload the "
                           "page and try again.",
                     "km": "ចម្លើយមួយត្រូវបានផ្ញើសម្រាប់សំណួរដែលមិនមែនជាផ្នែកនៃការស្ទង់មតិនេះ។ "
                           "សូមផ្ទុកទំព័រឡើងវិញ ហើយព្យាយាមម្តងទៀត។"},
}

_AGAIN = {"en": "Go back, reload the page and try again. Answers you saved before are kept.",
          "km": "សូមត្រឡប់ក្រោយ ផ្ទុកទំព័រឡើងវិញ ហើយព្យាយាមម្តងទៀត។ ចម្លើយដែលលោកអ្នកបានរក្សាទុកពីមុននៅដដែល។"}
_NEW_LINK = {"en": "Use the link in your newest message, or ask the program team for a new one.",
             "km": "សូមប្រើតំណនៅក្នុងសារថ្មីបំផុតរបស់លោកអ្នក ឬសុំតំណថ្មីពីក្រុមការងារកម្មវិធី។"}
_OPEN_FROM = {"en": "Open the survey from your course page or from the link in your newest message.",
              "km": "សូមបើកការស្ទង់មតិពីទំព័រវគ្គសិក្សារបស់លោកអ្នក ឬពីតំណក្នុងសារថ្មីបំផុតរបស់លោកអ្នក។"}

#: Error pages: a title and what to do next, by error code.
ERROR_PAGES: dict[str, dict[str, dict[str, str]]] = {
    "link_invalid": {
        "title": {"en": "This link is not valid", "km": "តំណនេះមិនត្រឹមត្រូវទេ"},
        "body": {"en": "Check that you opened the whole link from your newest message, or ask the program "
                       "team for a new one.",
                 "km": "សូមពិនិត្យថាលោកអ្នកបានបើកតំណទាំងមូលពីសារថ្មីបំផុតរបស់លោកអ្នក "
                       "ឬសុំតំណថ្មីពីក្រុមការងារកម្មវិធី។"},
    },
    "link_expired": {"title": {"en": "This link has expired", "km": "តំណនេះផុតសុពលភាពហើយ"}, "body": _NEW_LINK},
    "link_revoked": {"title": {"en": "This link has been withdrawn", "km": "តំណនេះត្រូវបានដកវិញហើយ"},
                     "body": _NEW_LINK},
    "survey_unavailable": {
        "title": {"en": "This survey is not available to you", "km": "ការស្ទង់មតិនេះមិនមានសម្រាប់លោកអ្នកទេ"},
        "body": _OPEN_FROM,
    },
    "no_participant": {
        "title": {"en": "Open the survey from your course or your link",
                  "km": "សូមបើកការស្ទង់មតិពីវគ្គសិក្សា ឬពីតំណរបស់លោកអ្នក"},
        "body": {"en": "This page opens only from your Moodle course page or from the personal link in "
                       "your message.",
                 "km": "ទំព័រនេះបើកបានតែពីទំព័រវគ្គសិក្សា Moodle របស់លោកអ្នក "
                       "ឬពីតំណផ្ទាល់ខ្លួនក្នុងសាររបស់លោកអ្នកប៉ុណ្ណោះ។"},
    },
    "participant_withdrawn": {
        "title": {"en": "You have withdrawn from the evaluation", "km": "លោកអ្នកបានដកខ្លួនចេញពីការវាយតម្លៃ"},
        "body": {"en": "No answers are collected from you. If this is a mistake, contact the program team.",
                 "km": "យើងមិនប្រមូលចម្លើយពីលោកអ្នកទេ។ ប្រសិនបើនេះជាកំហុស សូមទាក់ទងក្រុមការងារកម្មវិធី។"},
    },
    "not_enrolled": {
        "title": {"en": "You are no longer enrolled in this course",
                  "km": "លោកអ្នកលែងបានចុះឈ្មោះក្នុងវគ្គសិក្សានេះទៀតហើយ"},
        "body": {"en": "This survey is closed to you. If this is a mistake, ask the program team.",
                 "km": "ការស្ទង់មតិនេះបិទសម្រាប់លោកអ្នក។ ប្រសិនបើនេះជាកំហុស សូមសួរក្រុមការងារកម្មវិធី។"},
    },
    "wave_not_open": {
        "title": {"en": "This survey is not open yet", "km": "ការស្ទង់មតិនេះមិនទាន់បើកនៅឡើយទេ"},
        "body": {"en": "It opens on {date}. Please come back then.",
                 "km": "វានឹងបើកនៅ{date}។ សូមត្រឡប់មកវិញនៅពេលនោះ។"},
    },
    "wave_closed": {
        "title": {"en": "This survey has closed", "km": "ការស្ទង់មតិនេះបានបិទហើយ"},
        "body": {"en": "It closed on {date}, so answers can no longer be given or changed. If you think "
                       "this is a mistake, ask the program team.",
                 "km": "វាបានបិទនៅ{date} ដូច្នេះមិនអាចផ្តល់ ឬកែប្រែចម្លើយបានទៀតទេ។ "
                       "ប្រសិនបើលោកអ្នកគិតថានេះជាកំហុស សូមសួរក្រុមការងារកម្មវិធី។"},
    },
    "wave_empty": {
        "title": {"en": "This survey is not ready yet", "km": "ការស្ទង់មតិនេះមិនទាន់រួចរាល់នៅឡើយទេ"},
        "body": {"en": "Please try again later or ask the program team.",
                 "km": "សូមព្យាយាមម្តងទៀតពេលក្រោយ ឬសួរក្រុមការងារកម្មវិធី។"},
    },
    "already_submitted": {
        "title": {"en": "You have already submitted this survey", "km": "លោកអ្នកបានដាក់ស្នើការស្ទង់មតិនេះរួចហើយ"},
        "body": {"en": "Your answers cannot be changed any more. Your receipt number is {receipt}.",
                 "km": "ចម្លើយរបស់លោកអ្នកមិនអាចកែប្រែបានទៀតទេ។ លេខបង្កាន់ដៃរបស់លោកអ្នកគឺ {receipt}។"},
    },
    "csrf_failed": {
        "title": {"en": "This page has expired", "km": "ទំព័រនេះផុតសុពលភាពហើយ"},
        "body": _AGAIN,
    },
    "http_400": {"title": {"en": "The page could not be read", "km": "មិនអាចអានទំព័រនេះបានទេ"}, "body": _AGAIN},
    "http_403": {"title": {"en": "You cannot open this page", "km": "លោកអ្នកមិនអាចបើកទំព័រនេះបានទេ"},
                 "body": _OPEN_FROM},
    "http_404": {"title": {"en": "Page not found", "km": "រកមិនឃើញទំព័រ"}, "body": _OPEN_FROM},
    "http_405": {
        "title": {"en": "This page cannot be used that way", "km": "ទំព័រនេះមិនអាចប្រើតាមរបៀបនោះបានទេ"},
        "body": {"en": "Go back and use the buttons on the page.",
                 "km": "សូមត្រឡប់ក្រោយ ហើយប្រើប៊ូតុងនៅលើទំព័រ។"},
    },
    "http_413": {
        "title": {"en": "What you sent is too large", "km": "អ្វីដែលលោកអ្នកបានផ្ញើធំពេក"},
        "body": {"en": "Shorten your longest answers and send the page again. Answers you saved before are "
                       "kept.",
                 "km": "សូមកាត់បន្ថយចម្លើយវែងៗរបស់លោកអ្នក ហើយផ្ញើទំព័រម្តងទៀត។ "
                       "ចម្លើយដែលលោកអ្នកបានរក្សាទុកពីមុននៅដដែល។"},
    },
    "http_415": {
        "title": {"en": "Answers must be sent from the survey page", "km": "ចម្លើយត្រូវតែផ្ញើពីទំព័រស្ទង់មតិ"},
        "body": {"en": "This page accepts only an ordinary web form (application/x-www-form-urlencoded). "
                       "Go back to the survey and use its buttons.",
                 "km": "ទំព័រនេះទទួលតែទម្រង់បែបបទគេហទំព័រធម្មតាប៉ុណ្ណោះ (application/x-www-form-urlencoded)។ "
                       "សូមត្រឡប់ទៅការស្ទង់មតិ ហើយប្រើប៊ូតុងរបស់វា។"},
    },
    "http_500": {
        "title": {"en": "Something went wrong on our side", "km": "មានបញ្ហាកើតឡើងនៅខាងយើង"},
        "body": {"en": "Answers you saved before are kept. Please try again in a few minutes.",
                 "km": "ចម្លើយដែលលោកអ្នកបានរក្សាទុកពីមុននៅដដែល។ សូមព្យាយាមម្តងទៀតក្នុងរយៈពេលប៉ុន្មាននាទីទៀត។"},
    },
}
