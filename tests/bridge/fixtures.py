"""Recorded Moodle answers as ``responses`` stubs, reusable by any test directory or bench.

Every body served comes from ``tests/data/moodle/responses/`` (real answers of a
Moodle 4.5 site, see its README). Two kinds of stub exist:

* :meth:`MoodleStub.add_fixture` serves one recorded file, by default only for
  the exact parameters recorded with it in ``index.json``;
* :meth:`MoodleStub.add_enrolled_course` answers any paged
  ``core_enrol_get_enrolled_users`` call for a course from that course's
  recorded full listing, applying ``limitfrom`` / ``limitnumber`` /
  ``userfields`` / ``onlysuspended`` the way Moodle does. The derivation is
  checked against the recorded paged and ``userfields`` answers in
  ``tests/bridge/test_fixtures.py``.

Usage::

    with responses.RequestsMock() as rsps:
        stub = MoodleStub(rsps)
        stub.add_fixture("core_webservice_get_site_info__default.json")
        client = MoodleClient(BASE_URL, TOKEN)
        client.site_info()
        assert stub.calls[0].function == "core_webservice_get_site_info"

A request no route answers fails the test with the function and parameters
it carried. A request with another token gets Moodle's recorded
``invalidtoken`` answer, as the real site would.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import responses

BASE_URL = "http://127.0.0.1:8080"
"""The recorded site's URL (every fixture's ``siteurl``)."""

TOKEN = "0123456789abcdef0123456789abcdef"
"""A token for tests: 32 hex characters like Moodle's."""

ENDPOINT = "/webservice/rest/server.php"

Params = list[tuple[str, str]]
Answer = tuple[int, dict[str, str], bytes]


MOODLE_DATA = Path(__file__).resolve().parents[1] / "data" / "moodle"
"""``tests/data/moodle``: the recorded answers, copied into the repository (see its README)."""


def moodle_dir() -> Path:
    """The folder of recorded Moodle answers inside the repository (``tests/data/moodle``)."""
    return MOODLE_DATA


@cache
def index() -> Mapping[str, Any]:
    """``index.json``: what was called for each recorded file."""
    return json.loads((moodle_dir() / "index.json").read_text(encoding="utf-8"))


def index_entry(name: str) -> Mapping[str, Any]:
    """The index row of one recorded file."""
    return index()[name]


def fixture_bytes(name: str) -> bytes:
    """A recorded body, byte for byte."""
    return (moodle_dir() / "responses" / name).read_bytes()


def load_fixture(name: str) -> Any:
    """A recorded JSON body, decoded."""
    return json.loads(fixture_bytes(name).decode("utf-8"))


def recorded_params(name: str) -> Params:
    """The form fields (token left out) sent when ``name`` was recorded."""
    return [(key, value) for key, value in index_entry(name)["params"]]


def project(rows: Sequence[Mapping[str, Any]], userfields: Sequence[str]) -> list[dict[str, Any]]:
    """Rows reduced to ``userfields``, keeping Moodle's key order (what ``userfields`` does)."""
    wanted = set(userfields)
    return [{key: value for key, value in row.items() if key in wanted} for row in rows]


def paged_answer(rows: Sequence[Mapping[str, Any]], options: Mapping[str, str]) -> list[Any]:
    """Apply ``core_enrol_get_enrolled_users`` options to a course's full recorded listing.

    ``options`` maps option names to values as sent (``limitfrom``, ``limitnumber``,
    ``userfields``); ``onlysuspended`` / ``onlyactive`` are handled by the caller,
    which picks the rows.
    """
    start = int(options.get("limitfrom", 0))
    count = int(options.get("limitnumber", 0))
    selected = list(rows[start:]) if count == 0 else list(rows[start : start + count])
    if "userfields" in options:
        selected = project(selected, options["userfields"].split(","))
    return selected


