"""LTI tool keys at rest: encrypted under the app's secret, rotation, legacy plain PEM (issue 12, point 9)."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select

from lipassess import create_app, db
from lipassess.errors import ConfigurationError
from lipassess.services import lti_setup
from lipassess.services.key_vault import KeyVault, fernet_key
from lipassess.store.database import make_engine, session_scope
from lipassess.store.models import LtiToolKey
from lipassess.store.types import utcnow
from moodle_plugin_bridge.lti import generate_tool_key, jwks_document

pytestmark = pytest.mark.postgres

OLD = "old-secret-" + "a" * 32
NEW = "new-secret-" + "b" * 32
CLEAR_MESSAGE = (r"was LIPASSESS_SECRET_KEY \(or LIPASSESS_KEY_ENCRYPTION_KEY\) changed\? "
                 r"add the old one to LIPASSESS_PREVIOUS_SECRET_KEYS")


def stored(database_url: str) -> dict[str, str]:
    """kid -> the raw column value, read past the services."""
    engine = make_engine(database_url)
    try:
        with engine.connect() as conn:
            return {kid: value for kid, value in conn.execute(select(LtiToolKey.kid, LtiToolKey.private_key_pem))}
    finally:
        engine.dispose()


def app_with(database_url: str, **config: Any) -> Flask:
    return create_app({"ENV": "testing", "TESTING": True, "DATABASE_URL": database_url, "SECRET_KEY": OLD,
                       **config})


def keys_of(app: Flask) -> list[Any]:
    try:
        with app.app_context(), session_scope(db.session_factory(app)) as session:
            return lti_setup.tool_keys(session)
    finally:
        db.engine_for(app).dispose()


def test_the_stored_column_holds_no_pem_and_jwks_works(database_url: str) -> None:
    app = app_with(database_url)
    response = app.test_client().get("/lti/jwks")
    assert response.status_code == 200 and len(response.get_json()["keys"]) == 1
    raw = stored(database_url)
    assert len(raw) == 1
    (kid, value), = raw.items()
    assert "PRIVATE KEY" not in value and "-----" not in value and value.startswith("gAAAAA")
    keys = keys_of(app)
    assert keys[0].kid == kid and keys[0].private_key_pem.startswith("-----BEGIN PRIVATE KEY-----")
    assert jwks_document(keys) == response.get_json()
    assert KeyVault([OLD]).decrypt(value) == keys[0].private_key_pem


def test_derived_keys_differ_per_secret() -> None:
    assert fernet_key(OLD) != fernet_key(NEW) and len(fernet_key(OLD)) == 44


def test_rotation_with_the_old_secret_listed(database_url: str, run_cli: Any,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    app = app_with(database_url)  # the first key is made under OLD
    with app.app_context(), session_scope(db.session_factory(app)) as session:
        key = lti_setup.ensure_tool_key(session)
    db.engine_for(app).dispose()
    before = stored(database_url)[key.kid]

    # the secret changed and nobody listed the old one: a clear message, in the service and the CLI
    with pytest.raises(ConfigurationError, match=CLEAR_MESSAGE):
        keys_of(app_with(database_url, SECRET_KEY=NEW))
    monkeypatch.setenv("LIPASSESS_SECRET_KEY", NEW)
    failed = run_cli("lti", "list")
    assert failed.exit_code != 0 and "LIPASSESS_PREVIOUS_SECRET_KEYS" in failed.err
    assert "Traceback" not in failed.err and OLD not in failed.err and NEW not in failed.err

    # with the old one listed, keys still work, and the command re-encrypts them under the new one
    listed = keys_of(app_with(database_url, SECRET_KEY=NEW, PREVIOUS_SECRET_KEYS=f"unused-{'c' * 32}, {OLD}"))
    assert [k.private_key_pem for k in listed] == [key.private_key_pem]
    monkeypatch.setenv("LIPASSESS_PREVIOUS_SECRET_KEYS", OLD)
    result = run_cli("lti", "reencrypt-keys")
    assert result.exit_code == 0 and result.out.strip() == "1 of 1 LTI tool keys re-encrypted with the current secret"
    assert stored(database_url)[key.kid] != before
    again = run_cli("lti", "reencrypt-keys")
    assert again.out.strip() == "0 of 1 LTI tool keys re-encrypted with the current secret"

    # now the new secret alone is enough, and the old one alone no longer is
    assert [k.private_key_pem for k in keys_of(app_with(database_url, SECRET_KEY=NEW))] == [key.private_key_pem]
    with pytest.raises(ConfigurationError, match=CLEAR_MESSAGE):
        keys_of(app_with(database_url, SECRET_KEY=OLD))


def test_a_separate_key_encryption_key_survives_a_secret_key_change(database_url: str) -> None:
    separate = "key-encryption-" + "d" * 32
    app = app_with(database_url, KEY_ENCRYPTION_KEY=separate)
    with app.app_context(), session_scope(db.session_factory(app)) as session:
        key = lti_setup.ensure_tool_key(session)
    db.engine_for(app).dispose()
    assert keys_of(app_with(database_url, SECRET_KEY=NEW, KEY_ENCRYPTION_KEY=separate))[0].kid == key.kid
    with pytest.raises(ConfigurationError, match=CLEAR_MESSAGE):
        keys_of(app_with(database_url))  # without it, the key derived from LIPASSESS_SECRET_KEY does not fit


def test_a_short_key_encryption_key_is_refused(database_url: str) -> None:
    with pytest.raises(ConfigurationError, match="KEY_ENCRYPTION_KEY must be at least 32"):
        app_with(database_url, KEY_ENCRYPTION_KEY="short")


def _legacy_row(app: Flask) -> str:
    """A key stored the old way, as plain PEM; returns its kid."""
    key = generate_tool_key(utcnow())
    with app.app_context(), session_scope(db.session_factory(app)) as session:
        session.add(LtiToolKey(kid=key.kid, private_key_pem=key.private_key_pem, created_at=key.created_at,
                               active=True))
    db.engine_for(app).dispose()
    return key.kid


def test_plain_legacy_rows_are_encrypted_on_first_use(database_url: str) -> None:
    app = app_with(database_url)
    kid = _legacy_row(app)
    assert stored(database_url)[kid].startswith("-----BEGIN PRIVATE KEY-----")
    response = app.test_client().get("/lti/jwks")
    db.engine_for(app).dispose()
    assert response.status_code == 200 and [k["kid"] for k in response.get_json()["keys"]] == [kid]
    value = stored(database_url)[kid]
    assert value.startswith("gAAAAA") and "PRIVATE KEY" not in value
    assert KeyVault([OLD]).decrypt(value).startswith("-----BEGIN PRIVATE KEY-----")


def test_plain_legacy_rows_are_encrypted_by_the_command(database_url: str, run_cli: Any,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    kid = _legacy_row(app_with(database_url))
    monkeypatch.setenv("LIPASSESS_SECRET_KEY", NEW)
    result = run_cli("lti", "reencrypt-keys")
    assert result.exit_code == 0 and result.out.startswith("1 of 1 ")
    value = stored(database_url)[kid]
    assert value.startswith("gAAAAA") and KeyVault([NEW]).decrypt(value).startswith("-----BEGIN PRIVATE KEY-----")
