"""Append to the audit log."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from lipassess.store.models import AuditEvent


def record(session: Session, *, actor: str, action: str, target: str | None = None,
           **details: Any) -> AuditEvent:
    """Add one audit event to the session (flushed by the caller's transaction)."""
    event = AuditEvent(actor=actor, action=action, target=target, details=details)
    session.add(event)
    return event
