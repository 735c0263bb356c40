"""LTI 1.3 launches: verify, map to participant and cohort, choose the wave; completion passback.

Identity (the join that makes pre, post and follow-up one person):

* ``sub`` is the Moodle user id as a string (recorded Moodle 4.5 launch: user
  36 sends ``"sub": "36"``); it maps to ``Participant.moodle_user_id``, the
  same id the web-service sync stores. A launch never creates a second
  participant for a Moodle user.
* The cohort is found from the launch's context: Moodle's ``context.id`` is
  the course id (recorded launch: course 4 sends ``"id": "4"``), matched to
  ``Cohort.moodle_course_id``. Only when no cohort has that course id are the
  course idnumber claims tried against ``Cohort.idnumber``: first
  ``lis.course_section_sourcedid`` (set by Moodle), then, for learners only,
  the custom parameters ``course_id`` / ``course_idnumber``. Custom parameters
  can be typed by a teacher on an activity, so they never decide which
  cohort a staff member gets access to.
* An unknown participant in a known course is created from the claims (names,
  e-mail, username, idnumber, language from the launch locale) with an active
  enrolment; the next sync fills in or corrects the rest.

Routing: a learner goes to the open wave of the cohort they have not yet
submitted (the earliest such), or, for an activity placed for one wave
(custom parameter ``wave``), to that wave when it is open. Instructors and
administrators get the staff view of that cohort, never a survey.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, cast

from sqlalchemy import CursorResult, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from lipassess.errors import InvalidInput, NotFound, PermissionDenied
from lipassess.services import audit
from lipassess.services.lti_scores import (
    ScoreReport,
    outbox_counts,
    queue_completion,
    requeue_failed,
    send_pending_scores,
)
from lipassess.services.lti_setup import (
    DEFAULT_KEYS_KEPT,
    add_platform,
    ensure_tool_key,
    find_platforms,
    list_platforms,
    platform_config,
    register_dynamically,
    rotate_tool_key,
    tool_jwks,
    tool_keys,
)
from lipassess.store.models import (
    Cohort,
    Enrolment,
    EnrolmentStatus,
    LtiLaunch,
    LtiNonce,
    LtiPlatform,
    LtiResourceLink,
    Participant,
    Response,
    ResponseStatus,
    Wave,
    WaveKind,
)
from lipassess.store.types import utcnow
from lipassess.vocabulary import normalise_language
from moodle_plugin_bridge.lti import (
    DeepLinkingError,
    DeepLinkingSettings,
    JwksCache,
    LaunchClaims,
    LaunchRejected,
    LoginBinding,
    LoginRejected,
    RejectReason,
    ResourceLinkItem,
    ValidatedLaunch,
    begin_login,
    deep_linking_response,
    parse_login_initiation,
    validate_launch,
)
from moodle_plugin_bridge.lti.oidc import select_platform
from moodle_plugin_bridge.lti.urls import on_site

__all__ = [
    "DEEP_LINK_TITLES",
    "DEFAULT_KEYS_KEPT",
    "DeepLinkingSettings",
    "JwksCache",
    "LaunchRejected",
    "LoginBinding",
    "LoginRejected",
    "RejectReason",
    "ValidatedLaunch",
    "deep_linking_answer",
    "deep_linking_waves",
    "start_login",
    "LaunchResult",
    "ScoreReport",
    "WaveChoice",
    "add_platform",
    "choose_wave",
    "consume_nonce",
    "ensure_tool_key",
    "find_cohort",
    "find_or_create_participant",
    "find_platforms",
    "language_from_locale",
    "list_platforms",
    "outbox_counts",
    "platform_config",
    "purge_expired_nonces",
    "queue_completion",
    "register_dynamically",
    "requeue_failed",
    "resolve_launch",
    "rotate_tool_key",
    "send_pending_scores",
    "tool_jwks",
    "tool_keys",
    "verify_launch",
]

log = logging.getLogger("lipassess.lti")

WAVE_PARAMETER = "wave"
_WAVE_ALIASES = {"pre": WaveKind.PRE, "post": WaveKind.POST, "followup": WaveKind.FOLLOWUP,
                 "follow-up": WaveKind.FOLLOWUP, "follow_up": WaveKind.FOLLOWUP, "retro_pre": WaveKind.RETRO_PRE}


# --- login and verification -----------------------------------------------------------------------------


def launch_url(tool_base_url: str) -> str:
    """Where the platform posts id_tokens: the tool's redirect URI and launch URL."""
    return tool_base_url.rstrip("/") + "/lti/launch"


