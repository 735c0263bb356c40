"""Logging is configured once by the app (web and CLI) and turns a Moodle retry into a proper log line."""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator

import pytest
import responses

from lipassess import create_app
from lipassess.errors import ConfigurationError
from lipassess.logs import LOGGERS
from moodle_plugin_bridge import Backoff, MoodleClient
from tests.bridge.fixtures import BASE_URL, TOKEN, MoodleStub

LINE = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d (?P<level>[A-Z]+) (?P<logger>[\w.]+): (?P<message>.+)$")


@pytest.fixture(autouse=True)
def _restore_loggers() -> Iterator[None]:
    saved = {name: (logging.getLogger(name).level, list(logging.getLogger(name).handlers)) for name in LOGGERS}
    yield
    for name, (level, handlers) in saved.items():
        logger = logging.getLogger(name)
        logger.setLevel(level)
        logger.handlers[:] = handlers


def make_app(tmp_path, level: str):  # -> Flask
    return create_app({"TESTING": True, "ENV": "testing", "LOG_LEVEL": level,
                       "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}"})


def test_a_moodle_retry_is_one_formatted_warning_line(tmp_path, capsys: pytest.CaptureFixture[str]) -> None:
    make_app(tmp_path, "INFO")
    with responses.RequestsMock() as rsps:
        stub = MoodleStub(rsps)
        stub.add_json("core_webservice_get_site_info", b"", status=503, times=1)
        stub.add_fixture("core_webservice_get_site_info__default.json")
        with MoodleClient(BASE_URL, TOKEN, max_retries=2, backoff=Backoff(base=0.5), sleep=lambda _: None) as moodle:
            moodle.site_info()
    lines = [line for line in capsys.readouterr().err.splitlines() if line.strip()]
    assert len(lines) == 1, lines
    match = LINE.match(lines[0])
    assert match is not None, lines[0]
    assert match["level"] == "WARNING" and match["logger"] == "moodle_plugin_bridge.client"
    assert "core_webservice_get_site_info" in match["message"] and "retry 1 of 2" in match["message"]
    assert TOKEN not in lines[0]


@pytest.mark.parametrize(("level", "shown"), [("debug", {"DEBUG", "INFO", "WARNING"}),
                                               ("WARNING", {"WARNING"}),
                                               ("error", set())])
def test_the_setting_sets_the_level_of_both_loggers(tmp_path, capsys: pytest.CaptureFixture[str],
                                                     level: str, shown: set[str]) -> None:
    make_app(tmp_path, level)
    for name in LOGGERS:
        log = logging.getLogger(f"{name}.probe")
        log.debug("d")
        log.info("i")
        log.warning("w")
    seen = [LINE.match(line) for line in capsys.readouterr().err.splitlines() if line.strip()]
    assert all(seen)
    assert {m["level"] for m in seen} == shown
    assert len(seen) == len(shown) * len(LOGGERS)


def test_a_second_app_does_not_double_the_lines(tmp_path, capsys: pytest.CaptureFixture[str]) -> None:
    make_app(tmp_path, "INFO")
    make_app(tmp_path, "INFO")
    logging.getLogger("lipassess.probe").warning("once")
    assert capsys.readouterr().err.count("once") == 1


def test_an_unknown_level_is_refused_with_the_choices(tmp_path) -> None:
    with pytest.raises(ConfigurationError, match="LIPASSESS_LOG_LEVEL='LOUD' is not a logging level; use one of"):
        make_app(tmp_path, "LOUD")
