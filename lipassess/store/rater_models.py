"""Observer raters (supervisors, peers, direct reports) and their answers.

A rater rates one participant at one wave with the supervisor observation
instrument. Raters are usually not Moodle users: staff import them from a CSV
file or the participant nominates them on their receipt page. Each rater gets a
personal link whose token is kept only as a SHA-256 hash (as
:class:`~lipassess.store.models.Invitation`), and answers exactly once
(``submitted_at`` is set by a guarded update). A rater's answers are never shown
to the participant; reports show aggregates only.

Imported by :mod:`lipassess.store.models` so that ``Base.metadata`` always holds
these tables.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, Float, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lipassess.store.models import Base, Participant, TimestampMixin, Wave

#: Who the rater is to the participant; anything else is refused on import or nomination.
RELATIONS = ("supervisor", "peer", "direct_report", "other")
#: How the rater came to be: imported by staff (CLI) or nominated by the participant.
SOURCES = ("import", "nomination")


class Rater(TimestampMixin, Base):
    """One observer of one participant at one wave, with their link and its state."""

    __tablename__ = "raters"
    __table_args__ = (
        UniqueConstraint("participant_id", "wave_id", "contact"),
        CheckConstraint("relation IN ('supervisor', 'peer', 'direct_report', 'other')",
                        name="known_relation"),
        CheckConstraint("email IS NOT NULL OR phone IS NOT NULL", name="has_contact"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    participant_id: Mapped[int] = mapped_column(ForeignKey("participants.id"), index=True)
    wave_id: Mapped[int] = mapped_column(ForeignKey("waves.id"), index=True)
    name: Mapped[str] = mapped_column(String(255))
    email: Mapped[str | None] = mapped_column(String(320))
    phone: Mapped[str | None] = mapped_column(String(40))
    # The e-mail address in lower case, else the phone number's digits: one rater per contact.
    contact: Mapped[str] = mapped_column(String(320))
    relation: Mapped[str] = mapped_column(String(20))
    source: Mapped[str] = mapped_column(String(20), default="import")
    language: Mapped[str] = mapped_column(String(10), default="km")
    token_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    expires_at: Mapped[datetime | None]
    revoked_at: Mapped[datetime | None]
    invited_at: Mapped[datetime | None]  # when the invitation e-mail was accepted by the SMTP server
    reminders_sent: Mapped[int] = mapped_column(Integer, default=0)
    last_sent_at: Mapped[datetime | None]
    send_error: Mapped[str | None] = mapped_column(Text)
    consent_at: Mapped[datetime | None]
    submitted_at: Mapped[datetime | None]

    participant: Mapped[Participant] = relationship()
    wave: Mapped[Wave] = relationship()


class RaterAnswer(Base):
    """One item answer of a rater (a number for scale items, text for free-text items)."""

    __tablename__ = "rater_answers"
    __table_args__ = (UniqueConstraint("rater_id", "instrument_version_id", "item_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    rater_id: Mapped[int] = mapped_column(ForeignKey("raters.id"))
    instrument_version_id: Mapped[int] = mapped_column(ForeignKey("instrument_versions.id"))
    item_key: Mapped[str] = mapped_column(String(100))
    value_number: Mapped[float | None] = mapped_column(Float)
    value_text: Mapped[str | None] = mapped_column(Text)
