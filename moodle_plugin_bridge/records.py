"""Typed records for the parts of Moodle's answers lipassess uses.

Each ``load_*`` function validates one function's decoded answer with a
marshmallow schema (unknown fields ignored, so a newer Moodle adding fields
breaks nothing) and returns frozen dataclasses. A required field that is
missing or of the wrong type raises
:class:`~moodle_plugin_bridge.errors.MoodleProtocolError` naming the function
and the field path (``usergrades[0].gradeitems[2].grademax``).

Conventions, all taken from the recorded Moodle 4.5 answers:

* timestamps are Unix seconds; ``0`` (or ``null``) means "unset" and becomes
  ``None``, anything else an aware UTC :class:`~datetime.datetime`;
* optional keys Moodle omits (``customfields`` for a user without profile
  data, ``groups`` outside group courses, ``idnumber`` without
  ``moodle/course:update``) become ``{}``, ``()`` or ``None``;
* text is kept exactly as Moodle sent it: Khmer script, ``&``, ``<b>``,
  quotes. Profile fields use the raw ``value``, never ``displayvalue``.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator, Mapping, Sequence
from datetime import UTC, datetime
from types import MappingProxyType
from typing import Any, Generic, TypeVar

from marshmallow import EXCLUDE, Schema, ValidationError, fields, post_load

from moodle_plugin_bridge.errors import MoodleProtocolError

T = TypeVar("T")

_RECORD = {"frozen": True, "slots": True, "kw_only": True}


class RecordMixin:
    """``to_dict()`` (JSON-safe) and ``summary()`` for the frozen records."""

    __slots__ = ()
    _computed: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        """Every field (and computed property) as plain JSON values.

        Datetimes become ISO 8601 strings, tuples lists, mappings dicts.
        """
        data = {f.name: _json_safe(getattr(self, f.name)) for f in dataclasses.fields(self)}
        for name in self._computed:
            data[name] = _json_safe(getattr(self, name))
        return data

    def summary(self) -> str:
        """One line per scalar field, for people."""
        lines = [type(self).__name__]
        for f in dataclasses.fields(self):
            value = getattr(self, f.name)
            if value is None or isinstance(value, (str, int, float, datetime)):
                lines.append(f"  {f.name}: {_json_safe(value)}")
        return "\n".join(lines)


def _json_safe(value: Any) -> Any:
    if isinstance(value, RecordMixin):
        return value.to_dict()
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _json_safe(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, Mapping):
        return {str(k): _json_safe(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_json_safe(v) for v in value]
    return value


# --------------------------------------------------------------------------- records


@dataclasses.dataclass(**_RECORD)
class MoodleWarning(RecordMixin):
    """One entry of a Moodle ``warnings`` list: the call worked, but not for ``item``."""

    warningcode: str
    message: str
    item: str | None = None
    itemid: int | None = None


@dataclasses.dataclass(**_RECORD)
class RecordList(RecordMixin, Sequence[T], Generic[T]):
    """An ordered, immutable sequence of records plus Moodle's ``warnings`` for that call.

    Iterate, index and ``len()`` it like a tuple; ``warnings`` holds what Moodle
    reported alongside the data (each is also logged by the client). It is empty
    for functions that have no ``warnings`` list.
    """

    items: tuple[T, ...]
    warnings: tuple[MoodleWarning, ...] = ()

    def __getitem__(self, index: Any) -> Any:
        return self.items[index]

    def __len__(self) -> int:
        return len(self.items)

    def __iter__(self) -> Iterator[T]:
        return iter(self.items)


@dataclasses.dataclass(**_RECORD)
class SiteInfo(RecordMixin):
    """``core_webservice_get_site_info``: who the token is, what the site runs and offers.

    ``functions`` lists the functions of the token's external service (not
    whether the user has the capabilities each one needs).
    """

    sitename: str
    siteurl: str
    username: str
    userid: int
    release: str
    version: str
    functions: tuple[str, ...]
    lang: str | None = None


@dataclasses.dataclass(**_RECORD)
class Course(RecordMixin):
    """A course from ``core_course_get_courses_by_field``.

    ``idnumber`` is ``None`` when Moodle does not send it (it needs
    ``moodle/course:update``; ``UserGrades.course_idnumber`` carries it too).
    ``startdate``/``enddate`` are ``None`` when unset (Moodle's 0).
    ``categoryname`` is the course category's name (``None`` when Moodle omits it).
    """

    id: int
    shortname: str
    fullname: str
    categoryid: int | None
    startdate: datetime | None
    enddate: datetime | None
    idnumber: str | None = None
    format: str | None = None
    visible: bool | None = None
    categoryname: str | None = None

    @property
    def is_site(self) -> bool:
        """Whether this is the site's front page course (id 1, format ``site``)."""
        return self.format == "site"


@dataclasses.dataclass(**_RECORD)
class GroupRef(RecordMixin):
    """A course group a user belongs to."""

    id: int
    name: str


@dataclasses.dataclass(**_RECORD)
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


@dataclasses.dataclass(**_RECORD)
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


@dataclasses.dataclass(**_RECORD)
class GradeItem(RecordMixin):
    """One grade of one user, from ``gradereport_user_get_grade_items``.

    ``graderaw`` and ``percentage`` are ``None`` when ungraded. ``percentage``
    is ``(graderaw - grademin) / (grademax - grademin) * 100``, what Moodle
    shows as ``percentageformatted``. For the course total ``grademax`` can
    differ between users ("aggregate only non-empty grades").
    """

    _computed = ("percentage",)

    id: int
    itemtype: str
    itemname: str | None
    graderaw: float | None
    grademin: float
    grademax: float
    itemmodule: str | None = None
    cmid: int | None = None
    idnumber: str | None = None
    hidden: bool = False
    feedback: str = ""
    graded_at: datetime | None = None

    @property
    def percentage(self) -> float | None:
        """The grade as a percentage of its range, ``None`` when ungraded."""
        if self.graderaw is None or self.grademax <= self.grademin:
            return None
        return (self.graderaw - self.grademin) / (self.grademax - self.grademin) * 100.0

    @property
    def is_course_total(self) -> bool:
        """Whether this is the course-total row (``itemtype == "course"``)."""
        return self.itemtype == "course"


@dataclasses.dataclass(**_RECORD)
class UserGrades(RecordMixin):
    """All grade items of one user in one course, with the course total apart.

    ``items`` excludes the course total; ``course_total`` is ``None`` only if
    Moodle sent no course row. Activities the web-service user cannot "see"
    (missing ``mod/<name>:view``) are silently left out by Moodle, while the
    course total still counts them.
    """

    course_id: int
    user_id: int
    user_fullname: str
    items: tuple[GradeItem, ...]
    course_total: GradeItem | None
    course_idnumber: str | None = None
    user_idnumber: str | None = None


@dataclasses.dataclass(**_RECORD)
class CompletionCriterion(RecordMixin):
    """One criterion of course completion (``type`` 4 = activity completion)."""

    type: int
    title: str
    status: str
    complete: bool
    time_completed: datetime | None
    criteria: str = ""
    requirement: str = ""


@dataclasses.dataclass(**_RECORD)
class CourseCompletion(RecordMixin):
    """``core_completion_get_course_completion_status`` for one user.

    ``aggregation`` is Moodle's: 1 = all criteria required, 2 = any.
    """

    _computed = ("time_completed",)

    course_id: int
    user_id: int
    completed: bool
    aggregation: int
    criteria: tuple[CompletionCriterion, ...]

    @property
    def time_completed(self) -> datetime | None:
        """Latest criterion completion time when the course is complete, else ``None``.

        Moodle's web service does not return the course completion's own
        timestamp; the last criterion met is the closest it offers.
        """
        if not self.completed:
            return None
        times = [c.time_completed for c in self.criteria if c.time_completed is not None]
        return max(times) if times else None


@dataclasses.dataclass(**_RECORD)
class Cohort(RecordMixin):
    """A site or category cohort from ``core_cohort_get_cohorts``."""

    id: int
    name: str
    idnumber: str
    visible: bool = True
    description: str = ""


@dataclasses.dataclass(**_RECORD)
class CohortMembers(RecordMixin):
    """The user ids of one cohort, from ``core_cohort_get_cohort_members``."""

    cohort_id: int
    user_ids: tuple[int, ...]


@dataclasses.dataclass(**_RECORD)
class MessageResult(RecordMixin):
    """Moodle's answer for one message of ``core_message_send_instant_messages``.

    ``msgid`` is ``None`` when Moodle refused the message (its ``-1``) and
    ``errormessage`` then says why (recipient not contactable, unknown user).
    ``to_user_id`` is the recipient of the message sent at this position.
    """

    to_user_id: int
    msgid: int | None
    clientmsgid: str | None = None
    errormessage: str | None = None
    text: str | None = None
    timecreated: datetime | None = None
    conversationid: int | None = None

    _computed = ("ok",)

    @property
    def ok(self) -> bool:
        """Whether Moodle accepted this message."""
        return self.msgid is not None and not self.errormessage


# --------------------------------------------------------------------------- schemas


class UnixTime(fields.Field):
    """Unix seconds -> aware UTC datetime; ``0`` and ``null`` -> ``None``."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("allow_none", True)
        super().__init__(**kwargs)

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> Any:
        if value is None or value == 0:
            return None
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise ValidationError("Not a Unix timestamp.")
        return datetime.fromtimestamp(value, tz=UTC)


def _opt_str() -> fields.String:
    return fields.String(load_default=None, allow_none=True)


class _Base(Schema):
    class Meta:
        unknown = EXCLUDE


class WarningSchema(_Base):
    item = _opt_str()
    itemid = fields.Integer(load_default=None, allow_none=True)
    warningcode = fields.String(required=True)
    message = fields.String(required=True)

    @post_load
    def make(self, data: dict[str, Any], **_: Any) -> MoodleWarning:
        return MoodleWarning(**data)


class _FunctionSchema(_Base):
    name = fields.String(required=True)


class SiteInfoSchema(_Base):
    sitename = fields.String(required=True)
    siteurl = fields.String(required=True)
    username = fields.String(required=True)
    userid = fields.Integer(required=True)
    release = fields.String(required=True)
    version = fields.String(required=True)
    lang = _opt_str()
    functions = fields.List(fields.Nested(_FunctionSchema), required=True)

    @post_load
    def make(self, data: dict[str, Any], **_: Any) -> SiteInfo:
        data["functions"] = tuple(f["name"] for f in data["functions"])
        return SiteInfo(**data)


class CourseSchema(_Base):
    id = fields.Integer(required=True)
    shortname = fields.String(required=True)
    fullname = fields.String(required=True)
    categoryid = fields.Integer(load_default=None, allow_none=True)
    categoryname = _opt_str()
    startdate = UnixTime(required=True)
    enddate = UnixTime(load_default=None)
    idnumber = _opt_str()
    format = _opt_str()
    visible = fields.Boolean(load_default=None, allow_none=True)

    @post_load
    def make(self, data: dict[str, Any], **_: Any) -> Course:
        return Course(**data)


class _CoursesByFieldSchema(_Base):
    courses = fields.List(fields.Nested(CourseSchema), required=True)
    warnings = fields.List(fields.Nested(WarningSchema), load_default=list)


class _CustomFieldSchema(_Base):
    shortname = fields.String(required=True)
    value = fields.String(required=True, allow_none=True)


class _GroupSchema(_Base):
    id = fields.Integer(required=True)
    name = fields.String(required=True)

    @post_load
    def make(self, data: dict[str, Any], **_: Any) -> GroupRef:
        return GroupRef(**data)


class _RoleSchema(_Base):
    shortname = fields.String(required=True)


class _UserFieldsSchema(_Base):
    id = fields.Integer(required=True)
    username = fields.String(required=True)
    firstname = fields.String(required=True)
    lastname = fields.String(required=True)
    fullname = fields.String(required=True)
    email = _opt_str()
    idnumber = _opt_str()
    department = _opt_str()
    institution = _opt_str()
    city = _opt_str()
    country = _opt_str()
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
    lang = _opt_str()
    suspended = fields.Boolean(load_default=None, allow_none=True)

    @post_load
    def make(self, data: dict[str, Any], **_: Any) -> User:
        data["customfields"] = _custom_fields(data["customfields"])
        return User(**data)


class _UserLangSchema(_Base):
    id = fields.Integer(required=True)
    lang = _opt_str()


class GradeItemSchema(_Base):
    id = fields.Integer(required=True)
    itemtype = fields.String(required=True)
    itemname = fields.String(required=True, allow_none=True)
    graderaw = fields.Float(required=True, allow_none=True)
    grademin = fields.Float(required=True)
    grademax = fields.Float(required=True)
    itemmodule = _opt_str()
    cmid = fields.Integer(load_default=None, allow_none=True)
    idnumber = _opt_str()
    gradeishidden = fields.Boolean(load_default=False)
    feedback = fields.String(load_default="", allow_none=True)
    gradedategraded = UnixTime(load_default=None)

    @post_load
    def make(self, data: dict[str, Any], **_: Any) -> GradeItem:
        data["hidden"] = data.pop("gradeishidden")
        data["graded_at"] = data.pop("gradedategraded")
        data["feedback"] = data["feedback"] or ""
        return GradeItem(**data)


class UserGradesSchema(_Base):
    courseid = fields.Integer(required=True)
    userid = fields.Integer(required=True)
    userfullname = fields.String(required=True)
    courseidnumber = _opt_str()
    useridnumber = _opt_str()
    gradeitems = fields.List(fields.Nested(GradeItemSchema), required=True)

    @post_load
    def make(self, data: dict[str, Any], **_: Any) -> UserGrades:
        items = data["gradeitems"]
        totals = [item for item in items if item.is_course_total]
        return UserGrades(
            course_id=data["courseid"],
            user_id=data["userid"],
            user_fullname=data["userfullname"],
            course_idnumber=data["courseidnumber"],
            user_idnumber=data["useridnumber"],
            items=tuple(item for item in items if not item.is_course_total),
            course_total=totals[0] if totals else None,
        )


class _GradeReportSchema(_Base):
    usergrades = fields.List(fields.Nested(UserGradesSchema), required=True)
    warnings = fields.List(fields.Nested(WarningSchema), load_default=list)


class _CompletionDetailsSchema(_Base):
    criteria = fields.String(load_default="")
    requirement = fields.String(load_default="")


class CompletionCriterionSchema(_Base):
    type = fields.Integer(required=True)
    title = fields.String(required=True)
    status = fields.String(required=True)
    complete = fields.Boolean(required=True)
    timecompleted = UnixTime(required=True)
    details = fields.Nested(_CompletionDetailsSchema, load_default=dict)

    @post_load
    def make(self, data: dict[str, Any], **_: Any) -> CompletionCriterion:
        details = data.pop("details") or {}
        return CompletionCriterion(
            type=data["type"],
            title=data["title"],
            status=data["status"],
            complete=data["complete"],
            time_completed=data["timecompleted"],
            criteria=details.get("criteria", ""),
            requirement=details.get("requirement", ""),
        )


class _CompletionStatusSchema(_Base):
    completed = fields.Boolean(required=True)
    aggregation = fields.Integer(required=True)
    completions = fields.List(fields.Nested(CompletionCriterionSchema), required=True)


class _CompletionAnswerSchema(_Base):
    completionstatus = fields.Nested(_CompletionStatusSchema, required=True)
    warnings = fields.List(fields.Nested(WarningSchema), load_default=list)


class CohortSchema(_Base):
    id = fields.Integer(required=True)
    name = fields.String(required=True)
    idnumber = fields.String(required=True)
    visible = fields.Boolean(load_default=True)
    description = fields.String(load_default="")

    @post_load
    def make(self, data: dict[str, Any], **_: Any) -> Cohort:
        return Cohort(**data)


class CohortMembersSchema(_Base):
    cohortid = fields.Integer(required=True)
    userids = fields.List(fields.Integer(), required=True)

    @post_load
    def make(self, data: dict[str, Any], **_: Any) -> CohortMembers:
        return CohortMembers(cohort_id=data["cohortid"], user_ids=tuple(data["userids"]))


class _MessageAnswerSchema(_Base):
    msgid = fields.Integer(required=True)
    clientmsgid = _opt_str()
    errormessage = _opt_str()
    text = _opt_str()
    timecreated = UnixTime(load_default=None)
    conversationid = fields.Integer(load_default=None, allow_none=True)


# --------------------------------------------------------------------------- loaders


def load_warnings(function: str, body: Any) -> tuple[MoodleWarning, ...]:
    """The ``warnings`` of a wrapper answer (``()`` when there is none)."""
    if not isinstance(body, Mapping) or not body.get("warnings"):
        return ()
    return tuple(_load(function, WarningSchema(many=True), body["warnings"], path="warnings"))


def load_site_info(body: Any) -> SiteInfo:
    """Load ``core_webservice_get_site_info``."""
    return _load("core_webservice_get_site_info", SiteInfoSchema(), body, expect=Mapping)


def load_courses(function: str, body: Any) -> RecordList[Course]:
    """Load ``core_course_get_courses_by_field`` (``{courses, warnings}``) or a bare list."""
    if isinstance(body, list):
        return RecordList(items=tuple(_load(function, CourseSchema(many=True), body)))
    data = _load(function, _CoursesByFieldSchema(), body, expect=Mapping)
    return RecordList(items=tuple(data["courses"]), warnings=tuple(data["warnings"]))


def load_enrolled_users(function: str, body: Any) -> tuple[EnrolledUser, ...]:
    """Load a page of ``core_enrol_get_enrolled_users``."""
    return tuple(_load(function, EnrolledUserSchema(many=True), body, expect=list))


def load_users(function: str, body: Any) -> tuple[User, ...]:
    """Load ``core_user_get_users_by_field`` (a bare list of users)."""
    return tuple(_load(function, UserSchema(many=True), body, expect=list))


def load_user_langs(function: str, body: Any) -> dict[int, str | None]:
    """Only ``id -> lang`` from ``core_user_get_users_by_field`` (cheaper than ``load_users``)."""
    rows = _load(function, _UserLangSchema(many=True), body, expect=list)
    return {row["id"]: row["lang"] for row in rows}


def load_grade_report(function: str, body: Any) -> RecordList[UserGrades]:
    """Load ``gradereport_user_get_grade_items`` (``{usergrades, warnings}``)."""
    data = _load(function, _GradeReportSchema(), body, expect=Mapping)
    return RecordList(items=tuple(data["usergrades"]), warnings=tuple(data["warnings"]))


def load_course_completion(
    function: str, body: Any, *, course_id: int, user_id: int
) -> tuple[CourseCompletion, tuple[MoodleWarning, ...]]:
    """Load ``core_completion_get_course_completion_status`` for one user, with its warnings."""
    data = _load(function, _CompletionAnswerSchema(), body, expect=Mapping)
    status = data["completionstatus"]
    record = CourseCompletion(
        course_id=course_id,
        user_id=user_id,
        completed=status["completed"],
        aggregation=status["aggregation"],
        criteria=tuple(status["completions"]),
    )
    return record, tuple(data["warnings"])


def load_cohorts(function: str, body: Any) -> tuple[Cohort, ...]:
    """Load ``core_cohort_get_cohorts`` (a bare list)."""
    return tuple(_load(function, CohortSchema(many=True), body, expect=list))


def load_cohort_members(function: str, body: Any) -> tuple[CohortMembers, ...]:
    """Load ``core_cohort_get_cohort_members`` (a bare list)."""
    return tuple(_load(function, CohortMembersSchema(many=True), body, expect=list))


def load_message_results(
    function: str, body: Any, *, to_user_ids: Sequence[int]
) -> tuple[MessageResult, ...]:
    """Load ``core_message_send_instant_messages``: one answer per message sent, in order."""
    rows = _load(function, _MessageAnswerSchema(many=True), body, expect=list)
    if len(rows) != len(to_user_ids):
        raise MoodleProtocolError(
            f"{function}: Moodle answered {len(rows)} results for {len(to_user_ids)} messages; "
            "the messages' fate is unknown, check Moodle's message log before resending",
            function=function,
        )
    results = []
    for to_user_id, row in zip(to_user_ids, rows, strict=True):
        msgid = row["msgid"]
        results.append(
            MessageResult(
                to_user_id=to_user_id,
                msgid=None if msgid is None or msgid < 0 else msgid,
                clientmsgid=row["clientmsgid"],
                errormessage=row["errormessage"] or None,
                text=row["text"],
                timecreated=row["timecreated"],
                conversationid=row["conversationid"],
            )
        )
    return tuple(results)


def _load(
    function: str,
    schema: Schema,
    body: Any,
    *,
    expect: type | None = None,
    path: str = "",
) -> Any:
    if expect is Mapping and not isinstance(body, Mapping):
        raise _shape_error(function, "an object", body)
    if expect is list and not isinstance(body, list):
        raise _shape_error(function, "a list", body)
    try:
        return schema.load(body)
    except ValidationError as exc:
        field, problem = _first_problem(exc.messages)
        where = _join(path, field)
        raise MoodleProtocolError(
            f"{function}: Moodle's answer has no valid '{where}' ({problem.rstrip('.')}); "
            "this Moodle version or a site customisation answers differently from what "
            "lipassess supports",
            function=function,
            field=where,
        ) from None


def _shape_error(function: str, wanted: str, body: Any) -> MoodleProtocolError:
    got = type(body).__name__
    return MoodleProtocolError(
        f"{function}: expected {wanted} from Moodle but got {got}; this Moodle version "
        "answers differently from what lipassess supports",
        function=function,
    )


def _first_problem(messages: Any, prefix: str = "") -> tuple[str, str]:
    """Walk marshmallow's nested error dict to the first leaf: (field path, problem)."""
    if isinstance(messages, Mapping):
        key = next(iter(messages))
        segment = f"[{key}]" if isinstance(key, int) else str(key)
        return _first_problem(messages[key], _join(prefix, segment))
    if isinstance(messages, list) and messages and not isinstance(messages[0], str):
        return _first_problem(messages[0], prefix)
    text = messages[0] if isinstance(messages, list) and messages else str(messages)
    return prefix, text


def _join(prefix: str, segment: str) -> str:
    if not prefix:
        return segment
    if not segment:
        return prefix
    return f"{prefix}{segment}" if segment.startswith("[") else f"{prefix}.{segment}"
