"""Staff accounts: create, authenticate, change password, role or activation, issue API tokens.

A password, role or activation change ends every session of the account
(:mod:`lipassess.services.staff_sessions`).
"""

from __future__ import annotations

import hashlib
import re
import secrets
from datetime import datetime, timedelta
from functools import cache

from sqlalchemy import select
from sqlalchemy.orm import Session
from werkzeug.security import check_password_hash, generate_password_hash

from lipassess.errors import Conflict, InvalidInput, NotFound
from lipassess.services import audit
from lipassess.services.staff_sessions import revoke_staff_user_sessions
from lipassess.store.models import StaffRole, StaffUser
from lipassess.store.types import utcnow

MIN_PASSWORD_LENGTH = 12
USERNAME_PATTERN = re.compile(r"^[A-Za-z0-9_.@-]{2,100}$")
PASSWORD_METHOD = "scrypt"  # werkzeug's scrypt KDF, salted
DEFAULT_TOKEN_LIFETIME = timedelta(days=90)
TOKEN_TOUCH_INTERVAL = timedelta(minutes=1)
"""A token used again within this long of its recorded last use does not write ``last_used_at`` again."""


@cache
def _dummy_hash() -> str:
    """A hash made like every real one, checked when there is no real one, so both paths cost one check."""
    return generate_password_hash(secrets.token_urlsafe(16), method=PASSWORD_METHOD)


def hash_token(token: str) -> str:
    """SHA-256 hex of a random bearer token (tokens are high-entropy, so no KDF is needed)."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def parse_role(value: str) -> StaffRole:
    try:
        return StaffRole(value)
    except ValueError:
        choices = ", ".join(r.value for r in StaffRole)
        raise InvalidInput(f"unknown role {value!r}; choose one of {choices}") from None


def _check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise InvalidInput(f"password must have at least {MIN_PASSWORD_LENGTH} characters")


def add_staff_user(session: Session, *, username: str, role: str, password: str | None,
                   display_name: str | None = None, actor: str = "cli") -> StaffUser:
    """Create a staff account with a hashed password; refuse duplicates and weak passwords."""
    if not USERNAME_PATTERN.match(username):
        raise InvalidInput("username must be 2-100 letters, digits or . _ @ -")
    staff_role = parse_role(role)
    if password is not None:
        _check_password(password)
    if session.scalar(select(StaffUser.id).where(StaffUser.username == username)) is not None:
        raise Conflict(f"staff user {username!r} already exists; choose another username")
    user = StaffUser(
        username=username,
        role=staff_role,
        display_name=display_name,
        password_hash=generate_password_hash(password, method=PASSWORD_METHOD) if password else None,
    )
    session.add(user)
    session.flush()
    audit.record(session, actor=actor, action="staff.add", target=username, role=staff_role.value)
    return user


def authenticate(session: Session, username: str, password: str) -> StaffUser | None:
    """The active user whose password matches, else None.

    Exactly one password check runs either way (against a dummy hash when the
    user is unknown, inactive or has no password), so the time taken does not
    tell which usernames exist.
    """
    user = session.scalar(select(StaffUser).where(StaffUser.username == username))
    if user is None or not user.active or not user.password_hash:
        check_password_hash(_dummy_hash(), password)
        return None
    return user if check_password_hash(user.password_hash, password) else None


def active_user(session: Session, user_id: object) -> StaffUser | None:
    """The staff user with id ``user_id`` while the account is active, else None."""
    user = session.get(StaffUser, user_id) if isinstance(user_id, int) else None
    return user if user is not None and user.active else None


def find_staff_user(session: Session, username: str) -> StaffUser:
    """The staff account named ``username``; :class:`NotFound` when there is none."""
    user = session.scalar(select(StaffUser).where(StaffUser.username == username))
    if user is None:
        raise NotFound(f"no staff user {username!r}; list the accounts or check the spelling")
    return user


def set_password(session: Session, user: StaffUser, password: str, *, actor: str = "cli",
                 now: datetime | None = None) -> None:
    """Change ``user``'s password and end every session of the account."""
    _check_password(password)
    user.password_hash = generate_password_hash(password, method=PASSWORD_METHOD)
    revoke_staff_user_sessions(session, user.id, now=now or utcnow())
    audit.record(session, actor=actor, action="staff.password", target=user.username)
    session.flush()


def set_role(session: Session, user: StaffUser, role: str, *, actor: str = "cli",
             now: datetime | None = None) -> None:
    """Give ``user`` another role and end every session of the account (the next sign-in gets the new role)."""
    staff_role = parse_role(role)
    if staff_role is user.role:
        return
    user.role = staff_role
    revoke_staff_user_sessions(session, user.id, now=now or utcnow())
    audit.record(session, actor=actor, action="staff.role", target=user.username, role=staff_role.value)
    session.flush()


def set_active(session: Session, user: StaffUser, active: bool, *, actor: str = "cli",
               now: datetime | None = None) -> None:
    """Activate or deactivate ``user``; either way every session of the account ends."""
    user.active = active
    revoke_staff_user_sessions(session, user.id, now=now or utcnow())
    audit.record(session, actor=actor, action="staff.activate" if active else "staff.deactivate",
                 target=user.username)
    session.flush()


def issue_api_token(session: Session, user: StaffUser, *, actor: str = "cli",
                    lifetime: timedelta = DEFAULT_TOKEN_LIFETIME, now: datetime | None = None) -> str:
    """Create a new API token for ``user`` (replacing any old one), valid for ``lifetime``; only its hash is stored."""
    token = secrets.token_urlsafe(32)
    user.api_token_hash = hash_token(token)
    user.api_token_expires_at = (now or utcnow()) + lifetime
    user.api_token_last_used_at = None
    audit.record(session, actor=actor, action="staff.api_token", target=user.username,
                 expires_at=user.api_token_expires_at.isoformat())
    session.flush()
    return token


def user_for_token(session: Session, token: str, *, now: datetime | None = None) -> StaffUser | None:
    """The active user of an unexpired API token, its use recorded in ``api_token_last_used_at``; else None."""
    now = now or utcnow()
    user = session.scalar(select(StaffUser).where(StaffUser.api_token_hash == hash_token(token)))
    if user is None or not user.active:
        return None
    if user.api_token_expires_at is None or now >= user.api_token_expires_at:
        return None
    last = user.api_token_last_used_at
    if last is None or now - last >= TOKEN_TOUCH_INTERVAL:
        user.api_token_last_used_at = now
        session.flush()
    return user
