"""Staff accounts: create, authenticate, issue API tokens."""

from __future__ import annotations

import hashlib
import re
import secrets

from sqlalchemy import select
from sqlalchemy.orm import Session
from werkzeug.security import check_password_hash, generate_password_hash

from lipassess.errors import Conflict, InvalidInput
from lipassess.services import audit
from lipassess.store.models import StaffRole, StaffUser

MIN_PASSWORD_LENGTH = 12
USERNAME_PATTERN = re.compile(r"^[A-Za-z0-9_.@-]{2,100}$")
PASSWORD_METHOD = "scrypt"  # werkzeug's scrypt KDF, salted


def hash_token(token: str) -> str:
    """SHA-256 hex of a random bearer token (tokens are high-entropy, so no KDF is needed)."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def parse_role(value: str) -> StaffRole:
    try:
        return StaffRole(value)
    except ValueError:
        choices = ", ".join(r.value for r in StaffRole)
        raise InvalidInput(f"unknown role {value!r}; choose one of {choices}") from None


def add_staff_user(session: Session, *, username: str, role: str, password: str | None,
                   display_name: str | None = None, actor: str = "cli") -> StaffUser:
    """Create a staff account with a hashed password; refuse duplicates and weak passwords."""
    if not USERNAME_PATTERN.match(username):
        raise InvalidInput("username must be 2-100 letters, digits or . _ @ -")
    staff_role = parse_role(role)
    if password is not None and len(password) < MIN_PASSWORD_LENGTH:
        raise InvalidInput(f"password must have at least {MIN_PASSWORD_LENGTH} characters")
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
    """The active user whose password matches, else None (same cost either way)."""
    user = session.scalar(select(StaffUser).where(StaffUser.username == username))
    if user is None or not user.active or not user.password_hash:
        check_password_hash(generate_password_hash("x", method=PASSWORD_METHOD), password)
        return None
    return user if check_password_hash(user.password_hash, password) else None


def active_user(session: Session, user_id: object) -> StaffUser | None:
    """The staff user with id ``user_id`` while the account is active, else None."""
    user = session.get(StaffUser, user_id) if isinstance(user_id, int) else None
    return user if user is not None and user.active else None


def issue_api_token(session: Session, user: StaffUser, *, actor: str = "cli") -> str:
    """Create a new API token for ``user`` (replacing any old one); only its hash is stored."""
    token = secrets.token_urlsafe(32)
    user.api_token_hash = hash_token(token)
    audit.record(session, actor=actor, action="staff.api_token", target=user.username)
    session.flush()
    return token


def user_for_token(session: Session, token: str) -> StaffUser | None:
    user = session.scalar(select(StaffUser).where(StaffUser.api_token_hash == hash_token(token)))
    return user if user is not None and user.active else None
