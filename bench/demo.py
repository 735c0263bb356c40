"""Time ``lipassess demo`` end to end: a fresh folder, a second run, a run after one output was deleted, then
``--serve`` on that folder.

The second run finds the same data and code and keeps the outputs as they are
(``outputs.json``); deleting one output makes the third write them all again.

Run from the repository root: PYTHONPATH=. python bench/demo.py
Prints wall and CPU seconds of each run, and the load average before and
after, since wall time depends on how busy this machine is. The PDFs render in
child processes, so CPU is the sum over the children too. ``--serve`` is timed
until it says it is serving (the server is then stopped).
"""

from __future__ import annotations

import os
import resource
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
COMMAND = [sys.executable, "-c", "import sys; from lipassess.cli import main; main(sys.argv[1:])", "demo"]
ENV = {**os.environ, "PYTHONPATH": str(ROOT), "PYTHONUNBUFFERED": "1"}


def cpu_of_children() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def run(out: Path) -> tuple[float, float]:
    before, start = cpu_of_children(), time.perf_counter()
    subprocess.run([*COMMAND, "--out", str(out)], cwd=ROOT, env=ENV, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - start, cpu_of_children() - before


def serve(out: Path) -> float:
    """Seconds until ``demo --serve`` on an existing folder says it is serving."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    start = time.perf_counter()
    server = subprocess.Popen([*COMMAND, "--out", str(out), "--serve", "--port", str(port)], cwd=ROOT, env=ENV,
                              stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        for line in server.stdout or ():
            if line.startswith("serving the demo at"):
                return time.perf_counter() - start
        raise SystemExit("demo --serve ended without serving")
    finally:
        server.terminate()
        server.wait(timeout=30)


def main() -> None:
    print(f"load average before: {os.getloadavg()[0]:.2f} on {os.cpu_count()} CPUs")
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder) / "demo"
        for label in ("fresh", "again", "rewrite"):
            if label == "rewrite":
                (out / "summaries" / "summary-program-en.pdf").unlink()
            wall, cpu = run(out)
            print(f"{label:7s} {wall:6.1f} s wall  {cpu:6.1f} s CPU")
        print(f"serve   {serve(out):6.1f} s until serving (existing folder)")
    print(f"load average after: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
