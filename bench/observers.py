"""Benchmark: what observers saw, on the demo program (about 500 participants, 1,100 observer ratings).

Builds the synthetic program in a temporary SQLite file (with its supervisors
and colleagues), then times :func:`lipassess.services.raters.evidence.observer_figures`
for the whole program and for each cohort, and the whole impact report of the
program with and without the observer section, and prints the figures.

    python bench/observers.py
"""

from __future__ import annotations

import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "NUMEXPR_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import sys  # noqa: E402
import tempfile  # noqa: E402
from pathlib import Path  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import func, select  # noqa: E402

from bench.timing import timed  # noqa: E402
from lipassess.services import impact  # noqa: E402
from lipassess.services.dataset import behaviour_outcomes, load_dataset  # noqa: E402
from lipassess.services.demo_data import build_demo_program  # noqa: E402
from lipassess.services.instruments import bundled_instruments_dir  # noqa: E402
from lipassess.services.raters.evidence import observer_figures  # noqa: E402
from lipassess.store import migrate  # noqa: E402
from lipassess.store.database import make_engine, make_session_factory  # noqa: E402
from lipassess.store.models import Cohort  # noqa: E402
from lipassess.store.rater_models import Rater, RaterAnswer  # noqa: E402


def main() -> None:
    folder = tempfile.mkdtemp(prefix="lipassess-bench-observers-")
    engine = make_engine(f"sqlite:///{folder}/bench.sqlite3")
    migrate.upgrade(engine)
    factory = make_session_factory(engine)
    with factory() as session:
        def build() -> None:
            build_demo_program(session, bundled_instruments_dir())
            session.commit()

        timed("build the demo program (with raters)", build, repeat=1)
        raters = session.scalar(select(func.count()).select_from(Rater))
        answers = session.scalar(select(func.count()).select_from(RaterAnswer))
        print(f"observer ratings: {raters}, their answers: {answers}")
        cohorts = list(session.scalars(select(Cohort).order_by(Cohort.id)))
        states = impact.merge_states([impact.wave_states(session, [c]) for c in cohorts])
        closed = {kind: state.closed for kind, state in states.waves.items()}
        total = {o.name: o for o in behaviour_outcomes(load_dataset(session, cohorts))}["total"].scores
        timed("observer_figures, whole program",
              lambda: observer_figures(session, [c.id for c in cohorts], self_scores=total, closed=closed))
        for cohort in cohorts:
            timed(f"observer_figures, {cohort.shortname}",
                  lambda c=cohort: observer_figures(session, [c.id], self_scores=total, closed=closed))
        timed("impact report, whole program", lambda: impact.impact_report(session, None, min_group_size=5),
              repeat=1)
        original = impact.observer_figures
        impact.observer_figures = lambda *a, **k: None  # type: ignore[assignment]
        try:
            timed("impact report, whole program, without observers",
                  lambda: impact.impact_report(session, None, min_group_size=5), repeat=1)
        finally:
            impact.observer_figures = original
    engine.dispose()


if __name__ == "__main__":
    main()
