"""``lipassess analyze refresh``: stores what changed, then nothing; the staff pages answer from it."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from lipassess.store.models import StoredAnalysis
from tests.web.staff_world import build_world

pytestmark = pytest.mark.postgres


def test_refresh_stores_every_scope_once(run_cli, session) -> None:
    build_world(session)
    first = run_cli("analyze", "refresh", "--json")
    assert first.exit_code == 0, first
    assert [(r["scope"], r["computed"]) for r in json.loads(first.out)] == [
        ("LIP-A", True), ("LIP-B", True), ("program", True)]
    session.expire_all()
    kinds = sorted(session.scalars(select(StoredAnalysis.kind)))
    assert kinds == ["evaluation"] * 3 + ["figures"] * 3
    again = run_cli("analyze", "refresh")
    assert again.exit_code == 0 and again.out.strip() == "analyses: all 3 stored results up to date"
