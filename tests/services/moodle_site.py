"""The recorded Moodle site (three LIP courses) as one stub, for sync and dispatch tests.

Every body comes from ``tests/data/moodle/responses/``; where a test needs a
course that changed since the recording (a student left, a grade changed),
it passes modified copies of the recorded bodies, and the change is written
in the test. What each course serves:

* courses: ``core_course_get_courses_by_field`` derived from the recorded
  listing of all courses (:meth:`MoodleStub.add_courses`);
* participants: the recorded full listing of each course, paged and
  filtered the way Moodle does (:meth:`MoodleStub.add_enrolled_course`);
  course 3's suspended user is 32, as recorded; languages from the recorded
  user listing;
* grades: the recorded all-users report of courses 3 and 4. Course 2's
  all-users report was not recorded: its one-user report (user 18, a real
  answer of the same function) stands in, so course 2 has grades for user 18 only;
* completion: per user, the recorded ``complete`` answer for the students
  the seed data lists as complete, ``incomplete`` for the other students of
  courses 2 and 3, ``not_started`` for course 4 (nobody complete), and the
  recorded ``usernotenroled`` answer for anyone else.
"""

from __future__ import annotations

import copy
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import responses

from moodle_plugin_bridge import Backoff, MoodleClient
from tests.bridge.fixtures import BASE_URL, TOKEN, Call, MoodleStub, load_fixture

LISTINGS = {
    2: "core_enrol_get_enrolled_users__c5.json",
    3: "core_enrol_get_enrolled_users__c6.json",
    4: "core_enrol_get_enrolled_users__hfd.json",
}
GRADES = {
    2: "gradereport_user_get_grade_items__c5_one_user.json",
    3: "gradereport_user_get_grade_items__c6_all_users.json",
    4: "gradereport_user_get_grade_items__hfd_all_users.json",
}
SUSPENDED = {2: set(), 3: {32}, 4: set()}
TEACHERS = {2: 45, 3: 46, 4: 47}
STUDENTS = {
    2: set(range(5, 19)),
    3: set(range(19, 33)) | {9},
    4: set(range(33, 45)),
}
COMPLETE = {
    2: STUDENTS[2] - {14, 18},
    3: STUDENTS[3] - {23, 27, 31, 32},
    4: set(),
}
COMPLETION_FIXTURES = {
    "complete": "core_completion_get_course_completion_status__complete.json",
    "incomplete": "core_completion_get_course_completion_status__incomplete.json",
    "not_started": "core_completion_get_course_completion_status__not_started.json",
    "not_enrolled": "core_completion_get_course_completion_status__error_not_enrolled.json",
}


def listing(course_id: int) -> list[dict[str, Any]]:
    """A fresh copy of a course's recorded participant listing."""
    return copy.deepcopy(load_fixture(LISTINGS[course_id]))


def grade_report(course_id: int) -> dict[str, Any]:
    """A fresh copy of a course's recorded grade report."""
    return copy.deepcopy(load_fixture(GRADES[course_id]))


def user_row(rows: Iterable[Mapping[str, Any]], user_id: int) -> Any:
    """The row of one user in a listing (to change it in place)."""
    return next(row for row in rows if row["id"] == user_id)


@dataclass
class SiteState:
    """What the stubbed site serves; change a copy of it to make Moodle "change"."""

    listings: dict[int, list[dict[str, Any]]] = field(default_factory=lambda: {c: listing(c) for c in LISTINGS})
    grades: dict[int, dict[str, Any]] = field(default_factory=lambda: {c: grade_report(c) for c in GRADES})
    suspended: dict[int, set[int]] = field(default_factory=lambda: {c: set(s) for c, s in SUSPENDED.items()})
    complete: dict[int, set[int]] = field(default_factory=lambda: {c: set(s) for c, s in COMPLETE.items()})
    langs: dict[int, str] = field(default_factory=dict)
    """Languages that differ from the recorded ``en``, by user id."""


