"""A registered platform (one Moodle site's LTI 1.3 tool registration), as the tool sees it."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True, kw_only=True)
class PlatformConfig:
    """Everything the tool needs to trust and call one platform registration.

    In Moodle: ``issuer`` is the site URL (``$CFG->wwwroot``), ``client_id`` is
    the tool's "Client ID", ``deployment_ids`` holds the tool type id(s)
    ("Deployment ID"), and the three URLs are ``/mod/lti/auth.php``,
    ``/mod/lti/token.php`` and ``/mod/lti/certs.php``.
    """

    issuer: str
    client_id: str
    auth_login_url: str
    token_url: str
    jwks_url: str
    deployment_ids: frozenset[str] = frozenset()
    key: int | None = None  # the caller's own identifier (a database id), passed through untouched

    def allows_deployment(self, deployment_id: str | None) -> bool:
        return bool(deployment_id) and deployment_id in self.deployment_ids
