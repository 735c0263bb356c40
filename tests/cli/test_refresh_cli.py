"""``lipassess analyze refresh`` stores what changed, then nothing; ``sync`` and ``dispatch`` end with it."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import delete, select

from lipassess.store.models import Cohort, StoredAnalysis
from tests.bridge.fixtures import MoodleStub
from tests.services.moodle_site import MessageSink, SiteState, serve
from tests.web.staff_world import build_world

pytestmark = pytest.mark.postgres


def test_refresh_stores_every_scope_once(run_cli, session) -> None:
    build_world(session)
    first = run_cli("analyze", "refresh", "--json")
    assert first.exit_code == 0, first
    assert [(r["scope"], r["computed"], r["summary_pdfs_rendered"]) for r in json.loads(first.out)] == [
        ("LIP-A", True, ["en", "km"]), ("LIP-B", True, ["en", "km"]), ("program", True, ["en", "km"])]
    session.expire_all()
    kinds = sorted(session.scalars(select(StoredAnalysis.kind)))
    assert kinds == ["evaluation"] * 3 + ["figures"] * 3 + ["summary_pdf"] * 6
    again = run_cli("analyze", "refresh")
    assert again.exit_code == 0 and again.out.splitlines() == [
        "analyses: all 3 stored results up to date", "summary PDFs: all 6 stored PDFs up to date"]


def stored_scopes(session) -> list[str]:
    session.expire_all()
    return sorted(session.scalars(select(StoredAnalysis.cohorts).where(StoredAnalysis.kind == "figures")))


def test_sync_and_dispatch_leave_the_analyses_stored(run_cli, session, stub: MoodleStub) -> None:
    serve(stub, SiteState())
    synced = run_cli("sync", "--course", "2", "--course", "3")
    assert synced.exit_code == 0 and synced.err == "", synced
    ids = sorted(session.scalars(select(Cohort.id)))
    assert stored_scopes(session) == sorted([f",{ids[0]},", f",{ids[1]},", f",{ids[0]},{ids[1]},"])
    session.execute(delete(StoredAnalysis))
    session.commit()
    assert run_cli("waves", "plan", "--cohort", "LIP-C6-2024").exit_code == 0
    sink = MessageSink().install(stub)
    dispatched = run_cli("dispatch", "--as-of", "2024-02-20")
    assert dispatched.exit_code == 0 and len(sink.delivered) == 14, dispatched
    assert len(stored_scopes(session)) == 3
