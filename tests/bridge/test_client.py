"""The transport: request shape, sessions and timeouts, retry policy, token secrecy, warnings."""

from __future__ import annotations

import json
import logging
import socket
import traceback
from collections.abc import Callable
from typing import Any
from urllib.parse import quote_plus

import pytest
import requests

from moodle_plugin_bridge import (
    Backoff,
    MoodleClient,
    MoodleError,
    MoodleTransportError,
    MoodleWarning,
    OutgoingMessage,
)
from moodle_plugin_bridge.retry import parse_retry_after
from tests.bridge.fixtures import (
    BASE_URL,
    ENDPOINT,
    TOKEN,
    MoodleStub,
    index_entry,
    load_fixture,
)

KHMER_HTML = "<p>សូមជម្រាបសួរ! Reminder: please complete the <b>LIP self-assessment</b> survey.</p>"


def two_messages() -> list[OutgoingMessage]:
    return [
        OutgoingMessage(to_user_id=33, text=KHMER_HTML, client_msg_id="lipassess-reminder-0002"),
        OutgoingMessage(
            to_user_id=36,
            text="Reminder: please complete the LIP self-assessment survey.",
            text_format=2,
            client_msg_id="lipassess-reminder-0003",
        ),
    ]


# ---------------------------------------------------------------- request shape

HIGH_LEVEL_CALLS: list[tuple[str, Callable[[MoodleClient], Any]]] = [
    ("core_webservice_get_site_info__default.json", lambda c: c.site_info()),
    ("core_course_get_courses_by_field__all.json", lambda c: c.courses()),
    ("core_course_get_courses_by_field__category.json", lambda c: c.courses_in_category(2)),
    ("core_course_get_courses_by_field__ids.json", lambda c: c.courses([2, 4])),
    (
        "core_course_get_courses_by_field__shortname.json",
        lambda c: c.course_by_shortname("LIP-C6-2024"),
    ),
    ("core_user_get_users_by_field__id.json", lambda c: c.users_by_id([10, 28, 29, 43])),
    ("gradereport_user_get_grade_items__c6_all_users.json", lambda c: c.grade_items(3)),
    (
        "core_completion_get_course_completion_status__complete.json",
        lambda c: c.course_completion(2, [5]),
    ),
    ("core_cohort_get_cohorts__all.json", lambda c: c.cohorts()),
    ("core_cohort_get_cohorts__by_ids.json", lambda c: c.cohorts([1, 3])),
    ("core_cohort_get_cohort_members__all.json", lambda c: c.cohort_members([1, 2, 3])),
    (
        "core_message_send_instant_messages__success_two.json",
        lambda c: c.send_messages(two_messages()),
    ),
]


@pytest.mark.parametrize(
    ("fixture", "call"), HIGH_LEVEL_CALLS, ids=[c[0] for c in HIGH_LEVEL_CALLS]
)
def test_each_call_is_the_recorded_request_with_the_token_in_the_body(
    client: MoodleClient, stub: MoodleStub, fixture: str, call: Callable[[MoodleClient], Any]
) -> None:
    stub.add_fixture(fixture)
    call(client)
    (sent,) = stub.calls
    entry = index_entry(fixture)
    recorded = entry["request_body"]
    assert sent.body == f"wstoken={TOKEN}" + (f"&{recorded}" if recorded else "")
    assert sent.query == [("wsfunction", entry["wsfunction"]), ("moodlewsrestformat", "json")]


def test_requests_go_to_the_rest_endpoint_by_post(stub: MoodleStub, rsps: Any) -> None:
    stub.add_fixture("core_webservice_get_site_info__default.json")
    with MoodleClient(BASE_URL + "/", TOKEN) as moodle:
        assert moodle.base_url == BASE_URL
        moodle.site_info()
    (request_call,) = rsps.calls
    assert request_call.request.method == "POST"
    assert request_call.request.url.split("?")[0] == BASE_URL + ENDPOINT
    assert request_call.request.headers["Content-Type"] == "application/x-www-form-urlencoded"
    assert request_call.request.headers["Accept"] == "application/json"


# ---------------------------------------------------------------- sessions and timeouts


