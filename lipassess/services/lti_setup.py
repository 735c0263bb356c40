"""LTI 1.3 set-up: platform registrations, the tool's keys, dynamic registration.

A platform registration is one Moodle site's record of this tool: issuer +
client id (unique together), its deployment ids and its three URLs. It comes
from ``lipassess lti add-platform`` or from LTI dynamic registration, which is
accepted only from the Moodle site configured in ``LIPASSESS_MOODLE_URL``:
participants are keyed by Moodle user id, so a second site could otherwise
launch as anyone.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

import requests
from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from lipassess.errors import ConfigurationError, InvalidInput, PermissionDenied
from lipassess.services import audit
from lipassess.services.key_vault import KeyVault, is_plain_pem, vault_for
from lipassess.store.models import LtiDeployment, LtiPlatform, LtiToolKey
from lipassess.store.types import utcnow
from moodle_plugin_bridge.lti import (
    PlatformConfig,
    RegistrationError,
    ToolKey,
    fetch_platform_configuration,
    generate_tool_key,
    jwks_document,
    register_tool,
    signing_key,
    tool_registration_request,
)
from moodle_plugin_bridge.lti.claims import SCOPE_SCORE
from moodle_plugin_bridge.lti.urls import split_url, url_under, web_origin

TOOL_NAME = "lipassess surveys"
TOOL_DESCRIPTION = "Pre, post and follow-up leadership surveys of the Leadership and Innovation Program"
# Sent with every launch once registered dynamically: the course idnumber, a fallback
# for finding the cohort when a course id is not known (see lipassess.services.lti).
REGISTRATION_CUSTOM_PARAMETERS = {"course_idnumber": "$CourseSection.sourcedId"}
DEFAULT_KEYS_KEPT = 2


# --- platforms ------------------------------------------------------------------------------


def _check_url(name: str, value: str) -> str:
    value = (value or "").strip()
    parts = split_url(value)
    if parts is None or parts.scheme not in ("http", "https") or not parts.netloc:
        raise InvalidInput(f"{name} must be an absolute http(s) URL, e.g. https://moodle.example.gov.kh/mod/lti/"
                           f"auth.php; got {value!r}")
    return value


def platform_config(platform: LtiPlatform) -> PlatformConfig:
    """The bridge's view of a stored registration (``key`` is the row id)."""
    return PlatformConfig(
        issuer=platform.issuer, client_id=platform.client_id, auth_login_url=platform.auth_login_url,
        token_url=platform.token_url, jwks_url=platform.jwks_url,
        deployment_ids=frozenset(d.deployment_id for d in platform.deployments), key=platform.id,
    )


def find_platforms(session: Session, issuer: str) -> list[PlatformConfig]:
    """Every registration with this issuer (usually one)."""
    rows = session.scalars(select(LtiPlatform).options(selectinload(LtiPlatform.deployments))
                           .where(LtiPlatform.issuer == issuer)).all()
    return [platform_config(p) for p in rows]


def list_platforms(session: Session) -> list[LtiPlatform]:
    return list(session.scalars(select(LtiPlatform).options(selectinload(LtiPlatform.deployments))
                                .order_by(LtiPlatform.issuer, LtiPlatform.client_id)).all())


def platform_origins(session: Session) -> tuple[str, ...]:
    """The web origins (``scheme://host[:port]``) of the registered platforms: the sites that may frame LTI pages."""
    origins = set()
    for issuer in session.scalars(select(LtiPlatform.issuer).distinct()):
        origin = web_origin(issuer)
        if origin is not None:
            scheme, host, port = origin
            host = f"[{host}]" if ":" in host else host  # an IPv6 address
            default = (scheme, port) in (("http", 80), ("https", 443))
            origins.add(f"{scheme}://{host}" if default else f"{scheme}://{host}:{port}")
    return tuple(sorted(origins))