def courses_answer(rows: Sequence[Mapping[str, Any]], form: Mapping[str, str]) -> dict[str, Any]:
    """``core_course_get_courses_by_field`` for ``form`` (``field``, ``value``) over all courses."""
    field_name, value = form.get("field", ""), form.get("value", "")
    if not field_name:
        chosen = list(rows)
    elif field_name == "id":
        chosen = [row for row in rows if str(row["id"]) == value]
    elif field_name == "ids":
        wanted = set(value.split(","))
        chosen = [row for row in rows if str(row["id"]) in wanted]
    elif field_name == "category":
        chosen = [row for row in rows if str(row.get("categoryid")) == value]
    elif field_name == "shortname":
        chosen = [row for row in rows if row["shortname"] == value]
    else:
        raise AssertionError(f"the course stub does not derive field={field_name!r}")
    return {"courses": chosen, "warnings": []}


def scale_rows(
    rows: Sequence[Mapping[str, Any]], n: int, *, first_id: int = 1000
) -> list[dict[str, Any]]:
    """``n`` user rows made by cycling through recorded ``rows`` with fresh identities.

    For benchmarks of large courses: every row keeps the recorded shape and
    values (names, Khmer text, custom fields, roles, groups) and only ``id``
    becomes ``first_id + i``; ``username``, ``email`` and ``idnumber`` (when
    present) get a ``-i`` suffix so they stay unique.
    """
    scaled = []
    for i in range(n):
        row = json.loads(json.dumps(rows[i % len(rows)]))
        row["id"] = first_id + i
        for key in ("username", "idnumber"):
            if row.get(key):
                row[key] = f"{row[key]}-{i}"
        if row.get("email"):
            local, _, domain = row["email"].partition("@")
            row["email"] = f"{local}-{i}@{domain}"
        scaled.append(row)
    return scaled


@dataclass(frozen=True)
class Call:
    """One request the stub received (token left out of ``params``; ``body`` is raw)."""

    function: str
    params: Params
    token: str | None
    query: Params
    body: str = ""

    @property
    def form(self) -> dict[str, str]:
        """``params`` as a dict."""
        return dict(self.params)

    def options(self) -> dict[str, str]:
        """``options[i][name]`` / ``options[i][value]`` pairs as ``{name: value}``."""
        form = self.form
        found: dict[str, str] = {}
        index = 0
        while f"options[{index}][name]" in form:
            found[form[f"options[{index}][name]"]] = form.get(f"options[{index}][value]", "")
            index += 1
        return found


@dataclass
class _Route:
    function: str
    matches: Callable[[Call], bool]
    answer: Callable[[Call], Answer]
    times: int | None = None
    used: int = field(default=0)


