"""E-mail to raters through the configured SMTP server: invitations, then reminders, each once.

For every rater of an open wave who has an e-mail address, has not submitted
and whose link staff did not withdraw: an invitation, then up to ``REMINDERS``
reminders, each ``REMINDER_SPACING_DAYS`` after the previous message while the
wave is open (the participants' rules). Every message carries a fresh link; the
new token is stored only once the SMTP server accepted the message, so a
failed send never leaves the rater with a dead link. A refused message is kept
as ``send_error`` and tried again on the next run.

Raters without an e-mail address get their link from staff
(``lipassess raters links``).
"""

from __future__ import annotations

import smtplib
import ssl
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.message import EmailMessage
from email.utils import make_msgid
from typing import Any, cast

from sqlalchemy import CursorResult, or_, select, update
from sqlalchemy.orm import Session

from lipassess.errors import ConfigurationError, JobFailed
from lipassess.services.links import hash_token
from lipassess.services.messages import format_day, last_day, message_language
from lipassess.services.raters.links import issue_rater_link, rater_link_path
from lipassess.store.models import Cohort, Participant, Wave
from lipassess.store.rater_models import Rater
from lipassess.text import text

__all__ = ["MailReport", "SmtpSettings", "compose", "send_rater_mail"]


@dataclass(frozen=True, slots=True)
class SmtpSettings:
    """Where and how to send: ``LIPASSESS_SMTP_*``."""

    host: str
    port: int
    sender: str
    username: str | None = None
    password: str | None = None
    starttls: bool = False
    timeout: float = 30.0

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> SmtpSettings:
        """The settings, or ConfigurationError naming what to set."""
        host, sender = config.get("SMTP_HOST"), config.get("SMTP_FROM")
        if not host:
            raise ConfigurationError("LIPASSESS_SMTP_HOST is not set, so no e-mail can go to raters; set it (and "
                                     "LIPASSESS_SMTP_FROM), or give raters their links with 'lipassess raters links'")
        if not sender:
            raise ConfigurationError("LIPASSESS_SMTP_FROM is not set; set the sender address of e-mail to raters")
        return cls(host=str(host), port=int(config.get("SMTP_PORT") or 25), sender=str(sender),
                   username=config.get("SMTP_USERNAME") or None, password=config.get("SMTP_PASSWORD") or None,
                   starttls=bool(config.get("SMTP_STARTTLS")), timeout=float(config.get("SMTP_TIMEOUT") or 30))


@dataclass(frozen=True, slots=True)
class MailReport:
    """What one run sent."""

    invitations: int
    reminders: int
    failed: int
    without_email: int
    errors: tuple[str, ...] = ()

    def summary(self) -> str:
        line = (f"raters: {self.invitations} invitation(s) and {self.reminders} reminder(s) sent, "
                f"{self.failed} failed, {self.without_email} without an e-mail address (give them their "
                "links with 'lipassess raters links')")
        return "\n".join([line, *(f"  failed: {e}" for e in self.errors)])

    def to_dict(self) -> dict[str, object]:
        return {"invitations": self.invitations, "reminders": self.reminders, "failed": self.failed,
                "without_email": self.without_email, "errors": list(self.errors)}


def compose(*, rater: Rater, participant_name: str, kind: str, url: str, closes_at: datetime | None,
            sender: str) -> EmailMessage:
    """The plain-text e-mail of one invitation (``kind="invitation"``) or reminder."""
    lang = message_language(rater.language)
    relation = text(f"report.relation.{rater.relation}", lang)
    subject_key = "message.rater.subject" if kind == "invitation" else "message.rater.reminder_subject"
    body_key = "message.rater.invitation" if kind == "invitation" else "message.rater.reminder"
    lines = [text("message.rater.greeting", lang, who=rater.name), "",
             text(body_key, lang, name=participant_name, relation=relation), "", url, "",
             text("message.rater.personal_link", lang),
             text("message.rater.privacy", lang, name=participant_name)]
    if closes_at is not None:
        lines.append(text("message.rater.answer_by", lang, date=format_day(last_day(closes_at), lang)))
    lines += ["", text("message.rater.signature", lang)]
    message = EmailMessage()
    message["Subject"] = text(subject_key, lang, name=participant_name)
    message["From"] = sender
    message["To"] = rater.email or ""
    message["Message-ID"] = make_msgid(domain=sender.rsplit("@", 1)[-1] if "@" in sender else None)
    message.set_content("\n".join(lines))
    return message


