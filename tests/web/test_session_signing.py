"""The session cookie's signer is built once per secret key, and a new key is honoured at once."""

from __future__ import annotations

from flask import session

from lipassess import create_app


def _app(tmp_path, secret: str, fallbacks=()):
    app = create_app({"DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}", "SECRET_KEY": secret,
                      "SECRET_KEY_FALLBACKS": list(fallbacks)})

    @app.get("/__set")
    def set_value() -> str:
        session["who"] = 42
        return "set"

    @app.get("/__get")
    def get_value() -> str:
        return str(session.get("who"))

    return app


def test_a_cookie_signed_with_one_key_is_read_with_it_and_refused_with_another(tmp_path) -> None:
    first = _app(tmp_path, "a" * 40)
    client = first.test_client()
    client.get("/__set")
    assert client.get("/__get").get_data(as_text=True) == "42"
    interface = first.session_interface
    assert interface.get_signing_serializer(first) is interface.get_signing_serializer(first)  # built once

    first.secret_key = "b" * 40  # the key changes in a running app: the old cookie no longer verifies
    assert client.get("/__get").get_data(as_text=True) == "None"

    first.config["SECRET_KEY_FALLBACKS"] = ["a" * 40]  # the old key as a fallback: the same cookie verifies again
    assert client.get("/__get").get_data(as_text=True) == "42"