class MoodleStub:
    """A fake Moodle REST endpoint on a ``responses`` mock, answering with recorded files.

    Routes are tried in the order added; a route with ``times`` is used that many
    times and then skipped. Safe to call from several threads.
    """

    def __init__(
        self,
        rsps: responses.RequestsMock,
        *,
        base_url: str = BASE_URL,
        token: str = TOKEN,
    ) -> None:
        self.rsps = rsps
        """The mock itself, for stubbing other endpoints (LTI services) beside Moodle's REST."""
        self.base_url = base_url
        self.token = token
        self.calls: list[Call] = []
        self.hooks: list[Callable[[Call], None]] = []
        """Called with each call before it is answered, outside the stub's lock."""
        self._routes: list[_Route] = []
        self._lock = threading.Lock()
        rsps.add_callback(responses.POST, base_url + ENDPOINT, callback=self._handle)

    # -------------------------------------------------------------- routes

    def add_fixture(
        self,
        name: str,
        *,
        params: str | Mapping[str, str] | Callable[[Call], bool] | None = "recorded",
        times: int | None = None,
    ) -> MoodleStub:
        """Serve recorded file ``name`` for its function.

        ``params="recorded"`` (default) answers only the exact recorded fields in
        the recorded order; ``None`` answers any parameters; a mapping answers
        calls carrying at least those fields; a callable decides from the call.
        """
        entry = index_entry(name)
        body = fixture_bytes(name)
        status = int(entry["http_status"])
        content_type = entry["content_type"]
        self._add(
            entry["wsfunction"],
            _matcher(params, recorded_params(name)),
            lambda call: (status, {"Content-Type": content_type}, body),
            times,
        )
        return self

    def add_json(
        self,
        function: str,
        body: Any,
        *,
        params: Mapping[str, str] | Callable[[Call], bool] | None = None,
        status: int = 200,
        content_type: str = "application/json",
        headers: Mapping[str, str] | None = None,
        times: int | None = None,
    ) -> MoodleStub:
        """Serve ``body`` (JSON-encoded unless bytes) for ``function``."""
        raw = body if isinstance(body, bytes) else _dumps(body)
        all_headers = {"Content-Type": content_type, **dict(headers or {})}
        self._add(
            function,
            _matcher(params, []),
            lambda call: (status, all_headers, raw),
            times,
        )
        return self

    def add_raise(
        self,
        function: str,
        exc: BaseException | Callable[[], BaseException],
        *,
        times: int | None = None,
    ) -> MoodleStub:
        """Raise ``exc`` (e.g. ``requests.ConnectionError``) when ``function`` is called."""

        def answer(call: Call) -> Answer:
            raise exc() if callable(exc) and not isinstance(exc, BaseException) else exc

        self._add(function, lambda call: True, answer, times)
        return self

    def add_callback(
        self,
        function: str,
        answer: Callable[[Call], Any],
        *,
        params: Mapping[str, str] | Callable[[Call], bool] | None = None,
        times: int | None = None,
    ) -> MoodleStub:
        """Answer ``function`` with ``answer(call)``: a JSON-able body served with HTTP 200.

        For answers derived from recorded bodies (a filtered listing, one of
        several recorded files chosen by the parameters). ``answer`` may raise,
        e.g. ``requests.ConnectionError``, to fail the call.
        """

        def respond(call: Call) -> Answer:
            body = answer(call)
            raw = body if isinstance(body, bytes) else _dumps(body)
            return 200, {"Content-Type": "application/json"}, raw

        self._add(function, _matcher(params, []), respond, times)
        return self

    def add_courses(
        self,
        listing: str = "core_course_get_courses_by_field__all.json",
        *,
        courses: Sequence[Mapping[str, Any]] | None = None,
    ) -> MoodleStub:
        """Answer ``core_course_get_courses_by_field`` from the recorded listing of every course.

        Applies ``field`` = ``id``, ``ids``, ``category`` or ``shortname`` (or
        none: everything) the way Moodle does: unknown ids are simply absent.
        ``courses`` replaces the listing's courses. The derivation is checked
        against the recorded narrower answers in ``test_fixtures.py``.
        """
        rows = list(courses) if courses is not None else load_fixture(listing)["courses"]
        self.add_callback(
            "core_course_get_courses_by_field", lambda call: courses_answer(rows, call.form)
        )
        return self

    def add_enrolled_course(
        self,
        course_id: int,
        listing: str,
        *,
        suspended: str | None = None,
        rows: Sequence[Mapping[str, Any]] | None = None,
        suspended_ids: Iterable[int] | None = None,
    ) -> MoodleStub:
        """Answer every ``core_enrol_get_enrolled_users`` call for ``course_id``.

        ``listing`` is the recorded default answer for the course (all
        enrolments); ``suspended`` the recorded ``onlysuspended=1`` answer.
        ``rows`` replaces the listing's rows (a bench's larger course built from
        recorded users, or a course where some users left); ``suspended_ids``
        replaces the suspended users. Without either, ``onlysuspended`` returns ``[]``.
        """
        all_rows = list(rows) if rows is not None else load_fixture(listing)
        if suspended_ids is not None:
            suspended_ids = set(suspended_ids)
        else:
            suspended_ids = {row["id"] for row in load_fixture(suspended)} if suspended else set()

        def answer(call: Call) -> Answer:
            options = call.options()
            if options.get("onlysuspended") == "1":
                chosen = [row for row in all_rows if row["id"] in suspended_ids]
            elif options.get("onlyactive") == "1":
                chosen = [row for row in all_rows if row["id"] not in suspended_ids]
            else:
                chosen = all_rows
            return 200, {"Content-Type": "application/json"}, _dumps(paged_answer(chosen, options))

        self._add(
            "core_enrol_get_enrolled_users",
            lambda call: call.form.get("courseid") == str(course_id),
            answer,
            None,
        )
        return self

    def add_users_by_id(
        self,
        listing: str = "core_user_get_users__invalid_criteria_key_returns_all.json",
        *,
        users: Sequence[Mapping[str, Any]] | None = None,
    ) -> MoodleStub:
        """Answer ``core_user_get_users_by_field`` with ``field=id`` from a recorded user listing.

        The default listing is ``core_user_get_users`` answering with all 47 users;
        its user objects are identical to ``core_user_get_users_by_field``'s
        (checked in ``test_fixtures.py``). ``users`` replaces the listing (e.g.
        :func:`scale_rows` of it). Unknown ids are left out, as Moodle does.
        """
        if users is None:
            body = load_fixture(listing)
            users = body["users"] if isinstance(body, Mapping) else body

        def answer(call: Call) -> Answer:
            wanted = {value for key, value in call.params if key.startswith("values[")}
            found = [user for user in users if str(user["id"]) in wanted]
            return 200, {"Content-Type": "application/json"}, _dumps(found)

        self._add(
            "core_user_get_users_by_field",
            lambda call: call.form.get("field") == "id",
            answer,
            None,
        )
        return self

    # -------------------------------------------------------------- inspection

    def calls_to(self, function: str) -> list[Call]:
        """The calls received for one function, in order."""
        with self._lock:
            return [call for call in self.calls if call.function == function]

    def answer_past(self, call: Call, skip: int) -> Answer:
        """What the routes after the first ``skip`` would answer ``call`` (for faults derived from it).

        Does not count the use of the route that answers.
        """
        with self._lock:
            route = next(
                (
                    r
                    for r in self._routes[skip:]
                    if r.function == call.function and (r.times is None or r.used < r.times) and r.matches(call)
                ),
                None,
            )
        if route is None:
            raise AssertionError(f"unexpected Moodle call {call.function} {call.params}")
        return route.answer(call)

    @property
    def route_count(self) -> int:
        """How many routes were added so far."""
        with self._lock:
            return len(self._routes)

    # -------------------------------------------------------------- internals

    def _add(
        self,
        function: str,
        matches: Callable[[Call], bool],
        answer: Callable[[Call], Answer],
        times: int | None,
    ) -> None:
        with self._lock:
            self._routes.append(_Route(function, matches, answer, times))

    def _handle(self, request: Any) -> Answer:
        query = parse_qsl(urlsplit(request.url).query, keep_blank_values=True)
        raw = request.body or b""
        text = raw.decode("utf-8") if isinstance(raw, bytes) else raw
        form = parse_qsl(text, keep_blank_values=True)
        merged = dict(query) | dict(form)
        function = merged.get("wsfunction", "")
        token = merged.get("wstoken")
        params = [
            (key, value)
            for key, value in form
            if key not in ("wstoken", "wsfunction", "moodlewsrestformat")
        ]
        call = Call(function=function, params=params, token=token, query=query, body=text)
        with self._lock:
            self.calls.append(call)
            if token != self.token:
                return (
                    200,
                    {"Content-Type": "application/json"},
                    fixture_bytes("core_webservice_get_site_info__error_invalid_token.json"),
                )
            route = next(
                (
                    r
                    for r in self._routes
                    if r.function == function
                    and (r.times is None or r.used < r.times)
                    and r.matches(call)
                ),
                None,
            )
            if route is None:
                raise AssertionError(f"unexpected Moodle call {function} {params}")
            route.used += 1
        for hook in self.hooks:
            hook(call)
        return route.answer(call)


def _dumps(body: Any) -> bytes:
    return json.dumps(body, ensure_ascii=False).encode("utf-8")


def _matcher(
    params: str | Mapping[str, str] | Callable[[Call], bool] | None, recorded: Params
) -> Callable[[Call], bool]:
    if params is None:
        return lambda call: True
    if params == "recorded":
        return lambda call: call.params == recorded
    if callable(params):
        return params
    if isinstance(params, Mapping):
        wanted = {key: str(value) for key, value in params.items()}
        return lambda call: all(call.form.get(k) == v for k, v in wanted.items())
    raise TypeError(f"params must be 'recorded', None, a mapping or a callable, not {params!r}")
