"""What one dispatch run did, for people (``summary()``) and code (``to_dict()``), and ``--as-of``."""

from __future__ import annotations

import dataclasses
from collections import Counter
from datetime import UTC, date, datetime, time
from typing import Any

from lipassess.services.waves import LOCAL_TZ, check_day, parse_when
from lipassess.store.types import utcnow


@dataclasses.dataclass(frozen=True, slots=True, kw_only=True)
class DispatchItem:
    """One message: sent, failed (Moodle refused it), unknown (its fate), unsent (Moodle was down), or due."""

    cohort: str
    wave: str
    kind: str
    moodle_user_id: int
    pseudonym: str
    language: str
    status: str
    attempt: int = 1
    moodle_message_id: int | None = None
    error: str | None = None
    body: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)


@dataclasses.dataclass(frozen=True, slots=True, kw_only=True)
class DispatchReport:
    """What one run did (or, dry, would do).

    Attributes
    ----------
    as_of
        The time the run acted as.
    opened
        Waves opened by this run (``cohort/kind``); in a dry run, those it would open.
    items
        Every message handled, in order.
    unconfirmed
        Messages whose fate is unknown (status ``unknown``) and that no later
        accepted message replaced: see ``lipassess dispatch --stuck``.
    in_flight
        Messages claimed by another run less than :data:`~lipassess.services.dispatch.due.CLAIM_TIMEOUT`
        ago and not recorded yet (that run is still sending, or died; a later run decides).
    resolved
        Messages this run found claimed long ago and never recorded, now ``unknown``.
    error
        Why the run stopped early (Moodle down or a batch's fate unknown), else ``None``.
    """

    as_of: datetime
    dry_run: bool
    opened: tuple[str, ...] = ()
    items: tuple[DispatchItem, ...] = ()
    unconfirmed: int = 0
    in_flight: int = 0
    resolved: int = 0
    error: str | None = None

    def counts(self) -> dict[str, int]:
        """Messages per status."""
        return dict(Counter(item.status for item in self.items))

    def to_dict(self) -> dict[str, Any]:
        return {
            "as_of": self.as_of.isoformat(),
            "dry_run": self.dry_run,
            "opened": list(self.opened),
            "counts": self.counts(),
            "messages": [item.to_dict() for item in self.items],
            "unconfirmed": self.unconfirmed,
            "in_flight": self.in_flight,
            "resolved": self.resolved,
            "error": self.error,
        }

    def summary(self) -> str:
        """Lines for people: opened waves, one line per message, totals."""
        when = self.as_of.astimezone(LOCAL_TZ).strftime("%Y-%m-%d %H:%M")
        lines = [f"dispatch {'(dry run) ' if self.dry_run else ''}as of {when} Asia/Phnom_Penh"]
        verb = "would open" if self.dry_run else "opened"
        lines += [f"{verb} wave {name}" for name in self.opened]
        for item in self.items:
            detail = f": {item.error}" if item.error else ""
            attempt = f" (attempt {item.attempt})" if item.attempt > 1 else ""
            lines.append(
                f"{item.status:<11} {item.kind:<11} {item.cohort}/{item.wave} to user {item.moodle_user_id} "
                f"({item.pseudonym}, {item.language}){attempt}{detail}"
            )
            if self.dry_run and item.body:
                lines.append(f"            {item.body}")
        counts = self.counts()
        totals = ", ".join(f"{counts[s]} {s}" for s in sorted(counts)) or "nothing to send"
        lines.append(f"messages: {totals}")
        if self.resolved:
            lines.append(f"{self.resolved} message(s) claimed by an earlier run that never recorded Moodle's "
                         "answer are now unknown-fate")
        if self.unconfirmed:
            lines.append(
                f"{self.unconfirmed} message(s) from earlier runs are unconfirmed (fate unknown): the next "
                "message of each goes out instead, never the same one twice; list them with "
                "'lipassess dispatch --stuck' and, once Moodle's message log shows they did not arrive, "
                "send them with 'lipassess dispatch --resend-unknown'"
            )
        if self.in_flight:
            lines.append(f"{self.in_flight} message(s) are being sent by another run (or it stopped): "
                         "a later run resolves them")
        if self.error:
            lines.append(f"stopped: {self.error}")
        return "\n".join(lines)


def as_of_time(text: str | None) -> datetime:
    """``--as-of``: a day (noon in Cambodia) or an ISO time; now when ``None``."""
    if text is None:
        return utcnow()
    value = text.strip()
    try:
        day = date.fromisoformat(value)
    except ValueError:
        return parse_when(value, what="--as-of")
    check_day(day, text, what="--as-of")
    return datetime.combine(day, time(12), LOCAL_TZ).astimezone(UTC)