def start_login(session: Session, params: Mapping[str, Any], *, tool_base_url: str) -> tuple[str, LoginBinding]:
    """Answer an OIDC login initiation: the platform auth URL to redirect to, and the binding to keep.

    Raises :class:`LoginRejected` for missing or odd parameters, an unknown
    issuer, client id or deployment, or a target outside this tool.
    """
    initiation = parse_login_initiation(params)
    platform = select_platform(initiation, lambda issuer: find_platforms(session, issuer))
    return begin_login(initiation, platform, redirect_uri=launch_url(tool_base_url), tool_base_url=tool_base_url)


def consume_nonce(session: Session, nonce: str, expires_at: int) -> bool:
    """Record ``nonce`` as used; False when it already was (the unique constraint decides, on any host)."""
    try:
        with session.begin_nested():
            session.add(LtiNonce(value=nonce, expires_at=datetime.fromtimestamp(expires_at, UTC)))
    except IntegrityError:
        return False
    return True


def purge_expired_nonces(session: Session, now: datetime) -> int:
    """Forget nonces whose tokens can no longer pass the time check anyway."""
    # Session.execute is typed as returning Result; for a DELETE it is a CursorResult.
    result = cast(CursorResult[Any], session.execute(LtiNonce.__table__.delete().where(LtiNonce.expires_at < now)))
    return result.rowcount or 0


def verify_launch(session: Session, id_token: str, *, binding: LoginBinding, keys: JwksCache,
                  now: datetime | None = None, leeway: int = 60) -> ValidatedLaunch:
    """Every check of :func:`moodle_plugin_bridge.lti.validate_launch`, against the stored registrations."""
    now = now or utcnow()
    purge_expired_nonces(session, now)
    return validate_launch(
        id_token, find_platforms=lambda issuer: find_platforms(session, issuer), keys=keys,
        consume_nonce=lambda nonce, expires_at: consume_nonce(session, nonce, expires_at),
        binding=binding, now=now.timestamp(), leeway=leeway)


# --- identity ---------------------------------------------------------------------------------


#: The largest Moodle record id: Moodle's ids, and the columns that keep them, are BIGINT.
MAX_MOODLE_ID = 2**63 - 1


def moodle_id(value: str | None) -> int | None:
    """``value`` as a Moodle record id: ASCII digits within BIGINT, else None."""
    if not value or not (value.isascii() and value.isdigit()) or len(value) > 19:
        return None
    number = int(value)
    return number if number <= MAX_MOODLE_ID else None


def moodle_user_id(claims: LaunchClaims) -> int:
    """The Moodle user id carried in ``sub``; a ``sub`` that is no Moodle id (or too large for one) is rejected."""
    user_id = moodle_id(claims.subject)
    if user_id is None:
        raise LaunchRejected(RejectReason.MALFORMED, f"sub {claims.subject!r} is not a Moodle user id")
    return user_id


def language_from_locale(locale: str | None) -> str | None:
    """``km``/``km_KH`` -> ``km``, ``en``/``en_us`` -> ``en``, anything else -> None (keep the default)."""
    prefix = (locale or "").replace("-", "_").split("_", 1)[0].lower()
    return normalise_language(prefix, None)


def _cohort_by_idnumber(session: Session, idnumber: str | None) -> Cohort | None:
    if not idnumber:
        return None
    found = session.scalars(select(Cohort).where(Cohort.idnumber == idnumber).limit(2)).all()
    return found[0] if len(found) == 1 else None


def _cohort_by_course_id(session: Session, value: str | None) -> Cohort | None:
    course_id = moodle_id(value)  # a context id that is no Moodle id names no course
    if course_id is None:
        return None
    return session.scalar(select(Cohort).where(Cohort.moodle_course_id == course_id))


def find_cohort(session: Session, claims: LaunchClaims, *, trust_custom: bool) -> Cohort | None:
    """The cohort of the launch's course (see the module docstring for the order of the claims)."""
    cohort = _cohort_by_course_id(session, claims.context.id if claims.context else None)
    if cohort is None:
        cohort = _cohort_by_idnumber(session, claims.course_section_sourcedid)
    if cohort is None and trust_custom:
        cohort = (_cohort_by_course_id(session, claims.custom.get("course_id"))
                  or _cohort_by_idnumber(session, claims.custom.get("course_idnumber")))
    return cohort


