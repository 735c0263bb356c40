"""Instrument versions in the store: register definitions, read them back, keep them frozen.

A stored version is identified by the hash of its content. Once any answer
refers to a version it never changes: a file edited after data collection
started must carry a new ``version`` label, and both versions stay stored.
Before the first answer, an edited file simply replaces the stored definition
of its label (typo fixes during piloting).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import exists, func, select
from sqlalchemy.orm import Session

from lipassess.errors import Conflict
from lipassess.instruments import DEFAULT_MIN_SHARE, Instrument, bundled_instruments_dir, load_instruments
from lipassess.services import audit
from lipassess.store.database import MIN_SHARE_INFO
from lipassess.store.models import Answer, InstrumentVersion


def instruments_dir(config: Mapping[str, Any]) -> Path:
    """The configured instrument folder, or the bundled one."""
    configured = config.get("INSTRUMENTS_DIR")
    return Path(configured) if configured else bundled_instruments_dir()


def default_min_share(session: Session) -> float:
    """The share of a scale's items that must be answered for a score when the instrument declares none.

    ``LIPASSESS_MIN_SHARE_ANSWERED``, which the app puts into every session it
    creates (:data:`~lipassess.store.database.MIN_SHARE_INFO`); a session made
    without it (a notebook, a bare test) gets :data:`~lipassess.instruments.DEFAULT_MIN_SHARE`.
    Pass it to :mod:`lipassess.scoring` as ``default_min_share``.
    """
    return float(session.info.get(MIN_SHARE_INFO, DEFAULT_MIN_SHARE))


def has_answers(session: Session, version: InstrumentVersion) -> bool:
    return bool(session.scalar(select(exists().where(Answer.instrument_version_id == version.id))))


def ensure_registered(session: Session, instrument: Instrument, *, actor: str = "system") -> InstrumentVersion:
    """The stored version of ``instrument``, storing it first if new.

    Raises :class:`Conflict` when a different definition with the same id and
    version label already has answers.
    """
    stored = session.scalar(
        select(InstrumentVersion).where(InstrumentVersion.content_hash == instrument.content_hash)
    )
    if stored is not None:
        return stored
    same_label = session.scalar(
        select(InstrumentVersion).where(
            InstrumentVersion.instrument_key == instrument.id,
            InstrumentVersion.version == instrument.version,
        )
    )
    if same_label is not None:
        if has_answers(session, same_label):
            raise Conflict(
                f"instrument {instrument.id!r} version {instrument.version!r} already has answers and "
                "its file has changed; give the edited file a new 'version' label so both versions are kept"
            )
        same_label.definition = instrument.to_dict()
        same_label.content_hash = instrument.content_hash
        audit.record(session, actor=actor, action="instrument.replace_unused",
                     target=f"{instrument.id}@{instrument.version}", content_hash=instrument.content_hash)
        session.flush()
        return same_label
    version = InstrumentVersion(
        instrument_key=instrument.id,
        version=instrument.version,
        content_hash=instrument.content_hash,
        definition=instrument.to_dict(),
    )
    session.add(version)
    session.flush()
    audit.record(session, actor=actor, action="instrument.register",
                 target=f"{instrument.id}@{instrument.version}", content_hash=instrument.content_hash)
    return version


def register_all(session: Session, instruments: Iterable[Instrument], *, actor: str = "system"
                 ) -> list[InstrumentVersion]:
    return [ensure_registered(session, instrument, actor=actor) for instrument in instruments]


def register_directory(session: Session, directory: Path, *, actor: str = "system") -> list[InstrumentVersion]:
    """Validate every file of ``directory`` and store each definition (idempotent)."""
    return register_all(session, load_instruments(directory), actor=actor)


_VALIDATED: dict[str, Instrument] = {}


def instrument_of(version: InstrumentVersion) -> Instrument:
    """The validated :class:`Instrument` of a stored version.

    Validated once per content hash and process: a stored definition never
    changes under its hash, so the cache can never serve a stale instrument.
    """
    cached = _VALIDATED.get(version.content_hash)
    if cached is None:
        cached = Instrument.from_dict(
            version.definition, source=f"stored instrument {version.instrument_key}@{version.version}"
        )
        if cached.content_hash == version.content_hash:
            _VALIDATED[version.content_hash] = cached
    return cached


def instruments_by_version(session: Session, versions: Iterable[tuple[int, str]]) -> dict[int, Instrument]:
    """The validated instruments of stored versions given as ``(version id, content hash)`` pairs.

    Definitions already validated in this process (same content hash) are not
    read again; the others are read in one query. A version whose stored hash
    differs from the one asked (its unused definition was just replaced) is
    returned as it is stored now.
    """
    wanted = dict(versions)
    found: dict[int, Instrument] = {}
    missing = []
    for version_id, digest in wanted.items():
        cached = _VALIDATED.get(digest)
        if cached is None:
            missing.append(version_id)
        else:
            found[version_id] = cached
    if missing:
        for version in session.scalars(select(InstrumentVersion).where(InstrumentVersion.id.in_(missing))):
            found[version.id] = instrument_of(version)
    return found


def latest_version(session: Session, instrument_key: str) -> InstrumentVersion | None:
    """The most recently stored version of an instrument id."""
    return session.scalar(
        select(InstrumentVersion)
        .where(InstrumentVersion.instrument_key == instrument_key)
        .order_by(InstrumentVersion.created_at.desc(), InstrumentVersion.id.desc())
        .limit(1)
    )


@dataclass(frozen=True, slots=True, kw_only=True)
class StoredVersion:
    """One stored instrument version and how many answers refer to it."""

    instrument_key: str
    version: str
    content_hash: str
    answers: int


def stored_versions(session: Session) -> list[StoredVersion]:
    """Every stored instrument version with its answer count, by instrument id then version label."""
    rows = session.execute(
        select(InstrumentVersion.instrument_key, InstrumentVersion.version,
               InstrumentVersion.content_hash, func.count(Answer.id))
        .outerjoin(Answer, Answer.instrument_version_id == InstrumentVersion.id)
        .group_by(InstrumentVersion.id)
        .order_by(InstrumentVersion.instrument_key, InstrumentVersion.version)
    ).all()
    return [StoredVersion(instrument_key=key, version=version, content_hash=content_hash, answers=int(answers))
            for key, version, content_hash, answers in rows]
