"""What to ask Moodle, and how: paging, batching and bounded concurrency over the transport.

:class:`MoodleAPI` holds the high-level methods of
:class:`~moodle_plugin_bridge.client.MoodleClient`; it only needs the
transport's ``_call`` and ``_new_session``. Every method returns typed records
from :mod:`moodle_plugin_bridge.records`.

Calls made by a sync of one course of N participants, S of them suspended,
with page size P (``enrolled_users(page_size=P)``, default 200) and a
``max_input_vars`` of 1000 (B = 899 user ids per profile call)::

    course                 1        core_course_get_courses_by_field
    participants           N // P + 2   core_enrol_get_enrolled_users (until a short page,
                                        then one confirming read)
    suspended enrolments   S // P + 2   core_enrol_get_enrolled_users, onlysuspended
    languages              ceil(N / B)  core_user_get_users_by_field
    grades                 1        gradereport_user_get_grade_items, all users at once
    completion             one per participant asked for (Moodle has no bulk
                           function), ``max_workers`` at a time

e.g. N = 5,000, S = 0, P = 200: 1 + 27 + 2 + 6 + 1 + 5,000 = 5,037 calls on a
first sync; a sync asks completion only of students not yet complete.

Moodle gives no total for the participant list, so a short page is taken as
the end only once a confirming read right after it comes back empty: a page
Moodle cut short or left empty in the middle of the list (a timeout inside
Moodle, a proxy, a fault) raises :class:`MoodleProtocolError` instead of
silently dropping every participant after it. A participant record without a
field Moodle always sends (``roles`` ...) raises the same, naming the user.
"""

from __future__ import annotations

import dataclasses
import logging
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from concurrent.futures import FIRST_EXCEPTION, Future, ThreadPoolExecutor, wait
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

from moodle_plugin_bridge.errors import (
    MoodleError,
    MoodleNotEnrolled,
    MoodleNotFound,
    MoodleProtocolError,
)
from moodle_plugin_bridge.params import split_batches
from moodle_plugin_bridge.records.base import MoodleWarning, RecordList, RecordMixin, is_moodle_id
from moodle_plugin_bridge.records.completion import CourseCompletion, load_course_completion
from moodle_plugin_bridge.records.courses import Course, SiteInfo, load_courses, load_site_info
from moodle_plugin_bridge.records.grades import UserGrades, load_grade_report
from moodle_plugin_bridge.records.messages import MessageResult, load_message_results
from moodle_plugin_bridge.records.users import (
    ALWAYS_SENT,
    Cohort,
    CohortMembers,
    EnrolledUser,
    User,
    load_cohort_members,
    load_cohorts,
    load_enrolled_users,
    load_user_langs,
    load_users,
    unique_enrolled_users,
)
from moodle_plugin_bridge.site import REQUIRED_FUNCTIONS, SiteCheck, check_site

if TYPE_CHECKING:
    import requests

log = logging.getLogger("moodle_plugin_bridge.client")

DEFAULT_PAGE_SIZE = 200
"""Participants per ``core_enrol_get_enrolled_users`` page."""

ENROLLED_USER_FIELDS: tuple[str, ...] = (
    "id",
    "username",
    "firstname",
    "lastname",
    "fullname",
    "email",
    "idnumber",
    "department",
    "institution",
    "city",
    "country",
    "customfields",
    "groups",
    "roles",
)
"""The ``userfields`` asked of ``core_enrol_get_enrolled_users``: what ``EnrolledUser`` holds."""

FORMAT_MOODLE, FORMAT_HTML, FORMAT_PLAIN, FORMAT_MARKDOWN = 0, 1, 2, 4
"""Moodle's text formats for messages."""


@dataclasses.dataclass(frozen=True, slots=True, kw_only=True)
class OutgoingMessage:
    """One instant message to send with :meth:`MoodleAPI.send_messages`.

    ``client_msg_id`` is echoed back by Moodle in the result (use it to match
    results to your own records); ``text_format`` is one of the ``FORMAT_*``
    constants (Moodle turns plain text into HTML in its answer).
    """

    to_user_id: int
    text: str
    text_format: int = FORMAT_HTML
    client_msg_id: str | None = None

    def __post_init__(self) -> None:
        if isinstance(self.to_user_id, bool) or not isinstance(self.to_user_id, int):
            raise TypeError("to_user_id must be a Moodle user id (int)")
        if self.to_user_id <= 0:
            raise ValueError(f"to_user_id must be a positive Moodle user id, not {self.to_user_id}")
        if not self.text or not self.text.strip():
            raise ValueError(f"the message to user {self.to_user_id} is empty")
        if self.text_format not in (FORMAT_MOODLE, FORMAT_HTML, FORMAT_PLAIN, FORMAT_MARKDOWN):
            raise ValueError(f"unknown Moodle text format {self.text_format}")

    def to_params(self) -> dict[str, Any]:
        """The ``messages[i]`` structure Moodle expects."""
        return {
            "touserid": self.to_user_id,
            "text": self.text,
            "textformat": self.text_format,
            "clientmsgid": self.client_msg_id,
        }


