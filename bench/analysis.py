"""Benchmark: the full cohort analysis on 10,000 participants x 30 items x 3 waves.

Runs, for each of 6 subscales (5 items each, one reverse-keyed): reliability
per wave, paired pre/post, reliable change, repeated measures with the mixed
model, and attrition at follow-up; first with lipassess.analysis, then with the
straightforward pipeline (pingouin's functions one by one plus statsmodels'
MixedLM) on the same data, and prints both times and their ratio.
Targets (issue 15): 10,000 participants well under a second and more than 100x
faster than the baseline; 100,000 participants (a national civil-service
survey) under 1 s on one core. Both the wall time and the process CPU time are
printed: on a shared machine the CPU time is the figure to compare with the
target (BLAS is pinned to one thread below).

    python bench/analysis.py                 # both pipelines (the baseline takes minutes)
    python bench/analysis.py --skip-baseline # ours only
    python bench/analysis.py --participants 100000 --skip-baseline
"""

from __future__ import annotations

import os

# One core: pin the BLAS/OpenMP pools before numpy is imported.
for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "NUMEXPR_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import argparse  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
import warnings  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import lipassess.analysis as la  # noqa: E402

WAVES = ("pre", "post", "followup")
N_SUBSCALES, N_ITEMS = 6, 5
SCALE = (1, 5)


def make_cohort(n: int, seed: int = 2024) -> tuple[dict[str, pd.DataFrame], pd.DataFrame]:
    """Item responses per wave (n x 30, NaN at follow-up for the lost) and a profile table."""
    rng = np.random.default_rng(seed)
    ids = pd.Index([f"P{i:05d}" for i in range(n)], name="id")
    profile = pd.DataFrame(
        {
            "age": rng.normal(42, 8, n).round(),
            "sex": rng.choice(["F", "M"], n, p=[0.35, 0.65]),
            "province": rng.choice(["Phnom Penh", "Siem Reap", "Battambang", "Kampot"], n),
        },
        index=ids,
    )
    lost = rng.random(n) < 0.22
    waves: dict[str, pd.DataFrame] = {}
    trait = rng.normal(0, 1, (n, N_SUBSCALES))
    gains = {"pre": 0.0, "post": 0.45, "followup": 0.35}
    columns = [f"S{s + 1}_{i + 1}" for s in range(N_SUBSCALES) for i in range(N_ITEMS)]
    for wave in WAVES:
        latent = trait + gains[wave] + rng.normal(0, 0.5, (n, N_SUBSCALES))
        loadings = rng.uniform(0.6, 0.9, N_SUBSCALES * N_ITEMS)
        raw = np.repeat(latent, N_ITEMS, axis=1) * loadings + rng.normal(
            0, 0.7, (n, N_SUBSCALES * N_ITEMS)
        )
        answers = np.clip(np.round(3 + raw), *SCALE).astype(float)
        answers[:, N_ITEMS - 1 :: N_ITEMS] = 6 - answers[:, N_ITEMS - 1 :: N_ITEMS]  # reversed
        if wave == "followup":
            answers[lost] = np.nan
        waves[wave] = pd.DataFrame(answers, index=ids, columns=columns)
    return waves, profile


def subscale_items(s: int) -> tuple[list[str], str]:
    items = [f"S{s + 1}_{i + 1}" for i in range(N_ITEMS)]
    return items, items[-1]


def score(items: pd.DataFrame, reverse: str) -> pd.Series:
    """Mean of the items after reverse-coding one of them (NaN when one is missing)."""
    keyed = items.to_numpy(dtype=float, copy=True)
    flip = items.columns.get_loc(reverse)
    keyed[:, flip] = SCALE[0] + SCALE[1] - keyed[:, flip]
    return pd.Series(keyed.mean(axis=1), index=items.index)


