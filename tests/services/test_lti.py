"""LTI launches in lipassess: identity joins with the sync, cohorts, roles, waves, single-use nonces."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import responses
from sqlalchemy import func, select

from lipassess import db
from lipassess.errors import NotFound, PermissionDenied
from lipassess.services import lti as lti_service
from lipassess.store.models import (
    AuditEvent,
    Cohort,
    Enrolment,
    EnrolmentStatus,
    LtiLaunch,
    LtiNonce,
    LtiResourceLink,
    Participant,
    Response,
    ResponseStatus,
    WaveKind,
)
from moodle_plugin_bridge.lti import LaunchRejected, LoginBinding, RejectReason
from moodle_plugin_bridge.lti.claims import (
    CLAIM_CONTEXT,
    CLAIM_CUSTOM,
    CLAIM_LAUNCH_PRESENTATION,
    CLAIM_LIS,
    CLAIM_ROLES,
    ROLE_LEARNER,
)
from moodle_plugin_bridge.lti.oidc import new_token
from tests.bridge.lti.signing_platform import CLIENT_ID, ISSUER, RECORDED_LINEITEM, RECORDED_PAYLOAD
from tests.services.lti_world import LabLaunches, add_hfd_cohort, add_lab_platform, add_synced_participant, add_waves

pytestmark = pytest.mark.postgres

NOW = datetime.now(UTC).replace(microsecond=0)


@pytest.fixture
def world(session):
    add_lab_platform(session)
    cohort = add_hfd_cohort(session)
    waves = add_waves(session, cohort, NOW)
    session.commit()
    return {"cohort": cohort, "waves": waves, "launches": LabLaunches()}


def test_sync_participant_and_launch_are_one_person(session, world) -> None:
    synced = add_synced_participant(session, world["cohort"])
    session.commit()
    launch = world["launches"].verify(session, "learner", NOW)
    result = lti_service.resolve_launch(session, launch, now=NOW)
    session.commit()
    assert result.role == "learner" and result.participant.id == synced.id and not result.participant_created
    assert session.scalar(select(func.count()).select_from(Participant)) == 1
    assert session.scalar(select(func.count()).select_from(Enrolment)) == 1
    # What the sync stored stays; the launch's locale ("en") does not override the stored language.
    refreshed = session.get(Participant, synced.id)
    assert (refreshed.ministry, refreshed.language) == ("Ministry of Health", "km")
    assert result.choice.wave.id == world["waves"]["pre"].id


def test_unknown_participant_in_a_known_course_is_created_from_the_claims(session, world) -> None:
    launch = world["launches"].verify(session, "learner", NOW)
    result = lti_service.resolve_launch(session, launch, now=NOW)
    session.commit()
    person = session.scalar(select(Participant).where(Participant.moodle_user_id == 36))
    assert result.participant_created and result.participant.id == person.id
    assert (person.firstname, person.lastname) == ("ចាន់ធី", "សុខ")
    assert (person.email, person.username, person.idnumber) == (
        "chanthy.sok@moh.example.gov.kh", "chanthy.sok", "HFD25-04")
    assert person.language == "en"  # the recorded launch's locale
    assert person.pseudonym.startswith("P-")
    enrolment = session.scalar(select(Enrolment).where(Enrolment.participant_id == person.id))
    assert enrolment.cohort_id == world["cohort"].id and enrolment.status is EnrolmentStatus.ACTIVE
    assert session.scalar(select(AuditEvent.action).where(AuditEvent.action == "lti.participant_created"))
    # The sync path looks the user up by Moodle id and finds this same row.
    assert session.scalar(select(Participant.id).where(Participant.moodle_user_id == int(RECORDED_PAYLOAD["sub"]))
                          ) == person.id


def test_second_launch_reuses_the_participant_and_fills_only_blanks(session, world) -> None:
    session.add(Participant(moodle_user_id=36, firstname="Chanthy", email=None, language="km"))
    session.commit()
    launch = world["launches"].verify(session, "learner", NOW)
    person = lti_service.resolve_launch(session, launch, now=NOW).participant
    assert person.firstname == "Chanthy" and person.email == "chanthy.sok@moh.example.gov.kh"


def test_launch_records_the_activity_and_its_line_item(session, world) -> None:
    launch = world["launches"].verify(session, "learner", NOW)
    result = lti_service.resolve_launch(session, launch, now=NOW)
    session.commit()
    link = session.scalar(select(LtiResourceLink))
    assert (link.resource_link_id, link.context_id, link.cohort_id) == ("1", "4", world["cohort"].id)
    assert link.lineitem_url == RECORDED_LINEITEM and link.wave_kind is None
    assert link.title == "Mid-programme leadership self-assessment (lipassess)"
    row = session.scalar(select(LtiLaunch))
    assert (row.participant_id, row.link_id, row.wave_id) == (result.participant.id, link.id, world["waves"]["pre"].id)


@pytest.mark.parametrize("role", ["instructor", "admin"])
def test_instructor_and_admin_launches_are_staff_for_that_cohort(session, world, role) -> None:
    launch = world["launches"].verify(session, role, NOW)
    result = lti_service.resolve_launch(session, launch, now=NOW)
    session.commit()
    assert result.role == "staff" and result.cohort.id == world["cohort"].id and result.participant is None
    assert session.scalar(select(func.count()).select_from(Participant)) == 0
    assert result.display_name in ("សុភី ឡុង", "Admin User")


def test_learner_deep_linking_request_is_refused(session, world) -> None:
    launch = world["launches"].verify(session, "deep_linking", NOW, change={CLAIM_ROLES: [ROLE_LEARNER]})
    with pytest.raises(PermissionDenied, match="Only teachers"):
        lti_service.resolve_launch(session, launch, now=NOW)


def test_a_role_without_surveys_or_staff_pages_is_refused(session, world) -> None:
    launch = world["launches"].verify(session, "learner", NOW, change={
        CLAIM_ROLES: ["http://purl.imsglobal.org/vocab/lis/v2/membership#Mentor"]})
    with pytest.raises(PermissionDenied, match="does not take part"):
        lti_service.resolve_launch(session, launch, now=NOW)


def test_unknown_course_is_not_found(session, world) -> None:
    context = {**RECORDED_PAYLOAD[CLAIM_CONTEXT], "id": "99"}
    lis = {"person_sourcedid": "X", "course_section_sourcedid": "OTHER"}
    launch = world["launches"].verify(session, "learner", NOW, change={
        CLAIM_CONTEXT: context, CLAIM_LIS: lis,
        CLAIM_CUSTOM: {"course_idnumber": "NOPE"}})
    with pytest.raises(NotFound, match="not set up in lipassess"):
        lti_service.resolve_launch(session, launch, now=NOW)


def test_course_idnumber_is_a_fallback_and_custom_parameters_never_give_staff_access(session) -> None:
    add_lab_platform(session)
    # A cohort whose course id differs from the launch's context (e.g. created before a course restore).
    cohort = add_hfd_cohort(session, moodle_course_id=40, idnumber="LIP-HFD-2025")
    add_waves(session, cohort, NOW)
    session.commit()
    launches = LabLaunches()
    lis = {"person_sourcedid": "HFD25-04", "course_section_sourcedid": "SOMETHING-ELSE"}
    learner = launches.verify(session, "learner", NOW, change={CLAIM_LIS: lis})
    assert lti_service.resolve_launch(session, learner, now=NOW).cohort.id == cohort.id  # custom course_idnumber
    teacher = launches.verify(session, "instructor", NOW, change={CLAIM_LIS: lis})
    with pytest.raises(NotFound):
        lti_service.resolve_launch(session, teacher, now=NOW)
    teacher_lis = launches.verify(session, "instructor", NOW)  # lis.course_section_sourcedid is set by Moodle
    assert lti_service.resolve_launch(session, teacher_lis, now=NOW).cohort.id == cohort.id


def test_non_numeric_sub_is_not_a_moodle_user(session, world) -> None:
    launch = world["launches"].verify(session, "learner", NOW, change={"sub": "a1b2-opaque"})
    with pytest.raises(LaunchRejected) as info:
        lti_service.resolve_launch(session, launch, now=NOW)
    assert info.value.reason is RejectReason.MALFORMED


@pytest.mark.parametrize(("locale", "language"), [("km", "km"), ("km_KH", "km"), ("en_us", "en"), ("fr", None),
                                                   (None, None)])
def test_language_from_locale(locale, language) -> None:
    assert lti_service.language_from_locale(locale) == language


def test_unknown_locale_keeps_the_khmer_default(session, world) -> None:
    presentation = {**RECORDED_PAYLOAD[CLAIM_LAUNCH_PRESENTATION], "locale": "fr"}
    launch = world["launches"].verify(session, "learner", NOW, change={CLAIM_LAUNCH_PRESENTATION: presentation})
    assert lti_service.resolve_launch(session, launch, now=NOW).participant.language == "km"


# --- waves ------------------------------------------------------------------------------------


def test_submitted_wave_is_not_offered_again_and_the_next_is_named(session, world) -> None:
    launch = world["launches"].verify(session, "learner", NOW)
    person = lti_service.resolve_launch(session, launch, now=NOW).participant
    session.add(Response(participant_id=person.id, wave_id=world["waves"]["pre"].id,
                         status=ResponseStatus.SUBMITTED, submitted_at=NOW))
    session.flush()
    choice = lti_service.choose_wave(session, person, world["cohort"], NOW)
    assert choice.wave is None and [w.kind for w in choice.answered] == [WaveKind.PRE]
    assert choice.next_wave.id == world["waves"]["post"].id


def test_activity_placed_for_one_wave_opens_only_that_wave(session, world) -> None:
    custom = {**RECORDED_PAYLOAD[CLAIM_CUSTOM], "wave": "post"}
    launch = world["launches"].verify(session, "learner", NOW, change={CLAIM_CUSTOM: custom})
    result = lti_service.resolve_launch(session, launch, now=NOW)
    assert result.link.wave_kind is WaveKind.POST
    assert result.choice.wave is None and result.choice.next_wave.kind is WaveKind.POST  # pre is open, post is not


def test_closed_wave_is_reported(session, world) -> None:
    person = add_synced_participant(session, world["cohort"])
    later = NOW + timedelta(days=400)
    choice = lti_service.choose_wave(session, person, world["cohort"], later, kind=WaveKind.POST)
    assert choice.wave is None and choice.next_wave is None and choice.closed_wave.kind is WaveKind.POST


def test_withdrawn_participant_is_offered_nothing(session, world) -> None:
    person = add_synced_participant(session, world["cohort"])
    person.withdrawn_at = NOW - timedelta(days=1)
    choice = lti_service.choose_wave(session, person, world["cohort"], NOW)
    assert choice.withdrawn and choice.wave is None


def test_waves_without_dates_are_not_open(session, world) -> None:
    person = add_synced_participant(session, world["cohort"])
    pre = world["waves"]["pre"]
    pre.opens_at = None
    session.flush()
    assert lti_service.choose_wave(session, person, world["cohort"], NOW).wave is None


# --- nonces -----------------------------------------------------------------------------------


def test_nonce_is_single_use_across_transactions_and_hosts(app, session) -> None:
    expires = int((NOW + timedelta(minutes=2)).timestamp())
    assert lti_service.consume_nonce(session, "n-1", expires)
    session.commit()
    other = db.session_factory(app)()  # another worker with its own connection
    try:
        assert not lti_service.consume_nonce(other, "n-1", expires)
        assert lti_service.consume_nonce(other, "n-2", expires)  # the failed insert left the transaction usable
        other.commit()
    finally:
        other.close()
    assert session.scalar(select(func.count()).select_from(LtiNonce)) == 2


def test_expired_nonces_are_purged(session) -> None:
    lti_service.consume_nonce(session, "old", int((NOW - timedelta(minutes=5)).timestamp()))
    lti_service.consume_nonce(session, "fresh", int((NOW + timedelta(minutes=5)).timestamp()))
    assert lti_service.purge_expired_nonces(session, NOW) == 1
    assert session.scalars(select(LtiNonce.value)).all() == ["fresh"]


def test_replayed_launch_is_refused_by_the_store(session, world) -> None:
    launches = world["launches"]
    nonce = new_token()
    token = launches.platform.sign(launches.platform.learner_claims(nonce=nonce, now=int(NOW.timestamp())))
    binding = LoginBinding(state=new_token(), nonce=nonce, issuer=ISSUER, client_id=CLIENT_ID)
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        launches.platform.serve_jwks(mock)
        lti_service.verify_launch(session, token, binding=binding, keys=launches.keys, now=NOW)
        session.commit()
        with pytest.raises(LaunchRejected) as info:
            lti_service.verify_launch(session, token, binding=binding, keys=launches.keys, now=NOW)
    assert info.value.reason is RejectReason.NONCE_REPLAYED


# --- ids of 2**31 and more (issue 12, point 7) -------------------------------------------------------

BEYOND_INT32 = 2**31


def test_moodle_ids_beyond_32_bits_are_ordinary_ids(session, world) -> None:
    """Moodle ids are BIGINT: a user and a course past 2**31 launch like any other (no overflow on PostgreSQL)."""
    big = Cohort(moodle_course_id=BEYOND_INT32 + 4, shortname="LIP-BIG", fullname="A course past 2**31")
    session.add(big)
    session.commit()
    context = {**RECORDED_PAYLOAD[CLAIM_CONTEXT], "id": str(BEYOND_INT32 + 4)}
    launch = world["launches"].verify(session, "learner", NOW,
                                      change={"sub": str(BEYOND_INT32 + 36), CLAIM_CONTEXT: context})
    result = lti_service.resolve_launch(session, launch, now=NOW)
    session.commit()
    assert result.cohort.id == big.id and result.participant.moodle_user_id == BEYOND_INT32 + 36
    assert session.scalar(select(Participant.id).where(Participant.moodle_user_id == BEYOND_INT32 + 36))


@pytest.mark.parametrize("sub", [str(2**63), "9" * 30, "٣٦"])
def test_a_sub_beyond_any_moodle_id_is_a_rejected_launch(session, world, sub) -> None:
    launch = world["launches"].verify(session, "learner", NOW, change={"sub": sub})
    with pytest.raises(LaunchRejected) as info:
        lti_service.resolve_launch(session, launch, now=NOW)
    assert info.value.reason is RejectReason.MALFORMED


@pytest.mark.parametrize("context_id", [str(2**63), "9" * 30])
def test_a_context_id_beyond_any_moodle_id_names_no_course(session, world, context_id) -> None:
    """Such a context id is not a course id: the course is found by its idnumber (``lis``), else not at all."""
    context = {**RECORDED_PAYLOAD[CLAIM_CONTEXT], "id": context_id}
    launch = world["launches"].verify(session, "learner", NOW, change={CLAIM_CONTEXT: context})
    assert lti_service.resolve_launch(session, launch, now=NOW).cohort.id == world["cohort"].id
    launch = world["launches"].verify(session, "instructor", NOW, change={CLAIM_CONTEXT: context, CLAIM_LIS: {}})
    with pytest.raises(NotFound):
        lti_service.resolve_launch(session, launch, now=NOW)
