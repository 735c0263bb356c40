"""Benchmark: the server's CPU per survey request, by kind of request, in one process (no HTTP, no load).

N participants go through the survey with Flask's test client (personal
link, consent, every page saved, review, submit, receipt) on a fresh
PostgreSQL schema, as ``bench/submit_load.py`` seeds it; ``time.process_time()``
around each request gives the CPU it cost this process (the app, SQLAlchemy
and psycopg; not PostgreSQL's own). A bare Flask endpoint through the same
test client is the baseline, run in the same process. The first five
participants warm the caches and are not counted.

Unlike ``bench/submit_load.py`` this figure does not depend on a client and
a server sharing the CPUs, so it is the one to compare two revisions by; a
virtual machine's own speed still drifts (by a third between minutes, seen),
so ``--against PATH`` runs the same measurement on another checkout (for
example ``git worktree add /tmp/before <revision>``) in turn with this one,
``--rounds`` times, and prints each kind's median over the rounds with the
lowest and highest:

    python bench/request_cpu.py
    python bench/request_cpu.py --participants 50 --against /tmp/before --rounds 3

``--instructions`` counts instead of timing: each checkout runs twice under
valgrind's callgrind (4 and 4 + ``--participants`` participants counted, in
parallel on the machine's CPUs) and the difference, divided by the
participants, is the instructions this process executes for one
participant's whole path (the app, SQLAlchemy, psycopg and libpq, and the test
client). A count does not drift with the machine's speed, as timings here do
(by a third between minutes); it still varies between runs of the same code
(by up to 6 % per participant with 12 counted, seen on 2026-12-04: 109.6 and
116.7 million), so run it more than once, and with more participants, before
trusting a difference of a few percent (``apt-get install valgrind``; each
run takes minutes):

    python bench/request_cpu.py --instructions --participants 12 --against /tmp/before

(PostgreSQL from ``--postgres-url``, else ``LIPASSESS_TEST_POSTGRES_URL``,
else ``postgresql+psycopg://postgres@127.0.0.1:5432/test``.)
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import re
import secrets
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
KINDS = ("link", "consent page", "consent", "page view", "page save", "review", "submit", "receipt",
         "submit again")
WARM_UP = 5
BASE_COUNT = 4  # participants of the shorter callgrind run (--instructions)


def measure(root: Path, participants: int, survey: str, postgres_url: str) -> dict[str, float]:
    """Mean CPU ms per request of each kind (and "all", "bare") for the checkout at ``root``."""
    sys.path.insert(0, str(HERE))
    import submit_load as load  # this bench's seeding (it puts this checkout first on the path)

    sys.path.insert(0, str(root))  # ...and the measured checkout's lipassess before it

    cpu: dict[str, float] = defaultdict(float)
    count: dict[str, int] = defaultdict(int)
    counting = [False]

    def timed(kind: str, method: Callable[..., Any], address: str, **form: Any) -> Any:
        started = time.process_time()
        response = method(address, headers={"Accept-Encoding": "gzip"}, **form)
        if counting[0]:
            cpu[kind] += time.process_time() - started
            count[kind] += 1
        return response

    def text(response: Any) -> str:
        body = response.get_data()
        return (gzip.decompress(body) if response.headers.get("Content-Encoding") == "gzip" else body).decode()

    with load.fresh_schema(postgres_url) as url:
        people, _ = load.seed(url, participants + WARM_UP, "http://localhost", survey)
        os.environ.update(LIPASSESS_DATABASE_URL=url, LIPASSESS_SECRET_KEY=secrets.token_urlsafe(48),
                          LIPASSESS_ENV="development", LIPASSESS_BASE_URL="http://localhost",
                          LIPASSESS_LOG_LEVEL="WARNING")
        from lipassess import create_app

        app = create_app()
        for number, (_, link, answers) in enumerate(people):
            counting[0] = number >= WARM_UP
            client = app.test_client()
            address = timed("link", client.get, link.removeprefix("http://localhost")).headers["Location"]
            token = load.csrf(text(timed("consent page", client.get, address)))
            address = timed("consent", client.post, address,
                            data={"consent": "yes", "csrf_token": token}).headers["Location"]
            while "/page/" in address:
                page = text(timed("page view", client.get, address))
                data = {key: answers[key] for key in dict.fromkeys(load._FIELD.findall(page))}
                data.update(action="next", csrf_token=load.csrf(page))
                address = timed("page save", client.post, address, data=data).headers["Location"]
            token = load.csrf(text(timed("review", client.get, address)))
            address = timed("submit", client.post, address, data={"csrf_token": token}).headers["Location"]
            if timed("receipt", client.get, address).status_code != 200:
                raise SystemExit("the receipt did not come: the survey path is broken in this checkout")
            # A double click on Submit, as bench/submit_load.py sends: the first receipt again.
            again = timed("submit again", client.post, address.removesuffix("/receipt") + "/review",
                          data={"csrf_token": token})
            if again.status_code != 303 or timed("receipt", client.get, again.headers["Location"]).status_code != 200:
                raise SystemExit("a second submit did not lead to the receipt: the survey path is broken here")
        counting[0] = True
        bare = load.bare_app().test_client()
        for _ in range(2000):
            timed("bare", bare.get, "/")
        from lipassess import db

        db.engine_for(app).dispose()
    survey_cpu = sum(v for k, v in cpu.items() if k != "bare")
    survey_count = sum(v for k, v in count.items() if k != "bare")
    figures = {kind: cpu[kind] / count[kind] * 1e3 for kind in cpu}
    figures["all"] = survey_cpu / survey_count * 1e3
    return figures


def run_in(root: Path, args: argparse.Namespace) -> dict[str, float]:
    """:func:`measure` for the checkout at ``root``, in a fresh process (one lipassess per process)."""
    command = [sys.executable, __file__, "--json", "--root", str(root), "--participants", str(args.participants),
               "--survey", args.survey, "--postgres-url", args.postgres_url]
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise SystemExit(f"the measurement in {root} failed:\n{done.stderr[-2000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def instructions_in(root: Path, participants: int, args: argparse.Namespace) -> int:
    """Instructions callgrind counts for :func:`measure` of ``participants`` in the checkout at ``root``."""
    with tempfile.TemporaryDirectory() as scratch:
        command = ["valgrind", "--tool=callgrind", f"--callgrind-out-file={scratch}/out", sys.executable, __file__,
                   "--json", "--root", str(root), "--participants", str(participants), "--survey", args.survey,
                   "--postgres-url", args.postgres_url]
        done = subprocess.run(command, capture_output=True, text=True, check=False,
                              env={**os.environ, "PYTHONHASHSEED": "0"})  # the same dict layouts every run
    counted = re.findall(r"Collected\s*:\s*(\d+)", done.stderr)
    if done.returncode != 0 or not counted:
        raise SystemExit(f"the count in {root} failed:\n{done.stderr[-2000:]}")
    return int(counted[-1])


def count_instructions(checkouts: list[Path], args: argparse.Namespace) -> int:
    """Instructions per participant's whole path for each checkout, and the ratio of the first to the second."""
    if shutil.which("valgrind") is None:
        print("error: --instructions needs valgrind (apt-get install valgrind)", file=sys.stderr)
        return 2
    runs = [(root, n) for root in checkouts for n in (BASE_COUNT, BASE_COUNT + args.participants)]
    with ThreadPoolExecutor(max_workers=os.cpu_count() or 1) as pool:
        counts = dict(zip(runs, pool.map(lambda run: instructions_in(run[0], run[1], args), runs), strict=True))
    print(f"{time.strftime('%Y-%m-%d %H:%M %Z')}: survey {args.survey!r}, instructions per participant's path "
          f"(callgrind; runs of {BASE_COUNT} and {BASE_COUNT + args.participants} participants, the difference "
          f"divided by {args.participants})")
    per: list[float] = []
    for root in checkouts:
        per.append((counts[root, BASE_COUNT + args.participants] - counts[root, BASE_COUNT]) / args.participants)
        print(f"{str(root)[-40:]:<40} {per[-1] / 1e6:10.1f} million")
    if len(per) == 2:
        print(f"{checkouts[0]} takes {per[0] / per[1]:.1%} of {checkouts[1]}'s instructions")
    return 0


