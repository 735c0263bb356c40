"""Users, their course enrolments and site cohorts.

Functions: ``core_enrol_get_enrolled_users``, ``core_user_get_users_by_field``,
``core_cohort_get_cohorts``, ``core_cohort_get_cohort_members``.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping, Sequence
from types import MappingProxyType
from typing import Any

from marshmallow import fields, post_load

from moodle_plugin_bridge.errors import MoodleProtocolError
from moodle_plugin_bridge.records.base import RECORD, BaseSchema, RecordMixin, load_answer, moodle_id, opt_str


@dataclasses.dataclass(**RECORD)
class GroupRef(RecordMixin):
    """A course group a user belongs to."""

    id: int
    name: str


@dataclasses.dataclass(**RECORD)
class EnrolledUser(RecordMixin):
    """A participant of a course, from ``core_enrol_get_enrolled_users``.

    Attributes
    ----------
    roles
        Role shortnames in the course (``student``, ``editingteacher``).
    groups
        Groups in the course; ``()`` outside group courses or in no group.
    customfields
        Custom profile fields as ``{shortname: raw value}``; ``{}`` when Moodle
        omits them (a user with no profile data).
    suspended
        ``True`` for a suspended enrolment, ``False`` for an active one, ``None``
        when not determined (Moodle's default listing mixes both and carries no
        flag; :meth:`MoodleClient.enrolled_users` determines it).
    lang
        The user's preferred language (``en``, ``km``); ``None`` unless filled from
        ``core_user_get_users_by_field`` (``core_enrol_*`` never returns it).
    """

    id: int
    username: str
    firstname: str
    lastname: str
    fullname: str
    email: str | None = None
    idnumber: str | None = None
    department: str | None = None
    institution: str | None = None
    city: str | None = None
    country: str | None = None
    roles: tuple[str, ...] = ()
    groups: tuple[GroupRef, ...] = ()
    customfields: Mapping[str, str] = dataclasses.field(
        default_factory=lambda: MappingProxyType({})
    )
    suspended: bool | None = None
    lang: str | None = None


@dataclasses.dataclass(**RECORD)
class User(RecordMixin):
    """A user from ``core_user_get_users_by_field`` (site-wide profile, no course data).

    ``suspended`` here is the *account* suspension, not an enrolment's.
    """

    id: int
    username: str
    firstname: str
    lastname: str
    fullname: str
    email: str | None = None
    idnumber: str | None = None
    lang: str | None = None
    suspended: bool | None = None
    department: str | None = None
    institution: str | None = None
    city: str | None = None
    country: str | None = None
    customfields: Mapping[str, str] = dataclasses.field(
        default_factory=lambda: MappingProxyType({})
    )


@dataclasses.dataclass(**RECORD)
class Cohort(RecordMixin):
    """A site or category cohort from ``core_cohort_get_cohorts``."""

    id: int
    name: str
    idnumber: str
    visible: bool = True
    description: str = ""


@dataclasses.dataclass(**RECORD)
class CohortMembers(RecordMixin):
    """The user ids of one cohort, from ``core_cohort_get_cohort_members``."""

    cohort_id: int
    user_ids: tuple[int, ...]


class _CustomFieldSchema(BaseSchema):
    shortname = fields.String(required=True)
    value = fields.String(required=True, allow_none=True)


class _GroupSchema(BaseSchema):
    id = moodle_id(required=True)
    name = fields.String(required=True)

    @post_load
    def make(self, data: dict[str, Any], **_: Any) -> GroupRef:
        return GroupRef(**data)


class _RoleSchema(BaseSchema):
    shortname = fields.String(required=True)


class _UserFieldsSchema(BaseSchema):
    id = moodle_id(required=True)
    username = fields.String(required=True)
    firstname = fields.String(required=True)
    lastname = fields.String(required=True)
    fullname = fields.String(required=True)
    email = opt_str()
    idnumber = opt_str()
    department = opt_str()
    institution = opt_str()
    city = opt_str()
    country = opt_str()
    customfields = fields.List(fields.Nested(_CustomFieldSchema), load_default=list)


def _custom_fields(rows: list[dict[str, Any]]) -> Mapping[str, str]:
    return MappingProxyType(
        {row["shortname"]: ("" if row["value"] is None else row["value"]) for row in rows}
    )


class EnrolledUserSchema(_UserFieldsSchema):
    roles = fields.List(fields.Nested(_RoleSchema), load_default=list)
    groups = fields.List(fields.Nested(_GroupSchema), load_default=list)

    @post_load
    def make(self, data: dict[str, Any], **_: Any) -> EnrolledUser:
        data["customfields"] = _custom_fields(data["customfields"])
        data["roles"] = tuple(role["shortname"] for role in data["roles"])
        data["groups"] = tuple(data["groups"])
        return EnrolledUser(**data)


class UserSchema(_UserFieldsSchema):
    lang = opt_str()
    suspended = fields.Boolean(load_default=None, allow_none=True)

    @post_load
    def make(self, data: dict[str, Any], **_: Any) -> User:
        data["customfields"] = _custom_fields(data["customfields"])
        return User(**data)


class _UserLangSchema(BaseSchema):
    id = moodle_id(required=True)
    lang = opt_str()


class CohortSchema(BaseSchema):
    id = moodle_id(required=True)
    name = fields.String(required=True)
    idnumber = fields.String(required=True)
    visible = fields.Boolean(load_default=True)
    description = fields.String(load_default="")

    @post_load
    def make(self, data: dict[str, Any], **_: Any) -> Cohort:
        return Cohort(**data)


class CohortMembersSchema(BaseSchema):
    cohortid = moodle_id(required=True)
    userids = fields.List(moodle_id(), required=True)

    @post_load
    def make(self, data: dict[str, Any], **_: Any) -> CohortMembers:
        return CohortMembers(cohort_id=data["cohortid"], user_ids=tuple(data["userids"]))


ALWAYS_SENT: tuple[str, ...] = ("id", "username", "firstname", "lastname", "fullname", "roles")
"""Fields ``core_enrol_get_enrolled_users`` sends for every user (when asked for, as the client does).

