"""SQLAlchemy models: the one schema every part of lipassess reads and writes.

Identity rules worth knowing:

* A participant is one Moodle user (``moodle_user_id`` is unique), whether they
  arrive through the web-service sync, an LTI launch or both; ``pseudonym`` is a
  stable random code used in every export instead of the name.
* A cohort is one Moodle course (``moodle_course_id`` is unique).
* A wave is one sitting of a cohort (``pre``, ``post``, ``retro_pre``,
  ``followup``); it presents one or more instrument versions in order (the post
  wave shows the behaviour scale, its retrospective-pre form and the reaction
  survey). One response per participant and wave; answers are keyed by
  instrument version and item.
* Nothing a participant answered is ever deleted by a sync: unenrolment and
  suspension only change the enrolment's status.
"""

from __future__ import annotations

import enum
import secrets
from datetime import datetime
from typing import TYPE_CHECKING, Any, ClassVar

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    CheckConstraint,
    Enum,
    Float,
    ForeignKey,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from lipassess import vocabulary
from lipassess.store.types import UTCDateTime, utcnow

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

#: A Moodle record id (user, course, category, grade item, message). Moodle declares every id
#: BIGINT, so a site may hand out ids of 2**31 and more; a 32-bit column would overflow on them.
MoodleId = BigInteger

PSEUDONYM_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I look-alikes


def new_pseudonym() -> str:
    """A random, stable participant code such as ``P-7KQ3M9XA`` (40 bits)."""
    return "P-" + "".join(secrets.choice(PSEUDONYM_ALPHABET) for _ in range(8))


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map = {datetime: UTCDateTime(), dict[str, Any]: JSON, list[Any]: JSON}

    if TYPE_CHECKING:
        # Every model declares __tablename__, so each is mapped to a Table (SQLAlchemy
        # types __table__ as any FromClause, which has no insert/update/delete).
        __table__: ClassVar[Table]


class WaveKind(enum.StrEnum):
    """The kinds of survey wave; the stored values are :data:`lipassess.vocabulary.WAVE_KINDS`."""

    NEEDS = vocabulary.NEEDS
    PRE = vocabulary.PRE
    POST = vocabulary.POST
    RETRO_PRE = vocabulary.RETRO_PRE
    FOLLOWUP = vocabulary.FOLLOWUP


class EnrolmentStatus(enum.StrEnum):
    ACTIVE = "active"
    SUSPENDED = "suspended"
    UNENROLLED = "unenrolled"


class ResponseStatus(enum.StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"


class StaffRole(enum.StrEnum):
    ADMIN = "admin"
    EVALUATOR = "evaluator"
    MANAGER = "manager"


def _enum(cls: type[enum.Enum], name: str) -> Enum:
    return Enum(cls, name=name, native_enum=False, validate_strings=True, length=20,
                values_callable=lambda e: [m.value for m in e])


class TimestampMixin:
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class Program(TimestampMixin, Base):
    """A training program (e.g. LIP), grouping its cohorts."""

    __tablename__ = "programs"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(255))
    moodle_category_id: Mapped[int | None] = mapped_column(MoodleId, unique=True)

    cohorts: Mapped[list[Cohort]] = relationship(back_populates="program")


class Cohort(TimestampMixin, Base):
    """One cohort of the program, which is one Moodle course."""

    __tablename__ = "cohorts"

    id: Mapped[int] = mapped_column(primary_key=True)
    program_id: Mapped[int | None] = mapped_column(ForeignKey("programs.id"))
    moodle_course_id: Mapped[int] = mapped_column(MoodleId, unique=True)
    shortname: Mapped[str] = mapped_column(String(255), unique=True)
    fullname: Mapped[str] = mapped_column(String(1333))
    idnumber: Mapped[str | None] = mapped_column(String(100))
    start_at: Mapped[datetime | None]
    end_at: Mapped[datetime | None]
    synced_at: Mapped[datetime | None]

    program: Mapped[Program | None] = relationship(back_populates="cohorts")
    enrolments: Mapped[list[Enrolment]] = relationship(back_populates="cohort")
    waves: Mapped[list[Wave]] = relationship(back_populates="cohort", order_by="Wave.opens_at")


