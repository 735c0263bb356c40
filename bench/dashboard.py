"""Benchmark: staff pages on the synthetic demo program (3 cohorts, about 500 participants).

Builds the demo in a temporary SQLite file, signs in as an evaluator and times
each page:

* cold: nothing stored yet, the analysis runs in the request (as before
  results were stored, and as after new data when no refresh has run);
* warm: the same page again, answered from the stored results;
* stored: the first request of another app on the same database (another
  gunicorn host, nothing in its memory) after ``lipassess analyze refresh``
  (what ``sync`` and ``dispatch`` run when they finish), i.e. the first view
  a manager gets in production.

It also prints how long the refresh took, and, after one new submission, the
refresh and the program page after it, or the program page without a refresh
(stale: computed again in the request).
Targets: a stored or warm page under 0.3 s.

    python bench/dashboard.py
"""

from __future__ import annotations

import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "NUMEXPR_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import sys  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import Any  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from flask import Flask  # noqa: E402
from sqlalchemy import select  # noqa: E402

from lipassess import create_app, db  # noqa: E402
from lipassess.instruments import bundled_instruments_dir  # noqa: E402
from lipassess.services import analyses  # noqa: E402
from lipassess.services import staff as staff_service  # noqa: E402
from lipassess.services.demo_data import build_demo_program  # noqa: E402
from lipassess.store import migrate  # noqa: E402
from lipassess.store.database import make_engine  # noqa: E402
from lipassess.store.models import Answer, Cohort, Enrolment, Response, ResponseStatus, StoredAnalysis, Wave  # noqa: E402

PAGES = ["/staff/", "/staff/cohorts/2", "/staff/cohorts/2/tables/reliability.csv", "/staff/program",
         "/api/v1/program/analysis", "/staff/cohorts/2/summary?lang=km", "/staff/cohorts/2/summary.pdf",
         "/staff/program/summary"]


def make_app(url: str) -> Flask:
    return create_app({"ENV": "testing", "DATABASE_URL": url, "SECRET_KEY": "bench-" + "b" * 40,
                       "WTF_CSRF_ENABLED": False})


def signed_in(app: Flask) -> Any:
    client = app.test_client()
    client.post("/staff/login", data={"username": "bench", "password": "bench-password-1"})
    return client


def timed(client: Any, page: str, headers: dict[str, str]) -> tuple[float, int]:
    start = time.perf_counter()
    response = client.get(page, headers=headers if page.startswith("/api/") else None)
    seconds = time.perf_counter() - start
    assert response.status_code == 200, (page, response.status_code)
    return seconds, len(response.data)


def add_submission(app: Flask) -> None:
    """One more submitted follow-up, copied from a participant who answered it, for one who did not."""
    with db.session_factory(app)() as session:
        cohort = session.scalars(select(Cohort).order_by(Cohort.id).limit(1)).one()
        wave = session.scalars(select(Wave).where(Wave.cohort_id == cohort.id, Wave.kind == "followup")).one()
        answered = select(Response.participant_id).where(Response.wave_id == wave.id)
        newcomer = session.scalar(select(Enrolment.participant_id).where(
            Enrolment.cohort_id == cohort.id, Enrolment.participant_id.not_in(answered)).limit(1))
        model = session.scalars(select(Response).where(Response.wave_id == wave.id).limit(1)).one()
        response = Response(participant_id=newcomer, wave_id=wave.id, status=ResponseStatus.SUBMITTED,
                            language="km", submitted_at=model.submitted_at)
        response.answers = [Answer(instrument_version_id=a.instrument_version_id, item_key=a.item_key,
                                   value_number=a.value_number, value_text=a.value_text) for a in model.answers]
        session.add(response)
        session.commit()


def main() -> None:
    folder = Path(tempfile.mkdtemp(prefix="lipassess-bench-"))
    url = f"sqlite:///{folder / 'demo.sqlite3'}"
    engine = make_engine(url)
    migrate.upgrade(engine)
    engine.dispose()
    app = make_app(url)
    with db.session_factory(app)() as session:
        build_demo_program(session, bundled_instruments_dir())
        user = staff_service.add_staff_user(session, username="bench", role="evaluator", password="bench-password-1")
        token = staff_service.issue_api_token(session, user)
        session.commit()
    headers = {"Authorization": f"Bearer {token}"}
    client = signed_in(app)
    rows = {}
    for page in PAGES:
        cold, size = timed(client, page, headers)
        warm, _ = timed(client, page, headers)
        rows[page] = [cold, warm, size]
    with db.session_factory(app)() as session:  # start again from an empty store, then refresh as cron does
        session.execute(StoredAnalysis.__table__.delete())
        start = time.perf_counter()
        done = analyses.refresh(session, min_group_size=int(app.config["MIN_GROUP_SIZE"]))
        session.commit()
        refresh_seconds = time.perf_counter() - start
    other_host = make_app(url)
    second = signed_in(other_host)
    for page in PAGES:
        rows[page].insert(2, timed(second, page, headers)[0])
    print(f"{'page':<42}{'cold s':>8}{'warm s':>8}{'stored s':>9}{'KiB':>6}")
    for page, (cold, warm, stored, size) in rows.items():
        print(f"{page:<42}{cold:>8.2f}{warm:>8.3f}{stored:>9.3f}{size / 1024:>6.0f}")
    print(f"refresh (sync/dispatch/'analyze refresh'): {refresh_seconds:.1f} s for {len(done)} scopes")
    add_submission(app)  # a refresh (cron, or the next dispatch) picks it up outside any request ...
    with db.session_factory(app)() as session:
        start = time.perf_counter()
        analyses.refresh(session, min_group_size=int(app.config["MIN_GROUP_SIZE"]))
        session.commit()
        refreshed = time.perf_counter() - start
    after_refresh, _ = timed(second, "/staff/program", headers)
    add_submission(app)  # ... or, before any refresh, the next page computes it in the request
    stale, _ = timed(second, "/staff/program", headers)
    print(f"one new submission: refresh {refreshed:.1f} s, then /staff/program {after_refresh:.3f} s; "
          f"without a refresh /staff/program takes {stale:.2f} s (stale: computed in the request)")
    for one in (app, other_host):
        db.engine_for(one).dispose()


if __name__ == "__main__":
    main()
