"""The lab Moodle as lipassess sees it: the recorded LTI registration, the HFD course as a cohort, its waves.

Values come from the recorded fixtures: issuer, client id, deployment and URLs
from ``registration.json``; course 4 ``LIP-HFD-2025`` (idnumber
``LIP-HFD-2025``, 2025-02-03 .. 2025-12-19); user 36 ``chanthy.sok``.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import responses
from sqlalchemy.orm import Session

from lipassess.services import lti as lti_service
from lipassess.store.models import Cohort, Enrolment, Participant, Wave, WaveKind
from moodle_plugin_bridge.lti import JwksCache, LoginBinding, ValidatedLaunch
from moodle_plugin_bridge.lti.oidc import new_token
from tests.bridge.lti.signing_platform import (
    AUTH_URL,
    CLIENT_ID,
    DEPLOYMENT_ID,
    ISSUER,
    JWKS_URL,
    TOKEN_URL,
    SigningPlatform,
)

HFD_COURSE_ID = 4


def add_lab_platform(session: Session):
    platform, _ = lti_service.add_platform(session, issuer=ISSUER, client_id=CLIENT_ID, deployment_ids=[DEPLOYMENT_ID],
                                           auth_login_url=AUTH_URL, token_url=TOKEN_URL, jwks_url=JWKS_URL,
                                           name="RSA-LIP-lab")
    return platform


def add_hfd_cohort(session: Session, **kw: Any) -> Cohort:
    cohort = Cohort(moodle_course_id=kw.pop("moodle_course_id", HFD_COURSE_ID), shortname="LIP-HFD-2025",
                    fullname="LIP for Health Facility Directors (2025)", idnumber=kw.pop("idnumber", "LIP-HFD-2025"),
                    **kw)
    session.add(cohort)
    session.flush()
    return cohort


def add_waves(session: Session, cohort: Cohort, now: datetime, **windows: tuple[int, int] | None) -> dict[str, Wave]:
    """Waves open from ``now + start_days`` to ``now + end_days``; by default pre is open, post and follow-up later."""
    spec = {"pre": (-10, 20), "post": (100, 130), "followup": (300, 342)}
    spec.update(windows)
    waves = {}
    for kind, window in spec.items():
        if window is None:
            continue
        wave = Wave(cohort_id=cohort.id, kind=WaveKind(kind), opens_at=now + timedelta(days=window[0]),
                    closes_at=now + timedelta(days=window[1]))
        session.add(wave)
        waves[kind] = wave
    session.flush()
    return waves


def add_synced_participant(session: Session, cohort: Cohort, user_id: int = 36) -> Participant:
    """User 36 as the web-service sync stores him (core_enrol_get_enrolled_users, course 4)."""
    participant = Participant(moodle_user_id=user_id, username="chanthy.sok", idnumber="HFD25-04",
                              firstname="ចាន់ធី", lastname="សុខ", email="chanthy.sok@moh.example.gov.kh",
                              language="km", ministry="Ministry of Health")
    session.add(participant)
    session.flush()
    session.add(Enrolment(participant_id=participant.id, cohort_id=cohort.id))
    session.flush()
    return participant


class LabLaunches:
    """Signs launches with the test platform and verifies them through lipassess's own service."""

    def __init__(self, platform: SigningPlatform | None = None) -> None:
        self.platform = platform or SigningPlatform()
        self.keys = JwksCache()

    def verify(self, session: Session, claims_name: str, now: datetime, *, change: dict | None = None
               ) -> ValidatedLaunch:
        nonce = new_token()
        claims = getattr(self.platform, f"{claims_name}_claims")(nonce=nonce, now=int(now.timestamp()))
        claims.update(change or {})
        binding = LoginBinding(state=new_token(), nonce=nonce, issuer=ISSUER, client_id=CLIENT_ID)
        with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
            self.platform.serve_jwks(mock)
            return lti_service.verify_launch(session, self.platform.sign(claims), binding=binding, keys=self.keys,
                                             now=now)
