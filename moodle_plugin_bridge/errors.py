"""Typed errors for Moodle web-service calls, and the table that maps Moodle's answers to them.

Moodle answers almost every failure with HTTP 200 and a body such as
``{"exception": "core\\exception\\moodle_exception", "errorcode": "invalidtoken",
"message": "Invalid token - token not found"}`` (``debuginfo`` only while the
site's debugging is on). :func:`from_moodle_exception` is the one place that
turns such a body into a typed error; the client calls it, nobody else.

Error mapping (matched on ``errorcode`` first, then on the exception class,
because Moodle 4.5 namespaces some classes and not others). The last column
names the recorded fixture(s) in ``tests/data/moodle/responses/``:

=========================  ==========================  ===================================
errorcode / condition      raised                      recorded in
=========================  ==========================  ===================================
invalidtoken               MoodleAuthError             site_info__error_invalid_token,
                                                       site_info__error_missing_token
accessexception            MoodleFunctionUnavailable   create_users__error_not_in_service
                           (not in the service)
invalidrecord, table       MoodleFunctionUnavailable   get_grades__error_function_missing
external_functions         (not in this Moodle)
invalidrecord, other       MoodleNotFound              enrol / contents course_not_found,
                                                       cohort_members / group_members
                                                       not_found
invalidcoursemodule        MoodleNotFound              update_grades__error_invalid_cm
usernotenroled             MoodleNotEnrolled           completion__error_not_enrolled,
                           (a MoodleNotFound)          __error_suspended_enrolment
nopermissions              MoodleAccessError           enrol / grade_items / groups /
                           (capability named)          activities_completion nopermission
nopermissiontoviewgrades   MoodleAccessError           update_grades__error_nopermission
criteriaerror              MoodleAccessError           categories__error_idnumber_needs_manage
invalidparameter           MoodleInvalidParameter      enrol__error_missing_courseid,
                                                       __error_courseid_not_int,
                                                       courses_by_field__error_invalid_field
codingerror                MoodleInvalidParameter      users_by_field__error_invalid_field
other code, known class    by class (``_BY_CLASS``)
anything else              MoodleError
=========================  ==========================  ===================================

The client adds the transport rows: connection refused, timeouts, HTTP 5xx
and 429 -> :class:`MoodleTransportError` (``retryable``); HTTP 403 (web
services or REST disabled) -> :class:`MoodleAccessError`; other HTTP statuses,
non-JSON, XML, truncated JSON, empty bodies and unexpected shapes ->
:class:`MoodleProtocolError`.

No message built here ever contains the token: the mapping only sees the
function name and Moodle's body, and the client redacts anything it adds.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

SERVICE_SHORTNAME = "lipassess"
"""Shortname of the Moodle external service the token belongs to (named in admin hints)."""

CAPABILITY_BY_NAME: Mapping[str, str] = {
    # Moodle's human-readable capability names as they appear in "nopermissions"
    # messages recorded from Moodle 4.5, mapped to the capability an admin grants.
    "View participants": "moodle/course:viewparticipants",
    "View user report": "gradereport/user:view",
    "Manage groups": "moodle/course:managegroups",
    "View activity completion reports": "report/progress:view",
}

CAPABILITIES_BY_FUNCTION: Mapping[str, tuple[str, ...]] = {
    # What each function needs of the token's user (recorded site's notes), used
    # to point an admin at the fix when Moodle's message does not name it.
    "core_enrol_get_enrolled_users": (
        "moodle/course:viewparticipants",
        "moodle/course:enrolreview",
    ),
    "core_enrol_get_enrolled_users_with_capability": (
        "moodle/course:viewparticipants",
        "moodle/role:review",
    ),
    "core_group_get_course_groups": ("moodle/course:managegroups",),
    "core_group_get_group_members": ("moodle/course:managegroups",),
    "gradereport_user_get_grade_items": ("gradereport/user:view", "moodle/grade:viewall"),
    "gradereport_overview_get_course_grades": ("moodle/grade:viewall",),
    "core_completion_get_course_completion_status": ("report/completion:view",),
    "core_completion_get_activities_completion_status": ("report/progress:view",),
    "core_grades_update_grades": ("moodle/grade:edit",),
    "core_cohort_get_cohorts": ("moodle/cohort:view",),
    "core_cohort_get_cohort_members": ("moodle/cohort:view",),
    "core_cohort_search_cohorts": ("moodle/cohort:view",),
    "core_course_get_categories": ("moodle/category:manage",),
    "core_message_send_instant_messages": (
        "moodle/site:sendmessage",
        "moodle/site:readallmessages",
    ),
}

REPLACEMENT_FUNCTIONS: Mapping[str, str] = {
    "core_grades_get_grades": (
        "gradereport_user_get_grade_items (per-item grades) or "
        "gradereport_overview_get_course_grades (course totals)"
    ),
}

_CAPABILITY_ID = re.compile(r"\b[a-z]+(?:/[a-z_]+)+:[a-z_]+\b")
_TABLE = re.compile(r"database table (\w+)")
_ROLE_HINT = (
    "Site administration > Users > Permissions > Define roles, edit the role held by "
    "the token's user"
)


class MoodleError(Exception):
    """A Moodle web-service call failed.

    Attributes
    ----------
    function
        The web-service function called (``wsfunction``), or ``None``.
    errorcode
        Moodle's ``errorcode`` (``invalidtoken``, ``nopermissions`` ...); ``None``
        for failures Moodle did not report itself (transport, protocol).
    message
        One line for a person: what failed and what to do next. Never the token.
    debuginfo
        Moodle's ``debuginfo`` (only sent while site debugging is on), redacted.
    exception
        Moodle's exception class name, e.g. ``core\\exception\\moodle_exception``.
    http_status
        The HTTP status when it was not 200, else ``None``.
    retryable
        ``True`` when sending the same request again may succeed and is safe.
    partial
        For batched writes: the results of the batches that did go through
        before this failure, in order; empty otherwise.
    """

    kind = "error"
    default_retryable = False

    def __init__(
        self,
        message: str,
        *,
        function: str | None = None,
        errorcode: str | None = None,
        debuginfo: str | None = None,
        exception: str | None = None,
        http_status: int | None = None,
        retryable: bool | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.function = function
        self.errorcode = errorcode
        self.debuginfo = debuginfo
        self.exception = exception
        self.http_status = http_status
        self.retryable = self.default_retryable if retryable is None else retryable
        self.partial: tuple[Any, ...] = ()

    def __str__(self) -> str:
        return self.message

    def __repr__(self) -> str:
        return (
            f"{type(self).__name__}(function={self.function!r}, errorcode={self.errorcode!r}, "
            f"message={self.message!r})"
        )

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe description (for sync summaries and API error bodies)."""
        return {
            "kind": self.kind,
            "function": self.function,
            "errorcode": self.errorcode,
            "message": self.message,
            "debuginfo": self.debuginfo,
            "http_status": self.http_status,
            "retryable": self.retryable,
        }


