"""Time ``lipassess demo`` end to end (a fresh folder, then a second run that reuses it).

Run from the repository root: PYTHONPATH=. python bench/demo.py
Prints wall and CPU seconds of each run, and the load average, since the demo's
budget ("well under a minute") is for this machine when it is not busy.
The PDFs render in child processes, so CPU is the sum over the children too.
"""

from __future__ import annotations

import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def run(out: Path) -> tuple[float, float]:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run([sys.executable, "-c", "import sys; from lipassess.cli import main; main(sys.argv[1:])",
                    "demo", "--out", str(out)], cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)},
                   check=True, stdout=subprocess.DEVNULL)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def main() -> None:
    print(f"load average before: {os.getloadavg()[0]:.2f} on {os.cpu_count()} CPUs")
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder) / "demo"
        for label in ("fresh", "reused"):
            wall, cpu = run(out)
            print(f"{label:7s} {wall:6.1f} s wall  {cpu:6.1f} s CPU")


if __name__ == "__main__":
    main()
