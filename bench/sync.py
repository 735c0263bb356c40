"""Time ``lipassess sync`` of one course of 5,000 participants: first, no-change, no-change ``--full``.

Run from the repository root: ``python bench/sync.py`` (SQLite in a temporary
folder) or ``python bench/sync.py --database-url postgresql+psycopg://...``
(a fresh schema is created and dropped). Moodle is the recorded site's
answers served through ``responses`` (``tests/bridge/fixtures.py``): the
course's participants are the recorded Cohort 6 students cycled to N with
fresh ids (``scale_rows``), 1 % of them suspended, the recorded teacher kept;
their grade reports and completion answers are the recorded ones, cycled the
same way. No network is involved, so the times are lipassess's own cost
(HTTP client, JSON, records, store) without Moodle's.

Prints the web-service calls by function and the wall time of a first sync,
of a second sync where nothing changed (completion asked only of students not
yet complete), of the same with ``--full`` (every active student asked), and
of the store-write part of each.
"""

from __future__ import annotations

import argparse
import copy
import secrets
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import responses
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import lipassess.services.sync.run as sync_run
from lipassess.services.sync import SyncOptions
from lipassess.store import migrate
from lipassess.store.database import make_engine, make_session_factory
from moodle_plugin_bridge import Backoff, MoodleClient
from tests.bridge.fixtures import BASE_URL, TOKEN, Call, MoodleStub, load_fixture, scale_rows

COURSE_ID = 3
FIRST_ID = 100_000
FIELD_MAP = {"ministry": "ministry", "province": "province"}


def build_site(n: int) -> dict[str, Any]:
    """The recorded course 3, scaled to ``n`` students (ids FIRST_ID ...)."""
    listing = load_fixture("core_enrol_get_enrolled_users__c6.json")
    students = [row for row in listing if row["roles"][0]["shortname"] == "student" and row["id"] != 32]
    teacher = next(row for row in listing if row["roles"][0]["shortname"] == "editingteacher")
    rows = scale_rows(students, n, first_id=FIRST_ID)
    everyone = load_fixture("core_user_get_users__invalid_criteria_key_returns_all.json")["users"]
    users_by_id = {u["id"]: u for u in everyone}
    users = scale_rows([users_by_id[row["id"]] for row in students], n, first_id=FIRST_ID)
    users.append(users_by_id[teacher["id"]])
    report = load_fixture("gradereport_user_get_grade_items__c6_all_users.json")
    recorded = {g["userid"]: g for g in report["usergrades"]}
    usergrades = []
    for i, row in enumerate(rows):
        source = students[i % len(students)]["id"]
        if source in recorded:
            entry = copy.deepcopy(recorded[source])
            entry["userid"] = row["id"]
            usergrades.append(entry)
    complete = set(range(19, 32)) - {23, 27, 31} | {9}
    completion_of = {
        row["id"]: "complete" if students[i % len(students)]["id"] in complete else "incomplete"
        for i, row in enumerate(rows)
    }
    return {
        "rows": [*rows, teacher],
        "users": users,
        "grades": {"usergrades": usergrades, "warnings": []},
        "suspended": {row["id"] for row in rows[::100]},
        "completion_of": completion_of,
    }


def serve(stub: MoodleStub, site: dict[str, Any]) -> None:
    stub.add_courses()
    stub.add_enrolled_course(COURSE_ID, "", rows=site["rows"], suspended_ids=site["suspended"])
    stub.add_users_by_id(users=site["users"])
    stub.add_callback("gradereport_user_get_grade_items", lambda call: site["grades"])
    bodies = {
        kind: load_fixture(f"core_completion_get_course_completion_status__{kind}.json")
        for kind in ("complete", "incomplete")
    }

    def completion(call: Call) -> Any:
        return bodies[site["completion_of"][int(call.form["userid"])]]

    stub.add_callback("core_completion_get_course_completion_status", completion)


def timed_apply() -> tuple[Callable[..., Any], list[float]]:
    spent: list[float] = []
    real = sync_run.apply_course

    def apply(*args: Any, **kwargs: Any) -> Any:
        start = time.perf_counter()
        try:
            return real(*args, **kwargs)
        finally:
            spent.append(time.perf_counter() - start)

    return apply, spent


def run(database_url: str, n: int, workers: int) -> None:
    engine = make_engine(database_url)
    migrate.upgrade(engine)
    factory = make_session_factory(engine)
    site = build_site(n)
    real_apply = sync_run.apply_course
    apply, spent = timed_apply()
    sync_run.apply_course = apply
    try:
        runs = (
            ("first sync", False),
            ("no-change sync (asks completion only of students not yet complete)", False),
            ("no-change sync --full (asks completion of every active student)", True),
        )
        for label, full in runs:
            with responses.RequestsMock(assert_all_requests_are_fired=False) as rsps:
                stub = MoodleStub(rsps)
                serve(stub, site)
                with MoodleClient(BASE_URL, TOKEN, backoff=Backoff(base=0, cap=0)) as client:
                    start = time.perf_counter()
                    report = sync_run.sync_courses(
                        factory, client, course_ids=[COURSE_ID], field_map=FIELD_MAP,
                        now=datetime.now(UTC), options=SyncOptions(full=full, completion_workers=workers),
                    )
                    wall = time.perf_counter() - start
            course = report.courses[0]
            if not course.ok:
                raise SystemExit(f"sync failed: {course.error}")
            calls = Counter(call.function for call in stub.calls)
            print(f"{label}: {len(stub.calls)} web-service calls, {wall:.2f} s wall "
                  f"({spent[-1]:.2f} s writing the store, {wall - spent[-1]:.2f} s reading Moodle)")
            for function, count in sorted(calls.items()):
                print(f"    {count:6d}  {function}")
            print(f"    rows created/updated/unchanged: participants {course.participants.summary()}, "
                  f"enrolments {course.enrolments.summary()}, grades {course.grades.summary()}, "
                  f"completions {course.completions.summary()}")
    finally:
        sync_run.apply_course = real_apply
        engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", type=int, default=5_000, help="participants in the course (default 5000)")
    parser.add_argument("--workers", type=int, default=4, help="concurrent completion calls (default 4)")
    parser.add_argument("--database-url", help="PostgreSQL URL; a temporary schema is used and dropped")
    args = parser.parse_args()
    print(f"course of {args.n} participants (1 % suspended) + 1 teacher, Moodle stubbed in-process")
    if not args.database_url:
        with tempfile.TemporaryDirectory() as folder:
            print("store: SQLite (WAL)")
            run(f"sqlite:///{folder}/bench.sqlite3", args.n, args.workers)
        return
    schema = "bench_" + secrets.token_hex(4)
    admin = create_engine(make_url(args.database_url).set(drivername="postgresql+psycopg"))
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    try:
        url = make_url(args.database_url).set(drivername="postgresql+psycopg")
        url = url.update_query_dict({"options": f"-csearch_path={schema}"})
        print("store: PostgreSQL")
        run(url.render_as_string(hide_password=False), args.n, args.workers)
    finally:
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


if __name__ == "__main__":
    main()
