"""The LTI landing pages' words (what a participant sees after launching from Moodle), in English and Khmer.

Read them through :func:`lipassess.text.text` (keys ``lti.<key>``); the
templates under ``templates/lti/`` call it as ``catalogue_text``. The Khmer
texts are pending review by the program's translators
(:data:`lipassess.text.KM_STATUS`).
"""

from __future__ import annotations

LANDING: dict[str, dict[str, str]] = {
    "survey": {"en": "Survey", "km": "ការស្ទង់មតិ"},
    "withdrawn": {"en": "You have withdrawn from this study, so no survey is shown to you.",
                  "km": "លោកអ្នកបានដកខ្លួនចេញពីការសិក្សានេះ។ មិនមានការស្ទង់មតិសម្រាប់លោកអ្នកទៀតទេ។"},
    "answered": {"en": "You have already answered the survey that is open now. Thank you!",
                 "km": "លោកអ្នកបានឆ្លើយការស្ទង់មតិដែលកំពុងបើករួចហើយ។ សូមអរគុណ!"},
    "none": {"en": "No survey is open for you right now.",
             "km": "បច្ចុប្បន្ននេះ មិនមានការស្ទង់មតិណាមួយបើកសម្រាប់លោកអ្នកទេ។"},
    "closed": {"en": "This survey has closed.", "km": "ការស្ទង់មតិនេះបានបិទហើយ។"},
    "next": {"en": "The next survey opens on", "km": "ការស្ទង់មតិបន្ទាប់នឹងបើកនៅ"},
    "later": {"en": "You will get a Moodle message when the next survey opens.",
              "km": "យើងនឹងផ្ញើសារមកលោកអ្នកនៅពេលការស្ទង់មតិបន្ទាប់បើក។"},
    "back": {"en": "Back to the course", "km": "ត្រឡប់ទៅវគ្គសិក្សា"},
    "open": {"en": "A survey is open for you", "km": "ការស្ទង់មតិកំពុងបើក"},
    "closes_on": {"en": "closes on", "km": "បិទនៅថ្ងៃទី"},
    "not_installed": {"en": "The survey pages are not installed on this server yet.",
                      "km": "ទំព័រស្ទង់មតិមិនទាន់ដំណើរការនៅឡើយទេ។"},
}
