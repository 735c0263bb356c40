"""The invitation and reminder messages' words, in English and Khmer.

Read them through :func:`lipassess.text.text` (keys ``message.<key>`` and
``message.wave.<kind>``); :mod:`lipassess.services.messages` puts them
together as HTML. The Khmer texts are pending review by the program's
translators (:data:`lipassess.text.KM_STATUS`).
"""

from __future__ import annotations

#: The survey each wave asks for, as a noun phrase (the follow-up leadership survey).
WAVE_NAMES: dict[str, dict[str, str]] = {
    "needs": {"en": "training-needs survey", "km": "ការស្ទង់មតិអំពីតម្រូវការបណ្តុះបណ្តាល"},
    "pre": {"en": "pre-course leadership survey", "km": "ការស្ទង់មតិមុនវគ្គសិក្សា អំពីភាពជាអ្នកដឹកនាំ"},
    "post": {"en": "end-of-course leadership survey", "km": "ការស្ទង់មតិចុងបញ្ចប់វគ្គសិក្សា អំពីភាពជាអ្នកដឹកនាំ"},
    "followup": {"en": "follow-up leadership survey", "km": "ការស្ទង់មតិតាមដានក្រោយវគ្គសិក្សា អំពីភាពជាអ្នកដឹកនាំ"},
}

MESSAGES: dict[str, dict[str, str]] = {
    "participant": {"en": "participant", "km": "អ្នកចូលរួម"},
    "greeting": {"en": "Dear {who},", "km": "សូមជម្រាបសួរ {who}"},
    "reminder": {
        "en": "This is a reminder: we have not yet received your answers to the {wave} of "
              "{course}. Please answer it through your personal link below.",
        "km": "នេះជាការរំលឹក៖ យើងមិនទាន់បានទទួលចម្លើយរបស់លោកអ្នកសម្រាប់{wave} នៃ {course} "
              "នៅឡើយទេ។ សូមមេត្តាបំពេញតាមរយៈតំណភ្ជាប់ផ្ទាល់ខ្លួនខាងក្រោម។",
    },
    "invitation": {
        "en": "Thank you for taking part in {course}. Please answer the {wave} through your "
              "personal link below. Your answers help us find out whether the program has helped "
              "your work as a leader.",
        "km": "សូមអរគុណចំពោះការចូលរួមក្នុង {course}។ សូមមេត្តាបំពេញ{wave} "
              "តាមរយៈតំណភ្ជាប់ផ្ទាល់ខ្លួនខាងក្រោម។ ចម្លើយរបស់លោកអ្នកជួយយើងវាយតម្លៃថា "
              "តើកម្មវិធីនេះបានជួយដល់ការងារដឹកនាំរបស់លោកអ្នកឬទេ។",
    },
    "invitation_needs": {
        "en": "Please answer the {wave} for {course} through your personal link below. Your answers tell "
              "the Royal School of Administration which competencies to teach first, and to whom.",
        "km": "សូមមេត្តាបំពេញ{wave} សម្រាប់ {course} តាមរយៈតំណភ្ជាប់ផ្ទាល់ខ្លួនខាងក្រោម។ "
              "ចម្លើយរបស់លោកអ្នកជួយសាលាភូមិន្ទរដ្ឋបាលដឹងថា គួរបង្រៀនសមត្ថភាពណាមុន និងសម្រាប់នរណា។",
    },
    "personal_link": {"en": "This link is for you only; please do not share it.",
                      "km": "តំណភ្ជាប់នេះសម្រាប់តែលោកអ្នកប៉ុណ្ណោះ សូមកុំចែករំលែកវាទៅអ្នកដទៃ។"},
    "replaces_links": {"en": "It replaces the links in earlier messages.",
                       "km": "តំណភ្ជាប់នេះជំនួសតំណភ្ជាប់ក្នុងសារមុនៗ។"},
    "answer_by": {"en": "Please answer by {date}.", "km": "សូមបំពេញឲ្យបានត្រឹម{date}។"},
    "signature": {
        "en": "Leadership and Innovation Program · Royal School of Administration",
        "km": "កម្មវិធីភាពជាអ្នកដឹកនាំ និងនវានុវត្តន៍ · សាលាភូមិន្ទរដ្ឋបាល",
    },
}