class Participant(TimestampMixin, Base):
    """A person who answers surveys: one Moodle user."""

    __tablename__ = "participants"

    id: Mapped[int] = mapped_column(primary_key=True)
    moodle_user_id: Mapped[int] = mapped_column(MoodleId, unique=True)
    pseudonym: Mapped[str] = mapped_column(String(16), unique=True, default=new_pseudonym)
    username: Mapped[str | None] = mapped_column(String(100))
    idnumber: Mapped[str | None] = mapped_column(String(255))
    firstname: Mapped[str | None] = mapped_column(String(255))
    lastname: Mapped[str | None] = mapped_column(String(255))
    email: Mapped[str | None] = mapped_column(String(320))
    language: Mapped[str] = mapped_column(String(10), default="km")
    ministry: Mapped[str | None] = mapped_column(String(1333))
    province: Mapped[str | None] = mapped_column(String(1333))
    extra_fields: Mapped[dict[str, Any]] = mapped_column(default=dict)
    withdrawn_at: Mapped[datetime | None]
    synced_at: Mapped[datetime | None]

    enrolments: Mapped[list[Enrolment]] = relationship(back_populates="participant")

    @property
    def full_name(self) -> str:
        return " ".join(p for p in (self.firstname, self.lastname) if p)


class Enrolment(TimestampMixin, Base):
    """A participant's place in a cohort; never deleted, only its status changes."""

    __tablename__ = "enrolments"
    __table_args__ = (UniqueConstraint("participant_id", "cohort_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    participant_id: Mapped[int] = mapped_column(ForeignKey("participants.id"))
    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohorts.id"))
    role: Mapped[str] = mapped_column(String(100), default="student")
    status: Mapped[EnrolmentStatus] = mapped_column(
        _enum(EnrolmentStatus, "enrolment_status"), default=EnrolmentStatus.ACTIVE
    )
    groups: Mapped[list[Any]] = mapped_column(default=list)

    participant: Mapped[Participant] = relationship(back_populates="enrolments")
    cohort: Mapped[Cohort] = relationship(back_populates="enrolments")


class GradeItem(TimestampMixin, Base):
    """A gradebook column of a cohort's Moodle course (``itemtype='course'`` is the total)."""

    __tablename__ = "grade_items"
    __table_args__ = (UniqueConstraint("cohort_id", "moodle_item_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohorts.id"))
    moodle_item_id: Mapped[int] = mapped_column(MoodleId)
    name: Mapped[str] = mapped_column(String(1333))
    itemtype: Mapped[str] = mapped_column(String(30))
    itemmodule: Mapped[str | None] = mapped_column(String(50))
    grade_min: Mapped[float | None] = mapped_column(Float)
    grade_max: Mapped[float | None] = mapped_column(Float)


class Grade(TimestampMixin, Base):
    """One participant's grade in one grade item; ``raw`` is None when ungraded."""

    __tablename__ = "grades"
    __table_args__ = (UniqueConstraint("grade_item_id", "participant_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    grade_item_id: Mapped[int] = mapped_column(ForeignKey("grade_items.id"))
    participant_id: Mapped[int] = mapped_column(ForeignKey("participants.id"))
    raw: Mapped[float | None] = mapped_column(Float)
    percentage: Mapped[float | None] = mapped_column(Float)
    graded_at: Mapped[datetime | None]


class Completion(TimestampMixin, Base):
    """Moodle course completion of one participant in one cohort."""

    __tablename__ = "completions"
    __table_args__ = (UniqueConstraint("cohort_id", "participant_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohorts.id"))
    participant_id: Mapped[int] = mapped_column(ForeignKey("participants.id"))
    completed: Mapped[bool] = mapped_column(Boolean, default=False)
    completed_at: Mapped[datetime | None]


class InstrumentVersion(Base):
    """A stored instrument definition; identified by the hash of its content, never edited."""

    __tablename__ = "instrument_versions"
    __table_args__ = (UniqueConstraint("instrument_key", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    instrument_key: Mapped[str] = mapped_column(String(100))
    version: Mapped[str] = mapped_column(String(50))
    content_hash: Mapped[str] = mapped_column(String(64), unique=True)
    definition: Mapped[dict[str, Any]] = mapped_column()
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Wave(TimestampMixin, Base):
    """One sitting of a cohort: pre, post, retro_pre or followup, with its open window."""

    __tablename__ = "waves"
    __table_args__ = (
        UniqueConstraint("cohort_id", "kind"),
        CheckConstraint("closes_at IS NULL OR opens_at IS NULL OR closes_at > opens_at",
                        name="closes_after_opens"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohorts.id"))
    kind: Mapped[WaveKind] = mapped_column(_enum(WaveKind, "wave_kind"))
    opens_at: Mapped[datetime | None]
    closes_at: Mapped[datetime | None]
    opened_at: Mapped[datetime | None]  # when dispatch actually opened it

    cohort: Mapped[Cohort] = relationship(back_populates="waves")
    instruments: Mapped[list[WaveInstrument]] = relationship(
        back_populates="wave", order_by="WaveInstrument.position", cascade="all, delete-orphan"
    )


class WaveInstrument(Base):
    """The instrument versions a wave presents, in order."""

    __tablename__ = "wave_instruments"
    __table_args__ = (UniqueConstraint("wave_id", "instrument_version_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    wave_id: Mapped[int] = mapped_column(ForeignKey("waves.id"))
    instrument_version_id: Mapped[int] = mapped_column(ForeignKey("instrument_versions.id"))
    position: Mapped[int] = mapped_column(Integer, default=0)

    wave: Mapped[Wave] = relationship(back_populates="instruments")
    instrument_version: Mapped[InstrumentVersion] = relationship()


class Invitation(TimestampMixin, Base):
    """A participant's personal link to one wave; only the token's hash is stored."""

    __tablename__ = "invitations"
    __table_args__ = (UniqueConstraint("wave_id", "participant_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    wave_id: Mapped[int] = mapped_column(ForeignKey("waves.id"))
    participant_id: Mapped[int] = mapped_column(ForeignKey("participants.id"))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    # The token of the last message Moodle surely accepted, kept working while a newer message's
    # fate is open (claimed, in flight, or unknown); cleared once Moodle accepts the newer one.
    previous_token_hash: Mapped[str | None] = mapped_column(String(64), index=True)
    expires_at: Mapped[datetime]
    revoked_at: Mapped[datetime | None]


class Message(TimestampMixin, Base):
    """One message (invitation or reminder) sent, or to be sent, through Moodle messaging."""

    __tablename__ = "messages"
    __table_args__ = (UniqueConstraint("invitation_id", "kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    invitation_id: Mapped[int] = mapped_column(ForeignKey("invitations.id"))
    kind: Mapped[str] = mapped_column(String(30))  # invitation, reminder_1, reminder_2 ...
    # pending (not accepted yet: to send, or in flight while claimed_at is set), sent (Moodle accepted it),
    # failed (Moodle refused it), unknown (sent, but Moodle's answer was lost: it may have arrived)
    status: Mapped[str] = mapped_column(String(20), default="pending")
    language: Mapped[str] = mapped_column(String(10))
    body: Mapped[str | None] = mapped_column(Text)
    moodle_message_id: Mapped[int | None] = mapped_column(MoodleId)
    error: Mapped[str | None] = mapped_column(Text)
    attempts: Mapped[int] = mapped_column(Integer, default=0)  # sends Moodle answered (accepted or refused)
    sent_at: Mapped[datetime | None]
    claimed_at: Mapped[datetime | None]  # when a run took it to send; None while it waits for the next run


class Response(TimestampMixin, Base):
    """A participant's answers to one wave: a draft until submitted, then frozen."""

    __tablename__ = "responses"
    __table_args__ = (UniqueConstraint("participant_id", "wave_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    participant_id: Mapped[int] = mapped_column(ForeignKey("participants.id"))
    wave_id: Mapped[int] = mapped_column(ForeignKey("waves.id"))
    status: Mapped[ResponseStatus] = mapped_column(
        _enum(ResponseStatus, "response_status"), default=ResponseStatus.DRAFT
    )
    language: Mapped[str] = mapped_column(String(10), default="km")
    channel: Mapped[str] = mapped_column(String(20), default="link")  # link, lti, import
    consent_at: Mapped[datetime | None]
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    submitted_at: Mapped[datetime | None]

    answers: Mapped[list[Answer]] = relationship(
        back_populates="response", cascade="all, delete-orphan"
    )


class Answer(Base):
    """One item answer: a number for scale items, text for free-text items."""

    __tablename__ = "answers"
    __table_args__ = (UniqueConstraint("response_id", "instrument_version_id", "item_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    response_id: Mapped[int] = mapped_column(ForeignKey("responses.id"))
    instrument_version_id: Mapped[int] = mapped_column(ForeignKey("instrument_versions.id"))
    item_key: Mapped[str] = mapped_column(String(100))
    value_number: Mapped[float | None] = mapped_column(Float)
    value_text: Mapped[str | None] = mapped_column(Text)

    response: Mapped[Response] = relationship(back_populates="answers")


class StaffUser(TimestampMixin, Base):
    """An evaluator, manager or admin who signs in to the staff pages or the API."""

    __tablename__ = "staff_users"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(100), unique=True)
    display_name: Mapped[str | None] = mapped_column(String(255))
    password_hash: Mapped[str | None] = mapped_column(String(255))
    role: Mapped[StaffRole] = mapped_column(_enum(StaffRole, "staff_role"))
    api_token_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    api_token_expires_at: Mapped[datetime | None]
    api_token_last_used_at: Mapped[datetime | None]
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class StaffSession(Base):
    """One signed-in browser: a staff password sign-in or an LTI instructor launch.

    The session cookie holds only a random key; ``key_hash`` is its SHA-256. A
    session ends when revoked (logout, password, role or activation change) or
    when unused for the idle lifetime or older than the maximum lifetime.
    """

    __tablename__ = "staff_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    key_hash: Mapped[str] = mapped_column(String(64), unique=True)
    staff_user_id: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id"), index=True)
    lti_moodle_user_id: Mapped[int | None] = mapped_column(BigInteger, index=True)
    lti_cohort_id: Mapped[int | None] = mapped_column(Integer)  # no foreign key: a session outlives nothing
    display_name: Mapped[str | None] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(default=utcnow)
    revoked_at: Mapped[datetime | None]


class SignInThrottle(Base):
    """Failed sign-ins counted per account (``scope='account'``) or per client address."""

    __tablename__ = "sign_in_throttle"
    __table_args__ = (UniqueConstraint("scope", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    scope: Mapped[str] = mapped_column(String(10))
    key: Mapped[str] = mapped_column(String(255))
    failures: Mapped[int] = mapped_column(Integer, default=0)
    window_started_at: Mapped[datetime] = mapped_column(default=utcnow)
    locked_until: Mapped[datetime | None]


class AuditEvent(Base):
    """Who did what, when: staff actions, exports with names, submissions."""

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    actor: Mapped[str] = mapped_column(String(255))
    action: Mapped[str] = mapped_column(String(100))
    target: Mapped[str | None] = mapped_column(String(255))
    details: Mapped[dict[str, Any]] = mapped_column(default=dict)


# --- LTI 1.3 ------------------------------------------------------------------------------


class ScoreStatus(enum.StrEnum):
    PENDING = "pending"
    SENT = "sent"
    FAILED = "failed"


class LtiPlatform(TimestampMixin, Base):
    """One LTI 1.3 registration of this tool in a platform (a Moodle site): issuer + client id."""

    __tablename__ = "lti_platforms"
    __table_args__ = (UniqueConstraint("issuer", "client_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    issuer: Mapped[str] = mapped_column(String(255))
    client_id: Mapped[str] = mapped_column(String(255))
    name: Mapped[str | None] = mapped_column(String(255))
    auth_login_url: Mapped[str] = mapped_column(String(1024))
    token_url: Mapped[str] = mapped_column(String(1024))
    jwks_url: Mapped[str] = mapped_column(String(1024))

    deployments: Mapped[list[LtiDeployment]] = relationship(
        back_populates="platform", order_by="LtiDeployment.deployment_id", cascade="all, delete-orphan")


class LtiDeployment(Base):
    """A deployment id the platform may launch with (Moodle: the tool type id)."""

    __tablename__ = "lti_deployments"
    __table_args__ = (UniqueConstraint("platform_id", "deployment_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    platform_id: Mapped[int] = mapped_column(ForeignKey("lti_platforms.id"))
    deployment_id: Mapped[str] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    platform: Mapped[LtiPlatform] = relationship(back_populates="deployments")


class LtiNonce(Base):
    """A launch nonce already used; the unique value makes reuse fail on every host at once."""

    __tablename__ = "lti_nonces"

    id: Mapped[int] = mapped_column(primary_key=True)
    value: Mapped[str] = mapped_column(String(255), unique=True)
    expires_at: Mapped[datetime] = mapped_column(index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class LtiToolKey(Base):
    """One RSA key of this tool (PKCS#8 PEM); the newest active key signs, every active key is published."""

    __tablename__ = "lti_tool_keys"

    id: Mapped[int] = mapped_column(primary_key=True)
    kid: Mapped[str] = mapped_column(String(64), unique=True)
    private_key_pem: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class LtiResourceLink(TimestampMixin, Base):
    """An activity placement in a course: where its launches come from and where its scores go.

    ``wave_kind`` is set when the link was placed for one wave (deep linking,
    custom parameter ``wave``); ``lineitem_url`` is the AGS line item of the
    activity, present when the platform lets the tool post scores.
    """

    __tablename__ = "lti_resource_links"
    __table_args__ = (UniqueConstraint("platform_id", "resource_link_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    platform_id: Mapped[int] = mapped_column(ForeignKey("lti_platforms.id"))
    deployment_id: Mapped[str] = mapped_column(String(255))
    resource_link_id: Mapped[str] = mapped_column(String(255))
    context_id: Mapped[str | None] = mapped_column(String(255))
    cohort_id: Mapped[int | None] = mapped_column(ForeignKey("cohorts.id"))
    title: Mapped[str | None] = mapped_column(String(1333))
    wave_kind: Mapped[WaveKind | None] = mapped_column(_enum(WaveKind, "wave_kind"))
    lineitem_url: Mapped[str | None] = mapped_column(String(2048))

    platform: Mapped[LtiPlatform] = relationship()


class LtiLaunch(Base):
    """A participant reached a wave through a resource link (first and last time)."""

    __tablename__ = "lti_launches"
    __table_args__ = (UniqueConstraint("participant_id", "link_id", "wave_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    participant_id: Mapped[int] = mapped_column(ForeignKey("participants.id"))
    link_id: Mapped[int] = mapped_column(ForeignKey("lti_resource_links.id"))
    wave_id: Mapped[int] = mapped_column(ForeignKey("waves.id"))
    first_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_at: Mapped[datetime] = mapped_column(default=utcnow)


class LtiScoreOutbox(TimestampMixin, Base):
    """A completion to send to a Moodle gradebook column; retried until sent or given up."""

    __tablename__ = "lti_score_outbox"
    __table_args__ = (UniqueConstraint("participant_id", "wave_id", "link_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    participant_id: Mapped[int] = mapped_column(ForeignKey("participants.id"))
    wave_id: Mapped[int] = mapped_column(ForeignKey("waves.id"))
    link_id: Mapped[int] = mapped_column(ForeignKey("lti_resource_links.id"))
    lineitem_url: Mapped[str] = mapped_column(String(2048))
    user_id: Mapped[str] = mapped_column(String(255))  # the platform's user id (LTI sub)
    completed_at: Mapped[datetime]  # the score timestamp: the same on every retry
    status: Mapped[ScoreStatus] = mapped_column(_enum(ScoreStatus, "score_status"), default=ScoreStatus.PENDING,
                                                index=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    next_attempt_at: Mapped[datetime] = mapped_column(default=utcnow)
    sent_at: Mapped[datetime | None]

    link: Mapped[LtiResourceLink] = relationship()


class StoredAnalysis(Base):
    """One analysis result kept for every host (:mod:`lipassess.services.analysis_store`).

    ``key`` is the hash of kind, cohorts and variant; the row is fresh while ``data_version``
    equals the fingerprint of the data it read and ``code_version`` the running code's.
    """

    __tablename__ = "stored_analyses"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(64), unique=True)
    kind: Mapped[str] = mapped_column(String(32))
    cohorts: Mapped[str] = mapped_column(Text)  # ",3,5," so that one cohort's rows are found with LIKE
    data_version: Mapped[str] = mapped_column(String(64))
    code_version: Mapped[str] = mapped_column(String(64))
    payload: Mapped[bytes] = mapped_column(LargeBinary)
    signature: Mapped[str] = mapped_column(String(64))
    computed_at: Mapped[datetime]
    seconds: Mapped[float] = mapped_column(Float)


# The rater tables live in their own module (one job per module) but on the same Base.
from lipassess.store import rater_models as rater_models  # noqa: E402
