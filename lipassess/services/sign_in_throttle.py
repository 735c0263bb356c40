"""Sign-in throttling: too many failed passwords lock the account, or the client address, for a while.

Failures are counted in the store (table ``sign_in_throttle``), so the limit
holds across gunicorn workers and hosts. An account is counted by the
username typed, whether or not it exists, so a lock tells nothing about which
usernames exist. A lock refuses even the right password until it ends; a
successful sign-in clears its account's count (never its address's, or one
valid account would let an address guess others' passwords without end).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from lipassess.store.models import SignInThrottle

ACCOUNT = "account"
ADDRESS = "address"
_KEY_LENGTH = 255


@dataclass(frozen=True, slots=True, kw_only=True)
class ThrottlePolicy:
    """``max_failures`` per account and ``max_failures_per_address`` within ``lock``, then a ``lock``."""

    max_failures: int
    max_failures_per_address: int
    lock: timedelta


@dataclass(frozen=True, slots=True, kw_only=True)
class Lock:
    """A lock now in force: what is locked (``account`` or ``address``), which one, and until when."""

    scope: str
    key: str
    until: datetime


def _keys(username: str, address: str) -> list[tuple[str, str]]:
    return [(ACCOUNT, username.strip().lower()[:_KEY_LENGTH]), (ADDRESS, (address or "unknown")[:_KEY_LENGTH])]


def current_lock(session: Session, *, username: str, address: str, now: datetime) -> Lock | None:
    """The lock (account first, then address) that refuses this sign-in now, if any."""
    for scope, key in _keys(username, address):
        until = session.scalar(select(SignInThrottle.locked_until)
                               .where(SignInThrottle.scope == scope, SignInThrottle.key == key))
        if until is not None and until > now:
            return Lock(scope=scope, key=key, until=until)
    return None


def _row(session: Session, scope: str, key: str, now: datetime) -> SignInThrottle:
    """The counter row, created if missing; safe when two workers create it at once."""
    values: dict[str, Any] = {"scope": scope, "key": key, "failures": 0, "window_started_at": now}
    bind = session.get_bind()
    dialect = postgresql if bind.dialect.name == "postgresql" else sqlite
    session.execute(dialect.insert(SignInThrottle).values(**values)
                    .on_conflict_do_nothing(index_elements=["scope", "key"]))
    row = session.scalar(select(SignInThrottle).where(SignInThrottle.scope == scope, SignInThrottle.key == key)
                         .with_for_update().execution_options(populate_existing=True))
    if row is None:  # the insert above guarantees it
        raise RuntimeError(f"sign-in throttle row {scope}/{key} vanished")
    return row


def record_failure(session: Session, *, username: str, address: str, policy: ThrottlePolicy,
                   now: datetime) -> list[Lock]:
    """Count one failed sign-in against the account and the address; returns the locks it starts."""
    started: list[Lock] = []
    limits = {ACCOUNT: policy.max_failures, ADDRESS: policy.max_failures_per_address}
    for scope, key in _keys(username, address):
        row = _row(session, scope, key, now)
        if now >= row.window_started_at + policy.lock:
            row.failures, row.window_started_at = 0, now
        row.failures += 1
        if row.failures >= limits[scope]:
            row.locked_until = now + policy.lock
            row.failures, row.window_started_at = 0, now
            started.append(Lock(scope=scope, key=key, until=row.locked_until))
    session.flush()
    return started


def record_success(session: Session, *, username: str) -> None:
    """A right password: forget the account's failures."""
    scope, key = _keys(username, "")[0]
    row = session.scalar(select(SignInThrottle).where(SignInThrottle.scope == scope, SignInThrottle.key == key))
    if row is not None:
        session.delete(row)
        session.flush()
