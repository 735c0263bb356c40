"""The invitation and reminder texts sent through Moodle messaging, in Khmer and English.

Messages are HTML (Moodle's ``FORMAT_HTML``): short paragraphs and the
personal link, nothing a phone's messaging screen would struggle with. Every
value that comes from Moodle or the store (names, the course name) is
HTML-escaped. Dates are the survey's last day in Cambodia, written the way
each language writes them (Khmer digits and month names in Khmer). The words
are data in :mod:`lipassess.text.messages` (keys ``message.*`` of the one text
catalogue).

Each link replaces the previous one (a new link is issued for every message),
so reminders say so.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from html import escape

from lipassess.services.waves import LOCAL_TZ
from lipassess.text import text
from lipassess.vocabulary import DEFAULT_LANGUAGE, NEEDS, format_date, normalise_language


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
    who = escape(name.strip()) if name and name.strip() else text("message.participant", language)
    wave = text(f"message.wave.{wave_kind}", language)
    template = "reminder" if kind != "invitation" else "invitation_needs" if wave_kind == NEEDS else "invitation"
    body = text(f"message.{template}", language, course=escape(course), wave=wave)
    notes = [text("message.personal_link", language)]
    if kind != "invitation":
        notes.append(text("message.replaces_links", language))
    if closes_at is not None:
        notes.append(text("message.answer_by", language, date=format_day(last_day(closes_at), language)))
    return "".join([
        f"<p>{text('message.greeting', language, who=who)}</p>",
        f"<p>{body}</p>",
        f'<p><a href="{url}">{url}</a></p>',
        f"<p>{' '.join(notes)}</p>",
        f"<p>{text('message.signature', language)}</p>",
    ])
