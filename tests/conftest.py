"""Shared fixtures: a fresh app and database per test, on SQLite and (when asked) PostgreSQL.

Tests that take the ``backend`` fixture (directly or through ``app``) run on
SQLite; those marked ``@pytest.mark.postgres`` run on PostgreSQL too when
``LIPASSESS_TEST_POSTGRES_URL`` is set, and those marked
``@pytest.mark.postgres(only=True)`` (a PostgreSQL feature) only there (CI sets it, and sets
``LIPASSESS_REQUIRE_POSTGRES=1`` so that an unreachable server fails the run
instead of silently skipping).

Each test session gets its own PostgreSQL schema with a random name, so several
runs, and the xdist workers of one run (``pytest -n auto``, see :mod:`tests.parallel`),
can share one server; the schema is dropped at the end.
"""

from __future__ import annotations

import copy
import os
import secrets
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

from lipassess import create_app
from lipassess.store import migrate
from lipassess.store.database import make_engine, make_session_factory
from lipassess.store.models import Base

POSTGRES_URL = os.environ.get("LIPASSESS_TEST_POSTGRES_URL", "")
REQUIRE_POSTGRES = os.environ.get("LIPASSESS_REQUIRE_POSTGRES") == "1"
_postgres_runs = {"count": 0}


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "backend" not in metafunc.fixturenames:
        return
    marker = metafunc.definition.get_closest_marker("postgres")
    postgres = marker is not None and bool(POSTGRES_URL or REQUIRE_POSTGRES)
    if marker is not None and marker.kwargs.get("only"):  # a PostgreSQL feature: no SQLite variant (skipped without)
        backends = ["postgresql"] if postgres else [pytest.param("postgresql", marks=pytest.mark.skip(
            reason="a PostgreSQL feature: set LIPASSESS_TEST_POSTGRES_URL"))]
    else:
        backends = ["sqlite", *(["postgresql"] if postgres else [])]
    metafunc.parametrize("backend", backends, indirect=True)


def pytest_sessionstart(session: pytest.Session) -> None:
    if REQUIRE_POSTGRES and not POSTGRES_URL:
        raise pytest.UsageError(
            "LIPASSESS_REQUIRE_POSTGRES=1 but LIPASSESS_TEST_POSTGRES_URL is not set"
        )


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_make_scheduler(config: pytest.Config, log: Any) -> Any:
    """Whole modules per worker, heaviest first (``--dist loadscope``, the default in pyproject.toml)."""
    if config.option.dist != "loadscope":
        return None
    from tests.parallel import ModuleScheduling

    return ModuleScheduling(config, log)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if hasattr(config, "workerinput") and config.option.dist == "loadscope":  # an xdist worker
        from tests.parallel import heaviest_first

        heaviest_first(items)


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node: Any, error: object) -> None:
    """An xdist worker finished: add up the tests it ran on PostgreSQL."""
    _postgres_runs["count"] += getattr(node, "workeroutput", {}).get("postgres_runs", 0)


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    workeroutput = getattr(session.config, "workeroutput", None)
    if workeroutput is not None:  # an xdist worker: the controller checks the sum of all workers
        workeroutput["postgres_runs"] = _postgres_runs["count"]
        return
    if REQUIRE_POSTGRES and session.testscollected and _postgres_runs["count"] == 0:
        print("\nerror: LIPASSESS_REQUIRE_POSTGRES=1 but no test ran on PostgreSQL")
        session.exitstatus = 1


@pytest.fixture(scope="session")
def postgres_schema_url() -> Iterator[str]:
    """A PostgreSQL URL whose search_path is a fresh schema, migrated to head."""
    if not POSTGRES_URL:
        pytest.fail("LIPASSESS_TEST_POSTGRES_URL is not set")
    schema = "t_" + secrets.token_hex(6)
    admin = create_engine(make_url(POSTGRES_URL).set(drivername="postgresql+psycopg"))
    try:
        with admin.begin() as conn:
            conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    except Exception as exc:  # turned into a clear failure
        pytest.fail(f"PostgreSQL at {POSTGRES_URL} is not reachable: {exc}")
    url = make_url(POSTGRES_URL).set(drivername="postgresql+psycopg")
    url = url.update_query_dict({"options": f"-csearch_path={schema}"})
    url_text = url.render_as_string(hide_password=False)
    engine = make_engine(url_text)
    migrate.upgrade(engine)
    engine.dispose()
    yield url_text
    with admin.begin() as conn:
        conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
    admin.dispose()


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A SQLite file migrated to head once; each test copies it."""
    path = tmp_path_factory.mktemp("template") / "template.sqlite3"
    engine = make_engine(f"sqlite:///{path}")
    migrate.upgrade(engine)
    with engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    engine.dispose()
    return path


def _demo_program(factory: sessionmaker[Session]) -> Any:
    from lipassess.services.demo_data import build_demo_program
    from lipassess.services.instruments import bundled_instruments_dir

    with factory() as session:
        summary = build_demo_program(session, bundled_instruments_dir())
        session.commit()
        return summary


@pytest.fixture(scope="session")
def demo_database(sqlite_template: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Any]:
    """A SQLite file holding the synthetic demo program, built once per test session, and the builder's
    :class:`~lipassess.services.demo_data.DemoSummary`; copy the file before writing to it."""
    return _build_sqlite_world(_demo_program, sqlite_template, tmp_path_factory.mktemp("demo-program"))


@pytest.fixture
def backend(request: pytest.FixtureRequest) -> str:
    return getattr(request, "param", "sqlite")


@pytest.fixture
def database_url(backend: str, request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A migrated, empty database for one test."""
    if backend == "sqlite":
        target = tmp_path / "lipassess.sqlite3"
        shutil.copyfile(request.getfixturevalue("sqlite_template"), target)
        yield f"sqlite:///{target}"
        return
    _postgres_runs["count"] += 1
    url = request.getfixturevalue("postgres_schema_url")
    emptying = request.getfixturevalue("postgres_emptying")
    yield url
    engine = make_engine(url)
    with engine.begin() as conn:
        conn.exec_driver_sql(emptying)
    engine.dispose()