class RecordingSession(requests.Session):
    """A real session that remembers the timeout of every request it sends."""

    def __init__(self) -> None:
        super().__init__()
        self.timeouts: list[Any] = []
        self.closed = False

    def request(self, method: str | bytes, url: str | bytes, *args: Any, **kwargs: Any) -> Any:
        self.timeouts.append(kwargs.get("timeout"))
        return super().request(method, url, *args, **kwargs)

    def close(self) -> None:
        self.closed = True
        super().close()


def test_every_call_has_a_timeout_including_worker_threads(stub: MoodleStub) -> None:
    made: list[RecordingSession] = []

    def factory() -> RecordingSession:
        made.append(RecordingSession())
        return made[-1]

    stub.add_fixture("core_webservice_get_site_info__default.json")
    stub.add_fixture("core_completion_get_course_completion_status__complete.json")
    stub.add_fixture("core_completion_get_course_completion_status__incomplete.json")
    with MoodleClient(BASE_URL, TOKEN, session_factory=factory, timeout=(2, 7)) as moodle:
        moodle.site_info()
        moodle.course_completion(2, [5, 18], max_workers=2)
    assert sum(len(s.timeouts) for s in made) == 3
    assert all(t == (2, 7) for s in made for t in s.timeouts)


def test_each_client_owns_its_session_and_closes_only_its_own() -> None:
    one = MoodleClient(BASE_URL, TOKEN)
    two = MoodleClient(BASE_URL, TOKEN)
    assert one._session is not two._session
    assert "_session" not in vars(MoodleClient)
    lent = RecordingSession()
    three = MoodleClient(BASE_URL, TOKEN, session=lent)
    assert three._session is lent
    for client in (one, two, three):
        client.close()
    assert lent.closed is False
    with pytest.raises(RuntimeError, match="closed"):
        one.site_info()


@pytest.mark.parametrize(
    ("base_url", "token", "extra"),
    [("", TOKEN, {}), ("ftp://lms.example.org", TOKEN, {}), ("lms.example.org", TOKEN, {}),
     ("https://lms.example.org/?x=1", TOKEN, {}), (BASE_URL, "", {}), (BASE_URL, "   ", {}),
     (BASE_URL, TOKEN, {"timeout": 0}), (BASE_URL, TOKEN, {"timeout": (5, None)}),
     (BASE_URL, TOKEN, {"max_retries": -1})],
)  # fmt: skip
def test_bad_configuration_is_refused(base_url: str, token: str, extra: dict[str, Any]) -> None:
    with pytest.raises((ValueError, TypeError)):
        MoodleClient(base_url, token, **extra)


def test_one_number_is_both_timeouts() -> None:
    with MoodleClient(BASE_URL, TOKEN, timeout=12) as moodle:
        assert moodle.timeout == (12, 12)


def test_a_call_over_max_input_vars_is_refused_before_sending(stub: MoodleStub) -> None:
    with MoodleClient(BASE_URL, TOKEN, max_input_vars=10) as moodle:
        with pytest.raises(ValueError, match="max_input_vars"):
            moodle.read("core_user_get_users_by_field", {"field": "id", "values": list(range(9))})
    assert stub.calls == []


def test_function_names_are_checked(client: MoodleClient) -> None:
    with pytest.raises(ValueError):
        client.read("core_webservice_get_site_info&wstoken=x")


# ---------------------------------------------------------------- retry policy


def test_backoff_schedule_is_exponential_and_capped() -> None:
    backoff = Backoff(base=0.5, factor=2, cap=4)
    assert backoff.schedule(7) == (0.5, 1.0, 2.0, 4, 4, 4, 4)
    assert backoff.delay(1000) == 4
    assert Backoff(base=1, factor=3, cap=100).schedule(4) == (1, 3, 9, 27)
    assert Backoff(base=2, factor=1, cap=10).schedule(3) == (2, 2, 2)
    assert backoff.schedule(0) == ()


def test_retry_after_lengthens_a_wait_but_never_past_the_cap() -> None:
    backoff = Backoff(base=0.5, factor=2, cap=4)
    assert backoff.delay(0, retry_after=3) == 3
    assert backoff.delay(0, retry_after=60) == 4
    assert backoff.delay(2, retry_after=0.1) == 2.0
    assert parse_retry_after(" 12 ") == 12.0
    assert parse_retry_after("-1") is None
    assert parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT") is None


