"""A fake Moodle that fails on purpose: the recorded site with one fault at a chosen call.

Built on :class:`tests.bridge.fixtures.MoodleStub` and the recorded answers:
every faulty answer is a recorded one (a Moodle exception of that function or a
neighbour's), or the answer the recorded site would have given, damaged (cut
in half, a page emptied or shortened, a field dropped from one record). Usage::

    fault = Fault("core_completion_get_course_completion_status", "refused", at=target)
    with responses.RequestsMock(assert_all_requests_are_fired=False) as rsps:
        stub = MoodleStub(rsps)
        fault.install(stub)          # before the clean routes: it takes precedence
        serve(stub, SiteState())
        ...                          # run the sync or the dispatch
    assert fault.fired

``at`` is the call to fail, given by its parameters (a :class:`Call` of a
clean rehearsal, see :func:`rehearse` and :func:`pick`), so the fault lands on
the same call whatever the order threads send them in.

Kinds:

* ``refused``, ``timeout``, ``http_500``: Moodle goes **down** at that call and
  stays down for the rest of the run (every later call of every function fails
  the same way), since the client retries reads and a single lost packet is
  not an outage;
* ``html_200`` (a login or maintenance page with HTTP 200), ``truncated_json``,
  ``moodle_exception`` (the recorded exception of :data:`RECORDED_EXCEPTIONS`),
  ``empty_page`` and ``short_page`` (a ``core_enrol_get_enrolled_users`` page
  emptied, or cut to half its users) and ``malformed_record`` (one user of the
  page without ``roles``): that one answer is bad; a second read of the same
  call gets the clean answer.
"""

from __future__ import annotations

import copy
import json
import threading
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import requests

from lipassess.services.sync import pull_course
from tests.bridge.fixtures import Answer, Call, MoodleStub, fixture_bytes
from tests.services.moodle_site import SiteState, recorded_site

ENROLLED = "core_enrol_get_enrolled_users"
COMPLETION = "core_completion_get_course_completion_status"
COURSES = "core_course_get_courses_by_field"
USERS = "core_user_get_users_by_field"
GRADES = "gradereport_user_get_grade_items"
SYNC_FUNCTIONS = (COURSES, ENROLLED, USERS, GRADES, COMPLETION)
"""What a sync calls, in the order it calls them for each course."""
MESSAGES = "core_message_send_instant_messages"
"""What a dispatch calls (a fault with ``at=None`` lands on its first call: each batch carries new tokens)."""

OUTAGES = ("refused", "timeout", "http_500")
BAD_ANSWERS = ("html_200", "truncated_json", "moodle_exception")
PAGE_FAULTS = ("empty_page", "short_page", "malformed_record")
KINDS = OUTAGES + BAD_ANSWERS + PAGE_FAULTS

RECORDED_EXCEPTIONS = {
    COURSES: "core_course_get_courses_by_field__error_invalid_field.json",
    ENROLLED: "core_enrol_get_enrolled_users__error_nopermission.json",
    USERS: "core_user_get_users_by_field__error_invalid_field.json",
    GRADES: "gradereport_user_get_grade_items__error_nopermission.json",
    # The function's own recorded exception is usernotenroled, which the sync takes as "not enrolled" (no
    # failure); a neighbouring completion function's recorded refusal stands in.
    COMPLETION: "core_completion_get_activities_completion_status__error_nopermission.json",
    # No refusal of a whole message batch was recorded; the recorded answer to a revoked token stands in.
    MESSAGES: "core_webservice_get_site_info__error_invalid_token.json",
}
"""A recorded Moodle exception answer (HTTP 200, JSON with ``exception``) per function."""

HTML_PAGE = (
    b"<!DOCTYPE html>\n<html dir=\"ltr\" lang=\"en\" xml:lang=\"en\">\n<head>\n"
    b"<title>Site maintenance | LIP Moodle</title>\n</head>\n<body>\n"
    b"<p>This site is undergoing maintenance and is currently not available</p>\n</body>\n</html>\n"
)
"""What a proxy or Moodle's maintenance mode answers instead of JSON (with HTTP 200)."""

POSITIONS = ("first", "middle", "last")


