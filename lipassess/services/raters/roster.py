"""Who rates whom: raters imported by staff from a CSV file, or nominated by the participant.

Every row is checked before anything is stored: one bad row refuses the whole
file (:class:`~lipassess.errors.InvalidInput` listing every bad line), so an
import never stores part of a file. Importing the same file again adds nothing
(a rater is one per participant, wave and contact).
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from lipassess.errors import InvalidInput, NotFound
from lipassess.services import audit
from lipassess.services.cohort_data import STUDENT_ROLE
from lipassess.store.models import Cohort, Enrolment, EnrolmentStatus, Participant, Wave, WaveKind
from lipassess.store.rater_models import RELATIONS, Rater
from lipassess.vocabulary import LANGUAGES

__all__ = ["CSV_COLUMNS", "ImportReport", "RaterEntry", "import_raters", "nominate_raters", "parse_entry"]

#: Columns of the import file; ``email`` or ``phone`` (or both) must be given on every row.
CSV_COLUMNS = ("participant", "name", "email", "phone", "relation", "language")
REQUIRED_COLUMNS = ("participant", "name", "relation")
MAX_ROWS = 20_000

#: No whitespace, quotes, separators or control characters (C0, DEL, C1) before the @; a DNS name after it.
_EMAIL = re.compile(r"^[^@\s<>\"',;\x00-\x1f\x7f-\x9f]{1,64}@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+$")
_PHONE = re.compile(r"^\+?[0-9][0-9 ().-]{5,24}$")
_RELATION_WORDS = {"direct report": "direct_report", "direct-report": "direct_report",
                   "report": "direct_report", "colleague": "peer", "manager": "supervisor"}


@dataclass(frozen=True, slots=True)
class RaterEntry:
    """One checked rater: name, contact, relation and language."""

    name: str
    email: str | None
    phone: str | None
    relation: str
    language: str | None

    @property
    def contact(self) -> str:
        """The e-mail address in lower case, else the phone number's digits (one rater per contact)."""
        if self.email:
            return self.email.lower()
        return re.sub(r"[^0-9+]", "", self.phone or "")


@dataclass(frozen=True, slots=True)
class ImportReport:
    """What an import or nomination stored."""

    cohort: str
    wave: str
    created: int
    unchanged: int
    raters: tuple[int, ...] = field(default=())

    def summary(self) -> str:
        return (f"cohort {self.cohort}, wave {self.wave}: {self.created} rater(s) added, "
                f"{self.unchanged} already present")

    def to_dict(self) -> dict[str, object]:
        return {"cohort": self.cohort, "wave": self.wave, "created": self.created,
                "unchanged": self.unchanged}


def parse_entry(values: Mapping[str, str | None]) -> tuple[RaterEntry | None, list[str]]:
    """Check one rater's fields; the entry, or None and the problems (each says what to write)."""
    problems: list[str] = []
    name = (values.get("name") or "").strip()
    email = (values.get("email") or "").strip() or None
    phone = (values.get("phone") or "").strip() or None
    raw_relation = (values.get("relation") or "").strip().lower().replace("_", " ")
    relation = _RELATION_WORDS.get(raw_relation, raw_relation.replace(" ", "_"))
    language = (values.get("language") or "").strip().lower() or None
    if not name:
        problems.append("the rater's name is empty")
    elif len(name) > 255 or any(unicodedata.category(c) == "Cc" for c in name):  # C0, DEL and C1
        problems.append("the rater's name is longer than 255 characters or holds control characters")
    if email is None and phone is None:
        problems.append("give the rater's e-mail address or phone number")
    if email is not None and (len(email) > 320 or not _EMAIL.match(email)):
        problems.append(f"{email!r} is not an e-mail address")
    if phone is not None and (not _PHONE.match(phone) or len(re.sub(r"[^0-9]", "", phone)) < 6):
        problems.append(f"{phone!r} is not a phone number (digits, spaces, + - . ( ) only)")
    if relation not in RELATIONS:
        problems.append(f"relation {raw_relation or '(empty)'!r} is unknown; use one of {', '.join(RELATIONS)}")
    if language is not None and language not in LANGUAGES:
        problems.append(f"language {language!r} is unknown; use one of {', '.join(LANGUAGES)} or leave it empty")
    if problems:
        return None, problems
    return RaterEntry(name=name, email=email, phone=phone, relation=relation, language=language), []


def _wave(session: Session, cohort: Cohort, kind: WaveKind) -> Wave:
    wave = session.scalar(select(Wave).where(Wave.cohort_id == cohort.id, Wave.kind == kind))
    if wave is None:
        raise NotFound(f"cohort {cohort.shortname} has no {kind.value} wave; run "
                       f"'lipassess waves plan --cohort {cohort.id}' first")
    return wave


def _participant_index(session: Session, cohort: Cohort) -> dict[str, list[Participant]]:
    """The cohort's students who may be rated, under every name a CSV may use for them."""
    people = session.scalars(
        select(Participant).join(Enrolment, Enrolment.participant_id == Participant.id)
        .where(Enrolment.cohort_id == cohort.id, Enrolment.role == STUDENT_ROLE,
               Enrolment.status != EnrolmentStatus.UNENROLLED, Participant.withdrawn_at.is_(None))
    ).all()
    index: dict[str, list[Participant]] = {}
    for person in people:
        keys = {person.pseudonym, person.username, person.email, person.idnumber, str(person.moodle_user_id)}
        for key in keys:
            if key:
                index.setdefault(key.strip().casefold(), []).append(person)
    return index


def _existing(session: Session, participant_ids: Iterable[int], wave_id: int) -> set[tuple[int, str]]:
    ids = list(set(participant_ids))
    if not ids:
        return set()
    rows = session.execute(select(Rater.participant_id, Rater.contact)
                           .where(Rater.wave_id == wave_id, Rater.participant_id.in_(ids))).all()
    return {(r[0], r[1]) for r in rows}