def find_or_create_participant(session: Session, claims: LaunchClaims, cohort: Cohort, *,
                               actor: str = "lti") -> tuple[Participant, bool]:
    """The participant of this Moodle user, created from the claims if new; enrolled in ``cohort``.

    An existing participant keeps what the sync stored; only empty fields are
    filled from the launch. Returns (participant, created).
    """
    user_id = moodle_user_id(claims)
    participant = session.scalar(select(Participant).where(Participant.moodle_user_id == user_id))
    created = False
    if participant is None:
        candidate = Participant(moodle_user_id=user_id)
        _fill_from_claims(candidate, claims)
        language = language_from_locale(claims.locale)
        if language:
            candidate.language = language
        try:
            with session.begin_nested():
                session.add(candidate)
            participant, created = candidate, True
        except IntegrityError:  # the same person launched twice at once, or the sync just created them
            participant = session.scalars(select(Participant).where(Participant.moodle_user_id == user_id)).one()
        if created:
            audit.record(session, actor=actor, action="lti.participant_created", target=f"moodle user {user_id}",
                         cohort_id=cohort.id)
    else:
        _fill_from_claims(participant, claims)
    enrolment = session.scalar(select(Enrolment).where(Enrolment.participant_id == participant.id,
                                                       Enrolment.cohort_id == cohort.id))
    if enrolment is None:
        try:
            with session.begin_nested():
                session.add(Enrolment(participant_id=participant.id, cohort_id=cohort.id, role="student",
                                      status=EnrolmentStatus.ACTIVE))
        except IntegrityError:
            pass  # enrolled concurrently
    return participant, created


def check_claim_lengths(claims: LaunchClaims) -> None:
    """Refuse a launch whose claims do not fit the columns they are stored in (MALFORMED).

    Moodle never sends such values (its names, e-mail and username are at most
    100 characters); PostgreSQL would refuse them with a 500 and SQLite store
    them whole. Identifiers are not cut short, so the launch is refused.
    """
    people, links = Participant.__table__.c, LtiResourceLink.__table__.c
    link, context, ags = claims.resource_link, claims.context, claims.ags
    stored = (("given_name", claims.given_name, people.firstname), ("family_name", claims.family_name, people.lastname),
              ("email", claims.email, people.email), ("ext.user_username", claims.username, people.username),
              ("lis.person_sourcedid", claims.person_sourcedid, people.idnumber),
              ("deployment_id", claims.deployment_id, links.deployment_id),
              ("resource_link.id", link.id if link else None, links.resource_link_id),
              ("resource_link.title", link.title if link else None, links.title),
              ("context.id", context.id if context else None, links.context_id),
              ("ags.lineitem", ags.lineitem if ags else None, links.lineitem_url))
    for name, value, column in stored:
        length = getattr(column.type, "length", None)
        if value is not None and length is not None and len(value) > length:
            raise LaunchRejected(RejectReason.MALFORMED, f"claim {name} is longer than {length} characters")


def _fill_from_claims(participant: Participant, claims: LaunchClaims) -> None:
    for field, value in (("firstname", claims.given_name), ("lastname", claims.family_name),
                         ("email", claims.email), ("username", claims.username),
                         ("idnumber", claims.person_sourcedid)):
        if value and not getattr(participant, field):
            setattr(participant, field, value)


# --- waves ------------------------------------------------------------------------------------


def is_open(wave: Wave, now: datetime) -> bool:
    """Open means scheduled, started, and not yet closed (``closes_at`` None: open until closed)."""
    return wave.opens_at is not None and wave.opens_at <= now and (wave.closes_at is None or now < wave.closes_at)


@dataclass(frozen=True, slots=True, kw_only=True)
class WaveChoice:
    """Where a learner launch leads: the wave to answer now, else why none."""

    wave: Wave | None = None
    answered: tuple[Wave, ...] = ()   # open waves this participant already submitted
    next_wave: Wave | None = None     # the next wave to open, for the "none open" page
    kind: WaveKind | None = None      # the wave the activity was placed for, if any
    closed_wave: Wave | None = None   # that wave, when it has already closed
    withdrawn: bool = False           # the participant withdrew from the study: no survey is offered


