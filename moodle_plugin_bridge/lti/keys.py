"""The tool's own RSA keys: generate, publish as JWKS, pick the signing key.

Rotation keeps several keys active at once: the newest signs, older ones stay
in the published JWKS until retired, so a platform that cached the old set (or
a token signed just before rotation) still verifies. The ``kid`` is the
RFC 7638 JWK thumbprint of the public key, so it is stable and derived, not
invented.
"""

from __future__ import annotations

import base64
import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm

KEY_SIZE = 2048
PUBLIC_EXPONENT = 65537


@dataclass(frozen=True, slots=True, kw_only=True)
class ToolKey:
    """One tool key pair; ``private_key_pem`` is PKCS#8 PEM text."""

    kid: str
    private_key_pem: str
    created_at: datetime
    active: bool = True

    def private_key(self) -> rsa.RSAPrivateKey:
        key = serialization.load_pem_private_key(self.private_key_pem.encode("ascii"), password=None)
        if not isinstance(key, rsa.RSAPrivateKey):
            raise ValueError(f"tool key {self.kid} is not an RSA key")
        return key

    def public_jwk(self) -> dict[str, Any]:
        """The public half as a JWK with ``kid``, ``alg`` and ``use``."""
        jwk = RSAAlgorithm.to_jwk(self.private_key().public_key(), as_dict=True)
        return {"kty": "RSA", "e": jwk["e"], "n": jwk["n"], "kid": self.kid, "alg": "RS256", "use": "sig"}


def thumbprint(public_jwk: dict[str, Any]) -> str:
    """RFC 7638 SHA-256 thumbprint of an RSA JWK, base64url without padding."""
    canonical = json.dumps({"e": public_jwk["e"], "kty": "RSA", "n": public_jwk["n"]},
                           separators=(",", ":"), sort_keys=True)
    digest = hashlib.sha256(canonical.encode("ascii")).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


def generate_tool_key(created_at: datetime, *, key_size: int = KEY_SIZE) -> ToolKey:
    """A new RSA key pair (``cryptography``), its kid the JWK thumbprint."""
    private = rsa.generate_private_key(public_exponent=PUBLIC_EXPONENT, key_size=key_size)
    pem = private.private_bytes(
        encoding=serialization.Encoding.PEM,
        format=serialization.PrivateFormat.PKCS8,
        encryption_algorithm=serialization.NoEncryption(),
    ).decode("ascii")
    jwk = RSAAlgorithm.to_jwk(private.public_key(), as_dict=True)
    return ToolKey(kid=thumbprint(jwk), private_key_pem=pem, created_at=created_at)


def signing_key(keys: Iterable[ToolKey]) -> ToolKey:
    """The newest active key; raises ``LookupError`` when there is none."""
    active = [k for k in keys if k.active]
    if not active:
        raise LookupError("the tool has no active key; create one first")
    return max(active, key=lambda k: (k.created_at, k.kid))


def jwks_document(keys: Iterable[ToolKey]) -> dict[str, list[dict[str, Any]]]:
    """The tool's public JWKS: every active key, newest first."""
    active = sorted((k for k in keys if k.active), key=lambda k: (k.created_at, k.kid), reverse=True)
    return {"keys": [k.public_jwk() for k in active]}
