"""The platform's public keys (JWKS), fetched with requests and cached.

Moodle publishes its keys at ``/mod/lti/certs.php`` and names each with a
``kid``. Keys are cached per URL for ``ttl`` seconds; a token naming a kid the
cache does not know triggers one early refresh (the platform may have rotated
its key), but no more often than every ``min_refresh_interval`` seconds, so
forged tokens with random kids cannot make the tool hammer the platform.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import jwt
import requests

from moodle_plugin_bridge.lti.errors import LaunchRejected, RejectReason

SIGNING_ALGORITHMS = ("RS256",)


@dataclass(slots=True)
class _Entry:
    keys: dict[str | None, jwt.PyJWK]
    fetched_at: float


def parse_jwks(document: Any) -> dict[str | None, jwt.PyJWK]:
    """The RSA signing keys of a JWKS document, by kid; unusable keys are skipped."""
    if not isinstance(document, dict) or not isinstance(document.get("keys"), list):
        raise ValueError("a JWKS document must be an object with a 'keys' list")
    keys: dict[str | None, jwt.PyJWK] = {}
    for raw in document["keys"]:
        if not isinstance(raw, dict) or raw.get("kty") != "RSA" or raw.get("use", "sig") != "sig":
            continue
        if raw.get("alg", "RS256") not in SIGNING_ALGORITHMS:
            continue
        try:
            keys[raw.get("kid")] = jwt.PyJWK.from_dict(raw, algorithm="RS256")
        except jwt.PyJWTError:
            continue
    return keys


class JwksCache:
    """Fetch and cache platform key sets; thread-safe; the HTTP session is injectable."""

    def __init__(self, session: requests.Session | None = None, *, ttl: float = 600.0,
                 min_refresh_interval: float = 30.0, timeout: float = 10.0,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self._session = session or requests.Session()
        self._ttl = ttl
        self._min_refresh = min_refresh_interval
        self._timeout = timeout
        self._clock = clock
        self._entries: dict[str, _Entry] = {}
        self._lock = threading.Lock()

    def _fetch(self, url: str, now: float) -> _Entry:
        try:
            response = self._session.get(url, timeout=self._timeout, headers={"Accept": "application/json"})
            response.raise_for_status()
            keys = parse_jwks(response.json())
        except (requests.RequestException, ValueError) as exc:
            raise LaunchRejected(RejectReason.KEYS_UNAVAILABLE, f"cannot load platform keys from {url}: {exc}") from exc
        entry = _Entry(keys=keys, fetched_at=now)
        self._entries[url] = entry
        return entry

    def key_for(self, url: str, kid: str | None) -> jwt.PyJWK:
        """The key named ``kid`` at ``url``; without a kid, the only key of the set.

        Raises :class:`LaunchRejected` (``unknown_key``) when no such key exists
        even after a refresh, ``keys_unavailable`` when the set cannot be loaded.
        """
        with self._lock:
            now = self._clock()
            entry = self._entries.get(url)
            if entry is None or now - entry.fetched_at > self._ttl:
                entry = self._fetch(url, now)
            key = self._pick(entry, kid)
            if key is None and now - entry.fetched_at >= self._min_refresh:
                key = self._pick(self._fetch(url, now), kid)
        if key is None:
            raise LaunchRejected(RejectReason.UNKNOWN_KEY, f"no key {kid!r} in the platform key set {url}")
        return key

    @staticmethod
    def _pick(entry: _Entry, kid: str | None) -> jwt.PyJWK | None:
        if kid is not None:
            return entry.keys.get(kid)
        return next(iter(entry.keys.values())) if len(entry.keys) == 1 else None
