"""``lipassess export``: a file per format, identities only when asked, audited with actor 'cli'."""

from __future__ import annotations

import errno
import os
from pathlib import Path

import pandas as pd
import pyreadstat
import pytest
from sqlalchemy import select

from lipassess.services import exports as services_exports
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


def _exports_audited(session) -> int:
    session.expire_all()
    return len(session.scalars(select(AuditEvent).where(AuditEvent.action.like("export%"))).all())


@pytest.mark.parametrize(("where", "reason"), [
    ("no-such-dir/x.csv", "No such file or directory; choose a folder that exists and is writable"),
    ("a-file/x.csv", "Not a directory; choose a folder that exists and is writable"),
    ("", "no file name given; give the file to write"),
    ("a-pipe", "it is not a regular file (a device or a pipe); give a file name in a folder that exists and is "
               "writable"),
    ("x" * 300 + ".csv", "File name too long; choose a folder that exists and is writable"),
])
def test_an_unwritable_out_is_one_line_and_writes_nothing(run_cli, store, tmp_path, session, monkeypatch,
                                                          where, reason) -> None:
    folder = tmp_path / "outputs"
    folder.mkdir()
    monkeypatch.chdir(folder)
    (folder / "a-file").write_text("keep me\n", encoding="utf-8")
    os.mkfifo(folder / "a-pipe")
    out = str(folder / where) if where else ""
    before = sorted(p.name for p in folder.iterdir())
    result = run_cli("export", "--cohort", "LIP-C6", "--format", "wide_csv", "--out", out)
    assert result.exit_code == 2, result
    assert result.err == f"error: cannot write {out!r}: {reason}\n" and result.out == "", result
    assert sorted(p.name for p in folder.iterdir()) == before  # no partial file, no folder made
    assert (folder / "a-file").read_text(encoding="utf-8") == "keep me\n"
    assert _exports_audited(session) == 0


@pytest.mark.parametrize("fmt", ["long_csv", "wide_csv", "xlsx", "sav"])
def test_a_write_that_fails_halfway_keeps_the_earlier_export(run_cli, store, tmp_path, session, monkeypatch,
                                                             fmt) -> None:
    (tmp_path / "outputs").mkdir()
    out = tmp_path / "outputs" / "c6.out"
    assert run_cli("export", "--cohort", "LIP-C6", "--format", fmt, "--out", str(out)).exit_code == 0
    out.chmod(0o640)
    earlier = out.read_bytes()
    writer = {"long_csv": "write_long_csv", "wide_csv": "write_wide_csv", "xlsx": "write_xlsx", "sav": "write_sav"}[fmt]

    def disk_full(data, path, *args, **kwargs):
        Path(path).write_bytes(b"half an export")
        raise OSError(errno.ENOSPC, "No space left on device")

    original = getattr(services_exports, writer)
    monkeypatch.setattr(services_exports, writer, disk_full)
    result = run_cli("export", "--cohort", "LIP-C6", "--format", fmt, "--out", str(out))
    assert result.exit_code == 2, result
    assert result.err == (f"error: cannot write {str(out)!r}: No space left on device; choose a folder that exists "
                          "and is writable\n")
    assert out.read_bytes() == earlier and [p.name for p in out.parent.iterdir()] == ["c6.out"]
    assert _exports_audited(session) == 1  # the first export only
    monkeypatch.setattr(services_exports, writer, original)  # not undo(): that would unset the test's database
    assert run_cli("export", "--cohort", "LIP-C6", "--format", fmt, "--out", str(out)).exit_code == 0
    assert out.stat().st_mode & 0o777 == 0o640  # a replaced export keeps its permissions
