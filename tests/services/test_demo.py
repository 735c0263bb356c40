"""The demo's pieces: PDF worker processes (and their fallback), the demo admin, the database URL."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from lipassess.reports import pdf_batch
from lipassess.services import staff
from lipassess.services.demo import DEMO_ADMIN, PdfWorkers, demo_database_url, reset_demo_admin
from lipassess.store.models import AuditEvent, StaffRole
from tests.reports.factories import make_figures


@pytest.mark.slow
def test_pdfs_render_in_worker_processes(tmp_path: Path) -> None:
    workers = PdfWorkers(2, tmp_path)
    figures = make_figures(synthetic=True)
    workers.submit([(figures, "en", tmp_path / "a.pdf")])
    workers.submit([(figures, "km", tmp_path / "b.pdf")])
    assert len(workers.running) == 2 and not workers.pending
    workers.wait()
    assert (tmp_path / "a.pdf").read_bytes().startswith(b"%PDF") and (tmp_path / "b.pdf").stat().st_size > 10_000
    assert workers.running == [] and workers.batches == 2


@pytest.mark.slow
def test_a_failed_batch_is_rendered_here_so_its_error_surfaces(tmp_path: Path) -> None:
    workers = PdfWorkers(1, tmp_path)
    workers.submit([(make_figures(), "en", tmp_path / "missing-folder" / "x.pdf")])
    with pytest.raises(FileNotFoundError):
        workers.wait()


def test_pdf_batch_reports_failures(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert pdf_batch.main([]) == 2
    jobs = tmp_path / "jobs.json"
    jobs.write_text('{"jobs": [{"figures": {"scope": "x"}, "lang": "en", "path": "%s"}]}' % (tmp_path / "x.pdf"))
    assert pdf_batch.main([str(jobs)]) == 1
    assert "InvalidInput" in capsys.readouterr().err and not (tmp_path / "x.pdf").exists()


def test_demo_admin_gets_a_new_password_each_time(session) -> None:
    first = reset_demo_admin(session)
    second = reset_demo_admin(session)
    session.commit()
    assert first != second and len(second) >= staff.MIN_PASSWORD_LENGTH
    assert staff.authenticate(session, DEMO_ADMIN, first) is None
    user = staff.authenticate(session, DEMO_ADMIN, second)
    assert user is not None and user.role is StaffRole.ADMIN
    actions = session.scalars(select(AuditEvent.action).where(AuditEvent.target == DEMO_ADMIN)).all()
    assert actions == ["staff.add", "staff.password_reset"]


def test_demo_database_lives_in_the_out_folder(tmp_path: Path) -> None:
    assert demo_database_url(tmp_path / "out") == f"sqlite:///{(tmp_path / 'out').resolve()}/lipassess-demo.sqlite3"
