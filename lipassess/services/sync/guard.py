"""The last line of defence against a participant list Moodle gave incomplete: the mass-unenrolment guard.

A student Moodle no longer lists is marked ``unenrolled`` and leaves every
analysis, so a list that lost students on the way (a page cut short, a
malformed record, a Moodle plugin filtering users) must never reach the
store. The bridge already checks the list itself (a confirming read after the
last page, every record carrying the fields Moodle always sends); this guard
catches what those checks cannot see: a sync that would mark more than
:data:`MAX_UNENROL_SHARE` of a course's enrolled students unenrolled (and more
than :data:`UNENROL_FLOOR` of them, so small courses are not blocked by one or
two leavers) fails that course instead, writing nothing. When the students
really left, ``lipassess sync --allow-mass-unenrol`` lets it through.

The same limit guards the students' profile fields: Moodle leaves
``customfields`` out of a user it shows no profile fields for, so a token that
lost ``moodle/user:viewalldetails``, or a field made hidden, would clear the
ministry and province of a whole course in one run (every subgroup analysis
would change). A sync that would clear every profile field of more than that
many students fails the course instead; ``--allow-profile-clearing`` lets it
through when the fields were really removed.
"""

from __future__ import annotations

import math

from lipassess.errors import LipassessError

MAX_UNENROL_SHARE = 0.10
"""Largest share of a course's enrolled students one sync may mark unenrolled without being told."""

UNENROL_FLOOR = 5
"""Up to this many students may always leave in one sync (small courses)."""


class MassUnenrolRefused(LipassessError):
    """A sync would mark too many students of one course unenrolled at once; the course was not written."""

    code = "mass_unenrol"


def unenrol_limit(enrolled: int) -> int:
    """How many of ``enrolled`` students one sync may mark unenrolled without ``--allow-mass-unenrol``."""
    return max(UNENROL_FLOOR, math.floor(enrolled * MAX_UNENROL_SHARE))


def check_unenrolments(course_id: int, *, enrolled: int, leaving: int, allow: bool) -> None:
    """Refuse to mark ``leaving`` of ``enrolled`` students unenrolled when that is too many.

    Parameters
    ----------
    course_id
        The Moodle course (named in the message).
    enrolled
        Students of the course the store holds as active or suspended.
    leaving
        Of them, those Moodle no longer lists.
    allow
        ``--allow-mass-unenrol``: the operator checked that they really left.

    Raises
    ------
    MassUnenrolRefused
        ``leaving`` exceeds :func:`unenrol_limit` and ``allow`` is false.
    """
    if allow or leaving <= unenrol_limit(enrolled):
        return
    share = round(100 * leaving / enrolled) if enrolled else 100
    raise MassUnenrolRefused(
        f"Moodle no longer lists {leaving} of the {enrolled} enrolled students of course {course_id} "
        f"({share} %); lipassess refuses to mark so many unenrolled in one run, nothing of this course "
        "was changed: check the course's participants in Moodle, and if they really left run "
        f"`lipassess sync --course {course_id} --allow-mass-unenrol`"
    )


class ProfileClearingRefused(LipassessError):
    """A sync would clear the profile fields of too many students of one course at once; nothing was written."""

    code = "profile_clearing"


def check_profile_clearing(course_id: int, *, students: int, clearing: int, allow: bool) -> None:
    """Refuse to clear every profile field of ``clearing`` of ``students`` when that is too many.

    ``clearing`` counts the students Moodle sent without any custom profile
    field while the store holds a ministry, province or other field for them;
    the limit is :func:`unenrol_limit`'s.

    Raises
    ------
    ProfileClearingRefused
        ``clearing`` exceeds :func:`unenrol_limit` of ``students`` and ``allow`` is false.
    """
    if allow or clearing <= unenrol_limit(students):
        return
    raise ProfileClearingRefused(
        f"Moodle sent no profile fields for {clearing} of the {students} students of course {course_id} "
        "whose ministry, province or other fields the store holds; lipassess refuses to clear so many in one "
        "run, nothing of this course was changed: check that the token's user may see users' profile fields "
        "(moodle/user:viewalldetails) and that the fields are visible, and if they were really removed run "
        f"`lipassess sync --course {course_id} --allow-profile-clearing`"
    )