def add_platform(session: Session, *, issuer: str, client_id: str, deployment_ids: Sequence[str],
                 auth_login_url: str, token_url: str, jwks_url: str, name: str | None = None,
                 actor: str = "cli") -> tuple[LtiPlatform, bool]:
    """Create or update the registration (issuer, client id); add deployment ids. Returns (platform, created).

    Running it again with the same issuer and client id updates the URLs and
    adds new deployment ids; it never removes one.
    """
    issuer = _check_url("issuer", issuer).rstrip("/")
    client_id = (client_id or "").strip()
    if not client_id:
        raise InvalidInput("client id is empty; copy the 'Client ID' shown in Moodle's tool configuration")
    deployments = [d.strip() for d in deployment_ids if d and d.strip()]
    if not deployments:
        raise InvalidInput("give at least one deployment id (Moodle shows it as 'Deployment ID' in the tool details)")
    urls = {"auth_login_url": _check_url("auth URL", auth_login_url), "token_url": _check_url("token URL", token_url),
            "jwks_url": _check_url("JWKS URL", jwks_url)}
    platform = session.scalar(select(LtiPlatform).options(selectinload(LtiPlatform.deployments))
                              .where(LtiPlatform.issuer == issuer, LtiPlatform.client_id == client_id))
    created = platform is None
    if platform is None:
        platform = LtiPlatform(issuer=issuer, client_id=client_id, name=name, **urls)
        session.add(platform)
    else:
        for field, value in urls.items():
            setattr(platform, field, value)
        if name:
            platform.name = name
    known = {d.deployment_id for d in platform.deployments}
    for deployment_id in deployments:
        if deployment_id not in known:
            platform.deployments.append(LtiDeployment(deployment_id=deployment_id))
            known.add(deployment_id)
    session.flush()
    audit.record(session, actor=actor, action="lti.platform_added" if created else "lti.platform_updated",
                 target=f"{issuer} {client_id}", deployments=sorted(known))
    return platform, created


# --- tool keys ------------------------------------------------------------------------------


def _as_tool_key(row: LtiToolKey, vault: KeyVault) -> ToolKey:
    return ToolKey(kid=row.kid, private_key_pem=vault.decrypt(row.private_key_pem, kid=row.kid),
                   created_at=row.created_at, active=row.active)


def tool_keys(session: Session) -> list[ToolKey]:
    """Every key of the tool, decrypted (:mod:`lipassess.services.key_vault`), oldest first.

    A key still stored as plain PEM (from before keys were encrypted) is encrypted now,
    on this first use. :class:`ConfigurationError` when a stored key cannot be decrypted.
    """
    vault = vault_for(session)
    rows = session.scalars(select(LtiToolKey).order_by(LtiToolKey.created_at)).all()
    keys = [_as_tool_key(r, vault) for r in rows]
    legacy = [(row, key) for row, key in zip(rows, keys, strict=True) if is_plain_pem(row.private_key_pem)]
    for row, key in legacy:
        row.private_key_pem = vault.encrypt(key.private_key_pem)
    if legacy:
        session.flush()
    return keys


def reencrypt_tool_keys(session: Session, *, actor: str = "cli") -> tuple[int, int]:
    """Re-encrypt every stored key under the current secret; returns (keys, keys rewritten).

    Run after changing ``LIPASSESS_SECRET_KEY`` (or ``LIPASSESS_KEY_ENCRYPTION_KEY``) with the old
    value in ``LIPASSESS_PREVIOUS_SECRET_KEYS``; afterwards the old value can be dropped. Plain PEM
    rows are encrypted too. :class:`ConfigurationError` when a key cannot be decrypted (nothing
    is rewritten then: the caller's transaction rolls back).
    """
    vault = vault_for(session)
    rows = session.scalars(select(LtiToolKey).order_by(LtiToolKey.created_at)).all()
    stale = [row for row in rows if not vault.is_current(row.private_key_pem)]
    for row in stale:
        row.private_key_pem = vault.encrypt(vault.decrypt(row.private_key_pem, kid=row.kid))
    session.flush()
    audit.record(session, actor=actor, action="lti.keys_reencrypted", target=f"{len(stale)} of {len(rows)}",
                 kids=[row.kid for row in stale])
    return len(rows), len(stale)


