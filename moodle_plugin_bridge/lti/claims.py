"""The claims of an LTI 1.3 id_token, typed.

Claim names and shapes follow IMS LTI Core 1.3, Deep Linking 2.0, AGS 2.0 and
NRPS 2.0, checked against a real Moodle 4.5 launch (``sub`` is the Moodle user
id as a string; ``context.id`` is the Moodle course id; custom parameters keep
their configured names, e.g. ``course_idnumber``). Only the fields lipassess
uses are typed; everything else stays reachable in ``LaunchClaims.raw``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from moodle_plugin_bridge.lti.errors import LaunchRejected, RejectReason

LTI = "https://purl.imsglobal.org/spec/lti/claim/"
CLAIM_MESSAGE_TYPE = LTI + "message_type"
CLAIM_VERSION = LTI + "version"
CLAIM_DEPLOYMENT_ID = LTI + "deployment_id"
CLAIM_TARGET_LINK_URI = LTI + "target_link_uri"
CLAIM_RESOURCE_LINK = LTI + "resource_link"
CLAIM_ROLES = LTI + "roles"
CLAIM_CONTEXT = LTI + "context"
CLAIM_CUSTOM = LTI + "custom"
CLAIM_LIS = LTI + "lis"
CLAIM_LAUNCH_PRESENTATION = LTI + "launch_presentation"
CLAIM_TOOL_PLATFORM = LTI + "tool_platform"
CLAIM_EXT = LTI + "ext"
CLAIM_AGS_ENDPOINT = "https://purl.imsglobal.org/spec/lti-ags/claim/endpoint"
CLAIM_NRPS = "https://purl.imsglobal.org/spec/lti-nrps/claim/namesroleservice"
CLAIM_DEEP_LINKING_SETTINGS = "https://purl.imsglobal.org/spec/lti-dl/claim/deep_linking_settings"
CLAIM_DL_CONTENT_ITEMS = "https://purl.imsglobal.org/spec/lti-dl/claim/content_items"
CLAIM_DL_DATA = "https://purl.imsglobal.org/spec/lti-dl/claim/data"
CLAIM_DL_MSG = "https://purl.imsglobal.org/spec/lti-dl/claim/msg"

LTI_VERSION = "1.3.0"
RESOURCE_LINK_REQUEST = "LtiResourceLinkRequest"
DEEP_LINKING_REQUEST = "LtiDeepLinkingRequest"
DEEP_LINKING_RESPONSE = "LtiDeepLinkingResponse"
MESSAGE_TYPES = frozenset({RESOURCE_LINK_REQUEST, DEEP_LINKING_REQUEST})

SCOPE_SCORE = "https://purl.imsglobal.org/spec/lti-ags/scope/score"
SCOPE_LINEITEM = "https://purl.imsglobal.org/spec/lti-ags/scope/lineitem"
SCOPE_LINEITEM_READONLY = "https://purl.imsglobal.org/spec/lti-ags/scope/lineitem.readonly"
SCOPE_RESULT_READONLY = "https://purl.imsglobal.org/spec/lti-ags/scope/result.readonly"
SCOPE_NRPS = "https://purl.imsglobal.org/spec/lti-nrps/scope/contextmembership.readonly"

# LIS v2 role vocabulary. Moodle sends membership#Learner for students,
# membership#Instructor for anyone who may manage the activity, and adds the
# institution/system Administrator roles for site administrators.
_MEMBERSHIP = "http://purl.imsglobal.org/vocab/lis/v2/membership#"
ROLE_LEARNER = _MEMBERSHIP + "Learner"
ROLE_INSTRUCTOR = _MEMBERSHIP + "Instructor"
ROLE_CONTEXT_ADMIN = _MEMBERSHIP + "Administrator"
ROLE_INSTITUTION_ADMIN = "http://purl.imsglobal.org/vocab/lis/v2/institution/person#Administrator"
ROLE_SYSTEM_ADMIN = "http://purl.imsglobal.org/vocab/lis/v2/system/person#Administrator"
ROLE_SYSTEM_SYSADMIN = "http://purl.imsglobal.org/vocab/lis/v2/system/person#SysAdmin"
_LEARNER_ROLES = frozenset({ROLE_LEARNER, "Learner"})
_INSTRUCTOR_ROLES = frozenset({ROLE_INSTRUCTOR, "Instructor"})
_ADMIN_ROLES = frozenset({ROLE_CONTEXT_ADMIN, ROLE_INSTITUTION_ADMIN, ROLE_SYSTEM_ADMIN, ROLE_SYSTEM_SYSADMIN,
                          "Administrator"})


#: The longest text any claim may carry: beyond every Moodle field (names 100, URLs well under this).
MAX_CLAIM_LENGTH = 2048


def clean_text_problem(text: str) -> str | None:
    """Why ``text`` cannot be a claim's value (a NUL, an unpaired surrogate, too long); None when it can.

    A NUL cannot be stored in PostgreSQL's text; an unpaired surrogate (JSON's ``"\\ud800"``) cannot be
    encoded as UTF-8 at all, for a page, a log or a statement.
    """
    if "\x00" in text:
        return "holds a NUL character"
    if len(text) > MAX_CLAIM_LENGTH:
        return f"is longer than {MAX_CLAIM_LENGTH} characters"
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return "holds an unpaired surrogate"
    return None


def _text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, str | int) and not isinstance(value, bool):
        text = str(value).strip()
        problem = clean_text_problem(text)
        if problem is not None:
            raise LaunchRejected(RejectReason.MALFORMED, f"a claim's text {problem}")
        return text or None
    raise LaunchRejected(RejectReason.MALFORMED, f"expected a string, got {type(value).__name__}")


def _opaque(value: Any) -> str | None:
    """A string the platform wants back exactly as sent (deep linking's ``data``): not stripped, not converted."""
    if value is None:
        return None
    if not isinstance(value, str):
        raise LaunchRejected(RejectReason.MALFORMED, f"expected a string, got {type(value).__name__}")
    problem = clean_text_problem(value)
    if problem is not None:
        raise LaunchRejected(RejectReason.MALFORMED, f"a claim's text {problem}")
    return value


def _object(payload: Mapping[str, Any], name: str) -> Mapping[str, Any]:
    value = payload.get(name)
    if value is None:
        return {}
    if not isinstance(value, Mapping):
        raise LaunchRejected(RejectReason.MALFORMED, f"claim {name} must be an object")
    return value


def _strings(value: Any, name: str) -> tuple[str, ...]:
    if value is None:
        return ()
    if not isinstance(value, list | tuple) or not all(isinstance(v, str) for v in value):
        raise LaunchRejected(RejectReason.MALFORMED, f"claim {name} must be a list of strings")
    return tuple(value)


@dataclass(frozen=True, slots=True, kw_only=True)
class Context:
    """The course the launch comes from; in Moodle ``id`` is the course id."""

    id: str
    label: str | None = None
    title: str | None = None
    types: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class ResourceLink:
    """The activity placement that was launched (Moodle: the LTI instance id)."""

    id: str
    title: str | None = None
    description: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class AgsEndpoint:
    """Assignment and Grade Services: where scores for this link go."""

    scopes: tuple[str, ...] = ()
    lineitem: str | None = None
    lineitems: str | None = None

    @property
    def can_post_scores(self) -> bool:
        return self.lineitem is not None and SCOPE_SCORE in self.scopes


@dataclass(frozen=True, slots=True, kw_only=True)
class NamesRoleService:
    """Names and Role Provisioning: the course membership URL."""

    context_memberships_url: str
    service_versions: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class DeepLinkingSettings:
    """What the platform accepts back from a deep-linking selection."""

    deep_link_return_url: str
    accept_types: tuple[str, ...] = ()
    accept_presentation_document_targets: tuple[str, ...] = ()
    accept_multiple: bool = False
    auto_create: bool = False
    title: str | None = None
    text: str | None = None
    data: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe form, for keeping the settings between the selection page and its answer."""
        return {
            "deep_link_return_url": self.deep_link_return_url,
            "accept_types": list(self.accept_types),
            "accept_presentation_document_targets": list(self.accept_presentation_document_targets),
            "accept_multiple": self.accept_multiple,
            "auto_create": self.auto_create,
            "title": self.title,
            "text": self.text,
            "data": self.data,
        }

    @classmethod
    def from_dict(cls, raw: Mapping[str, Any]) -> DeepLinkingSettings:
        return_url = _text(raw.get("deep_link_return_url"))
        if not return_url:
            raise LaunchRejected(RejectReason.MISSING_CLAIM, "deep_linking_settings.deep_link_return_url")
        return cls(
            deep_link_return_url=return_url,
            accept_types=_strings(raw.get("accept_types"), "accept_types"),
            accept_presentation_document_targets=_strings(
                raw.get("accept_presentation_document_targets"), "accept_presentation_document_targets"),
            accept_multiple=_flag(raw.get("accept_multiple")),
            auto_create=_flag(raw.get("auto_create")),
            title=_text(raw.get("title")),
            text=_text(raw.get("text")),
            data=_opaque(raw.get("data")),
        )


def _flag(value: Any) -> bool:
    # The spec says boolean; LTI 1.1-era platforms send "true"/"false".
    if isinstance(value, str):
        return value.strip().lower() == "true"
    return bool(value)


@dataclass(frozen=True, slots=True, kw_only=True)
class LaunchClaims:
    """The verified claims of one launch, typed; ``raw`` keeps the whole payload."""

    issuer: str
    audience: tuple[str, ...]
    subject: str | None
    message_type: str
    version: str
    deployment_id: str
    target_link_uri: str | None = None
    nonce: str | None = None
    issued_at: int | None = None
    expires_at: int | None = None
    given_name: str | None = None
    family_name: str | None = None
    name: str | None = None
    email: str | None = None
    username: str | None = None
    person_sourcedid: str | None = None
    course_section_sourcedid: str | None = None
    locale: str | None = None
    document_target: str | None = None
    return_url: str | None = None
    roles: tuple[str, ...] = ()
    context: Context | None = None
    resource_link: ResourceLink | None = None
    custom: Mapping[str, str] = field(default_factory=dict)
    ags: AgsEndpoint | None = None
    nrps: NamesRoleService | None = None
    deep_linking: DeepLinkingSettings | None = None
    raw: Mapping[str, Any] = field(default_factory=dict, repr=False)

    @property
    def is_learner(self) -> bool:
        return any(r in _LEARNER_ROLES for r in self.roles)

    @property
    def is_instructor(self) -> bool:
        return any(r in _INSTRUCTOR_ROLES for r in self.roles)

    @property
    def is_admin(self) -> bool:
        return any(r in _ADMIN_ROLES for r in self.roles)

    @property
    def is_staff(self) -> bool:
        """Instructor or administrator: may see the staff view of this course."""
        return self.is_instructor or self.is_admin

    @property
    def is_deep_linking(self) -> bool:
        return self.message_type == DEEP_LINKING_REQUEST


def parse_claims(payload: Mapping[str, Any]) -> LaunchClaims:
    """Type the claims of an already verified id_token payload.

    Raises :class:`LaunchRejected` (``malformed`` / ``missing_claim``) when a
    claim has the wrong shape; presence of the security claims (iss, aud,
    deployment, version, message type) is checked by the launch validator.
    """
    aud = payload.get("aud")
    audience = (aud,) if isinstance(aud, str) else _strings(aud, "aud")
    context_raw = _object(payload, CLAIM_CONTEXT)
    link_raw = _object(payload, CLAIM_RESOURCE_LINK)
    custom_raw = _object(payload, CLAIM_CUSTOM)
    ags_raw = _object(payload, CLAIM_AGS_ENDPOINT)
    nrps_raw = _object(payload, CLAIM_NRPS)
    dl_raw = _object(payload, CLAIM_DEEP_LINKING_SETTINGS)
    lis = _object(payload, CLAIM_LIS)
    presentation = _object(payload, CLAIM_LAUNCH_PRESENTATION)
    ext = _object(payload, CLAIM_EXT)

    context = None
    if context_raw:
        context_id = _text(context_raw.get("id"))
        if not context_id:
            raise LaunchRejected(RejectReason.MISSING_CLAIM, "context.id")
        context = Context(id=context_id, label=_text(context_raw.get("label")),
                          title=_text(context_raw.get("title")),
                          types=_strings(context_raw.get("type"), "context.type"))
    link = None
    if link_raw:
        link_id = _text(link_raw.get("id"))
        if not link_id:
            raise LaunchRejected(RejectReason.MISSING_CLAIM, "resource_link.id")
        link = ResourceLink(id=link_id, title=_text(link_raw.get("title")),
                            description=_text(link_raw.get("description")))
    ags = None
    if ags_raw:
        ags = AgsEndpoint(scopes=_strings(ags_raw.get("scope"), "ags.scope"),
                          lineitem=_text(ags_raw.get("lineitem")), lineitems=_text(ags_raw.get("lineitems")))
    nrps = None
    if nrps_raw and _text(nrps_raw.get("context_memberships_url")):
        nrps = NamesRoleService(context_memberships_url=_text(nrps_raw["context_memberships_url"]) or "",
                                service_versions=_strings(nrps_raw.get("service_versions"), "nrps.service_versions"))
    custom = {str(k): ("" if v is None else str(v)) for k, v in custom_raw.items()}

    return LaunchClaims(
        issuer=_text(payload.get("iss")) or "",
        audience=audience,
        subject=_text(payload.get("sub")),
        message_type=_text(payload.get(CLAIM_MESSAGE_TYPE)) or "",
        version=_text(payload.get(CLAIM_VERSION)) or "",
        deployment_id=_text(payload.get(CLAIM_DEPLOYMENT_ID)) or "",
        target_link_uri=_text(payload.get(CLAIM_TARGET_LINK_URI)),
        nonce=_text(payload.get("nonce")),
        issued_at=payload.get("iat") if isinstance(payload.get("iat"), int) else None,
        expires_at=payload.get("exp") if isinstance(payload.get("exp"), int) else None,
        given_name=_text(payload.get("given_name")),
        family_name=_text(payload.get("family_name")),
        name=_text(payload.get("name")),
        email=_text(payload.get("email")),
        username=_text(ext.get("user_username")),
        person_sourcedid=_text(lis.get("person_sourcedid")),
        course_section_sourcedid=_text(lis.get("course_section_sourcedid")),
        locale=_text(presentation.get("locale")),
        document_target=_text(presentation.get("document_target")),
        return_url=_text(presentation.get("return_url")),
        roles=_strings(payload.get(CLAIM_ROLES), "roles"),
        context=context,
        resource_link=link,
        custom=custom,
        ags=ags,
        nrps=nrps,
        deep_linking=DeepLinkingSettings.from_dict(dl_raw) if dl_raw else None,
        raw=dict(payload),
    )

