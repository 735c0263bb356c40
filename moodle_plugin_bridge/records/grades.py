"""The user grade report: ``gradereport_user_get_grade_items``."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from marshmallow import fields, post_load

from moodle_plugin_bridge.errors import MoodleProtocolError
from moodle_plugin_bridge.records.base import (
    RECORD,
    BaseSchema,
    RecordList,
    RecordMixin,
    UnixTime,
    WarningSchema,
    load_answer,
    moodle_id,
    opt_str,
)


@dataclasses.dataclass(**RECORD)
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


@dataclasses.dataclass(**RECORD)
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


class GradeItemSchema(BaseSchema):
    id = moodle_id(required=True)
    itemtype = fields.String(required=True)
    itemname = fields.String(required=True, allow_none=True)
    graderaw = fields.Float(required=True, allow_none=True)
    grademin = fields.Float(required=True)
    grademax = fields.Float(required=True)
    itemmodule = opt_str()
    cmid = moodle_id(smallest=0, load_default=None, allow_none=True)
    idnumber = opt_str()
    gradeishidden = fields.Boolean(load_default=False)
    feedback = fields.String(load_default="", allow_none=True)
    gradedategraded = UnixTime(load_default=None)

    @post_load
    def make(self, data: dict[str, Any], **_: Any) -> GradeItem:
        data["hidden"] = data.pop("gradeishidden")
        data["graded_at"] = data.pop("gradedategraded")
        data["feedback"] = data["feedback"] or ""
        return GradeItem(**data)


class UserGradesSchema(BaseSchema):
    courseid = moodle_id(required=True)
    userid = moodle_id(required=True)
    userfullname = fields.String(required=True)
    courseidnumber = opt_str()
    useridnumber = opt_str()
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


class _GradeReportSchema(BaseSchema):
    usergrades = fields.List(fields.Nested(UserGradesSchema), required=True)
    warnings = fields.List(fields.Nested(WarningSchema), load_default=list)


def load_grade_report(function: str, body: Any) -> RecordList[UserGrades]:
    """Load ``gradereport_user_get_grade_items`` (``{usergrades, warnings}``).

    One user twice, or one grade item twice for a user, is a protocol error:
    stored by user and item, one entry would overwrite the other (another
    person's grades, or another item's).
    """
    data = load_answer(function, _GradeReportSchema(), body, expect=Mapping)
    users: set[tuple[int, int]] = set()
    for user in data["usergrades"]:
        if (user.course_id, user.user_id) in users:
            raise MoodleProtocolError(f"{function}: Moodle's grade report lists user {user.user_id} twice; "
                                      "whose grades are whose cannot be told", function=function, field="userid")
        users.add((user.course_id, user.user_id))
        item_ids = [item.id for item in (*user.items, *([user.course_total] if user.course_total else []))]
        if len(item_ids) != len(set(item_ids)):
            raise MoodleProtocolError(f"{function}: Moodle's grade report lists a grade item twice for user "
                                      f"{user.user_id}; which grade is which cannot be told", function=function,
                                      field="gradeitems.id")
    return RecordList(items=tuple(data["usergrades"]), warnings=tuple(data["warnings"]))
