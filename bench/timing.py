"""The benchmarks' timing loop: the best of a few runs of one call, printed as one aligned line.

    from bench.timing import timed
    result = timed("needs_assessment, 5000 x 9", lambda: needs_assessment(data))

The best run (not the mean) is the figure: on a shared machine the other runs
measure the neighbours too.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")
LABEL_WIDTH = 52


def timed(label: str, run: Callable[[], T], *, repeat: int = 3) -> T:
    """Call ``run`` ``repeat`` times, print ``label`` and the best wall time in ms, return the last result."""
    if repeat < 1:
        raise ValueError(f"repeat must be at least 1, not {repeat}")
    best = float("inf")
    for _ in range(repeat):
        started = time.perf_counter()
        result = run()
        best = min(best, time.perf_counter() - started)
    print(f"{label:<{LABEL_WIDTH}} {best * 1000:9.1f} ms (best of {repeat})")
    return result
