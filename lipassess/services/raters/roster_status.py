"""Staff views of a cohort's raters: counts per wave and relation, and links to copy by hand."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from lipassess.services.raters.links import issue_rater_link, rater_link_path
from lipassess.store.models import Cohort, Participant, Wave, WaveKind
from lipassess.store.rater_models import Rater

__all__ = ["CopiedLink", "RaterCounts", "copy_links", "rater_counts"]


@dataclass(frozen=True, slots=True)
class RaterCounts:
    """Raters of one wave and relation: named, invited (an e-mail accepted or a link copied), submitted."""

    wave: str
    relation: str
    raters: int
    invited: int
    submitted: int

    def to_dict(self) -> dict[str, object]:
        return {"wave": self.wave, "relation": self.relation, "raters": self.raters, "invited": self.invited,
                "submitted": self.submitted}


@dataclass(frozen=True, slots=True)
class CopiedLink:
    """A fresh link for staff to give a rater by hand (phone, chat)."""

    rater_id: int
    rater: str
    contact: str
    relation: str
    participant: str
    url: str


def rater_counts(session: Session, cohort: Cohort) -> list[RaterCounts]:
    """Counts per wave and relation, in wave order."""
    rows = session.execute(select(Wave.kind, Rater.relation, Rater.invited_at, Rater.submitted_at)
                           .join(Wave, Wave.id == Rater.wave_id).where(Wave.cohort_id == cohort.id)).all()
    named: Counter[tuple[str, str]] = Counter()
    invited: Counter[tuple[str, str]] = Counter()
    submitted: Counter[tuple[str, str]] = Counter()
    for kind, relation, invited_at, submitted_at in rows:
        key = (WaveKind(kind).value, relation)
        named[key] += 1
        invited[key] += invited_at is not None
        submitted[key] += submitted_at is not None
    order = [k.value for k in WaveKind]
    return [RaterCounts(wave=w, relation=r, raters=named[(w, r)], invited=invited[(w, r)],
                        submitted=submitted[(w, r)])
            for w, r in sorted(named, key=lambda k: (order.index(k[0]), k[1]))]


def copy_links(session: Session, cohort: Cohort, kind: WaveKind, *, base_url: str, now: datetime, ttl_days: int,
               everyone: bool = False) -> list[CopiedLink]:
    """Issue fresh links for the wave's raters who have not submitted (without e-mail only, unless ``everyone``).

    Each issue replaces the rater's earlier link. A rater whose invitation was
    not sent yet counts as invited from now on (staff hand the link over).
    """
    rows = session.execute(
        select(Rater, Participant).join(Wave, Wave.id == Rater.wave_id)
        .join(Participant, Participant.id == Rater.participant_id)
        .where(Wave.cohort_id == cohort.id, Wave.kind == kind, Rater.submitted_at.is_(None),
               Rater.revoked_at.is_(None), Participant.withdrawn_at.is_(None))
        .order_by(Rater.id)).all()
    copied = []
    for rater, person in rows:
        if rater.email and not everyone:
            continue
        token = issue_rater_link(session, rater, now=now, ttl_days=ttl_days)
        if rater.invited_at is None:
            rater.invited_at = now
            rater.last_sent_at = now
        copied.append(CopiedLink(rater_id=rater.id, rater=rater.name, contact=rater.email or rater.phone or "",
                                 relation=rater.relation, participant=person.pseudonym,
                                 url=base_url.rstrip("/") + rater_link_path(token)))
    session.flush()
    return copied
