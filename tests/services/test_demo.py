"""The demo's pieces: PDF worker processes (and their fallback), the demo admin and its kept sign-in, the
database URL, the wave open today and the participant link to it."""

from __future__ import annotations

import shutil
import stat
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from lipassess import create_app, db
from lipassess.reports import pdf_batch
from lipassess.services import staff
from lipassess.services.demo import (
    DEMO_ADMIN,
    SECRET_FILE,
    SIGN_IN_FILE,
    PdfWorkers,
    demo_database_url,
    demo_secret_key,
    demo_sign_in,
    outputs_fingerprint,
    participant_link,
    program_cohorts,
    reset_demo_admin,
    scope_keys,
)
from lipassess.services.demo_data import DEMO_COHORTS, demo_cohorts
from lipassess.services.waves import LOCAL_TZ
from lipassess.store.models import AuditEvent, Cohort, Enrolment, Participant, StaffRole, Wave
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


def test_the_sign_in_is_kept_until_it_no_longer_signs_in(session, tmp_path: Path) -> None:
    password, new = demo_sign_in(session, tmp_path)
    session.commit()
    assert new and (tmp_path / SIGN_IN_FILE).read_text(encoding="utf-8").strip() == password
    assert stat.S_IMODE((tmp_path / SIGN_IN_FILE).stat().st_mode) == 0o600  # a password file for its owner only
    assert demo_sign_in(session, tmp_path) == (password, False)
    (tmp_path / SIGN_IN_FILE).write_text("not-the-password\n", encoding="utf-8")
    replaced, new = demo_sign_in(session, tmp_path)
    session.commit()
    assert new and replaced != password and staff.authenticate(session, DEMO_ADMIN, replaced) is not None


def test_the_secret_key_is_made_once(tmp_path: Path) -> None:
    secret = demo_secret_key(tmp_path)
    assert len(secret) >= 32 and demo_secret_key(tmp_path) == secret
    assert stat.S_IMODE((tmp_path / SECRET_FILE).stat().st_mode) == 0o600


def test_the_last_cohort_has_its_follow_up_open_today() -> None:
    now = datetime(2026, 12, 3, 9, 30, tzinfo=UTC)
    *earlier, last = demo_cohorts(now)
    assert earlier == list(DEMO_COHORTS[:-1])
    assert last.end - last.start == DEMO_COHORTS[-1].end - DEMO_COHORTS[-1].start
    opens = (last.end + timedelta(days=182)).astimezone(LOCAL_TZ)
    closes = (last.end + timedelta(days=224)).astimezone(LOCAL_TZ)
    # midnight in Cambodia three days before, then open for six weeks
    assert opens.isoformat() == "2026-11-30T00:00:00+07:00" and closes.isoformat() == "2027-01-11T00:00:00+07:00"


def test_the_participant_link_opens_a_survey_open_today(demo_database, tmp_path: Path) -> None:
    source, _summary = demo_database
    path = tmp_path / "demo.sqlite3"
    shutil.copyfile(source, path)
    app = create_app({"ENV": "testing", "TESTING": True, "DATABASE_URL": f"sqlite:///{path}",
                      "SECRET_KEY": "x" * 40, "WTF_CSRF_ENABLED": False})
    try:
        now = datetime.now(UTC)
        with db.session_factory(app)() as session:
            link = participant_link(session, now=now, ttl_days=60)
            session.commit()
            assert link is not None and (link.cohort, link.wave) == ("DEMO-LIP-HFD", "followup")
            wave = session.scalars(select(Wave).join(Cohort).where(Cohort.shortname == "DEMO-LIP-HFD",
                                                                   Wave.kind == "followup")).one()
            assert wave.opens_at <= now < wave.closes_at
            assert link.last_day == (wave.closes_at.astimezone(LOCAL_TZ) - timedelta(days=1)).date()
            assert participant_link(session, now=now + timedelta(days=60), ttl_days=60) is None  # all closed
        client = app.test_client()
        opened = client.get(f"/s/{link.token}")
        assert opened.status_code == 303 and opened.headers["Location"].endswith(f"/survey/wave/{wave.id}")
        consent = client.get(opened.headers["Location"])
        assert consent.status_code == 200 and 'name="consent"' in consent.get_data(as_text=True)
    finally:
        db.engine_for(app).dispose()


def test_the_outputs_fingerprint_follows_the_data_and_the_settings(demo_database, tmp_path: Path) -> None:
    """A second demo run keeps its outputs only while this fingerprint is unchanged: any change to what they
    show (a profile, the smallest group shown) must change it, and nothing else may."""
    source, _summary = demo_database
    path = tmp_path / "demo.sqlite3"
    shutil.copyfile(source, path)
    app = create_app({"ENV": "testing", "TESTING": True, "DATABASE_URL": f"sqlite:///{path}",
                      "SECRET_KEY": "x" * 40})
    try:
        with db.session_factory(app)() as session:
            def fingerprint(min_group_size: int = 5) -> str:
                keys = scope_keys(session, program_cohorts(session), min_group_size=min_group_size)
                return outputs_fingerprint(keys, min_group_size=min_group_size)

            cohorts = program_cohorts(session)
            assert [c.shortname for c in cohorts] == ["DEMO-LIP-C5", "DEMO-LIP-C6", "DEMO-LIP-HFD"]
            first, before = fingerprint(), scope_keys(session, cohorts, min_group_size=5)
            assert fingerprint() == first  # read twice, nothing changed
            assert fingerprint(min_group_size=10) != first  # fewer groups shown
            participant = session.scalars(select(Participant).join(Enrolment)
                                          .where(Enrolment.cohort_id == cohorts[0].id).order_by(Participant.id)
                                          .limit(1)).one()
            participant.ministry = "Ministry of Interior (changed)"
            session.commit()
            assert fingerprint() != first
            after = scope_keys(session, cohorts, min_group_size=5)
            # the changed cohort and the program change; the other cohorts' keys stay as they were
            assert after[cohorts[0].id] != before[cohorts[0].id] and after[None] != before[None]
            assert after[cohorts[1].id] == before[cohorts[1].id] and after[cohorts[2].id] == before[cohorts[2].id]
    finally:
        db.engine_for(app).dispose()
