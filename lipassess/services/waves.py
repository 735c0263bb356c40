"""Survey waves of a cohort: plan them from the Moodle course dates, adjust them, list them.

A cohort has three waves, each presenting instrument versions in order:

=========  ==========================================  ============================================
kind       opens / closes (defaults)                   instruments
=========  ==========================================  ============================================
pre        course start - 14 days / start + 7 days     lip-leadership-behaviour
post       course end / end + 21 days                  lip-leadership-behaviour,
                                                       lip-leadership-behaviour-retro (the
                                                       retrospective pretest), lip-reaction
followup   end + FOLLOWUP_OFFSET_DAYS (182) / opens +  lip-leadership-behaviour,
           FOLLOWUP_WINDOW_DAYS (42)                   lip-followup-application
=========  ==========================================  ============================================

Why these defaults: the pre wave opens two weeks before the first session, so
an invitation and two weekly reminders (``REMINDERS``, ``REMINDER_SPACING_DAYS``)
fit before the course starts, and closes a week into the course for late
enrolments. The post wave opens on the course's last day (Moodle's end date)
and leaves three weeks for the same invitation and reminders. The follow-up
offset and window are configuration.

Course dates are midnight in Cambodia (Moodle stores them so); every date
here is an aware UTC datetime. Staff dates given as calendar days are read in
Asia/Phnom_Penh (UTC+7 all year): an opening day opens at 00:00 that day, a
closing day closes at the end of that day.

:func:`plan_waves` is idempotent: it creates the waves that are missing and
never changes an existing wave's dates (staff may have adjusted them; use
:func:`set_wave_dates` to follow new course dates). A wave's instrument list is
filled once, from the instrument files, and never changed afterwards, since
responses refer to those versions.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Mapping, Sequence
from datetime import UTC, date, datetime, time, timedelta, timezone
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from lipassess.errors import InvalidInput, NotFound
from lipassess.instruments import Instrument, load_instruments
from lipassess.services import audit
from lipassess.services.instruments import ensure_registered
from lipassess.store.models import Cohort, InstrumentVersion, Wave, WaveInstrument, WaveKind

LOCAL_TZ = timezone(timedelta(hours=7), "Asia/Phnom_Penh")
"""The program's time zone (Cambodia: UTC+7, no daylight saving)."""

PRE_OPENS_BEFORE_START = timedelta(days=14)
PRE_CLOSES_AFTER_START = timedelta(days=7)
POST_CLOSES_AFTER_END = timedelta(days=21)

PLANNED_KINDS: tuple[WaveKind, ...] = (WaveKind.PRE, WaveKind.POST, WaveKind.FOLLOWUP)

WAVE_INSTRUMENTS: Mapping[WaveKind, tuple[str, ...]] = {
    WaveKind.PRE: ("lip-leadership-behaviour",),
    WaveKind.POST: ("lip-leadership-behaviour", "lip-leadership-behaviour-retro", "lip-reaction"),
    WaveKind.FOLLOWUP: ("lip-leadership-behaviour", "lip-followup-application"),
    WaveKind.NEEDS: ("lip-needs-assessment",),
}
"""The instrument ids each wave presents, in order."""

NEEDS_INSTRUMENT = "lip-needs-assessment"
"""The training-needs assessment: its own ``needs`` wave, or added to the pre wave (``needs_in_pre``)."""

SETTABLE_KINDS: tuple[WaveKind, ...] = (WaveKind.NEEDS, *PLANNED_KINDS)
"""The kinds ``waves set`` accepts: the planned ones, and the needs assessment, which has no course date
to plan from (it comes before a cohort is designed) and is created with both dates given."""


