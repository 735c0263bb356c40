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


def _counting_loads(app, monkeypatch) -> list[int]:
    """Count the signature checks the app's session serializer makes."""
    serializer = app.session_interface.get_signing_serializer(app)
    calls: list[int] = []
    original = serializer.loads

    def loads(*args, **kwargs):
        calls.append(1)
        return original(*args, **kwargs)

    monkeypatch.setattr(serializer, "loads", loads)
    return calls


def test_a_cookie_is_verified_once_and_then_read_from_memory(tmp_path, monkeypatch) -> None:
    app = _app(tmp_path, "a" * 40)
    client = app.test_client()
    client.get("/__set")
    calls = _counting_loads(app, monkeypatch)
    assert [client.get("/__get").get_data(as_text=True) for _ in range(3)] == ["42", "42", "42"]
    assert len(calls) == 1


def test_a_remembered_cookie_still_expires(tmp_path, monkeypatch) -> None:
    from datetime import timedelta

    from lipassess.web import cookies

    app = _app(tmp_path, "a" * 40)
    app.permanent_session_lifetime = timedelta(seconds=60)
    client = app.test_client()
    client.get("/__set")
    assert client.get("/__get").get_data(as_text=True) == "42"  # verified and remembered
    now = cookies.time.time()
    monkeypatch.setattr(cookies.time, "time", lambda: now + 61)
    assert client.get("/__get").get_data(as_text=True) == "None"  # older than the lifetime: refused
    monkeypatch.setattr(cookies.time, "time", lambda: now - 3600)
    assert client.get("/__get").get_data(as_text=True) == "None"  # signed "in the future": refused too


def test_a_tampered_cookie_is_refused_even_after_the_genuine_one_was_remembered(tmp_path) -> None:
    app = _app(tmp_path, "a" * 40)
    client = app.test_client()
    client.get("/__set")
    assert client.get("/__get").get_data(as_text=True) == "42"
    genuine = client.get_cookie("session").value
    payload, stamp, signature = genuine.rsplit(".", 2)
    forged = f"{payload}.{stamp}.{signature[:-2]}{'AA' if signature[-2:] != 'AA' else 'BB'}"
    client.set_cookie("session", forged)
    assert client.get("/__get").get_data(as_text=True) == "None"


def test_each_request_gets_its_own_copy_of_a_remembered_session(tmp_path) -> None:
    app = _app(tmp_path, "a" * 40)

    @app.get("/__nest")
    def nest() -> str:
        session["grants"] = {"7": 1}
        return "nested"

    @app.get("/__touch")
    def touch() -> str:
        grants = session["grants"]
        grants[str(len(grants) + 7)] = 2  # changes the nested dict in place: Flask does not see it, nothing is saved
        return str(len(grants))

    client = app.test_client()
    client.get("/__nest")
    assert client.get("/__touch").get_data(as_text=True) == "2"
    assert client.get("/__touch").get_data(as_text=True) == "2"  # not 3, from a dict the requests shared...
    assert "Set-Cookie" not in client.get("/__touch").headers  # ...and the cookie was never rewritten


def test_an_unchanged_session_sends_no_cookie_but_varies_on_it(tmp_path) -> None:
    app = _app(tmp_path, "a" * 40)
    client = app.test_client()
    assert "Set-Cookie" in client.get("/__set").headers
    response = client.get("/__get")
    assert "Set-Cookie" not in response.headers
    assert "Cookie" in response.headers.get("Vary", "")
