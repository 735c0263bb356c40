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

Modules by Moodle area: :mod:`.courses` (site and courses), :mod:`.users`
(users, enrolments, cohorts), :mod:`.grades`, :mod:`.completion`,
:mod:`.messages`; :mod:`.base` holds what they share (``RecordMixin``,
``RecordList``, warnings, Unix times, the loader that reports bad fields).
"""

from moodle_plugin_bridge.records.base import (
    MoodleWarning,
    RecordList,
    RecordMixin,
    UnixTime,
    WarningSchema,
    load_warnings,
)
from moodle_plugin_bridge.records.completion import (
    CompletionCriterion,
    CompletionCriterionSchema,
    CourseCompletion,
    load_course_completion,
)
from moodle_plugin_bridge.records.courses import (
    Course,
    CourseSchema,
    SiteInfo,
    SiteInfoSchema,
    load_courses,
    load_site_info,
)
from moodle_plugin_bridge.records.grades import (
    GradeItem,
    GradeItemSchema,
    UserGrades,
    UserGradesSchema,
    load_grade_report,
)
from moodle_plugin_bridge.records.messages import MessageResult, load_message_results
from moodle_plugin_bridge.records.users import (
    Cohort,
    CohortMembers,
    CohortMembersSchema,
    CohortSchema,
    EnrolledUser,
    EnrolledUserSchema,
    GroupRef,
    User,
    UserSchema,
    load_cohort_members,
    load_cohorts,
    load_enrolled_users,
    load_user_langs,
    load_users,
)

__all__ = [
    "Cohort",
    "CohortMembers",
    "CohortMembersSchema",
    "CohortSchema",
    "CompletionCriterion",
    "CompletionCriterionSchema",
    "Course",
    "CourseCompletion",
    "CourseSchema",
    "EnrolledUser",
    "EnrolledUserSchema",
    "GradeItem",
    "GradeItemSchema",
    "GroupRef",
    "MessageResult",
    "MoodleWarning",
    "RecordList",
    "RecordMixin",
    "SiteInfo",
    "SiteInfoSchema",
    "UnixTime",
    "User",
    "UserGrades",
    "UserGradesSchema",
    "UserSchema",
    "WarningSchema",
    "load_cohort_members",
    "load_cohorts",
    "load_course_completion",
    "load_courses",
    "load_enrolled_users",
    "load_grade_report",
    "load_message_results",
    "load_site_info",
    "load_user_langs",
    "load_users",
    "load_warnings",
]