def completion_answer(state: SiteState, call: Call) -> Any:
    course_id, user_id = int(call.form["courseid"]), int(call.form["userid"])
    listed = {row["id"] for row in state.listings.get(course_id, [])}
    if user_id not in listed or user_id in state.suspended.get(course_id, set()):
        return load_fixture(COMPLETION_FIXTURES["not_enrolled"])
    if course_id == 4:
        return load_fixture(COMPLETION_FIXTURES["not_started"])
    kind = "complete" if user_id in state.complete.get(course_id, set()) else "incomplete"
    return load_fixture(COMPLETION_FIXTURES[kind])


def serve(stub: MoodleStub, state: SiteState) -> MoodleStub:
    """Route every sync call of the three recorded courses to ``state``."""
    stub.add_courses()
    for course_id, rows in state.listings.items():
        stub.add_enrolled_course(course_id, LISTINGS.get(course_id, ""), rows=rows,
                                 suspended_ids=state.suspended.get(course_id, set()))
    users = load_fixture("core_user_get_users__invalid_criteria_key_returns_all.json")["users"]
    users = [{**user, "lang": state.langs.get(user["id"], user.get("lang"))} for user in users]
    stub.add_users_by_id(users=users)
    for course_id, body in state.grades.items():
        stub.add_callback("gradereport_user_get_grade_items", lambda call, body=body: body,
                          params={"courseid": str(course_id)})
    stub.add_callback("core_completion_get_course_completion_status",
                      lambda call: completion_answer(state, call))
    return stub


@contextmanager
def recorded_site(
    state: SiteState | None = None,
    *,
    before: Callable[[MoodleStub], Any] | None = None,
    max_retries: int = 1,
) -> Iterator[tuple[MoodleStub, MoodleClient]]:
    """A stubbed Moodle serving ``state`` and a client of it (retry waits skipped).

    ``before(stub)`` adds routes that take precedence (faults to inject).
    """
    with responses.RequestsMock(assert_all_requests_are_fired=False) as rsps:
        stub = MoodleStub(rsps)
        if before is not None:
            before(stub)
        serve(stub, state or SiteState())
        with MoodleClient(BASE_URL, TOKEN, max_retries=max_retries, backoff=Backoff(base=0, cap=0),
                          sleep=lambda seconds: None) as client:
            yield stub, client


SENT_TEMPLATE = "core_message_send_instant_messages__success_two.json"
REFUSALS = {
    "not_contactable": "core_message_send_instant_messages__recipient_not_contactable.json",
    "unknown_user": "core_message_send_instant_messages__unknown_user.json",
}


@dataclass
class MessageSink:
    """Answers ``core_message_send_instant_messages`` in Moodle's recorded shapes, and keeps what arrived.

    Each message gets the recorded success entry (a new ``msgid``, the text
    echoed, as Moodle does) unless its recipient is in ``refuse``
    (``{user id: "not_contactable" | "unknown_user"}``): then the recorded
    refusal (``msgid`` -1 and Moodle's ``errormessage``) inside the HTTP 200.
    """

    refuse: dict[int, str] = field(default_factory=dict)
    delivered: list[dict[str, Any]] = field(default_factory=list)
    next_id: int = 1000
    lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def answer(self, call: Call) -> Any:
        with self.lock:
            return self._answer(call)

    def _answer(self, call: Call) -> Any:
        form = call.form
        template = load_fixture(SENT_TEMPLATE)[0]
        answers = []
        index = 0
        while f"messages[{index}][touserid]" in form:
            to_user = int(form[f"messages[{index}][touserid]"])
            text = form[f"messages[{index}][text]"]
            client_id = form.get(f"messages[{index}][clientmsgid]")
            if to_user in self.refuse:
                refusal = dict(load_fixture(REFUSALS[self.refuse[to_user]])[0])
                refusal["clientmsgid"] = client_id
                answers.append(refusal)
            else:
                self.next_id += 1
                self.delivered.append({"to": to_user, "text": text, "clientmsgid": client_id,
                                       "format": form[f"messages[{index}][textformat]"]})
                answers.append({**template, "msgid": self.next_id, "clientmsgid": client_id, "text": text,
                                "conversationid": to_user})
            index += 1
        return answers

    def install(self, stub: MoodleStub) -> MessageSink:
        stub.add_callback("core_message_send_instant_messages", self.answer)
        return self

    def to(self, user_id: int) -> list[dict[str, Any]]:
        """What one user received, in order."""
        return [m for m in self.delivered if m["to"] == user_id]
