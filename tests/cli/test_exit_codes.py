"""Exit codes as the README's Command line section says.

1: the job ran and failed (a course failed to sync, Moodle could not be reached, a batch failed);
2: the command cannot run as given (a bad option or argument, a bad file, bad configuration).
Either way the error is one line on stderr, never a traceback.
"""

from __future__ import annotations

import pytest
import requests

from moodle_plugin_bridge import REQUIRED_FUNCTIONS
from tests.bridge.fixtures import MoodleStub

USAGE = [
    pytest.param(("sync", "--no-such-option"), id="unknown option"),
    pytest.param(("export", "--cohort", "all", "--format", "pdf", "--out", "x.pdf"), id="bad option value"),
    pytest.param(("analyze", "paired", "no-such-file.csv", "--pre", "a", "--post", "b"), id="missing file"),
    pytest.param(("dispatch", "--as-of", "next monday"), id="bad date"),
    pytest.param(("waves", "list", "--cohort", "999"), id="unknown cohort"),
    pytest.param(("instruments", "validate", "bad.yaml"), id="bad instrument file"),
    pytest.param(("sync",), id="nothing to sync"),
]


@pytest.mark.parametrize("args", USAGE)
def test_usage_errors_and_bad_input_exit_2(run_cli, stub: MoodleStub, tmp_path, monkeypatch, args) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "bad.yaml").write_text("id: [not, an, instrument\n", encoding="utf-8")
    result = run_cli(*args)
    assert result.exit_code == 2, result
    assert result.err.startswith("error: ") and "Traceback" not in result.err, result


@pytest.mark.parametrize("unset", ["LIPASSESS_MOODLE_URL", "LIPASSESS_MOODLE_TOKEN"])
@pytest.mark.parametrize("args", [("moodle", "check"), ("sync", "--course", "3"), ("dispatch",)])
def test_bad_configuration_exits_2(run_cli, stub: MoodleStub, monkeypatch, unset, args) -> None:
    monkeypatch.delenv(unset)
    result = run_cli(*args)
    assert result.exit_code == 2 and unset in result.err, result


def moodle_down(stub: MoodleStub) -> None:
    for function in {"core_webservice_get_site_info", *REQUIRED_FUNCTIONS}:
        stub.add_raise(function, requests.ConnectionError("[Errno 111] Connection refused"))


@pytest.mark.parametrize("args", [
    pytest.param(("moodle", "check"), id="moodle check"),
    pytest.param(("sync", "--course", "3"), id="sync a course"),
    pytest.param(("sync", "--category", "2"), id="sync a category"),
])
def test_moodle_down_exits_1(run_cli, stub: MoodleStub, args) -> None:
    moodle_down(stub)
    result = run_cli(*args)
    assert result.exit_code == 1, result
    assert "could not be reached" in result.err + result.out and "Traceback" not in result.err, result