def wave_kind_of(claims: LaunchClaims) -> WaveKind | None:
    """The wave an activity was placed for (custom parameter ``wave``), if any and known."""
    raw = claims.custom.get(WAVE_PARAMETER)
    if not raw:
        return None
    kind = _WAVE_ALIASES.get(raw.strip().lower())
    if kind is None:
        log.warning("LTI launch with unknown custom wave=%r ignored", raw)
    return kind


def choose_wave(session: Session, participant: Participant, cohort: Cohort, now: datetime, *,
                kind: WaveKind | None = None) -> WaveChoice:
    """The earliest open wave of ``cohort`` (of ``kind``, when given) that ``participant`` has not submitted."""
    if participant.withdrawn_at is not None:
        return WaveChoice(kind=kind, withdrawn=True)
    waves = [w for w in session.scalars(select(Wave).where(Wave.cohort_id == cohort.id)).all()
             if kind is None or w.kind == kind]
    waves.sort(key=lambda w: (w.opens_at is None, w.opens_at or now, w.id))
    submitted = set(session.scalars(select(Response.wave_id).where(
        Response.participant_id == participant.id, Response.status == ResponseStatus.SUBMITTED)).all())
    open_waves = [w for w in waves if is_open(w, now)]
    pending = [w for w in open_waves if w.id not in submitted]
    upcoming = [w for w in waves if w.opens_at is not None and w.opens_at > now]
    closed = [w for w in waves if w.closes_at is not None and w.closes_at <= now]
    return WaveChoice(
        wave=pending[0] if pending else None,
        answered=tuple(w for w in open_waves if w.id in submitted),
        next_wave=upcoming[0] if upcoming else None,
        kind=kind,
        closed_wave=closed[-1] if kind is not None and closed and not open_waves and not upcoming else None,
    )


# --- the launch as a whole --------------------------------------------------------------------


@dataclass(frozen=True, slots=True, kw_only=True)
class LaunchResult:
    """What a verified launch means for lipassess."""

    role: str  # "learner" or "staff"
    cohort: Cohort
    moodle_user_id: int
    display_name: str
    participant: Participant | None = None
    participant_created: bool = False
    link: LtiResourceLink | None = None
    choice: WaveChoice | None = None
    language: str | None = None


def _display_name(claims: LaunchClaims, user_id: int) -> str:
    name = claims.name or " ".join(p for p in (claims.given_name, claims.family_name) if p)
    return name or claims.username or f"Moodle user {user_id}"


def record_resource_link(session: Session, launch: ValidatedLaunch, cohort: Cohort) -> LtiResourceLink | None:
    """Create or refresh the activity placement this launch came through (with its line item)."""
    claims = launch.claims
    if claims.resource_link is None or launch.platform.key is None:
        return None
    lookup = select(LtiResourceLink).where(LtiResourceLink.platform_id == launch.platform.key,
                                           LtiResourceLink.resource_link_id == claims.resource_link.id)
    link = session.scalar(lookup)
    if link is None:
        link = LtiResourceLink(platform_id=launch.platform.key, resource_link_id=claims.resource_link.id,
                               deployment_id=claims.deployment_id)
        try:
            with session.begin_nested():
                session.add(link)
        except IntegrityError:  # recorded at the same moment by another launch
            link = session.scalars(lookup).one()
    link.deployment_id = claims.deployment_id
    link.context_id = claims.context.id if claims.context else None
    link.cohort_id = cohort.id
    link.title = claims.resource_link.title
    link.wave_kind = wave_kind_of(claims)
    link.lineitem_url = claims.ags.lineitem if claims.ags is not None and claims.ags.can_post_scores else None
    session.flush()
    return link


def _record_launch(session: Session, participant: Participant, link: LtiResourceLink, wave: Wave,
                   now: datetime) -> None:
    lookup = select(LtiLaunch).where(LtiLaunch.participant_id == participant.id, LtiLaunch.link_id == link.id,
                                     LtiLaunch.wave_id == wave.id)
    row = session.scalar(lookup)
    if row is None:
        try:
            with session.begin_nested():
                session.add(LtiLaunch(participant_id=participant.id, link_id=link.id, wave_id=wave.id,
                                      first_at=now, last_at=now))
            return
        except IntegrityError:  # recorded at the same moment by another launch
            row = session.scalars(lookup).one()
    row.last_at = now


