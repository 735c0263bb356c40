"""Time reliability() on 10,000 participants x 30 items (target: well under 100 ms).

Run: ``python bench/reliability.py``. Prints the best and median wall time of
repeated calls, and the same for pingouin's cronbach_alpha (alpha and its CI
only, no omega or item analysis) for scale.
"""

from __future__ import annotations

import statistics
import time

import numpy as np
import pandas as pd
import pingouin

from lipassess.analysis import reliability

N, K, REPEATS = 10_000, 30, 20


def make_items(seed: int = 1) -> pd.DataFrame:
    """Congeneric 1-5 answers with 0.5 % missing, 3 reverse-keyed items."""
    rng = np.random.default_rng(seed)
    loadings = rng.uniform(0.4, 0.8, K)
    latent = rng.standard_normal((N, 1))
    z = latent * loadings + rng.standard_normal((N, K)) * np.sqrt(1 - loadings**2)
    answers = np.clip(np.round(3 + 1.2 * z), 1, 5)
    answers[:, :3] = 6 - answers[:, :3]
    frame = pd.DataFrame(answers, columns=[f"q{i + 1}" for i in range(K)])
    return frame.mask(rng.random((N, K)) < 0.005)


def timings(call) -> list[float]:
    call()
    out = []
    for _ in range(REPEATS):
        start = time.perf_counter()
        call()
        out.append(time.perf_counter() - start)
    return out


def main() -> None:
    items = make_items()
    ours = timings(lambda: reliability(items, reverse=["q1", "q2", "q3"], scale=(1, 5)))
    keyed = items.copy()
    keyed[["q1", "q2", "q3"]] = 6 - keyed[["q1", "q2", "q3"]]
    theirs = timings(lambda: pingouin.cronbach_alpha(keyed, nan_policy="listwise"))
    print(
        f"reliability() {N} x {K}: best {min(ours) * 1e3:.1f} ms, "
        f"median {statistics.median(ours) * 1e3:.1f} ms (alpha, CI, omega, item analysis)"
    )
    print(
        f"pingouin.cronbach_alpha: best {min(theirs) * 1e3:.1f} ms, "
        f"median {statistics.median(theirs) * 1e3:.1f} ms (alpha and CI only)"
    )


if __name__ == "__main__":
    main()