def pick(calls: Sequence[Call], position: str) -> Call:
    """The first, middle or last of ``calls``."""
    if not calls:
        raise AssertionError("no call to put a fault on")
    index = {"first": 0, "middle": (len(calls) - 1) // 2, "last": len(calls) - 1}[position]
    return calls[index]


def is_listing_page(call: Call) -> bool:
    """A page of a course's full participant listing (not the suspended ids)."""
    return call.function == ENROLLED and "onlysuspended" not in call.options()


@dataclass
class Fault:
    """One fault of ``kind`` at the call of ``function`` with the parameters of ``at``."""

    function: str
    kind: str
    at: Call | None
    fired: bool = False
    down: bool = False
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"unknown fault {self.kind!r}: one of {', '.join(KINDS)}")
        if self.kind in PAGE_FAULTS and self.function != ENROLLED:
            raise ValueError(f"{self.kind} is a fault of {ENROLLED} pages")
        if self.at is not None and self.at.function != self.function:
            raise ValueError(f"the target call is of {self.at.function}, not {self.function}")

    def install(self, stub: MoodleStub) -> Fault:
        """Add the fault's routes to ``stub`` (before the clean routes, so they take precedence)."""
        functions = (*SYNC_FUNCTIONS, MESSAGES) if self.kind in OUTAGES else (self.function,)
        for function in functions:
            skip = stub.route_count + 1
            stub._add(function, self._matches, self._answerer(stub, skip), None)
        return self

    def _matches(self, call: Call) -> bool:
        # Called under the stub's lock, for each call of the functions the fault routes.
        if self.down:
            return True
        if self.fired or call.function != self.function or (self.at is not None and call.params != self.at.params):
            return False
        self.fired = True
        self.down = self.kind in OUTAGES
        return True

    def _answerer(self, stub: MoodleStub, skip: int) -> Callable[[Call], Answer]:
        def answer(call: Call) -> Answer:
            if self.kind == "refused":
                raise requests.ConnectionError("[Errno 111] Connection refused")
            if self.kind == "timeout":
                raise requests.ReadTimeout("Read timed out. (read timeout=30.0)")
            if self.kind == "http_500":
                return 500, {"Content-Type": "text/html; charset=utf-8"}, b""
            if self.kind == "html_200":
                return 200, {"Content-Type": "text/html; charset=utf-8"}, HTML_PAGE
            if self.kind == "moodle_exception":
                return 200, {"Content-Type": "application/json"}, fixture_bytes(RECORDED_EXCEPTIONS[self.function])
            status, headers, body = stub.answer_past(call, skip)
            if self.kind == "truncated_json":
                return status, headers, body[: len(body) // 2]
            return status, headers, json.dumps(damage(self.kind, json.loads(body)), ensure_ascii=False).encode()

        return answer


def damage(kind: str, rows: list[Any]) -> list[Any]:
    """A page of users made faulty: emptied, cut to half, or its middle user without ``roles``."""
    if kind == "empty_page":
        return []
    if kind == "short_page":
        return rows[: len(rows) // 2]
    rows = copy.deepcopy(rows)
    rows[len(rows) // 2].pop("roles", None)
    return rows


def eligible(kind: str, function: str, calls: Iterable[Call], listed: Mapping[int, int]) -> list[Call]:
    """The calls of ``function`` a fault of ``kind`` can land on.

    Page faults land on listing pages that hold users (emptying a page that is
    empty anyway is no fault); ``listed`` is ``{course id: users Moodle lists}``.
    """
    chosen = [call for call in calls if call.function == function]
    if kind in PAGE_FAULTS:
        chosen = [
            call
            for call in chosen
            if is_listing_page(call)
            and int(call.options()["limitfrom"]) < listed.get(int(call.form["courseid"]), 0)
        ]
    return chosen


@dataclass(frozen=True)
class Rehearsal:
    """The calls a clean sync makes, in order, and the course each belongs to (``None``: the course lookup)."""

    calls: tuple[Call, ...]
    course_of: dict[int, int | None]

    def course(self, call: Call) -> int | None:
        """The course whose pull made ``call``."""
        return self.course_of[id(call)]


def rehearse(
    state: SiteState,
    course_ids: Sequence[int],
    *,
    known_complete: Mapping[int, frozenset[int]],
    page_size: int,
) -> Rehearsal:
    """The calls ``lipassess sync --course ...`` makes against ``state``, by a clean pull (no store).

    ``known_complete`` is what the store holds as complete per course (those
    students are not asked), as the sync reads it before pulling.
    """
    course_of: dict[int, int | None] = {}
    with recorded_site(state) as (stub, client):
        found = client.courses(list(dict.fromkeys(course_ids)))
        course_of.update({id(call): None for call in stub.calls})
        for course in found:
            before = len(stub.calls)
            pull_course(client, course, known_complete=known_complete.get(course.id, frozenset()),
                        page_size=page_size)
            course_of.update({id(call): course.id for call in stub.calls[before:]})
        return Rehearsal(calls=tuple(stub.calls), course_of=course_of)
