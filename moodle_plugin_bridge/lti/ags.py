"""Assignment and Grade Services: an OAuth2 client-credentials token, then scores.

The token request is authenticated with a JWT bearer assertion signed by the
tool key (``iss`` = ``sub`` = client id, ``aud`` = the token URL), as LTI
Security 1.0 asks. Moodle answers the token request with JSON under a
``text/html`` content type, so bodies are parsed as JSON whatever the header.

Score outcomes (as recorded from Moodle 4.5): 200 with an empty body when the
score is stored; 409 when a score with a newer timestamp is already there -
for a completion passback that means "already done", not an error.
"""

from __future__ import annotations

import enum
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import jwt
import requests

from moodle_plugin_bridge.lti.claims import SCOPE_SCORE
from moodle_plugin_bridge.lti.errors import ServiceError, TokenRequestError
from moodle_plugin_bridge.lti.keys import ToolKey
from moodle_plugin_bridge.lti.oidc import new_token
from moodle_plugin_bridge.lti.platform import PlatformConfig

SCORE_MEDIA_TYPE = "application/vnd.ims.lis.v1.score+json"
ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
ASSERTION_TTL = 300
TOKEN_SAFETY_MARGIN = 30


class ScoreOutcome(enum.StrEnum):
    POSTED = "posted"
    ALREADY_NEWER = "already_newer"  # the platform holds a newer score: nothing left to do


@dataclass(frozen=True, slots=True, kw_only=True)
class Score:
    """One AGS score. For a completion: 1 of 1, Completed, FullyGraded."""

    user_id: str
    score_given: float
    score_maximum: float
    timestamp: datetime
    activity_progress: str = "Completed"
    grading_progress: str = "FullyGraded"
    comment: str | None = None

    def to_json(self) -> dict[str, Any]:
        if self.timestamp.tzinfo is None:
            raise ValueError("score timestamp must be timezone-aware")
        body: dict[str, Any] = {
            "userId": self.user_id,
            "scoreGiven": self.score_given,
            "scoreMaximum": self.score_maximum,
            "activityProgress": self.activity_progress,
            "gradingProgress": self.grading_progress,
            "timestamp": self.timestamp.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        }
        if self.comment:
            body["comment"] = self.comment
        return body


def completion_score(user_id: str, completed_at: datetime, *, comment: str | None = None) -> Score:
    """The score that says "done": 1 of 1, activity Completed, grading FullyGraded."""
    return Score(user_id=user_id, score_given=1, score_maximum=1, timestamp=completed_at, comment=comment)


def scores_url(lineitem_url: str) -> str:
    """The scores endpoint of a line item: ``.../lineitem/scores?type_id=1`` for ``.../lineitem?type_id=1``."""
    parts = urlsplit(lineitem_url)
    return urlunsplit(parts._replace(path=parts.path.rstrip("/") + "/scores"))


def _body(response: requests.Response) -> Any:
    try:
        return response.json()
    except ValueError:
        return None


class ServiceClient:
    """Calls one platform's LTI Advantage services with the tool key; the session is injectable."""

    def __init__(self, platform: PlatformConfig, key: ToolKey, *, session: requests.Session | None = None,
                 timeout: float = 10.0, clock: Callable[[], float] = time.time) -> None:
        self.platform = platform
        self._key = key
        self._session = session or requests.Session()
        self._timeout = timeout
        self._clock = clock
        self._tokens: dict[frozenset[str], tuple[str, float]] = {}
        self._lock = threading.Lock()

    def client_assertion(self) -> str:
        now = int(self._clock())
        claims = {"iss": self.platform.client_id, "sub": self.platform.client_id, "aud": self.platform.token_url,
                  "iat": now, "exp": now + ASSERTION_TTL, "jti": new_token()}
        return jwt.encode(claims, self._key.private_key(), algorithm="RS256", headers={"kid": self._key.kid})

    def access_token(self, scopes: Sequence[str]) -> str:
        """A bearer token for ``scopes``, cached until shortly before it expires."""
        wanted = frozenset(scopes)
        with self._lock:
            cached = self._tokens.get(wanted)
            if cached is not None and cached[1] > self._clock():
                return cached[0]
        form = {"grant_type": "client_credentials", "client_assertion_type": ASSERTION_TYPE,
                "client_assertion": self.client_assertion(), "scope": " ".join(sorted(wanted))}
        try:
            response = self._session.post(self.platform.token_url, data=form, timeout=self._timeout)
        except requests.RequestException as exc:
            raise TokenRequestError(f"token endpoint unreachable: {exc}", retryable=True) from exc
        body = _body(response)
        if response.status_code != 200 or not isinstance(body, dict) or not body.get("access_token"):
            error = body.get("error") if isinstance(body, dict) else None
            # A refused assertion is usually the platform not yet having our new key:
            # worth retrying later, like a platform outage.
            raise TokenRequestError(
                f"token endpoint answered {response.status_code}" + (f" ({error})" if error else ""),
                status=response.status_code, retryable=response.status_code >= 500 or error in (
                    None, "invalid_request", "invalid_client", "invalid_grant"))
        expires_in = body.get("expires_in")
        lifetime = float(expires_in) if isinstance(expires_in, int | float) else 3600.0
        token = str(body["access_token"])
        with self._lock:
            self._tokens[wanted] = (token, self._clock() + max(lifetime - TOKEN_SAFETY_MARGIN, 0.0))
        return token

    def _forget_token(self, scopes: Sequence[str]) -> None:
        with self._lock:
            self._tokens.pop(frozenset(scopes), None)

    def post_score(self, lineitem_url: str, score: Score) -> ScoreOutcome:
        """POST ``score`` to the line item's scores endpoint.

        A 401 (token revoked or expired early) gets one retry with a fresh
        token. Raises :class:`ServiceError`: ``retryable`` for transport faults
        and 5xx, not for other refusals (bad payload, line item gone).
        """
        try:
            url = scores_url(lineitem_url)
        except ValueError:  # an unclosed or invalid bracketed host: no request can reach it
            raise ServiceError(f"line item URL {lineitem_url!r} cannot be read", retryable=False) from None
        response = self._send_score(url, score)
        if response.status_code == 401:
            self._forget_token([SCOPE_SCORE])
            response = self._send_score(url, score)
        status = response.status_code
        if status in (200, 201, 202, 204):
            return ScoreOutcome.POSTED
        if status == 409:
            return ScoreOutcome.ALREADY_NEWER
        raise ServiceError(f"score endpoint answered {status}", status=status,
                           retryable=status >= 500 or status in (401, 408, 429))

    def _send_score(self, url: str, score: Score) -> requests.Response:
        token = self.access_token([SCOPE_SCORE])
        try:
            return self._session.post(url, json=score.to_json(), timeout=self._timeout,
                                      headers={"Authorization": f"Bearer {token}", "Content-Type": SCORE_MEDIA_TYPE})
        except requests.RequestException as exc:
            raise ServiceError(f"score endpoint unreachable: {exc}", retryable=True) from exc