@pytest.fixture(scope="session")
def postgres_emptying(postgres_schema_url: str) -> str:
    """SQL that empties the test schema after a test: every table (children first) and every sequence restarted.

    The same end as ``TRUNCATE ... RESTART IDENTITY CASCADE``, several times faster on the few rows a test
    writes (a TRUNCATE makes new files for every table).
    """
    engine = make_engine(postgres_schema_url)
    with engine.connect() as conn:
        sequences = conn.execute(text(
            "SELECT sequence_name FROM information_schema.sequences WHERE sequence_schema = current_schema()"
            " ORDER BY sequence_name")).scalars().all()
    engine.dispose()
    return "; ".join([f'DELETE FROM "{t.name}"' for t in reversed(Base.metadata.sorted_tables)]
                     + [f'ALTER SEQUENCE "{name}" RESTART' for name in sequences])


@pytest.fixture
def app(database_url: str, tmp_path: Path):
    application = create_app(
        {
            "ENV": "testing",
            "TESTING": True,
            "DATABASE_URL": database_url,
            "SECRET_KEY": "test-secret-key-" + "x" * 32,
            "WTF_CSRF_ENABLED": False,
        }
    )
    yield application
    from lipassess import db

    db.engine_for(application).dispose()


WorldBuilder = Callable[[sessionmaker[Session]], Any]
_prebuilt_worlds: dict[WorldBuilder, tuple[Path, Any]] = {}


def _build_sqlite_world(builder: WorldBuilder, template: Path, folder: Path) -> tuple[Path, Any]:
    path = folder / "world.sqlite3"
    shutil.copyfile(template, path)
    engine = make_engine(f"sqlite:///{path}")
    try:
        world = builder(make_session_factory(engine))
        with engine.connect() as conn:
            conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        engine.dispose()
    return path, world


@pytest.fixture
def prebuilt(app, backend: str, database_url: str, request: pytest.FixtureRequest,
             tmp_path_factory: pytest.TempPathFactory) -> Callable[[WorldBuilder], Any]:
    """``prebuilt(builder)``: the test's database filled by ``builder(session_factory)``; returns its result.

    On SQLite the builder runs once per test session, into a copy of the migrated
    template, and each test gets a fresh copy of that file (an expensive world costs
    one file copy); on PostgreSQL it runs in the test's own schema. Call it before
    the test touches the database. The builder commits what it creates.
    """
    from lipassess import db

    def load(builder: WorldBuilder) -> Any:
        if backend != "sqlite":
            return builder(db.session_factory(app))
        if builder not in _prebuilt_worlds:
            template = request.getfixturevalue("sqlite_template")
            _prebuilt_worlds[builder] = _build_sqlite_world(builder, template, tmp_path_factory.mktemp("world"))
        path, world = _prebuilt_worlds[builder]
        db.engine_for(app).dispose()
        target = Path(make_url(database_url).database or "")
        for leftover in (target.with_name(target.name + "-wal"), target.with_name(target.name + "-shm")):
            leftover.unlink(missing_ok=True)
        shutil.copyfile(path, target)
        return copy.deepcopy(world)

    return load


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def session(app):
    """A store session of the test's database; the test commits when it wants to.

    No app context is held open: requests made by the test client must get their own
    (Flask reuses an already pushed app context, and with it ``g``).
    """
    from lipassess import db

    s = db.session_factory(app)()
    yield s
    s.rollback()
    s.close()


class CliResult:
    def __init__(self, exit_code: int, out: str, err: str) -> None:
        self.exit_code, self.out, self.err = exit_code, out, err

    def __repr__(self) -> str:
        return f"CliResult(exit_code={self.exit_code}, out={self.out!r}, err={self.err!r})"


@pytest.fixture
def run_cli(database_url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture):
    """Run ``lipassess ARGS`` in-process against the test database; returns exit code and output."""
    from lipassess.cli import main
    from lipassess.cli.context import cli_app

    monkeypatch.setenv("LIPASSESS_DATABASE_URL", database_url)
    monkeypatch.setenv("LIPASSESS_ENV", "testing")
    monkeypatch.delenv("LIPASSESS_SECRET_KEY", raising=False)

    def run(*args: str, stdin: str | None = None) -> CliResult:
        import io
        import sys

        _dispose_cli_app()
        if stdin is not None:
            monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
        capsys.readouterr()
        code = 0
        try:
            main(list(args))
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
        captured = capsys.readouterr()
        return CliResult(code, captured.out, captured.err)

    def _dispose_cli_app() -> None:
        from lipassess import db

        if cli_app.cache_info().currsize:
            db.engine_for(cli_app()).dispose()
        cli_app.cache_clear()

    yield run
    _dispose_cli_app()


@pytest.fixture
def computed(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The scope of every cohort analysis actually computed (a stored result computes nothing)."""
    from lipassess.services import evaluation

    calls: list[str] = []
    original = evaluation.analyze_cohort

    def counting(*args: Any, **kwargs: Any) -> Any:
        calls.append(kwargs["scope"])
        return original(*args, **kwargs)

    monkeypatch.setattr(evaluation, "analyze_cohort", counting)
    return calls
