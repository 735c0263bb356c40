"""Deep linking: answer a platform's selection request with signed content items.

The tool posts the returned JWT as the form field ``JWT`` to
``deep_link_return_url`` (Moodle: ``/mod/lti/contentitem_return.php``), which
verifies it with the tool's published keys. Moodle turns an ``ltiResourceLink``
item into an activity; its ``custom`` values become the activity's custom
parameters (sent back on every launch of it) and a ``lineItem`` makes it a
graded activity with that maximum.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import jwt

from moodle_plugin_bridge.lti.claims import (
    CLAIM_DEPLOYMENT_ID,
    CLAIM_DL_CONTENT_ITEMS,
    CLAIM_DL_DATA,
    CLAIM_DL_MSG,
    CLAIM_MESSAGE_TYPE,
    CLAIM_VERSION,
    DEEP_LINKING_RESPONSE,
    LTI_VERSION,
    DeepLinkingSettings,
)
from moodle_plugin_bridge.lti.errors import DeepLinkingError
from moodle_plugin_bridge.lti.keys import ToolKey
from moodle_plugin_bridge.lti.oidc import new_token

RESPONSE_TTL = 300


@dataclass(frozen=True, slots=True, kw_only=True)
class ResourceLinkItem:
    """An ``ltiResourceLink`` content item: one activity to create in the course."""

    title: str
    url: str | None = None
    text: str | None = None
    custom: Mapping[str, str] = field(default_factory=dict)
    score_maximum: float | None = None
    line_item_label: str | None = None
    resource_id: str | None = None
    tag: str | None = None

    def to_dict(self) -> dict[str, Any]:
        item: dict[str, Any] = {"type": "ltiResourceLink", "title": self.title}
        if self.url:
            item["url"] = self.url
        if self.text:
            item["text"] = self.text
        if self.custom:
            item["custom"] = {str(k): str(v) for k, v in self.custom.items()}
        if self.score_maximum is not None:
            line_item: dict[str, Any] = {"scoreMaximum": self.score_maximum,
                                         "label": self.line_item_label or self.title}
            if self.resource_id:
                line_item["resourceId"] = self.resource_id
            if self.tag:
                line_item["tag"] = self.tag
            item["lineItem"] = line_item
        return item


def deep_linking_response(
    *,
    key: ToolKey,
    client_id: str,
    platform_issuer: str,
    deployment_id: str,
    settings: DeepLinkingSettings,
    items: Sequence[ResourceLinkItem],
    now: int,
    message: str | None = None,
) -> str:
    """Sign the ``LtiDeepLinkingResponse`` JWT for ``items``.

    ``iss`` is the tool's client id and ``aud`` the platform issuer (the
    reverse of a launch); ``data`` from the request is echoed unchanged, as the
    spec requires. Raises :class:`DeepLinkingError` when the platform does not
    accept resource links or several items.
    """
    if items and "ltiResourceLink" not in settings.accept_types:
        raise DeepLinkingError("the platform does not accept LTI resource links here")
    if len(items) > 1 and not settings.accept_multiple:
        raise DeepLinkingError("the platform accepts one item only")
    claims: dict[str, Any] = {
        "iss": client_id,
        "aud": platform_issuer,
        "iat": now,
        "exp": now + RESPONSE_TTL,
        "nonce": new_token(),
        CLAIM_DEPLOYMENT_ID: deployment_id,
        CLAIM_MESSAGE_TYPE: DEEP_LINKING_RESPONSE,
        CLAIM_VERSION: LTI_VERSION,
        CLAIM_DL_CONTENT_ITEMS: [item.to_dict() for item in items],
    }
    if settings.data is not None:
        claims[CLAIM_DL_DATA] = settings.data
    if message:
        claims[CLAIM_DL_MSG] = message
    return jwt.encode(claims, key.private_key(), algorithm="RS256", headers={"kid": key.kid})
