"""Debian's chromium, driven through Playwright (never Playwright's own browser download), for the browser tests.

The ``chromium`` fixture (``tests/web/conftest.py``) starts one browser for the
browser tests of ``tests/web`` that run on a worker; each test opens its own
contexts (own cookies, storage and cache) through the ``browser`` fixture,
which closes them after the test. Locally a browser test skips when chromium
or the playwright package is missing; with ``LIPASSESS_REQUIRE_SYSTEM=1`` (CI)
it fails instead.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def chromium_path() -> str:
    """The chromium to drive; skips the test (fails it under ``LIPASSESS_REQUIRE_SYSTEM=1``) without one."""
    path = str(CHROMIUM) if CHROMIUM.exists() else shutil.which("chromium")
    reason = None if path else f"{CHROMIUM} is missing (apt-get install chromium)"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        reason = reason or "the playwright package is not installed (pip install -e '.[test]')"
    if reason or path is None:
        if os.environ.get("LIPASSESS_REQUIRE_SYSTEM") == "1":
            pytest.fail(f"browser test required (LIPASSESS_REQUIRE_SYSTEM=1) but {reason}")
        pytest.skip(reason or "chromium is missing")
    return path


def expect(actual: Any, message: str | None = None) -> Any:
    """Playwright's ``expect``, imported when used (a test without Playwright was skipped by its fixture)."""
    from playwright.sync_api import expect as playwright_expect

    return playwright_expect(actual, message)
