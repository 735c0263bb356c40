"""Benchmark: staff pages on the synthetic demo program (3 cohorts, about 500 participants).

Builds the demo in a temporary SQLite file, signs in as an evaluator and times
each page cold (first request: the analysis runs) and warm (cached until the
data change), plus one CSV download and, when impact_figures is available,
the summaries. Targets: a warm page under 0.3 s; a cold cohort dashboard under
3 s on one core.

    python bench/dashboard.py
"""

from __future__ import annotations

import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "NUMEXPR_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import importlib.util  # noqa: E402
import sys  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from lipassess import create_app, db  # noqa: E402
from lipassess.instruments import bundled_instruments_dir  # noqa: E402
from lipassess.services import staff as staff_service  # noqa: E402
from lipassess.services.demo_data import build_demo_program  # noqa: E402
from lipassess.store import migrate  # noqa: E402
from lipassess.store.database import make_engine  # noqa: E402


def main() -> None:
    folder = Path(tempfile.mkdtemp(prefix="lipassess-bench-"))
    url = f"sqlite:///{folder / 'demo.sqlite3'}"
    engine = make_engine(url)
    migrate.upgrade(engine)
    engine.dispose()
    app = create_app({"ENV": "testing", "DATABASE_URL": url, "SECRET_KEY": "bench-" + "b" * 40,
                      "WTF_CSRF_ENABLED": False})
    with db.session_factory(app)() as session:
        build_demo_program(session, bundled_instruments_dir())
        staff_service.add_staff_user(session, username="bench", role="evaluator", password="bench-password-1")
        session.commit()
    client = app.test_client()
    client.post("/staff/login", data={"username": "bench", "password": "bench-password-1"})
    pages = ["/staff/", "/staff/cohorts/2", "/staff/cohorts/2/tables/reliability.csv", "/staff/program"]
    if importlib.util.find_spec("lipassess.services.impact") is not None:
        pages += ["/staff/cohorts/2/summary?lang=km", "/staff/cohorts/2/summary.pdf", "/staff/program/summary"]
    print(f"{'page':<42}{'cold s':>9}{'warm s':>9}{'KiB':>8}")
    for page in pages:
        start = time.perf_counter()
        response = client.get(page)
        cold = time.perf_counter() - start
        start = time.perf_counter()
        client.get(page)
        warm = time.perf_counter() - start
        assert response.status_code == 200, (page, response.status_code)
        print(f"{page:<42}{cold:>9.2f}{warm:>9.3f}{len(response.data) / 1024:>8.0f}")
    db.engine_for(app).dispose()


if __name__ == "__main__":
    main()