def _due(session: Session, now: datetime, *, cohort: Cohort | None) -> list[tuple[Rater, Wave, Participant]]:
    query = (select(Rater, Wave, Participant).join(Wave, Wave.id == Rater.wave_id)
             .join(Participant, Participant.id == Rater.participant_id)
             .where(Rater.submitted_at.is_(None), Rater.revoked_at.is_(None), Participant.withdrawn_at.is_(None),
                    Wave.opens_at.is_not(None), Wave.opens_at <= now,
                    or_(Wave.closes_at.is_(None), Wave.closes_at > now))
             .order_by(Rater.id))
    if cohort is not None:
        query = query.where(Wave.cohort_id == cohort.id)
    return [(r, w, p) for r, w, p in session.execute(query).all()]


def _claim(session: Session, rater: Rater, kind: str, now: datetime) -> bool:
    """Take the rater's row for this message; False when another run has sent it meanwhile.

    On PostgreSQL the guarded UPDATE waits for a concurrent run's transaction and then matches no
    row; on SQLite the database write lock serialises the runs the same way.
    """
    guard = (Rater.invited_at.is_(None) if kind == "invitation"
             else Rater.reminders_sent == int(kind.rsplit("_", 1)[1]) - 1)
    session.flush()
    result = cast(CursorResult[Any], session.execute(
        update(Rater).where(Rater.id == rater.id, guard).values(updated_at=now)
        .execution_options(synchronize_session=False)))
    if result.rowcount != 1:
        return False
    session.refresh(rater)
    return True


def _connect(settings: SmtpSettings) -> smtplib.SMTP:
    try:
        smtp = smtplib.SMTP(settings.host, settings.port, timeout=settings.timeout)
        if settings.starttls:
            smtp.starttls(context=ssl.create_default_context())
        if settings.username:
            smtp.login(settings.username, settings.password or "")
    except (OSError, smtplib.SMTPException) as exc:
        raise JobFailed(f"the SMTP server {settings.host}:{settings.port} could not be used ({exc}); nothing "
                        "was sent, run again once it answers") from None
    return smtp


def send_rater_mail(session: Session, settings: SmtpSettings, *, base_url: str, now: datetime, ttl_days: int,
                    reminders: int, spacing_days: int, cohort: Cohort | None = None) -> MailReport:
    """Send the invitations and reminders due now (see the module docstring); flushes, never commits.

    Raises
    ------
    JobFailed
        The SMTP server cannot be reached or refuses the sign-in (nothing sent).
    """
    spacing = timedelta(days=spacing_days)
    due: list[tuple[Rater, Wave, Participant, str]] = []
    without_email = 0
    for rater, wave, person in _due(session, now, cohort=cohort):
        if not rater.email:
            without_email += rater.invited_at is None
            continue
        if rater.invited_at is None:
            due.append((rater, wave, person, "invitation"))
        elif (rater.reminders_sent < reminders and rater.last_sent_at is not None
              and rater.last_sent_at + spacing <= now):
            due.append((rater, wave, person, f"reminder_{rater.reminders_sent + 1}"))
    if not due:
        return MailReport(0, 0, 0, without_email)
    counts = {"invitation": 0, "reminder": 0, "failed": 0}
    errors: list[str] = []
    smtp = _connect(settings)
    try:
        for rater, wave, person, kind in due:
            if not _claim(session, rater, kind, now):
                continue  # another run sent it meanwhile
            old = (rater.token_hash, rater.expires_at, rater.revoked_at)
            token = issue_rater_link(session, rater, now=now, ttl_days=ttl_days)
            message = compose(rater=rater, participant_name=person.full_name or person.pseudonym, kind=kind,
                              url=base_url.rstrip("/") + rater_link_path(token), closes_at=wave.closes_at,
                              sender=settings.sender)
            try:
                smtp.send_message(message)
            except (OSError, smtplib.SMTPException) as exc:
                # Refused: keep the link the rater holds working, and try again next run.
                rater.token_hash, rater.expires_at, rater.revoked_at = old
                rater.send_error = str(exc)[:500]
                counts["failed"] += 1
                errors.append(f"rater {rater.id}: {str(exc)[:200]}")
                continue
            assert rater.token_hash == hash_token(token)
            rater.send_error = None
            rater.last_sent_at = now
            if kind == "invitation":
                rater.invited_at = now
                counts["invitation"] += 1
            else:
                rater.reminders_sent += 1
                counts["reminder"] += 1
            session.flush()
    finally:
        try:
            smtp.quit()
        except (OSError, smtplib.SMTPException):
            pass
    return MailReport(counts["invitation"], counts["reminder"], counts["failed"], without_email, tuple(errors))
