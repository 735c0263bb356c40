"""Configuration: precedence, production safety, bad values."""

from __future__ import annotations

from pathlib import Path

import pytest

from lipassess import config, create_app
from lipassess.errors import ConfigurationError


def test_defaults_give_sqlite_in_instance_folder(tmp_path: Path) -> None:
    resolved = config.resolve(tmp_path, environ={})
    assert resolved["DATABASE_URL"] == f"sqlite:///{tmp_path / 'lipassess.sqlite3'}"
    assert resolved["ENV"] == "development"


def test_precedence_instance_file_then_environment_then_overrides(tmp_path: Path) -> None:
    (tmp_path / "config.py").write_text("REMINDERS = 5\nMOODLE_URL = 'https://file.example'\n")
    env = {"LIPASSESS_MOODLE_URL": "https://env.example", "LIPASSESS_LINK_TTL_DAYS": "30"}
    resolved = config.resolve(tmp_path, {"LINK_TTL_DAYS": 7}, environ=env)
    assert resolved["REMINDERS"] == 5
    assert resolved["MOODLE_URL"] == "https://env.example"
    assert resolved["LINK_TTL_DAYS"] == 7


def test_production_refuses_missing_or_short_secret(tmp_path: Path) -> None:
    production = {"LIPASSESS_ENV": "production", "LIPASSESS_DATABASE_URL": f"sqlite:///{tmp_path / 'p.sqlite3'}"}
    with pytest.raises(ConfigurationError, match="SECRET_KEY must be set"):
        config.resolve(tmp_path, environ=production)
    with pytest.raises(ConfigurationError, match="SECRET_KEY"):
        config.resolve(tmp_path, environ={**production, "LIPASSESS_SECRET_KEY": "short"})
    ok = config.resolve(tmp_path, environ={**production, "LIPASSESS_SECRET_KEY": "k" * 40})
    assert ok["SECRET_KEY"] == "k" * 40


@pytest.mark.parametrize("url", [None, ""], ids=["unset", "empty"])
def test_production_refuses_to_fall_back_to_the_instance_file(tmp_path: Path, url: str | None) -> None:
    environ = {"LIPASSESS_ENV": "production", "LIPASSESS_SECRET_KEY": "k" * 40}
    if url is not None:
        environ["LIPASSESS_DATABASE_URL"] = url
    with pytest.raises(ConfigurationError, match="DATABASE_URL is empty; production needs it set explicitly"):
        config.resolve(tmp_path, environ=environ)
    assert config.resolve(tmp_path, environ={})["DATABASE_URL"].endswith("lipassess.sqlite3")  # development


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"LIPASSESS_DATABASE_URL": "mysql://u@h/db"}, "scheme 'mysql' is not supported"),
        ({"LIPASSESS_REMINDERS": "two"}, "LIPASSESS_REMINDERS='two' is not a valid int"),
        ({"LIPASSESS_ENV": "staging"}, "ENV='staging' is not known"),
    ],
)
def test_bad_values_are_named(tmp_path: Path, env: dict, message: str) -> None:
    with pytest.raises(ConfigurationError, match=message):
        config.resolve(tmp_path, environ=env)


def test_broken_instance_file_names_the_file(tmp_path: Path) -> None:
    (tmp_path / "config.py").write_text("REMINDERS = = 3\n")
    with pytest.raises(ConfigurationError, match="config.py: cannot read instance config"):
        config.resolve(tmp_path, environ={})


def test_profile_field_map() -> None:
    assert config.profile_field_map("ministry=ministry, prov=province") == {
        "ministry": "ministry", "prov": "province"}
    with pytest.raises(ConfigurationError, match="'oops'"):
        config.profile_field_map("oops")


def test_app_health_check(client) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200 and response.get_json() == {"status": "ok"}


def test_app_refuses_production_without_secret(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LIPASSESS_ENV", "production")
    monkeypatch.delenv("LIPASSESS_SECRET_KEY", raising=False)
    with pytest.raises(ConfigurationError):
        create_app()


def test_unknown_page_is_a_404_page_and_api_gets_json(client) -> None:
    page = client.get("/no-such-page")
    assert page.status_code == 404 and b"<h1>" in page.data
    api = client.get("/api/v1/no-such-thing")
    assert api.status_code == 404
    assert set(api.get_json()) == {"code", "status", "message", "errors"}