@dataclasses.dataclass(frozen=True, slots=True, kw_only=True)
class WaveInfo:
    """One wave as planned or stored.

    ``status`` is ``created``, ``kept`` (it existed), ``updated``, ``skipped``
    (not planned: ``reason`` says why) or ``stored`` (listing).
    """

    kind: str
    status: str
    opens_at: datetime | None = None
    closes_at: datetime | None = None
    opened_at: datetime | None = None
    instruments: tuple[str, ...] = ()
    reason: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe: ISO 8601 datetimes."""
        return {
            "kind": self.kind,
            "status": self.status,
            "opens_at": _iso(self.opens_at),
            "closes_at": _iso(self.closes_at),
            "opened_at": _iso(self.opened_at),
            "instruments": list(self.instruments),
            "reason": self.reason,
        }

    def summary(self) -> str:
        """One line: kind, status, window in Cambodian time, instruments."""
        if self.reason:
            return f"{self.kind:<9} {self.status:<8} {self.reason}"
        window = f"{local_text(self.opens_at)} -> {local_text(self.closes_at)}{last_day_text(self.closes_at)}"
        opened = f" (opened {local_text(self.opened_at)})" if self.opened_at else ""
        return f"{self.kind:<9} {self.status:<8} {window}{opened}  {', '.join(self.instruments)}"


@dataclasses.dataclass(frozen=True, slots=True, kw_only=True)
class WavePlan:
    """The waves of one cohort after planning (or listing)."""

    cohort: str
    moodle_course_id: int
    waves: tuple[WaveInfo, ...]

    def to_dict(self) -> dict[str, Any]:
        return {"cohort": self.cohort, "moodle_course_id": self.moodle_course_id,
                "waves": [w.to_dict() for w in self.waves]}

    def summary(self) -> str:
        """A header line and one line per wave (dates in Asia/Phnom_Penh)."""
        lines = [f"cohort {self.cohort} (Moodle course {self.moodle_course_id}), times in Asia/Phnom_Penh:"]
        lines += ["  " + wave.summary() for wave in self.waves]
        return "\n".join(lines)


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def local_text(value: datetime | None) -> str:
    """``2024-10-31 00:00`` in Cambodian time, or ``-``."""
    return value.astimezone(LOCAL_TZ).strftime("%Y-%m-%d %H:%M") if value else "-"


def last_day_text(closes_at: datetime | None) -> str:
    """`` (last day 2024-11-30)`` when a wave closes at midnight in Cambodia, else nothing.

    ``--closes 2024-11-30`` is stored as the exclusive end 2024-12-01 00:00;
    people gave, and think in, the last day the wave is open.
    """
    if closes_at is None:
        return ""
    local = closes_at.astimezone(LOCAL_TZ)
    if local.time() != time(0):
        return ""
    return f" (last day {(local.date() - timedelta(days=1)).isoformat()})"


# --------------------------------------------------------------------------- dates


def default_window(
    cohort: Cohort, kind: WaveKind, *, followup_offset_days: int, followup_window_days: int
) -> tuple[datetime, datetime] | str:
    """``(opens_at, closes_at)`` for a wave from the course dates, or why it cannot be planned."""
    if kind is WaveKind.PRE:
        if cohort.start_at is None:
            return "the Moodle course has no start date: set it in Moodle and sync, or use 'waves set'"
        return cohort.start_at - PRE_OPENS_BEFORE_START, cohort.start_at + PRE_CLOSES_AFTER_START
    if cohort.end_at is None:
        return "the Moodle course has no end date: set it in Moodle and sync, or use 'waves set'"
    if kind is WaveKind.POST:
        return cohort.end_at, cohort.end_at + POST_CLOSES_AFTER_END
    if kind is WaveKind.FOLLOWUP:
        if followup_offset_days < 0 or followup_window_days < 1:
            raise InvalidInput(
                "FOLLOWUP_OFFSET_DAYS must be 0 or more and FOLLOWUP_WINDOW_DAYS at least 1; fix the configuration"
            )
        opens = cohort.end_at + timedelta(days=followup_offset_days)
        return opens, opens + timedelta(days=followup_window_days)
    names = ", ".join(k.value for k in PLANNED_KINDS)
    raise InvalidInput(f"wave kind {kind.value!r} is not planned; use one of {names}")


_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")

EARLIEST_DAY = date(2000, 1, 1)
LATEST_DAY = date(2200, 12, 31)
"""The days staff may give (``waves set``, ``dispatch --as-of``): far wider than any program, and narrow
enough that a wave's end, a link's expiry or a reminder's day computed from them is a date Python can
hold (``9999-12-31`` closes at the start of a day after the last one there is)."""


def check_day(day: date, text: str, *, what: str = "date") -> None:
    """Refuse a day outside :data:`EARLIEST_DAY` .. :data:`LATEST_DAY`, saying the accepted range.

    Raises
    ------
    InvalidInput
        ``day`` is before 2000-01-01 or after 2200-12-31.
    """
    if not EARLIEST_DAY <= day <= LATEST_DAY:
        raise InvalidInput(f"{what} {text!r} is out of range: give a day from {EARLIEST_DAY.isoformat()} "
                           f"to {LATEST_DAY.isoformat()}")


def parse_when(text: str, *, end_of_day: bool = False, what: str = "date") -> datetime:
    """A staff-given day or time as an aware UTC datetime.

    ``YYYY-MM-DD`` is a day in Asia/Phnom_Penh: its start, or with
    ``end_of_day`` the start of the next day. An ISO datetime without a zone is
    Cambodian time; with a zone, as given.

    Raises
    ------
    InvalidInput
        Not a date or ISO datetime, or a day outside :data:`EARLIEST_DAY` .. :data:`LATEST_DAY`.
    """
    value = (text or "").strip()
    given: datetime | None = None  # an ISO time; None for a day
    try:
        if _DATE.match(value):
            day = date.fromisoformat(value)
        else:
            given = datetime.fromisoformat(value)
            day = given.date()
    except ValueError:
        raise InvalidInput(
            f"{what} {text!r} is not a date: use YYYY-MM-DD (a day in Cambodia) or an ISO time "
            "such as 2025-05-01T08:00"
        ) from None
    check_day(day, text, what=what)
    if given is None:
        moment = datetime.combine(day + timedelta(days=1) if end_of_day else day, time(0), LOCAL_TZ)
    else:
        moment = given if given.tzinfo is not None else given.replace(tzinfo=LOCAL_TZ)
    return moment.astimezone(UTC)


def parse_kind(text: str) -> WaveKind:
    """A wave kind staff may set (:data:`SETTABLE_KINDS`) from its name."""
    try:
        kind = WaveKind(text)
    except ValueError:
        kind = None
    if kind not in SETTABLE_KINDS:
        raise InvalidInput(f"wave kind {text!r} is not known; use one of {', '.join(k.value for k in SETTABLE_KINDS)}")
    return kind


# --------------------------------------------------------------------------- instruments


def _version_key(label: str) -> tuple[tuple[int, Any], ...]:
    return tuple((0, int(part)) if part.isdigit() else (1, part) for part in re.split(r"[.\-_]", label))


def wave_instruments(
    session: Session, instruments_directory: Path, kind: WaveKind, *, extra: Sequence[str] = ()
) -> list[InstrumentVersion]:
    """The stored versions (registered now if new) of the instruments ``kind`` presents, then ``extra`` ones.

    The newest version label of each instrument id in the directory is used.

    Raises
    ------
    NotFound
        An instrument the wave needs is not in the directory.
    """
    available: dict[str, Instrument] = {}
    for instrument in load_instruments(instruments_directory):
        current = available.get(instrument.id)
        if current is None or _version_key(instrument.version) > _version_key(current.version):
            available[instrument.id] = instrument
    versions = []
    for key in (*WAVE_INSTRUMENTS[kind], *extra):
        if key not in available:
            raise NotFound(
                f"the {kind.value} wave presents instrument {key!r}, which is not in {instruments_directory}; "
                "add its file or set LIPASSESS_INSTRUMENTS_DIR to the folder that has it"
            )
        versions.append(ensure_registered(session, available[key]))
    return versions


def _attach(wave: Wave, versions: Sequence[InstrumentVersion]) -> None:
    for position, version in enumerate(versions):
        wave.instruments.append(WaveInstrument(instrument_version=version, position=position))


def _info(wave: Wave, status: str) -> WaveInfo:
    return WaveInfo(
        kind=wave.kind.value,
        status=status,
        opens_at=wave.opens_at,
        closes_at=wave.closes_at,
        opened_at=wave.opened_at,
        instruments=tuple(
            f"{wi.instrument_version.instrument_key}@{wi.instrument_version.version}" for wi in wave.instruments
        ),
    )


def _waves_of(session: Session, cohort: Cohort) -> dict[WaveKind, Wave]:
    return {w.kind: w for w in session.scalars(select(Wave).where(Wave.cohort_id == cohort.id))}


# --------------------------------------------------------------------------- use cases


def plan_waves(
    session: Session,
    cohort: Cohort,
    *,
    instruments_directory: Path,
    followup_offset_days: int,
    followup_window_days: int,
    needs_in_pre: bool = False,
    actor: str = "cli",
) -> WavePlan:
    """Create the cohort's missing pre, post and follow-up waves from its course dates (flushes).

    Existing waves are kept as they are (``kept``); a wave whose course date
    is unknown is ``skipped`` with the reason. ``needs_in_pre`` adds the
    training-needs assessment after the behaviour survey of a pre wave created
    now (an existing wave's instruments never change).
    """
    existing = _waves_of(session, cohort)
    infos = []
    for kind in PLANNED_KINDS:
        extra = (NEEDS_INSTRUMENT,) if needs_in_pre and kind is WaveKind.PRE else ()
        wave = existing.get(kind)
        if wave is not None:
            if not wave.instruments:
                _attach(wave, wave_instruments(session, instruments_directory, kind, extra=extra))
                session.flush()
            infos.append(_info(wave, "kept"))
            continue
        window = default_window(cohort, kind, followup_offset_days=followup_offset_days,
                                followup_window_days=followup_window_days)
        if isinstance(window, str):
            infos.append(WaveInfo(kind=kind.value, status="skipped", reason=window))
            continue
        wave = Wave(cohort_id=cohort.id, kind=kind, opens_at=window[0], closes_at=window[1])
        session.add(wave)
        _attach(wave, wave_instruments(session, instruments_directory, kind, extra=extra))
        session.flush()
        audit.record(session, actor=actor, action="wave.plan", target=f"{cohort.shortname}/{kind.value}",
                     opens_at=_iso(wave.opens_at), closes_at=_iso(wave.closes_at))
        infos.append(_info(wave, "created"))
    return WavePlan(cohort=cohort.shortname, moodle_course_id=cohort.moodle_course_id, waves=tuple(infos))


def set_wave_dates(
    session: Session,
    cohort: Cohort,
    kind: WaveKind,
    *,
    opens_at: datetime | None = None,
    closes_at: datetime | None = None,
    instruments_directory: Path,
    actor: str = "cli",
) -> WaveInfo:
    """Change a wave's opening and/or closing time (creating the wave if it is missing).

    Raises
    ------
    InvalidInput
        Neither date given, or the wave would close at or before it opens.
    """
    if opens_at is None and closes_at is None:
        raise InvalidInput("give --opens, --closes or both")
    wave = _waves_of(session, cohort).get(kind)
    created = wave is None
    new_opens, new_closes = opens_at, closes_at
    before: dict[str, str | None] | None = None
    if wave is not None:
        new_opens = opens_at if opens_at is not None else wave.opens_at
        new_closes = closes_at if closes_at is not None else wave.closes_at
        before = {"opens_at": _iso(wave.opens_at), "closes_at": _iso(wave.closes_at)}
    if new_opens is None or new_closes is None:
        raise InvalidInput(
            f"cohort {cohort.shortname} has no {kind.value} wave yet: give both --opens and --closes"
        )
    if new_closes <= new_opens:
        raise InvalidInput(
            f"the {kind.value} wave would close ({local_text(new_closes)}) at or before it opens "
            f"({local_text(new_opens)}); give a closing date after the opening date"
        )
    if wave is None:
        wave = Wave(cohort_id=cohort.id, kind=kind)
        session.add(wave)
        _attach(wave, wave_instruments(session, instruments_directory, kind))
    wave.opens_at, wave.closes_at = new_opens, new_closes
    session.flush()
    audit.record(session, actor=actor, action="wave.set", target=f"{cohort.shortname}/{kind.value}",
                 before=before, opens_at=_iso(new_opens), closes_at=_iso(new_closes))
    return _info(wave, "created" if created else "updated")


def list_waves(session: Session, cohort: Cohort) -> WavePlan:
    """The cohort's stored waves in wave order."""
    waves = _waves_of(session, cohort)
    order = {kind: i for i, kind in enumerate(WaveKind)}
    infos = tuple(_info(waves[k], "stored") for k in sorted(waves, key=order.__getitem__))
    return WavePlan(cohort=cohort.shortname, moodle_course_id=cohort.moodle_course_id, waves=infos)
