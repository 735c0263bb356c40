"""Which cohort a person means: the one resolver behind every ``--cohort`` of the command line.

People meet a cohort under three names: its id in this service (the dashboard's
``/staff/cohorts/3`` and the API), its Moodle course id (Moodle's
``course/view.php?id=3``) and its Moodle shortname (``LIP-C6-2024``).
:func:`resolve_cohort` accepts each of them, bare or with a prefix that says
which it is: ``id:3``, ``course:3``, ``shortname:LIP-C6-2024``. A bare value
that names two different cohorts (store id 3 of one, Moodle course 3 of
another) is refused with both and the prefixes that choose between them.
"""

from __future__ import annotations

import re

from sqlalchemy import select
from sqlalchemy.orm import Session

from lipassess.errors import InvalidInput, NotFound
from lipassess.store.models import Cohort

PREFIXES = ("id", "course", "shortname")
"""``id:`` the store id (dashboard, API), ``course:`` the Moodle course id, ``shortname:`` the Moodle shortname."""

_LISTED = 10  # cohorts named in a "no such cohort" message


_ASCII_DIGITS = re.compile(r"[0-9]+")
_LARGEST_ID = 2**31 - 1
"""``Cohort.id`` is an ``Integer`` column (PostgreSQL ``integer``, 32 bits): no cohort has a larger id."""
_LARGEST_MOODLE_ID = 2**63 - 1
"""``Cohort.moodle_course_id`` is a :data:`~lipassess.store.models.MoodleId` (``BIGINT``, 64 bits)."""


def _number(value: str, largest: int) -> int | None:
    """``value`` as an id the column can hold, or None: only ASCII digits count (``'²'.isdigit()`` is true,
    but ``int('²')`` fails), and a number beyond the column's range names no row (the database would refuse
    the comparison with an overflow rather than find nothing)."""
    if not _ASCII_DIGITS.fullmatch(value):
        return None
    number = int(value)
    return number if number <= largest else None


def _by(session: Session, form: str, value: str) -> Cohort | None:
    if form == "shortname":
        return session.scalar(select(Cohort).where(Cohort.shortname == value))
    if form == "id":
        store_id = _number(value, _LARGEST_ID)
        return None if store_id is None else session.get(Cohort, store_id)
    course_id = _number(value, _LARGEST_MOODLE_ID)
    return None if course_id is None else session.scalar(select(Cohort).where(Cohort.moodle_course_id == course_id))


def describe(cohort: Cohort) -> str:
    """``LIP-C6-2024 (id 1, Moodle course 3)``: every name a person may give."""
    return f"{cohort.shortname} (id {cohort.id}, Moodle course {cohort.moodle_course_id})"


def resolve_cohort(session: Session, ref: str | int) -> Cohort:
    """A cohort by its store id, its Moodle course id or its shortname, bare or prefixed.

    Parameters
    ----------
    session
        An open store session.
    ref
        ``3``, ``LIP-C6-2024``, or with the form made explicit: ``id:3``,
        ``course:3``, ``shortname:LIP-C6-2024``.

    Raises
    ------
    InvalidInput
        A bare value names different cohorts in different forms; the message
        lists each with the prefixed value that picks it.
    NotFound
        No cohort has that name; the message lists the known cohorts.
    """
    text = str(ref).strip()
    form, sep, rest = text.partition(":")
    if sep and form in PREFIXES:
        found = _by(session, form, rest.strip())
        if found is None:
            raise NotFound(_unknown(session, text))
        return found
    matches: dict[int, tuple[Cohort, str]] = {}
    for candidate in PREFIXES:
        cohort = _by(session, candidate, text)
        if cohort is not None and cohort.id not in matches:
            matches[cohort.id] = (cohort, candidate)
    if not matches:
        raise NotFound(_unknown(session, text))
    if len(matches) > 1:
        choices = "; ".join(f"'{form}:{text}' for {describe(cohort)}" for cohort, form in matches.values())
        raise InvalidInput(f"cohort {text!r} names more than one cohort: write {choices}")
    return next(iter(matches.values()))[0]


def _unknown(session: Session, text: str) -> str:
    cohorts = list(session.scalars(select(Cohort).order_by(Cohort.id).limit(_LISTED + 1)))
    if not cohorts:
        return f"no cohort {text!r}: the store has no cohorts yet; run 'lipassess sync' first"
    known = ", ".join(describe(c) for c in cohorts[:_LISTED]) + (", ..." if len(cohorts) > _LISTED else "")
    return (f"no cohort {text!r}: give its id (as the dashboard shows it), its Moodle course id or its "
            f"shortname; known cohorts: {known} (run 'lipassess sync' to add a course)")