def table(results: dict[str, list[dict[str, float]]]) -> None:
    """Each kind's median over the rounds, with the lowest and highest (this VM's speed drifts between rounds)."""
    names = list(results)
    print(f"{'CPU ms per request':<18}" + "".join(f"{name[-30:]:>32}" for name in names))
    for kind in (*KINDS, "all", "bare"):
        cells = []
        for name in names:
            values = [run[kind] for run in results[name] if kind in run]
            cells.append(f"{statistics.median(values):.2f} ({min(values):.2f}-{max(values):.2f})" if values else "-")
        print(f"{kind:<18}" + "".join(f"{cell:>32}" for cell in cells))
    if len(names) == 2:
        after, before = (statistics.median(run["all"] for run in results[name]) for name in names)
        print(f"median 'all' of {names[0]} is {after / before:.1%} of {names[1]}'s")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--participants", type=int, default=40, help="participants counted (after 5 warming up)")
    parser.add_argument("--survey", choices=("post", "seminar"), default="post")
    parser.add_argument("--against", type=Path, help="another checkout to measure in turn with this one")
    parser.add_argument("--rounds", type=int, default=3, help="turns each with --against (default 3)")
    parser.add_argument("--instructions", action="store_true",
                        help="count instructions under callgrind instead of timing (see the module docstring)")
    parser.add_argument("--postgres-url", default=os.environ.get("LIPASSESS_TEST_POSTGRES_URL")
                        or "postgresql+psycopg://postgres@127.0.0.1:5432/test")
    parser.add_argument("--root", type=Path, default=HERE.parent, help=argparse.SUPPRESS)
    parser.add_argument("--json", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    args.participants = max(1, min(args.participants, 1000))
    if args.json:
        print(json.dumps(measure(args.root, args.participants, args.survey, args.postgres_url)))
        return 0
    checkouts = [HERE.parent] + ([args.against.resolve()] if args.against else [])
    if args.against and not (args.against / "lipassess").is_dir():
        print(f"error: {args.against} is not a lipassess checkout (no lipassess/ folder in it)", file=sys.stderr)
        return 2
    if args.instructions:
        return count_instructions(checkouts, args)
    results: dict[str, list[dict[str, float]]] = {str(root): [] for root in checkouts}
    for _ in range(max(1, args.rounds) if args.against else 1):
        for root in checkouts:
            results[str(root)].append(run_in(root, args))
    print(f"{time.strftime('%Y-%m-%d %H:%M %Z')}: {args.participants} participants, survey {args.survey!r}, "
          "Flask test client, CPU of this process per request")
    table(results)
    return 0


if __name__ == "__main__":
    sys.exit(main())
