"""Course completion: ``core_completion_get_course_completion_status``."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from marshmallow import fields, post_load

from moodle_plugin_bridge.records.base import (
    RECORD,
    BaseSchema,
    MoodleWarning,
    RecordMixin,
    UnixTime,
    WarningSchema,
    load_answer,
)


@dataclasses.dataclass(**RECORD)
class CompletionCriterion(RecordMixin):
    """One criterion of course completion (``type`` 4 = activity completion)."""

    type: int
    title: str
    status: str
    complete: bool
    time_completed: datetime | None
    criteria: str = ""
    requirement: str = ""


@dataclasses.dataclass(**RECORD)
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


class _CompletionDetailsSchema(BaseSchema):
    criteria = fields.String(load_default="")
    requirement = fields.String(load_default="")


class CompletionCriterionSchema(BaseSchema):
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


class _CompletionStatusSchema(BaseSchema):
    completed = fields.Boolean(required=True)
    aggregation = fields.Integer(required=True)
    completions = fields.List(fields.Nested(CompletionCriterionSchema), required=True)


class _CompletionAnswerSchema(BaseSchema):
    completionstatus = fields.Nested(_CompletionStatusSchema, required=True)
    warnings = fields.List(fields.Nested(WarningSchema), load_default=list)


def load_course_completion(
    function: str, body: Any, *, course_id: int, user_id: int
) -> tuple[CourseCompletion, tuple[MoodleWarning, ...]]:
    """Load ``core_completion_get_course_completion_status`` for one user, with its warnings."""
    data = load_answer(function, _CompletionAnswerSchema(), body, expect=Mapping)
    status = data["completionstatus"]
    record = CourseCompletion(
        course_id=course_id,
        user_id=user_id,
        completed=status["completed"],
        aggregation=status["aggregation"],
        criteria=tuple(status["completions"]),
    )
    return record, tuple(data["warnings"])