class MoodleAuthError(MoodleError):
    """The token is unknown, expired or missing (``invalidtoken``)."""

    kind = "auth"


class MoodleAccessError(MoodleError):
    """The token's user lacks a capability, or web services are switched off.

    ``capability`` holds the capability id to grant when it is known.
    """

    kind = "access"

    def __init__(self, message: str, *, capability: str | None = None, **kwargs: Any) -> None:
        super().__init__(message, **kwargs)
        self.capability = capability


class MoodleFunctionUnavailable(MoodleAccessError):
    """The function is not in the token's external service, or not in this Moodle at all.

    A kind of :class:`MoodleAccessError` (Moodle's ``accessexception``): both are
    fixed by a Moodle administrator, not by retrying.
    """

    kind = "function_unavailable"


class MoodleInvalidParameter(MoodleError):
    """Moodle rejected the parameters (``invalidparameter``, ``codingerror``)."""

    kind = "invalid_parameter"


class MoodleNotFound(MoodleError):
    """The course, cohort, group, course module ... does not exist (``invalidrecord``)."""

    kind = "not_found"


class MoodleNotEnrolled(MoodleNotFound):
    """The user is not enrolled in the course, or their enrolment is suspended."""

    kind = "not_enrolled"


class MoodleTransportError(MoodleError):
    """Moodle could not be reached or failed server-side (connection, timeout, 5xx, 429).

    ``retry_after`` holds the seconds of the server's ``Retry-After`` header, if any.
    """

    kind = "transport"
    default_retryable = True

    def __init__(self, message: str, *, retry_after: float | None = None, **kwargs: Any) -> None:
        super().__init__(message, **kwargs)
        self.retry_after = retry_after