@pytest.mark.parametrize(
    "kwargs", [{"base": -1}, {"cap": -1}, {"factor": 0.5}], ids=["base", "cap", "factor"]
)
def test_backoff_refuses_nonsense(kwargs: dict[str, float]) -> None:
    with pytest.raises(ValueError):
        Backoff(**kwargs)


def test_reads_are_retried_until_they_succeed(
    client: MoodleClient, stub: MoodleStub, sleeps: list[float]
) -> None:
    stub.add_json("core_webservice_get_site_info", b"", status=503, times=2)
    stub.add_fixture("core_webservice_get_site_info__default.json")
    assert client.site_info().release == "4.5 (Build: 20241007)"
    assert len(stub.calls) == 3
    assert sleeps == [0.5, 1.0]


def test_reads_give_up_after_max_retries_with_capped_waits(stub: MoodleStub) -> None:
    sleeps: list[float] = []
    stub.add_raise("core_webservice_get_site_info", lambda: requests.ConnectionError("reset"))
    with MoodleClient(
        BASE_URL, TOKEN, max_retries=6, backoff=Backoff(base=0.5, cap=4), sleep=sleeps.append
    ) as moodle:
        with pytest.raises(MoodleTransportError, match="gave up after 7 attempts"):
            moodle.site_info()
    assert len(stub.calls) == 7
    assert sleeps == [0.5, 1.0, 2.0, 4, 4, 4]


def test_no_retry_when_max_retries_is_zero(stub: MoodleStub) -> None:
    stub.add_json("core_webservice_get_site_info", b"", status=502)
    with MoodleClient(BASE_URL, TOKEN, max_retries=0, sleep=pytest.fail) as moodle:
        with pytest.raises(MoodleTransportError) as caught:
            moodle.site_info()
    assert "gave up" not in caught.value.message
    assert len(stub.calls) == 1


def test_writes_are_never_retried_after_a_5xx(
    client: MoodleClient, stub: MoodleStub, sleeps: list[float]
) -> None:
    stub.add_json("core_message_send_instant_messages", b"", status=503)
    with pytest.raises(MoodleTransportError) as caught:
        client.send_messages(two_messages())
    assert len(stub.calls) == 1
    assert sleeps == []
    assert caught.value.retryable is False
    assert "may or may not have been applied" in caught.value.message


def test_writes_are_never_retried_after_a_read_timeout(
    client: MoodleClient, stub: MoodleStub, sleeps: list[float]
) -> None:
    stub.add_raise("core_message_send_instant_messages", requests.ReadTimeout("read timed out"))
    with pytest.raises(MoodleTransportError) as caught:
        client.send_messages(two_messages())
    assert (len(stub.calls), sleeps, caught.value.retryable) == (1, [], False)


def test_a_refused_write_is_not_retried_but_marked_safe_to_resend() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    sleeps: list[float] = []
    with MoodleClient(f"http://127.0.0.1:{port}", TOKEN, sleep=sleeps.append) as moodle:
        with pytest.raises(MoodleTransportError) as caught:
            moodle.write("core_message_send_instant_messages", {"messages": [{"touserid": 33}]})
    assert sleeps == []
    assert caught.value.retryable is True
    assert "gave up" not in caught.value.message


# ---------------------------------------------------------------- token secrecy


def all_text(err: BaseException) -> str:
    return "\n".join(
        [
            str(err),
            repr(err),
            json.dumps(getattr(err, "to_dict", dict)()),
            *traceback.format_exception(err),
        ]
    )


def test_repr_and_str_of_the_client_hide_the_token() -> None:
    with MoodleClient(BASE_URL, TOKEN) as moodle:
        assert TOKEN not in repr(moodle) and TOKEN not in str(moodle)
        assert "[REDACTED]" in repr(moodle)