@dataclasses.dataclass(frozen=True, slots=True, kw_only=True)
class CompletionResults(RecordMixin):
    """Course completion of many users in one course.

    Attributes
    ----------
    course_id
        The course.
    by_user
        Every user asked for, in the order asked: their completion, or ``None``
        when Moodle reported them not enrolled (never enrolled, unenrolled or
        suspended: Moodle does not tell these apart).
    not_enrolled
        The users mapped to ``None``, so the caller can report them.
    warnings
        Moodle's warnings from all calls.
    """

    course_id: int
    by_user: Mapping[int, CourseCompletion | None]
    not_enrolled: tuple[int, ...]
    warnings: tuple[MoodleWarning, ...] = ()


class MoodleAPI:
    """High-level reads and the message write, over a transport's ``_call``."""

    max_input_vars: int
    service: str

    def _call(
        self,
        function: str,
        params: Mapping[str, Any] | None,
        *,
        read: bool,
        session: requests.Session | None = None,
    ) -> Any:  # pragma: no cover - provided by the transport
        raise NotImplementedError

    def _new_session(self) -> requests.Session:  # pragma: no cover - provided by the transport
        raise NotImplementedError

    # ------------------------------------------------------------------ site

    def site_info(self) -> SiteInfo:
        """``core_webservice_get_site_info``: release, token user, functions of the service."""
        return load_site_info(self._call("core_webservice_get_site_info", None, read=True))

    def missing_functions(self, required: Iterable[str] = REQUIRED_FUNCTIONS) -> tuple[str, ...]:
        """The ``required`` functions the token's external service lacks (one call)."""
        return self.check_site(required).missing_functions

    def check_site(self, required: Iterable[str] = REQUIRED_FUNCTIONS) -> SiteCheck:
        """Release and service functions against what lipassess needs, every problem at once."""
        return check_site(self.site_info(), required, service=self.service)

    # ------------------------------------------------------------------ courses

    def courses(self, ids: Iterable[int] | None = None) -> RecordList[Course]:
        """Courses by id in one call (Moodle's order), or every visible course but the site page.

        Unknown ids are simply absent (Moodle returns no error for them).
        """
        if ids is None:
            found = self._courses_by_field(None, None)
            return dataclasses.replace(found, items=tuple(c for c in found if not c.is_site))
        wanted = list(dict.fromkeys(_ids(ids, "course")))
        if not wanted:
            return RecordList(items=())
        return self._courses_by_field("ids", ",".join(map(str, wanted)))

    def course(self, course_id: int) -> Course:
        """One course by id; :class:`MoodleNotFound` if Moodle has none (or hides it)."""
        found = self._courses_by_field("id", _id(course_id, "course"))
        if not found:
            raise MoodleNotFound(
                f"core_course_get_courses_by_field: Moodle has no course with id {course_id} "
                "visible to the web-service user: check the id, or grant "
                "moodle/course:viewhiddencourses if the course is hidden",
                function="core_course_get_courses_by_field",
            )
        return found[0]

    def courses_in_category(self, category_id: int) -> RecordList[Course]:
        """All courses of one category, in one call (subcategories not included)."""
        return self._courses_by_field("category", _id(category_id, "category"))

    def course_by_shortname(self, shortname: str) -> Course | None:
        """The course with this shortname, or ``None``."""
        if not shortname:
            raise ValueError("shortname is empty")
        found = self._courses_by_field("shortname", shortname)
        return found[0] if found else None

    def _courses_by_field(self, field: str | None, value: Any) -> RecordList[Course]:
        function = "core_course_get_courses_by_field"
        params = None if field is None else {"field": field, "value": value}
        return load_courses(function, self._call(function, params, read=True))

    # ------------------------------------------------------------------ participants

    def iter_enrolled_pages(
        self,
        course_id: int,
        *,
        page_size: int = DEFAULT_PAGE_SIZE,
        options: Sequence[tuple[str, Any]] = (),
    ) -> Iterator[list[Any]]:
        """Raw pages of ``core_enrol_get_enrolled_users``, until a short page confirmed as the end.

        Each request sends ``limitfrom`` and ``limitnumber`` first, then
        ``options`` (name, value) pairs. Moodle gives no total: a page with fewer
        than ``page_size`` rows (possibly ``[]``) ends the list, once a
        confirming read at the position right after it returns ``[]`` (one
        more call per listing; that read is not yielded). A page with more rows
        than asked (a Moodle that ignores ``limitnumber``) is the whole rest.

        Raises
        ------
        MoodleProtocolError
            A page is not a list; Moodle ignores ``limitfrom`` (a full page
            with no new user), which would otherwise loop forever; or the
            confirming read finds users after a short page (the list Moodle
            gave is incomplete).
        """
        function = "core_enrol_get_enrolled_users"
        if page_size < 1:
            raise ValueError("page_size must be >= 1")
        course_id = _id(course_id, "course")
        seen: set[Any] = set()
        start = 0

        def read(position: int) -> list[Any]:
            page = self._call(
                function,
                {
                    "courseid": course_id,
                    "options": [
                        {"name": "limitfrom", "value": position},
                        {"name": "limitnumber", "value": page_size},
                        *({"name": name, "value": value} for name, value in options),
                    ],
                },
                read=True,
            )
            if not isinstance(page, list):
                raise MoodleProtocolError(
                    f"{function}: expected a list of users from Moodle but got "
                    f"{type(page).__name__}",
                    function=function,
                )
            return page

        def check_new(page: list[Any], position: int) -> None:
            # only ids that can be ids: a list or an object as "id" is refused when the page is loaded
            ids = {row.get("id") for row in page if isinstance(row, Mapping) and is_moodle_id(row.get("id"))}
            if page and position and not ids - seen:
                raise MoodleProtocolError(
                    f"{function}: Moodle returned the same users for limitfrom={position}; it "
                    "ignores paging, so the participant list cannot be read safely",
                    function=function,
                )
            seen.update(ids)

        while True:
            page = read(start)
            check_new(page, start)
            yield page
            if len(page) > page_size:
                return
            if len(page) < page_size:
                after = start + len(page)
                rest = read(after)
                check_new(rest, after)
                if rest:
                    raise MoodleProtocolError(
                        f"{function}: course {course_id}: Moodle's page at limitfrom={start} held "
                        f"{len(page)} of {page_size} users, yet it lists more users after them; "
                        "the participant list Moodle gave is incomplete, so nobody was marked "
                        "unenrolled: run the sync again, and check Moodle's error log if it persists",
                        function=function,
                    )
                return
            start += page_size

    def enrolled_users(
        self,
        course_id: int,
        *,
        page_size: int = DEFAULT_PAGE_SIZE,
        with_status: bool = True,
        with_lang: bool = True,
    ) -> RecordList[EnrolledUser]:
        """Every participant of a course (all roles), active and suspended, in Moodle's order.

        Parameters
        ----------
        course_id
            The course.
        page_size
            Users per request.
        with_status
            Also list the suspended enrolments (``onlysuspended=1``, ids only) to
            set ``suspended`` on each user; otherwise ``suspended`` is ``None``.
            Needs ``moodle/course:enrolreview``.
        with_lang
            Fill ``lang`` from ``core_user_get_users_by_field`` (one call per 899
            users with the default ``max_input_vars``).

        Raises
        ------
        MoodleNotFound
            No such course (``invalidrecord``).
        MoodleAccessError
            The token's user lacks ``moodle/course:viewparticipants``.
        """
        function = "core_enrol_get_enrolled_users"
        rows: list[Any] = []
        for page in self.iter_enrolled_pages(
            course_id,
            page_size=page_size,
            options=[("userfields", ",".join(ENROLLED_USER_FIELDS))],
        ):
            rows.extend(page)
        users = unique_enrolled_users(function, load_enrolled_users(function, rows, required=ALWAYS_SENT))
        if with_status:
            suspended: set[int] = set()
            for page in self.iter_enrolled_pages(
                course_id,
                page_size=page_size,
                options=[("onlysuspended", 1), ("userfields", "id")],
            ):
                for row in page:
                    user_id = row.get("id") if isinstance(row, Mapping) else None
                    if not is_moodle_id(user_id):  # dropping the row would store a suspended student as active
                        raise MoodleProtocolError(
                            f"{function} (onlysuspended): course {course_id}: a row has no user id "
                            f"({row!r:.80}), so who is suspended cannot be told; nothing was changed",
                            function=function, field="id")
                    suspended.add(user_id)
            users = [dataclasses.replace(u, suspended=u.id in suspended) for u in users]
        if with_lang and users:
            langs = self._user_langs([u.id for u in users])
            users = [dataclasses.replace(u, lang=langs.get(u.id)) for u in users]
        return RecordList(items=tuple(users))

    def _user_langs(self, ids: list[int]) -> dict[int, str | None]:
        function = "core_user_get_users_by_field"
        langs: dict[int, str | None] = {}
        for batch in split_batches(
            ids, key="values", fixed={"field": "id"}, max_input_vars=self.max_input_vars
        ):
            answer = self._call(function, {"field": "id", "values": batch}, read=True)
            langs.update(load_user_langs(function, answer))
        return langs

    def users_by_id(self, ids: Iterable[int]) -> RecordList[User]:
        """Site profiles (with ``lang`` and custom fields) of users, batched under max_input_vars.

        Unknown ids are simply absent.
        """
        function = "core_user_get_users_by_field"
        wanted = list(dict.fromkeys(_ids(ids, "user")))
        found: list[User] = []
        for batch in split_batches(
            wanted, key="values", fixed={"field": "id"}, max_input_vars=self.max_input_vars
        ):
            answer = self._call(function, {"field": "id", "values": batch}, read=True)
            found.extend(load_users(function, answer))
        return RecordList(items=tuple(found))

    # ------------------------------------------------------------------ grades, completion

    def grade_items(self, course_id: int) -> RecordList[UserGrades]:
        """Every graded user's items and course total in one call.

        ``gradereport_user_get_grade_items`` with ``userid`` left out (= 0, all
        users); ``core_grades_get_grades`` no longer exists since Moodle 4.0.
        """
        function = "gradereport_user_get_grade_items"
        answer = self._call(function, {"courseid": _id(course_id, "course")}, read=True)
        return load_grade_report(function, answer)

    def course_completion(
        self,
        course_id: int,
        user_ids: Iterable[int],
        *,
        max_workers: int = 4,
        progress: Callable[[int, int], None] | None = None,
    ) -> CompletionResults:
        """Course completion of each user, ``max_workers`` requests at a time.

        Moodle only answers per user. A user Moodle reports as not enrolled
        (``usernotenroled``: never enrolled, unenrolled, or enrolment suspended)
        maps to ``None`` and is listed in ``not_enrolled`` instead of failing the
        course. Any other error stops the remaining requests and is raised.

        Pass the participants Moodle tracks for completion (students): Moodle
        refuses the question for other users, and such an error fails the call.

        Each worker thread uses its own ``requests.Session`` (from the client's
        ``session_factory``), closed when the method returns. ``progress(done,
        total)`` is called after each answer (from the worker threads, one at a
        time).
        """
        function = "core_completion_get_course_completion_status"
        course_id = _id(course_id, "course")
        wanted = list(dict.fromkeys(_ids(user_ids, "user")))
        if max_workers < 1:
            raise ValueError("max_workers must be >= 1")
        local = threading.local()
        sessions: list[requests.Session] = []
        sessions_lock = threading.Lock()

        def fetch(user_id: int) -> tuple[CourseCompletion | None, tuple[MoodleWarning, ...]]:
            session = getattr(local, "session", None)
            if session is None:
                session = self._new_session()
                local.session = session
                with sessions_lock:
                    sessions.append(session)
            try:
                answer = self._call(
                    function, {"courseid": course_id, "userid": user_id}, read=True, session=session
                )
            except MoodleNotEnrolled:
                return None, ()
            return load_course_completion(function, answer, course_id=course_id, user_id=user_id)

        outcomes: dict[int, tuple[CourseCompletion | None, tuple[MoodleWarning, ...]]] = {}
        pool = ThreadPoolExecutor(max_workers=min(max_workers, max(len(wanted), 1)))
        try:
            futures = {pool.submit(fetch, user_id): user_id for user_id in wanted}
            if progress is not None:
                answered = [0]

                def tick(_: Any) -> None:
                    with sessions_lock:
                        answered[0] += 1
                        progress(answered[0], len(wanted))

                for future in futures:
                    future.add_done_callback(tick)
            done, _ = wait(futures, return_when=FIRST_EXCEPTION)
            for future in done:
                if future.exception() is not None:
                    pool.shutdown(wait=True, cancel_futures=True)
                    raise _first_error(futures)
            for future, user_id in futures.items():
                outcomes[user_id] = future.result()
        finally:
            pool.shutdown(wait=True, cancel_futures=True)
            for session in sessions:
                session.close()
        not_enrolled = tuple(uid for uid in wanted if outcomes[uid][0] is None)
        if not_enrolled:
            log.warning(
                "Moodle %s: %d user(s) not enrolled or suspended in course %d: %s",
                function,
                len(not_enrolled),
                course_id,
                ", ".join(map(str, not_enrolled)),
            )
        return CompletionResults(
            course_id=course_id,
            by_user=MappingProxyType({uid: outcomes[uid][0] for uid in wanted}),
            not_enrolled=not_enrolled,
            warnings=tuple(w for uid in wanted for w in outcomes[uid][1]),
        )

    # ------------------------------------------------------------------ cohorts

    def cohorts(self, ids: Iterable[int] | None = None) -> RecordList[Cohort]:
        """Cohorts by id (unknown ids absent), or every cohort the user can see."""
        function = "core_cohort_get_cohorts"
        if ids is None:
            return RecordList(items=load_cohorts(function, self._call(function, None, read=True)))
        wanted = list(dict.fromkeys(_ids(ids, "cohort")))
        found: list[Cohort] = []
        for batch in split_batches(wanted, key="cohortids", max_input_vars=self.max_input_vars):
            found.extend(
                load_cohorts(function, self._call(function, {"cohortids": batch}, read=True))
            )
        return RecordList(items=tuple(found))

    def cohort_members(self, ids: Iterable[int]) -> RecordList[CohortMembers]:
        """Member user ids of each cohort; :class:`MoodleNotFound` for an unknown cohort."""
        function = "core_cohort_get_cohort_members"
        wanted = list(dict.fromkeys(_ids(ids, "cohort")))
        found: list[CohortMembers] = []
        for batch in split_batches(wanted, key="cohortids", max_input_vars=self.max_input_vars):
            answer = self._call(function, {"cohortids": batch}, read=True)
            found.extend(load_cohort_members(function, answer))
        return RecordList(items=tuple(found))

    # ------------------------------------------------------------------ messages (a write)

    def send_messages(self, messages: Iterable[OutgoingMessage]) -> tuple[MessageResult, ...]:
        """Send instant messages batched under ``max_input_vars``; one result per message, in order.

        A write: never retried. Moodle refuses single messages inside a
        successful answer (``MessageResult.ok`` is ``False``, ``errormessage``
        says why). If a whole batch fails, the error is raised with
        ``error.partial`` holding the results of the batches already sent, so
        the caller knows exactly which messages went out.
        """
        function = "core_message_send_instant_messages"
        pending = list(messages)
        for message in pending:
            if not isinstance(message, OutgoingMessage):
                raise TypeError("send_messages takes OutgoingMessage instances")
        params = [message.to_params() for message in pending]
        results: list[MessageResult] = []
        offset = 0
        for batch in split_batches(params, key="messages", max_input_vars=self.max_input_vars):
            recipients = [m["touserid"] for m in batch]
            try:
                answer = self._call(function, {"messages": batch}, read=False)
                results.extend(load_message_results(function, answer, to_user_ids=recipients))
            except MoodleError as err:
                err.partial = tuple(results)
                if results:
                    err.message += (
                        f" ({len(results)} of {len(pending)} messages were sent before this "
                        f"failure; messages {offset + 1}-{len(pending)} were not confirmed)"
                    )
                    err.args = (err.message,)
                raise
            offset += len(batch)
        refused = [r for r in results if not r.ok]
        for result in refused:
            log.warning(
                "Moodle %s: message to user %d refused: %s",
                function,
                result.to_user_id,
                result.errormessage,
            )
        return tuple(results)


def _first_error(futures: Mapping[Future[Any], int]) -> BaseException:
    """The exception of the earliest-submitted failed future."""
    for future in futures:
        if future.done() and not future.cancelled():
            error = future.exception()
            if error is not None:
                return error
    raise AssertionError("no failed future")  # pragma: no cover


def _id(value: Any, what: str) -> int:
    if not is_moodle_id(value):
        raise ValueError(f"{what} id must be a positive integer, not {value!r}")
    return value


def _ids(values: Iterable[Any], what: str) -> list[int]:
    if isinstance(values, (str, bytes)):
        raise TypeError(f"{what} ids must be an iterable of integers, not a string")
    return [_id(value, what) for value in values]