class MoodleProtocolError(MoodleError):
    """Moodle's answer is not what the function promises (not JSON, truncated, wrong shape).

    ``field`` names the missing or malformed field when there is one.
    """

    kind = "protocol"

    def __init__(self, message: str, *, field: str | None = None, **kwargs: Any) -> None:
        super().__init__(message, **kwargs)
        self.field = field


_BY_CLASS: tuple[tuple[str, type[MoodleError]], ...] = (
    ("required_capability_exception", MoodleAccessError),
    ("webservice_access_exception", MoodleFunctionUnavailable),
    ("invalid_parameter_exception", MoodleInvalidParameter),
    ("dml_missing_record_exception", MoodleNotFound),
)


def is_moodle_exception(body: Any) -> bool:
    """Whether a decoded body is Moodle's error shape (an object with ``exception``)."""
    return isinstance(body, Mapping) and "exception" in body


def from_moodle_exception(
    function: str, body: Mapping[str, Any], *, service: str = SERVICE_SHORTNAME
) -> MoodleError:
    """The typed error for a Moodle exception body returned by ``function``.

    Parameters
    ----------
    function
        The web-service function that was called.
    body
        Moodle's decoded answer, holding ``exception``, ``errorcode``, ``message``
        and maybe ``debuginfo``.
    service
        Shortname of the external service, named in the admin's fix.

    Returns
    -------
    MoodleError
        An instance of the subclass chosen by the table in this module's docstring.
    """
    code = _text(body.get("errorcode"))
    exception = _text(body.get("exception"))
    moodle_message = (_text(body.get("message")) or "").strip()
    debuginfo = _text(body.get("debuginfo"))
    common: dict[str, Any] = {
        "function": function,
        "errorcode": code,
        "debuginfo": debuginfo,
        "exception": exception,
    }
    said = f"Moodle said {moodle_message!r} ({code})" if moodle_message else f"Moodle error {code}"

    if code == "invalidtoken":
        return MoodleAuthError(
            f"{function}: {said}. The web-service token is wrong, expired or deleted: a Moodle "
            f"administrator can issue a new one (Site administration > Server > Web services > "
            f"Manage tokens, service '{service}') and put it in lipassess's configuration.",
            **common,
        )
    if code == "accessexception" or (
        code is None and exception and exception.endswith("webservice_access_exception")
    ):
        return _function_not_in_service(function, said, service, common)
    if code == "invalidrecord" and "external_functions" in moodle_message:
        alternative = REPLACEMENT_FUNCTIONS.get(function)
        advice = (
            f"use {alternative} instead"
            if alternative
            else "upgrade Moodle or use a function this release provides"
        )
        return MoodleFunctionUnavailable(
            f"{function}: {said}. This Moodle release has no web-service function {function}: "
            f"{advice}.",
            **common,
        )
    if code == "usernotenroled":
        return MoodleNotEnrolled(
            f"{function}: {said}. The user is not enrolled in the course or their enrolment "
            "is suspended; Moodle reports both the same way.",
            **common,
        )
    if code in ("invalidrecord", "invalidcoursemodule"):
        return _not_found(function, said, moodle_message, common)
    if code in ("nopermissions", "nopermissiontoviewgrades", "criteriaerror"):
        return _access_denied(function, said, moodle_message, debuginfo, common)
    if code in ("invalidparameter", "codingerror"):
        return _invalid_parameter(function, said, debuginfo, common)

    for suffix, kind in _BY_CLASS:
        if exception and exception.endswith(suffix):
            if kind is MoodleAccessError:
                return _access_denied(function, said, moodle_message, debuginfo, common)
            if kind is MoodleFunctionUnavailable:
                return _function_not_in_service(function, said, service, common)
            if kind is MoodleInvalidParameter:
                return _invalid_parameter(function, said, debuginfo, common)
            return _not_found(function, said, moodle_message, common)
    return MoodleError(
        f"{function}: {said}. lipassess does not know this Moodle error; a Moodle administrator "
        "can turn on debugging (Site administration > Development > Debugging) to see its cause.",
        **common,
    )