def resolve_launch(session: Session, launch: ValidatedLaunch, *, now: datetime | None = None) -> LaunchResult:
    """Turn a verified launch into who is asking, for which cohort, and which wave to open.

    Raises ``NotFound`` when the course is not a known cohort and
    ``PermissionDenied`` for a role that takes part in neither surveys nor
    staff pages, or a learner sending a deep-linking request.
    """
    now = now or utcnow()
    claims = launch.claims
    check_claim_lengths(claims)
    user_id = moodle_user_id(claims)
    name = _display_name(claims, user_id)
    staff = claims.is_staff
    if claims.is_deep_linking and not staff:
        raise PermissionDenied("Only teachers can add lipassess surveys to a course.")
    if not staff and not claims.is_learner:
        raise PermissionDenied("Your role in this course does not take part in the lipassess surveys.")
    cohort = find_cohort(session, claims, trust_custom=not staff)
    if cohort is None:
        raise NotFound("This Moodle course is not set up in lipassess yet. Ask the evaluation team to "
                       "add it (run the Moodle sync for this course), then open the activity again.")
    link = record_resource_link(session, launch, cohort)
    if staff:
        audit.record(session, actor=f"moodle user {user_id}", action="lti.staff_launch", target=f"cohort {cohort.id}",
                     roles=list(claims.roles), deep_linking=claims.is_deep_linking)
        return LaunchResult(role="staff", cohort=cohort, moodle_user_id=user_id, display_name=name, link=link,
                            language=language_from_locale(claims.locale))
    participant, created = find_or_create_participant(session, claims, cohort)
    choice = choose_wave(session, participant, cohort, now, kind=link.wave_kind if link else wave_kind_of(claims))
    if choice.wave is not None and link is not None:
        _record_launch(session, participant, link, choice.wave, now)
    session.flush()
    return LaunchResult(role="learner", cohort=cohort, moodle_user_id=user_id, display_name=name,
                        participant=participant, participant_created=created, link=link, choice=choice,
                        language=participant.language)


# --- deep linking -----------------------------------------------------------------------------

DEEP_LINK_TITLES: dict[WaveKind, str] = {
    WaveKind.PRE: "Leadership survey - before the course",
    WaveKind.POST: "Leadership survey - end of the course",
    WaveKind.FOLLOWUP: "Leadership survey - six months after the course",
}


def deep_linking_waves(session: Session, cohort_id: int) -> tuple[Cohort, dict[WaveKind, Wave]]:
    """The cohort a teacher is placing activities in, and its scheduled waves by kind."""
    cohort = session.get(Cohort, cohort_id)
    if cohort is None:
        raise NotFound("This cohort no longer exists in lipassess; open 'Select content' again from Moodle.")
    return cohort, {w.kind: w for w in session.scalars(select(Wave).where(Wave.cohort_id == cohort_id))}


def deep_linking_answer(session: Session, *, platform_id: int, deployment_id: str, settings: Mapping[str, Any],
                        kinds: Sequence[WaveKind], tool_base_url: str, now: datetime | None = None) -> tuple[str, str]:
    """Sign the deep-linking response placing one activity per chosen wave; returns (return URL, JWT).

    Each activity launches this tool with custom parameter ``wave`` and has a
    gradebook column out of 1, which completion scores fill.
    """
    if not kinds:
        raise InvalidInput("Choose at least one survey to add.")
    platform = session.get(LtiPlatform, platform_id)
    if platform is None:
        raise PermissionDenied("This Moodle site is no longer registered in lipassess; ask the administrator.")
    dl_settings = DeepLinkingSettings.from_dict(settings)
    if not on_site(dl_settings.deep_link_return_url, platform.issuer):  # checked at launch; never post elsewhere
        raise PermissionDenied("Moodle's return address is not on the registered Moodle site; "
                               "open 'Select content' again from your Moodle course.")
    items = [ResourceLinkItem(title=DEEP_LINK_TITLES[kind], url=launch_url(tool_base_url), custom={"wave": kind.value},
                              score_maximum=1, resource_id=f"lipassess-{kind.value}", tag="lipassess")
             for kind in kinds]
    try:
        token = deep_linking_response(
            key=ensure_tool_key(session), client_id=platform.client_id, platform_issuer=platform.issuer,
            deployment_id=deployment_id, settings=dl_settings, items=items,
            now=int((now or utcnow()).timestamp()))
    except DeepLinkingError as exc:
        raise InvalidInput(f"Moodle cannot take this choice: {exc}. Choose one survey at a time.") from exc
    return dl_settings.deep_link_return_url, token