def ours(waves: dict[str, pd.DataFrame], profile: pd.DataFrame) -> list[str]:
    has_reliability = hasattr(la, "reliability")
    has_change = hasattr(la, "reliable_change")
    skipped = []
    if not has_reliability:
        skipped.append("reliability (lipassess.analysis.reliability not available)")
    if not has_change:
        skipped.append("reliable change (lipassess.analysis.reliable_change not available)")
    for s in range(N_SUBSCALES):
        items, rev = subscale_items(s)
        answers = {w: waves[w][items] for w in WAVES}  # one column selection per wave
        rel = 0.8
        if has_reliability:
            for wave in WAVES:
                # Raw answers: listwise inside, and alpha_pairwise on every answer.
                r = la.reliability(answers[wave], reverse=(rev,), scale=SCALE)
                if wave == "pre":
                    rel = float(r.alpha)
        scores = pd.DataFrame({w: score(answers[w], rev) for w in WAVES})
        la.paired(scores["pre"], scores["post"])
        if has_change:
            la.reliable_change(scores["pre"], scores["post"], reliability=rel)
        la.repeated(scores)
        baseline = profile.assign(score=scores["pre"])
        la.attrition(baseline, scores["followup"].notna())
    return skipped


def baseline_pipeline(waves: dict[str, pd.DataFrame], profile: pd.DataFrame) -> None:
    import pingouin as pg
    import statsmodels.formula.api as smf

    for s in range(N_SUBSCALES):
        items, rev = subscale_items(s)
        for wave in WAVES:
            keyed = waves[wave][items].dropna().copy()
            keyed[rev] = 6 - keyed[rev]
            pg.cronbach_alpha(data=keyed, ci=0.95)
        scores = pd.DataFrame({w: score(waves[w][items], rev) for w in WAVES})
        pg.ttest(scores["post"], scores["pre"], paired=True)
        pg.wilcoxon(scores["post"], scores["pre"])
        sd_pre = scores["pre"].std()
        sem = sd_pre * np.sqrt(1 - 0.8)
        rci = (scores["post"] - scores["pre"]) / np.sqrt(2 * sem**2)
        (rci > 1.96).mean(), (rci < -1.96).mean()
        long = scores.reset_index().melt(id_vars="id", var_name="wave", value_name="score")
        complete = long[long["id"].isin(scores.dropna().index)]
        pg.rm_anova(complete, dv="score", within="wave", subject="id", correction=True)
        pg.friedman(complete, dv="score", within="wave", subject="id")
        pg.pairwise_tests(
            complete, dv="score", within="wave", subject="id", padjust="holm", effsize="cohen"
        )
        smf.mixedlm("score ~ C(wave)", long.dropna(), groups="id").fit(reml=True)
        kept = scores["followup"].notna()
        pg.compute_effsize(scores["pre"][kept], scores["pre"][~kept], eftype="hedges")
        pg.compute_effsize(profile["age"][kept], profile["age"][~kept], eftype="hedges")
        pd.crosstab(profile["sex"], kept, normalize="columns")
        pd.crosstab(profile["province"], kept, normalize="columns")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--participants", type=int, default=10_000)
    parser.add_argument("--skip-baseline", action="store_true")
    parser.add_argument("--repeats", type=int, default=3, help="best of N runs of ours")
    args = parser.parse_args()

    t0 = time.perf_counter()
    waves, profile = make_cohort(args.participants)
    print(
        f"data: {args.participants} participants x {N_SUBSCALES * N_ITEMS} items x "
        f"{len(WAVES)} waves, generated in {time.perf_counter() - t0:.2f} s"
    )
    times, cpu_times = [], []
    skipped: list[str] = []
    for _ in range(args.repeats):
        t0, c0 = time.perf_counter(), time.process_time()
        skipped = ours(waves, profile)
        times.append(time.perf_counter() - t0)
        cpu_times.append(time.process_time() - c0)
    best = min(times)
    print(
        f"lipassess.analysis: {best:.3f} s wall, {min(cpu_times):.3f} s CPU "
        f"(best of {args.repeats}; target < 1 s on one core)"
    )
    for step in skipped:
        print(f"  skipped: {step}")
    if args.skip_baseline:
        return
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        t0, c0 = time.perf_counter(), time.process_time()
        baseline_pipeline(waves, profile)
        slow = time.perf_counter() - t0
        slow_cpu = time.process_time() - c0
    print(f"pingouin + statsmodels MixedLM: {slow:.3f} s wall, {slow_cpu:.3f} s CPU")
    print(f"ratio: {slow / best:.1f}x faster (wall), {slow_cpu / min(cpu_times):.1f}x (CPU)")


if __name__ == "__main__":
    main()
