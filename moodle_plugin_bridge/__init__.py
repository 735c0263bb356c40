"""Everything that speaks Moodle: the web-service client, its errors and typed records.

This package never imports :mod:`lipassess`; the service layer calls it.

>>> from moodle_plugin_bridge import MoodleClient
>>> client = MoodleClient("https://lms.example.org", "secret-token")
>>> client
MoodleClient(base_url='https://lms.example.org', token=[REDACTED])
>>> client.close()
"""

from moodle_plugin_bridge.api import (
    DEFAULT_PAGE_SIZE,
    ENROLLED_USER_FIELDS,
    FORMAT_HTML,
    FORMAT_MARKDOWN,
    FORMAT_MOODLE,
    FORMAT_PLAIN,
    CompletionResults,
    OutgoingMessage,
)
from moodle_plugin_bridge.client import MoodleClient
from moodle_plugin_bridge.errors import (
    MoodleAccessError,
    MoodleAuthError,
    MoodleError,
    MoodleFunctionUnavailable,
    MoodleInvalidParameter,
    MoodleNotEnrolled,
    MoodleNotFound,
    MoodleProtocolError,
    MoodleTransportError,
)
from moodle_plugin_bridge.records import (
    Cohort,
    CohortMembers,
    CompletionCriterion,
    Course,
    CourseCompletion,
    EnrolledUser,
    GradeItem,
    GroupRef,
    MessageResult,
    MoodleWarning,
    RecordList,
    SiteInfo,
    User,
    UserGrades,
)
from moodle_plugin_bridge.retry import Backoff
from moodle_plugin_bridge.site import (
    MESSAGING_FUNCTIONS,
    MIN_RELEASE,
    REQUIRED_FUNCTIONS,
    SYNC_FUNCTIONS,
    SiteCheck,
    check_site,
    parse_release,
)

__all__ = [
    "DEFAULT_PAGE_SIZE",
    "ENROLLED_USER_FIELDS",
    "FORMAT_HTML",
    "FORMAT_MARKDOWN",
    "FORMAT_MOODLE",
    "FORMAT_PLAIN",
    "MESSAGING_FUNCTIONS",
    "MIN_RELEASE",
    "REQUIRED_FUNCTIONS",
    "SYNC_FUNCTIONS",
    "Backoff",
    "Cohort",
    "CohortMembers",
    "CompletionCriterion",
    "CompletionResults",
    "Course",
    "CourseCompletion",
    "EnrolledUser",
    "GradeItem",
    "GroupRef",
    "MessageResult",
    "MoodleAccessError",
    "MoodleAuthError",
    "MoodleClient",
    "MoodleError",
    "MoodleFunctionUnavailable",
    "MoodleInvalidParameter",
    "MoodleNotEnrolled",
    "MoodleNotFound",
    "MoodleProtocolError",
    "MoodleTransportError",
    "MoodleWarning",
    "OutgoingMessage",
    "RecordList",
    "SiteCheck",
    "SiteInfo",
    "User",
    "UserGrades",
    "check_site",
    "parse_release",
]
