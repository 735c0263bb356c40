"""The site and its courses: ``core_webservice_get_site_info``, ``core_course_get_courses_by_field``."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from marshmallow import fields, post_load

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


@dataclasses.dataclass(**RECORD)
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


class _FunctionSchema(BaseSchema):
    name = fields.String(required=True)


class SiteInfoSchema(BaseSchema):
    sitename = fields.String(required=True)
    siteurl = fields.String(required=True)
    username = fields.String(required=True)
    userid = moodle_id(required=True)
    release = fields.String(required=True)
    version = fields.String(required=True)
    lang = opt_str()
    functions = fields.List(fields.Nested(_FunctionSchema), required=True)

    @post_load
    def make(self, data: dict[str, Any], **_: Any) -> SiteInfo:
        data["functions"] = tuple(f["name"] for f in data["functions"])
        return SiteInfo(**data)


class CourseSchema(BaseSchema):
    id = moodle_id(required=True)
    shortname = fields.String(required=True)
    fullname = fields.String(required=True)
    categoryid = moodle_id(smallest=0, load_default=None, allow_none=True)
    categoryname = opt_str()
    startdate = UnixTime(required=True)
    enddate = UnixTime(load_default=None)
    idnumber = opt_str()
    format = opt_str()
    visible = fields.Boolean(load_default=None, allow_none=True)

    @post_load
    def make(self, data: dict[str, Any], **_: Any) -> Course:
        return Course(**data)


class _CoursesByFieldSchema(BaseSchema):
    courses = fields.List(fields.Nested(CourseSchema), required=True)
    warnings = fields.List(fields.Nested(WarningSchema), load_default=list)


def load_site_info(body: Any) -> SiteInfo:
    """Load ``core_webservice_get_site_info``."""
    return load_answer("core_webservice_get_site_info", SiteInfoSchema(), body, expect=Mapping)


def load_courses(function: str, body: Any) -> RecordList[Course]:
    """Load ``core_course_get_courses_by_field`` (``{courses, warnings}``) or a bare list."""
    if isinstance(body, list):
        return RecordList(items=tuple(load_answer(function, CourseSchema(many=True), body)))
    data = load_answer(function, _CoursesByFieldSchema(), body, expect=Mapping)
    return RecordList(items=tuple(data["courses"]), warnings=tuple(data["warnings"]))
