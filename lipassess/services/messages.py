"""The invitation and reminder texts sent through Moodle messaging, in Khmer and English.

Messages are HTML (Moodle's ``FORMAT_HTML``): short paragraphs and the
personal link, nothing a phone's messaging screen would struggle with. Every
value that comes from Moodle or the store (names, the course name) is
HTML-escaped. Dates are the survey's last day in Cambodia, written the way
each language writes them (Khmer digits and month names in Khmer).

Each link replaces the previous one (a new link is issued for every message),
so reminders say so.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from html import escape

from lipassess.services.waves import LOCAL_TZ
from lipassess.vocabulary import DEFAULT_LANGUAGE, format_date, normalise_language

WAVE_NAMES = {
    "en": {
        "pre": "pre-course leadership survey",
        "post": "end-of-course leadership survey",
        "followup": "follow-up leadership survey",
    },
    "km": {
        "pre": "ការស្ទង់មតិមុនវគ្គសិក្សា អំពីភាពជាអ្នកដឹកនាំ",
        "post": "ការស្ទង់មតិចុងបញ្ចប់វគ្គសិក្សា អំពីភាពជាអ្នកដឹកនាំ",
        "followup": "ការស្ទង់មតិតាមដានក្រោយវគ្គសិក្សា អំពីភាពជាអ្នកដឹកនាំ",
    },
}


SIGNATURE = {
    "en": "Leadership and Innovation Program · Royal School of Administration",
    "km": "កម្មវិធីភាពជាអ្នកដឹកនាំ និងនវានុវត្តន៍ · សាលាភូមិន្ទរដ្ឋបាល",
}


def last_day(closes_at: datetime) -> datetime:
    """The last day a wave is open, in Cambodia (a wave closing at midnight ends the day before)."""
    return (closes_at - timedelta(microseconds=1)).astimezone(LOCAL_TZ)


def format_day(moment: datetime, language: str) -> str:
    """``20 November 2024`` / ``ថ្ងៃទី ២០ ខែវិច្ឆិកា ឆ្នាំ ២០២៤`` for a moment's day in Cambodia.

    The same text as the impact summary's dates (:func:`lipassess.vocabulary.format_date`).
    """
    return format_date(moment.astimezone(LOCAL_TZ).date(), normalise_language(language, "en"))


def message_language(language: str | None) -> str:
    """The language a participant gets messages in (``km`` unless they use English)."""
    return normalise_language(language, DEFAULT_LANGUAGE)


def render(
    *,
    kind: str,
    language: str,
    name: str,
    course: str,
    wave_kind: str,
    url: str,
    closes_at: datetime | None,
) -> str:
    """The HTML of one invitation (``kind="invitation"``) or reminder (``reminder_N``).

    ``url`` is the personal link, put in as given (it holds only URL-safe
    characters); ``name`` and ``course`` are escaped here.
    """
    language = message_language(language)
    reminder = kind != "invitation"
    who = escape(name.strip()) if name and name.strip() else ("អ្នកចូលរួម" if language == "km" else "participant")
    course_html = escape(course)
    wave = WAVE_NAMES[language][wave_kind]
    link = f'<p><a href="{url}">{url}</a></p>'
    if language == "km":
        parts = [f"<p>សូមជម្រាបសួរ {who}</p>"]
        if reminder:
            parts.append(
                f"<p>នេះជាការរំលឹក៖ យើងមិនទាន់បានទទួលចម្លើយរបស់លោកអ្នកសម្រាប់{wave} នៃ {course_html} "
                "នៅឡើយទេ។ សូមមេត្តាបំពេញតាមរយៈតំណភ្ជាប់ផ្ទាល់ខ្លួនខាងក្រោម។</p>"
            )
        else:
            parts.append(
                f"<p>សូមអរគុណចំពោះការចូលរួមក្នុង {course_html}។ សូមមេត្តាបំពេញ{wave} "
                "តាមរយៈតំណភ្ជាប់ផ្ទាល់ខ្លួនខាងក្រោម។ ចម្លើយរបស់លោកអ្នកជួយយើងវាយតម្លៃថា "
                "តើកម្មវិធីនេះបានជួយដល់ការងារដឹកនាំរបស់លោកអ្នកឬទេ។</p>"
            )
        parts.append(link)
        notes = "តំណភ្ជាប់នេះសម្រាប់តែលោកអ្នកប៉ុណ្ណោះ សូមកុំចែករំលែកវាទៅអ្នកដទៃ។"
        if reminder:
            notes += " តំណភ្ជាប់នេះជំនួសតំណភ្ជាប់ក្នុងសារមុនៗ។"
        if closes_at is not None:
            notes += f" សូមបំពេញឲ្យបានត្រឹម{format_day(last_day(closes_at), 'km')}។"
        parts.append(f"<p>{notes}</p>")
    else:
        parts = [f"<p>Dear {who},</p>"]
        if reminder:
            parts.append(
                f"<p>This is a reminder: we have not yet received your answers to the {wave} of "
                f"{course_html}. Please answer it through your personal link below.</p>"
            )
        else:
            parts.append(
                f"<p>Thank you for taking part in {course_html}. Please answer the {wave} through your "
                "personal link below. Your answers help us find out whether the program has helped "
                "your work as a leader.</p>"
            )
        parts.append(link)
        notes = "This link is for you only; please do not share it."
        if reminder:
            notes += " It replaces the links in earlier messages."
        if closes_at is not None:
            notes += f" Please answer by {format_day(last_day(closes_at), 'en')}."
        parts.append(f"<p>{notes}</p>")
    parts.append(f"<p>{SIGNATURE[language]}</p>")
    return "".join(parts)
