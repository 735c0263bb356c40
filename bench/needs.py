"""Benchmark: the training-needs assessment and its report.

Prints the wall time of :func:`lipassess.analysis.needs_assessment` on N
simulated respondents x 9 competencies (3% of answers missing), of
:func:`lipassess.analysis.needs_by_group` over 25 ministries, and of the
report (HTML and PDF, English and Khmer) on that result. Targets: the
analysis under 50 ms for 5,000 respondents, the 25 groups under 0.5 s, the
HTML under 50 ms. A PDF takes seconds (WeasyPrint's layout), which is why the
demo writes needs PDFs for the program only.

    python bench/needs.py
    python bench/needs.py --respondents 20000
"""

from __future__ import annotations

import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "NUMEXPR_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import argparse  # noqa: E402
import sys  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import Any  # noqa: E402

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.timing import timed  # noqa: E402
from lipassess.analysis import needs_assessment, needs_by_group  # noqa: E402
from lipassess.analysis.needs_scope import NeedsAnalysis  # noqa: E402
from lipassess.reports.needs import render_needs_html, render_needs_pdf  # noqa: E402
from lipassess.services.demo_needs import TRUE_NEEDS  # noqa: E402


def simulate(n: int, seed: int = 17) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    columns: dict[str, Any] = {"ministry": rng.choice([f"Ministry {k}" for k in range(25)], n)}
    for competency, (importance, competence) in TRUE_NEEDS.items():
        for part, mean in (("importance", importance), ("competence", competence)):
            values = np.clip(np.rint(rng.normal(mean, 0.8, n)), 1, 5)
            values[rng.random(n) < 0.03] = np.nan
            columns[f"{competency}.{part}"] = values
    return pd.DataFrame(columns)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--respondents", type=int, default=5000)
    args = parser.parse_args()
    data = simulate(args.respondents)
    competencies = data.drop(columns=["ministry"])
    overall = timed(f"needs_assessment, {args.respondents} x 9", lambda: needs_assessment(competencies))
    groups = timed("needs_by_group, 25 ministries", lambda: needs_by_group(data, "ministry"))
    analysis = NeedsAnalysis(scope="bench", overall=overall, groups={"ministry": groups}, position_labels={},
                             loop={}, min_group_size=5, synthetic=True)
    for lang in ("en", "km"):
        timed(f"report HTML ({lang})", lambda lang=lang: render_needs_html(analysis, lang))
        timed(f"report PDF ({lang})", lambda lang=lang: render_needs_pdf(analysis, lang), repeat=1)


if __name__ == "__main__":
    main()