def _function_not_in_service(
    function: str, said: str, service: str, common: dict[str, Any]
) -> MoodleFunctionUnavailable:
    return MoodleFunctionUnavailable(
        f"{function}: {said}. Add the function {function} to the external service '{service}' "
        f"(Site administration > Server > Web services > External services > {service} > "
        "Functions); if it is already there, check that the token's user is an authorised user "
        "of the service and holds webservice/rest:use.",
        **common,
    )


def _not_found(
    function: str, said: str, moodle_message: str, common: dict[str, Any]
) -> MoodleNotFound:
    table = _TABLE.search(moodle_message)
    # Moodle names the table ("course", "groups", "cohort"): one row of it is missing.
    noun = table.group(1).removesuffix("s") if table else "record"
    what = f"no {noun} with the id given"
    return MoodleNotFound(
        f"{function}: {said}. Moodle has {what}: check the id (it may have been deleted).",
        **common,
    )


def _access_denied(
    function: str,
    said: str,
    moodle_message: str,
    debuginfo: str | None,
    common: dict[str, Any],
) -> MoodleAccessError:
    capability = _capability_from(moodle_message, debuginfo)
    needed = CAPABILITIES_BY_FUNCTION.get(function, ())
    if capability:
        fix = f"grant the capability {capability} to the token's user ({_ROLE_HINT})."
    elif needed:
        fix = (
            f"{function} needs {', '.join(needed)}: grant the missing one to the token's user "
            f"({_ROLE_HINT})."
        )
    else:
        fix = f"grant the capability named in Moodle's message to the token's user ({_ROLE_HINT})."
    return MoodleAccessError(
        f"{function}: {said}. The web-service user lacks a permission: {fix}",
        capability=capability or (needed[0] if len(needed) == 1 else None),
        **common,
    )


def _invalid_parameter(
    function: str, said: str, debuginfo: str | None, common: dict[str, Any]
) -> MoodleInvalidParameter:
    detail = f" Moodle's debuginfo: {debuginfo}." if debuginfo else ""
    return MoodleInvalidParameter(
        f"{function}: {said}. Moodle rejected the parameters sent (Moodle does not say which; "
        f"turn on Moodle debugging to see it); this is a lipassess bug or a Moodle version "
        f"lipassess does not support.{detail}",
        **common,
    )


def _capability_from(moodle_message: str, debuginfo: str | None) -> str | None:
    """The capability id in ``debuginfo``, or the id for the human name in the message."""
    for text in (debuginfo or "", moodle_message):
        found = _CAPABILITY_ID.search(text)
        if found:
            return found.group(0)
    named = re.search(r"\(([^()]+)\)\.?$", moodle_message)
    if named:
        return CAPABILITY_BY_NAME.get(named.group(1))
    return None


def _text(value: Any) -> str | None:
    if value is None:
        return None
    return value if isinstance(value, str) else str(value)
