"""Benchmark: measurement invariance of six 5-item subscales, across 3 waves and 2 languages.

Simulates a cohort (default 200 participants, the size of one LIP cohort; ``--participants``
for the program) answering 1-5 items that follow one factor per subscale, with one
item per subscale shifting after the training, so the partial-invariance search
runs too. Prints the wall time of :func:`lipassess.analysis.invariance_by_scale`
(waves and languages, what ``lipassess analyze invariance --cohort`` runs) and of
the summary's pre/post check (``lipassess.services.invariance.before_after``).
Target: under 5 s for a cohort and under 2 s for the summary's check, on one core
(every fit runs on one BLAS thread; see ``lipassess/analysis/_cfa.py``).

    python bench/invariance.py
    python bench/invariance.py --participants 1000
"""

from __future__ import annotations

import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "NUMEXPR_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import argparse  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from lipassess.analysis.cohort import OutcomeData  # noqa: E402
from lipassess.analysis.scale_invariance import invariance_by_scale  # noqa: E402
from lipassess.services.invariance import before_after  # noqa: E402
from lipassess.vocabulary import SUBSCALE_OUTCOMES  # noqa: E402

WAVES = ("pre", "post", "followup")
SHIFT = {"pre": 0.0, "post": 0.45, "followup": 0.35}


def simulate(n: int, seed: int = 7) -> tuple[list[OutcomeData], pd.Series]:
    rng = np.random.default_rng(seed)
    index = pd.Index([f"P{i:05d}" for i in range(n)], name="pseudonym")
    language = pd.Series(np.where(rng.random(n) < 0.8, "km", "en"), index=index)
    outcomes = []
    for s, name in enumerate(SUBSCALE_OUTCOMES):
        trait = rng.normal(size=n)
        loadings = rng.uniform(0.5, 0.9, 5)
        items = {}
        for wave in WAVES:
            level = trait + SHIFT[wave] + rng.normal(scale=0.4, size=n)
            raw = 3 + np.outer(level, loadings) + rng.normal(scale=0.6, size=(n, 5))
            raw[:, 4] += 0.4 * (wave != "pre")  # a response shift in the last item
            answers = np.clip(np.rint(raw), 1, 5)
            answers[rng.random(answers.shape) < 0.03] = np.nan
            items[wave] = pd.DataFrame(answers, index=index, columns=[f"S{s + 1}I{j + 1}" for j in range(5)])
        outcomes.append(OutcomeData(name=name, scores=pd.DataFrame(index=index), items=items))
    return outcomes, language


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--participants", type=int, default=200)
    args = parser.parse_args()
    outcomes, language = simulate(args.participants)
    start = time.perf_counter()
    result = invariance_by_scale(outcomes, groups=language, group="language")
    full = time.perf_counter() - start
    start = time.perf_counter()
    summary = before_after(outcomes)
    check = time.perf_counter() - start
    verdicts = [s.across_waves.verdict if s.across_waves else "-" for s in result.scales.values()]
    print(f"participants              {args.participants}")
    print(f"waves + languages (6 x)   {full:.2f} s   verdicts across waves: {', '.join(verdicts)}")
    print(f"summary pre/post check    {check:.2f} s   {summary}")


if __name__ == "__main__":
    main()
