"""Fixtures shared by the web tests: a settable clock for sign-in and session expiry."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from lipassess.web import auth


class Clock:
    """A settable clock injected into the sign-in and session code (``lipassess.web.auth.utcnow``)."""

    def __init__(self) -> None:
        self.now = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    fake = Clock()
    monkeypatch.setattr(auth, "utcnow", fake)
    return fake
