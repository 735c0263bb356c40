"""Fixtures for the Moodle bridge tests: the recorded site, a stubbed endpoint, a client."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import responses

from moodle_plugin_bridge import Backoff, MoodleClient
from tests.bridge.fixtures import BASE_URL, TOKEN, MoodleStub, moodle_dir


@pytest.fixture(scope="session")
def moodle_fixtures() -> Path:
    """The directory of recorded Moodle answers (``tests/data/moodle``)."""
    return moodle_dir()


@pytest.fixture
def rsps() -> Iterator[responses.RequestsMock]:
    """A ``responses`` mock; every registered route need not be used."""
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        yield mock


@pytest.fixture
def stub(rsps: responses.RequestsMock) -> MoodleStub:
    """A fake Moodle endpoint at the recorded site's URL, answering recorded files."""
    return MoodleStub(rsps)


@pytest.fixture
def sleeps() -> list[float]:
    """Waits the client asked for (instead of sleeping)."""
    return []


@pytest.fixture
def client(stub: MoodleStub, sleeps: list[float]) -> Iterator[MoodleClient]:
    """A client of the stubbed site that records its retry waits instead of sleeping."""
    with MoodleClient(
        BASE_URL,
        TOKEN,
        max_retries=3,
        backoff=Backoff(base=0.5, factor=2, cap=4),
        sleep=sleeps.append,
    ) as moodle:
        yield moodle