@pytest.mark.parametrize(
    "leak",
    [TOKEN, quote_plus(TOKEN), f"{BASE_URL}{ENDPOINT}?wstoken={TOKEN}&wsfunction=x"],
    ids=["plain", "urlencoded", "in-url"],
)
def test_token_in_a_transport_exception_is_redacted(
    client: MoodleClient, stub: MoodleStub, leak: str
) -> None:
    # A ConnectionError the way urllib3 words it, with the URL (and here the token) inside.
    stub.add_raise(
        "core_webservice_get_site_info",
        lambda: requests.ConnectionError(
            f"HTTPConnectionPool(host='127.0.0.1', port=8080): Max retries exceeded with url: "
            f"{leak} (Caused by NewConnectionError('[Errno 111] Connection refused {leak}'))"
        ),
    )
    with pytest.raises(MoodleTransportError) as caught:
        client.site_info()
    assert TOKEN not in all_text(caught.value)
    assert caught.value.__context__ is None and caught.value.__cause__ is None


def test_token_never_in_real_connection_errors_or_logs(
    caplog: pytest.LogCaptureFixture,
) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    caplog.set_level(logging.DEBUG, logger="moodle_plugin_bridge")
    with MoodleClient(f"http://127.0.0.1:{port}", TOKEN, sleep=lambda s: None) as moodle:
        with pytest.raises(MoodleError) as caught:
            moodle.site_info()
    assert TOKEN not in all_text(caught.value)
    assert caplog.records, "the retries were logged"
    for record in caplog.records:
        assert TOKEN not in record.getMessage()


def test_token_never_in_logs_of_successes_warnings_and_errors(
    client: MoodleClient, stub: MoodleStub, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger="moodle_plugin_bridge")
    stub.add_json("core_webservice_get_site_info", b"", status=503, times=1)
    stub.add_fixture("core_webservice_get_site_info__default.json")
    stub.add_fixture("core_user_get_users__invalid_criteria_key_returns_all.json")
    stub.add_fixture("core_enrol_get_enrolled_users__error_nopermission.json", params=None)
    client.site_info()
    client.read("core_user_get_users", {"criteria": [{"key": "city", "value": "Kampot"}]})
    with pytest.raises(MoodleError) as caught:
        client.read("core_enrol_get_enrolled_users", {"courseid": 3})
    assert TOKEN not in all_text(caught.value)
    assert len(caplog.records) >= 3
    for record in caplog.records:
        assert TOKEN not in record.getMessage()
    for call in stub.calls:
        assert all(key != "wstoken" for key, _ in call.query), "token never in the URL"
        assert call.token == TOKEN


# ---------------------------------------------------------------- warnings


def test_moodle_warnings_are_logged(
    client: MoodleClient, stub: MoodleStub, caplog: pytest.LogCaptureFixture
) -> None:
    stub.add_fixture("core_user_get_users__invalid_criteria_key_returns_all.json")
    answer = client.read("core_user_get_users", {"criteria": [{"key": "city", "value": "Kampot"}]})
    assert len(answer["users"]) == 47
    (record,) = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert record.name == "moodle_plugin_bridge.client"
    assert "core_user_get_users" in record.getMessage()
    assert "invalidfieldparameter" in record.getMessage()
    assert "The search key 'city' is not supported" in record.getMessage()


def test_moodle_warnings_are_returned_with_the_records(
    client: MoodleClient, stub: MoodleStub, caplog: pytest.LogCaptureFixture
) -> None:
    # The recorded grade report with the recorded warning object of core_user_get_users
    # placed in its (recorded, empty) warnings list.
    body = load_fixture("gradereport_user_get_grade_items__c6_all_users.json")
    warning = load_fixture("core_user_get_users__invalid_criteria_key_returns_all.json")["warnings"]
    stub.add_json("gradereport_user_get_grade_items", {**body, "warnings": warning})
    report = client.grade_items(3)
    assert report.warnings == (
        MoodleWarning(
            item="city",
            warningcode="invalidfieldparameter",
            message="The search key 'city' is not supported, look at the web service documentation",
        ),
    )
    assert len(report) == 14
    assert any("invalidfieldparameter" in r.getMessage() for r in caplog.records)


@pytest.mark.parametrize("base_url", ["https://[::1", "http://[x]/", "https://lms.example.org]/"])
def test_a_base_url_that_cannot_be_read_says_what_to_give(base_url: str) -> None:
    with pytest.raises(ValueError, match=r"^base_url must be the Moodle site's http\(s\) address"):
        MoodleClient(base_url, "token")