def _store(session: Session, wave: Wave, pairs: Sequence[tuple[Participant, RaterEntry]], *,
           source: str, now: datetime) -> tuple[list[Rater], int]:
    existing = _existing(session, (p.id for p, _ in pairs), wave.id)
    created: list[Rater] = []
    unchanged = 0
    for person, entry in pairs:
        if (person.id, entry.contact) in existing:
            unchanged += 1
            continue
        existing.add((person.id, entry.contact))
        rater = Rater(participant_id=person.id, wave_id=wave.id, name=entry.name, email=entry.email,
                      phone=entry.phone, contact=entry.contact, relation=entry.relation, source=source,
                      language=entry.language or person.language or "km", reminders_sent=0,
                      created_at=now, updated_at=now)
        session.add(rater)
        created.append(rater)
    session.flush()
    return created, unchanged


def import_raters(session: Session, cohort: Cohort, kind: WaveKind, text: str, *, now: datetime,
                  actor: str = "cli") -> ImportReport:
    """Add the raters of a CSV file (``CSV_COLUMNS``; UTF-8, a header row) to a cohort's wave.

    ``participant`` names a student of the cohort by pseudonym, Moodle username,
    e-mail address, Moodle id number or Moodle user id.

    Raises
    ------
    InvalidInput
        A missing column, or any bad row (every bad line is named); nothing is stored.
    NotFound
        The cohort has no wave of that kind.
    """
    wave = _wave(session, cohort, kind)
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    header = [h.strip().lower() for h in (reader.fieldnames or [])]
    missing = [c for c in REQUIRED_COLUMNS if c not in header]
    if missing or not ({"email", "phone"} & set(header)):
        need = missing + ([] if {"email", "phone"} & set(header) else ["email or phone"])
        raise InvalidInput(f"the file lacks the column(s) {', '.join(need)}; its first line must name the "
                           f"columns {', '.join(CSV_COLUMNS)} (email or phone may be left out)")
    reader.fieldnames = header
    index = _participant_index(session, cohort)
    pairs: list[tuple[Participant, RaterEntry]] = []
    problems: list[str] = []
    seen: dict[tuple[int, str], int] = {}
    for line, row in enumerate(reader, start=2):
        if line > MAX_ROWS + 1:
            raise InvalidInput(f"the file has more than {MAX_ROWS} rows; split it into smaller files")
        if None in row:
            problems.append(f"line {line}: more fields than the header has columns")
            continue
        entry, row_problems = parse_entry(row)
        key = (row.get("participant") or "").strip()
        matches = index.get(key.casefold(), []) if key else []
        if not key:
            row_problems.insert(0, "the participant is empty")
        elif not matches:
            row_problems.insert(0, f"no student {key!r} in cohort {cohort.shortname}")
        elif len({p.id for p in matches}) > 1:
            row_problems.insert(0, f"{key!r} names more than one student; use their pseudonym")
        if entry is not None and not row_problems:
            person = matches[0]
            first = seen.setdefault((person.id, entry.contact), line)
            if first != line:
                row_problems.append(f"the same rater as on line {first}")
            else:
                pairs.append((person, entry))
        problems += [f"line {line}: {p}" for p in row_problems]
    if problems:
        raise InvalidInput(f"{len(problems)} problem(s), nothing imported: " + "; ".join(problems[:20])
                           + ("; ..." if len(problems) > 20 else ""), errors={"problems": problems})
    if not pairs:
        raise InvalidInput("the file has no rater rows; add one row per rater under the header line")
    created, unchanged = _store(session, wave, pairs, source="import", now=now)
    audit.record(session, actor=actor, action="raters.import", target=f"wave:{wave.id}",
                 created=len(created), unchanged=unchanged)
    return ImportReport(cohort=cohort.shortname, wave=kind.value, created=len(created), unchanged=unchanged,
                        raters=tuple(r.id for r in created))


def nominate_raters(session: Session, *, participant: Participant, wave: Wave,
                    entries: Sequence[Mapping[str, str | None]], now: datetime,
                    max_raters: int = 10) -> ImportReport:
    """Raters the participant names on their receipt page (at most ``max_raters`` per wave).

    Raises InvalidInput naming every bad entry (``errors`` maps the entry's
    position to its problems); nothing is stored then.
    """
    checked: list[tuple[Participant, RaterEntry]] = []
    errors: dict[str, list[str]] = {}
    for position, values in enumerate(entries):
        if not any((values.get(k) or "").strip() for k in ("name", "email", "phone")):
            continue  # an empty row of the form
        entry, problems = parse_entry(values)
        if entry is None:
            errors[str(position)] = problems
        else:
            checked.append((participant, entry))
    if errors:
        raise InvalidInput("some raters could not be added; correct the marked rows and send again",
                           errors=errors)
    if not checked:
        raise InvalidInput("fill in at least one rater's name, e-mail or phone, and relation")
    already = session.scalar(select(func.count(Rater.id)).where(
        Rater.participant_id == participant.id, Rater.wave_id == wave.id)) or 0
    if already + len(checked) > max_raters:
        raise InvalidInput(f"at most {max_raters} raters per survey; you have named {already} already")
    created, unchanged = _store(session, wave, checked, source="nomination", now=now)
    audit.record(session, actor=f"participant:{participant.pseudonym}", action="raters.nominate",
                 target=f"wave:{wave.id}", created=len(created))
    return ImportReport(cohort=str(wave.cohort_id), wave=wave.kind.value, created=len(created),
                        unchanged=unchanged, raters=tuple(r.id for r in created))
