"""``lipassess export``: a file per format, identities only when asked, audited with actor 'cli'."""

from __future__ import annotations

import pandas as pd
import pyreadstat
import pytest
from sqlalchemy import select

from lipassess.store.models import AuditEvent
from tests.services.test_exports import build_store


@pytest.fixture
def store(session):
    return build_store(session)


def test_export_command(run_cli, store, tmp_path, session) -> None:
    out = tmp_path / "c6.sav"
    result = run_cli("export", "--cohort", "LIP-C6", "--format", "sav", "--out", str(out), "--with-identities")
    assert result.exit_code == 0, result
    assert "audit log" in result.out and out.is_file()
    frame, _ = pyreadstat.read_sav(str(out))
    assert "email" in frame.columns
    event = session.scalars(select(AuditEvent).where(AuditEvent.action == "export.identities")).one()
    assert event.actor == "cli" and event.details["format"] == "sav"
    every = run_cli("export", "--cohort", "all", "--format", "long_csv", "--out", str(tmp_path / "all.csv"))
    assert every.exit_code == 0 and "email" not in pd.read_csv(tmp_path / "all.csv").columns
    empty = run_cli("export", "--cohort", "LIP-C7", "--format", "xlsx", "--out", str(tmp_path / "e.xlsx"))
    assert empty.exit_code == 2 and empty.err.startswith("error: nobody in LIP-C7")