def ensure_tool_key(session: Session, now: datetime | None = None) -> ToolKey:
    """The signing key, creating the first key on first use."""
    keys = tool_keys(session)
    try:
        return signing_key(keys)
    except LookupError:
        return _add_key(session, now or utcnow())


def _add_key(session: Session, now: datetime) -> ToolKey:
    key = generate_tool_key(now)
    stored = vault_for(session).encrypt(key.private_key_pem)
    session.add(LtiToolKey(kid=key.kid, private_key_pem=stored, created_at=now, active=True))
    session.flush()
    return key


def rotate_tool_key(session: Session, *, keep: int = DEFAULT_KEYS_KEPT, now: datetime | None = None,
                    actor: str = "cli") -> tuple[ToolKey, list[str]]:
    """Add a new signing key; keep the newest ``keep`` keys active, retire the rest.

    Keeping the previous key published for a while lets platforms that cached
    the old key set, and tokens signed just before, still verify. Returns the
    new key and the kids retired now.
    """
    if keep < 1:
        raise InvalidInput("--keep must be at least 1 (the new key itself)")
    new = _add_key(session, now or utcnow())
    active = session.scalars(select(LtiToolKey).where(LtiToolKey.active.is_(True))
                             .order_by(LtiToolKey.created_at.desc(), LtiToolKey.kid.desc())).all()
    retired = []
    for row in active[keep:]:
        row.active = False
        retired.append(row.kid)
    session.flush()
    audit.record(session, actor=actor, action="lti.key_rotated", target=new.kid, retired=retired)
    return new, retired


def tool_jwks(session: Session) -> dict:
    """The public key set served at ``/lti/jwks`` (creates the first key if needed)."""
    ensure_tool_key(session)
    return jwks_document(tool_keys(session))


# --- dynamic registration ---------------------------------------------------------------------


def register_dynamically(session: Session, *, openid_configuration_url: str, registration_token: str | None,
                         tool_base_url: str, moodle_url: str | None,
                         http: requests.Session | None = None) -> LtiPlatform:
    """Run LTI dynamic registration with the configured Moodle site and store the result."""
    if not moodle_url:
        raise ConfigurationError(
            "Set LIPASSESS_MOODLE_URL to the Moodle site's address before registering the tool: "
            "only that site may register.")
    if not url_under(openid_configuration_url, moodle_url):
        raise PermissionDenied(
            "This registration does not come from the Moodle site lipassess is configured for "
            "(LIPASSESS_MOODLE_URL). Start it from that site's 'Manage tools' page.")
    http = http or requests.Session()
    try:
        configuration = fetch_platform_configuration(openid_configuration_url, session=http)
        if configuration.issuer.rstrip("/") != moodle_url.rstrip("/"):
            raise PermissionDenied(
                f"The platform calls itself {configuration.issuer!r}, not the configured Moodle site "
                f"{moodle_url!r}; check LIPASSESS_MOODLE_URL.")
        ensure_tool_key(session)  # Moodle may fetch our key set as soon as it has registered us
        request_body = tool_registration_request(
            tool_base_url=tool_base_url, client_name=TOOL_NAME, description=TOOL_DESCRIPTION,
            scopes=(SCOPE_SCORE,), custom_parameters=REGISTRATION_CUSTOM_PARAMETERS)
        result = register_tool(configuration, request_body, registration_token=registration_token, session=http)
    except RegistrationError as exc:
        raise InvalidInput(f"Registration with Moodle failed: {exc}. Start it again from Moodle's "
                           "'Manage tools' page.") from exc
    platform, _ = add_platform(
        session, issuer=result.issuer, client_id=result.client_id, deployment_ids=[result.deployment_id],
        auth_login_url=result.auth_login_url, token_url=result.token_url, jwks_url=result.jwks_url,
        name=f"{configuration.product_family_code or 'platform'} {configuration.version or ''}".strip(),
        actor="lti.dynamic_registration")
    return platform
