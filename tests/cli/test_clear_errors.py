"""Misconfiguration and bad data give one ``error:`` line that says what to do, exit 2, never a traceback."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.bridge.fixtures import MoodleStub

STORE_COMMANDS = [
    pytest.param(("waves", "list", "--cohort", "1"), id="waves list"),
    pytest.param(("dispatch",), id="dispatch"),
    pytest.param(("lti", "send-scores"), id="lti send-scores"),
    pytest.param(("export", "--cohort", "1", "--format", "long_csv", "--out", "x.csv"), id="export"),
    pytest.param(("analyze", "cohort", "1"), id="analyze cohort"),
    pytest.param(("sync", "--course", "3"), id="sync"),
]


def one_error_line(result) -> str:
    assert result.exit_code == 2, result
    assert "Traceback" not in result.err, result
    lines = [line for line in result.err.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("error: "), result
    return lines[0]


@pytest.mark.parametrize("args", STORE_COMMANDS)
def test_a_database_never_upgraded_says_run_db_upgrade(run_cli, stub: MoodleStub, monkeypatch, tmp_path: Path,
                                                      args) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("LIPASSESS_DATABASE_URL", f"sqlite:///{tmp_path / 'never-upgraded.sqlite3'}")
    line = one_error_line(run_cli(*args))
    assert "has no lipassess tables yet; run 'lipassess db upgrade' first" in line


@pytest.mark.parametrize(("env", "expected"), [
    ({"LIPASSESS_DATABASE_URL": "sqlite:////proc/no-such-folder/x.sqlite3"},
     "cannot create the folder /proc/no-such-folder for the SQLite database"),
    ({"LIPASSESS_DATABASE_URL": "postgresql+asyncpg://u@127.0.0.1/test"},
     "database driver 'postgresql+asyncpg' is not supported; use"),
    ({"LIPASSESS_DATABASE_URL": "", "LIPASSESS_ENV": "production", "LIPASSESS_SECRET_KEY": "p" * 40},
     "LIPASSESS_DATABASE_URL is empty; production needs it set explicitly"),
    ({"LIPASSESS_MOODLE_TIMEOUT": "0"}, "LIPASSESS_MOODLE_TIMEOUT=0.0 must be a number greater than 0"),
    ({"LIPASSESS_LINK_TTL_DAYS": "0"}, "LIPASSESS_LINK_TTL_DAYS=0 must be a number at least 1"),
    ({"LIPASSESS_REMINDERS": "-1"}, "LIPASSESS_REMINDERS=-1 must be a number at least 0"),
], ids=["unwritable sqlite folder", "unknown driver", "empty URL in production", "timeout 0", "ttl 0",
        "negative reminders"])
def test_bad_settings_are_refused_with_what_to_do(run_cli, stub: MoodleStub, monkeypatch, env, expected) -> None:
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    assert expected in one_error_line(run_cli("waves", "list", "--cohort", "1"))


@pytest.mark.parametrize(("content", "extra", "expected"), [
    ("id,pre,post\n1,3,4\n2,abc,4\n", (), "the non-numeric value 'abc' in row 2;"),
    ("id,pre,post\n1,3,4\n1,3,5\n", ("--id", "id"), "has participant 1 in 'id' more than once"),
], ids=["non-numeric cell", "duplicate id"])
def test_csv_errors_name_rows_as_people_read_them(run_cli, tmp_path: Path, content, extra, expected) -> None:
    path = tmp_path / "scores.csv"
    path.write_text(content, encoding="utf-8")
    line = one_error_line(run_cli("analyze", "paired", str(path), "--pre", "pre", "--post", "post", *extra))
    assert expected in line and "np." not in line


@pytest.mark.parametrize("args", [("status",), ("db", "current"), ("db", "upgrade"),
                                  ("waves", "list", "--cohort", "1")],
                         ids=["status", "db current", "db upgrade", "waves list"])
def test_a_file_that_is_not_a_database_is_refused_and_left_as_it_is(run_cli, monkeypatch, tmp_path: Path,
                                                                    args) -> None:
    folder = tmp_path / "files"  # tmp_path holds the test's own database
    folder.mkdir()
    notes = folder / "notes.txt"
    content = b"minutes of the March meeting\nnot a database, but someone's file\n" * 200
    notes.write_bytes(content)
    monkeypatch.setenv("LIPASSESS_DATABASE_URL", f"sqlite:///{notes}")
    line = one_error_line(run_cli(*args))
    assert line == (f"error: the file {notes} is not a SQLite database (file is not a database); it was left as "
                    "it is: point LIPASSESS_DATABASE_URL at the lipassess database, or at a new file to start one")
    assert notes.read_bytes() == content and sorted(p.name for p in folder.iterdir()) == ["notes.txt"]


@pytest.mark.parametrize(("where", "refused"), [
    ("a-file/demo", "a-file"),  # a folder inside a file
    ("a-pipe", "a-pipe"),  # neither a file nor a folder, as /dev/null
], ids=["parent is a file", "a pipe"])
@pytest.mark.parametrize("rebuild", [(), ("--rebuild",)], ids=["build", "rebuild"])
def test_demo_out_must_be_a_folder(run_cli, tmp_path: Path, where, refused, rebuild) -> None:
    folder = tmp_path / "files"
    folder.mkdir()
    (folder / "a-file").write_text("keep me\n", encoding="utf-8")
    os.mkfifo(folder / "a-pipe")
    line = one_error_line(run_cli("demo", "--out", str(folder / where), *rebuild))
    assert line == (f"error: --out must be a folder: {folder / refused} is a file; give a folder, or a new "
                    "folder's name")
    assert sorted(p.name for p in folder.iterdir()) == ["a-file", "a-pipe"]
    assert (folder / "a-file").read_text(encoding="utf-8") == "keep me\n"


def test_demo_out_that_is_a_file_is_refused_by_the_option(run_cli, tmp_path: Path) -> None:
    target = tmp_path / "demo.txt"
    target.write_text("keep me\n", encoding="utf-8")
    line = one_error_line(run_cli("demo", "--out", str(target)))
    assert line.startswith(f"error: Invalid value for '--out': Directory '{target}' is a file.")
    assert target.read_text(encoding="utf-8") == "keep me\n"
