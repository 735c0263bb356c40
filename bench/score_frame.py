"""Time lipassess.scoring.score_frame on the bundled behaviour instrument.

Run from the repository root: PYTHONPATH=. python bench/score_frame.py [rows]
Prints rows, seconds per call and rows per second (numeric columns and object columns).
"""

from __future__ import annotations

import sys
import time

import numpy as np
import pandas as pd

from lipassess.instruments import bundled_instruments_dir, load_instrument
from lipassess.scoring import score_frame


def main(rows: int) -> None:
    inst = load_instrument(bundled_instruments_dir() / "lip-leadership-behaviour.yaml")
    rng = np.random.default_rng(1)
    values = rng.choice([1, 2, 3, 4, 5, 9, np.nan], size=(rows, len(inst.items)),
                        p=[0.18, 0.18, 0.18, 0.18, 0.18, 0.05, 0.05])
    numeric = pd.DataFrame(values, columns=list(inst.item_ids))
    objects = numeric.astype(object).where(numeric.notna(), None)
    for label, frame in (("float64 columns", numeric), ("object columns", objects)):
        score_frame(inst, frame)  # warm up
        repeats = 5
        start = time.perf_counter()
        for _ in range(repeats):
            score_frame(inst, frame)
        seconds = (time.perf_counter() - start) / repeats
        print(f"{label:16s} rows={rows:7d}  {seconds * 1000:8.1f} ms/call  "
              f"{rows / seconds:12.0f} rows/s")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 10_000)