``roles`` above all: a record without it would load as a user with no role,
i.e. no longer a student, and the sync would mark them unenrolled. Fields
Moodle leaves out when empty (``customfields``, ``groups``, ``idnumber`` ...)
are not listed.
"""


def load_enrolled_users(
    function: str, body: Any, *, required: Sequence[str] = ()
) -> tuple[EnrolledUser, ...]:
    """Load a page of ``core_enrol_get_enrolled_users``.

    ``required`` names fields every record must carry (:data:`ALWAYS_SENT` for
    a full listing). A record without one of them, or with a field that does
    not load, raises :class:`MoodleProtocolError` naming the user id.
    """
    if isinstance(body, list):
        for index, row in enumerate(body):
            if not isinstance(row, Mapping):
                raise _bad_record(function, f"entry {index}", "is not a user record", field=f"[{index}]")
            missing = [name for name in required if name not in row]
            if missing:
                raise _bad_record(
                    function, _who(row, index), f"has no '{missing[0]}'", field=f"[{index}].{missing[0]}"
                )
    try:
        return tuple(load_answer(function, EnrolledUserSchema(many=True), body, expect=list))
    except MoodleProtocolError as err:
        position = _leading_index(err.field)
        if position is None or not isinstance(body, list) or position >= len(body):
            raise
        name = err.field.split(".", 1)[1] if err.field and "." in err.field else "record"
        raise _bad_record(
            function,
            _who(body[position], position),
            f"has no valid '{name}' (field '{err.field}')",
            field=err.field or "",
        ) from None


def _who(row: Any, index: int) -> str:
    user_id = row.get("id") if isinstance(row, Mapping) else None
    return f"user {user_id}" if isinstance(user_id, int) else f"entry {index} (no user id)"


def _leading_index(field: str | None) -> int | None:
    if not field or not field.startswith("["):
        return None
    head = field[1:].split("]", 1)[0]
    return int(head) if head.isdigit() else None


def _bad_record(function: str, who: str, problem: str, *, field: str) -> MoodleProtocolError:
    return MoodleProtocolError(
        f"{function}: Moodle's record of {who} {problem} (Moodle always sends it); the participant "
        "list cannot be trusted, so nobody was marked unenrolled: run the sync again, and check the "
        "Moodle site (a plugin or customisation changing the answer) if it persists",
        function=function,
        field=field,
    )


def load_users(function: str, body: Any) -> tuple[User, ...]:
    """Load ``core_user_get_users_by_field`` (a bare list of users)."""
    return tuple(load_answer(function, UserSchema(many=True), body, expect=list))


def load_user_langs(function: str, body: Any) -> dict[int, str | None]:
    """Only ``id -> lang`` from ``core_user_get_users_by_field`` (cheaper than ``load_users``)."""
    rows = load_answer(function, _UserLangSchema(many=True), body, expect=list)
    return {row["id"]: row["lang"] for row in rows}


def load_cohorts(function: str, body: Any) -> tuple[Cohort, ...]:
    """Load ``core_cohort_get_cohorts`` (a bare list)."""
    return tuple(load_answer(function, CohortSchema(many=True), body, expect=list))


def load_cohort_members(function: str, body: Any) -> tuple[CohortMembers, ...]:
    """Load ``core_cohort_get_cohort_members`` (a bare list)."""
    return tuple(load_answer(function, CohortMembersSchema(many=True), body, expect=list))


def unique_enrolled_users(function: str, users: Iterable[EnrolledUser]) -> list[EnrolledUser]:
    """The users once each: a user Moodle repeats with the same record (pages that overlap) is kept once;
    two different records under one id are a protocol error (one of them would overwrite the other)."""
    seen: dict[int, EnrolledUser] = {}
    for user in users:
        first = seen.setdefault(user.id, user)
        if first != user:
            raise MoodleProtocolError(
                f"{function}: Moodle listed user {user.id} twice with different details "
                f"({first.username!r} and {user.username!r}); the participant list cannot be trusted, "
                "so nothing was changed: run the sync again, and check Moodle if it persists",
                function=function, field="id")
    return list(seen.values())
