"""Fixtures for CLI tests that talk to the recorded Moodle site."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import responses

from moodle_plugin_bridge import Backoff
from tests.bridge.fixtures import BASE_URL, TOKEN, MoodleStub


@pytest.fixture
def stub(monkeypatch: pytest.MonkeyPatch) -> Iterator[MoodleStub]:
    """The recorded site, and the environment pointing the CLI at it (retry waits skipped)."""
    monkeypatch.setenv("LIPASSESS_MOODLE_URL", BASE_URL)
    monkeypatch.setenv("LIPASSESS_MOODLE_TOKEN", TOKEN)
    monkeypatch.setattr("moodle_plugin_bridge.client.Backoff", lambda: Backoff(base=0, cap=0))
    with responses.RequestsMock(assert_all_requests_are_fired=False) as rsps:
        yield MoodleStub(rsps)
