"""Fixtures shared by the web tests: an app with CSRF protection on; a settable clock for sign-in and session
expiry; one chromium for the browser tests (see :mod:`tests.web.chromium`) and the demo program they open as
staff."""

from __future__ import annotations

import shutil
import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from lipassess import create_app, db
from lipassess.services import staff as staff_service
from lipassess.web import auth
from tests.web.chromium import CHROMIUM_ARGS, chromium_path


class Clock:
    """A settable clock injected into the sign-in and session code (``lipassess.web.auth.utcnow``)."""

    def __init__(self) -> None:
        self.now = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


@pytest.fixture
def csrf_app(database_url: str) -> Iterator[Any]:
    """The app with CSRF protection on, as in production (the other test apps turn it off)."""
    application = create_app({"ENV": "testing", "TESTING": True, "DATABASE_URL": database_url,
                              "SECRET_KEY": "csrf-secret-" + "y" * 32, "WTF_CSRF_ENABLED": True})
    yield application
    db.engine_for(application).dispose()


@pytest.fixture
def make_app(database_url):
    """``make_app(**settings)``: another app on the test's database, its engine disposed afterwards."""
    from lipassess import create_app, db

    made = []

    def make(**settings):
        made.append(create_app({"ENV": "testing", "TESTING": True, "DATABASE_URL": database_url,
                                "SECRET_KEY": "s" * 40, "WTF_CSRF_ENABLED": False, **settings}))
        return made[-1]

    yield make
    for application in made:
        db.engine_for(application).dispose()


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    fake = Clock()
    monkeypatch.setattr(auth, "utcnow", fake)
    return fake


@pytest.fixture(scope="package")
def chromium() -> Iterator[Any]:
    """One headless chromium for this package's browser tests (starting it costs about a second)."""
    path = chromium_path()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=path, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@pytest.fixture
def browser(chromium: Any) -> Iterator[Any]:
    """The shared chromium; every context the test opened (its cookies, storage, cache) is closed after it."""
    yield chromium
    for context in list(chromium.contexts):
        context.close()


@pytest.fixture(scope="package")
def staff_demo_server(demo_database: tuple[Path, object], tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The app on a copy of the demo program's database, with staff users eva (evaluator), max (manager) and ada
    (admin), served on a free port for the staff browser tests; the analyses the first pages compute are stored
    there for the later ones (tests/parallel.py runs those modules on one worker)."""
    from werkzeug.serving import make_server

    target = tmp_path_factory.mktemp("browser") / "demo.sqlite3"
    shutil.copyfile(demo_database[0], target)
    app = create_app({"ENV": "testing", "DATABASE_URL": f"sqlite:///{target}",
                      "SECRET_KEY": "browser-test-secret-" + "y" * 32})
    with db.session_factory(app)() as session:
        staff_service.add_staff_user(session, username="eva", role="evaluator", password="eva-password-123")
        staff_service.add_staff_user(session, username="max", role="manager", password="max-password-123")
        staff_service.add_staff_user(session, username="ada", role="admin", password="ada-password-123")
        session.commit()
    httpd = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_port}"
    httpd.shutdown()
    thread.join(timeout=10)
    httpd.server_close()
    db.engine_for(app).dispose()
