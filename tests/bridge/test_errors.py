"""One test per row of the error mapping, each through the client's single choke point.

Moodle rows use the recorded error answers of the real site. The class-fallback
rows reuse a recorded error body with only its ``errorcode`` replaced by one
lipassess does not know (the shape stays Moodle's). Transport rows use real
sockets where the fault can be produced locally (connection refused, a server
that never answers) and ``responses`` for HTTP statuses.
"""

from __future__ import annotations

import json
import socket
from collections.abc import Iterator
from typing import Any

import pytest
import requests

from moodle_plugin_bridge import (
    MoodleAccessError,
    MoodleAuthError,
    MoodleClient,
    MoodleError,
    MoodleFunctionUnavailable,
    MoodleInvalidParameter,
    MoodleNotEnrolled,
    MoodleNotFound,
    MoodleProtocolError,
    MoodleTransportError,
)
from moodle_plugin_bridge.errors import from_moodle_exception
from tests.bridge.fixtures import (
    BASE_URL,
    TOKEN,
    MoodleStub,
    fixture_bytes,
    index_entry,
    load_fixture,
    recorded_params,
)


def call_recorded(client: MoodleClient, stub: MoodleStub, fixture: str) -> MoodleError:
    """Replay the recorded call of ``fixture`` through the client; return the error raised."""
    stub.add_fixture(fixture)
    entry = index_entry(fixture)
    params = recorded_params(fixture)
    # The recorded fields are already flat PHP keys; flatten() passes them through unchanged.
    with pytest.raises(MoodleError) as caught:
        client.read(entry["wsfunction"], dict(params))
    assert stub.calls[-1].params == params
    return caught.value


def assert_well_formed(err: MoodleError, function: str, errorcode: str | None) -> None:
    assert err.function == function
    assert err.errorcode == errorcode
    assert "\n" not in err.message
    assert err.message.startswith(f"{function}: ")
    assert TOKEN not in err.message and TOKEN not in repr(err)
    assert TOKEN not in json.dumps(err.to_dict())


# ---------------------------------------------------------------- Moodle's own errors

MOODLE_ROWS: list[tuple[str, type[MoodleError], str, tuple[str, ...]]] = [
    # (recorded fixture, raised type, errorcode, phrases the admin's fix must contain)
    (
        "core_webservice_get_site_info__error_invalid_token.json",
        MoodleAuthError,
        "invalidtoken",
        ("token is wrong, expired or deleted", "Manage tokens", "'lipassess'"),
    ),
    (
        "core_webservice_get_site_info__error_missing_token.json",
        MoodleAuthError,
        "invalidtoken",
        ("token is wrong, expired or deleted",),
    ),
    (
        "core_user_create_users__error_not_in_service.json",
        MoodleFunctionUnavailable,
        "accessexception",
        ("Add the function core_user_create_users to the external service 'lipassess'",),
    ),
    (
        "core_grades_get_grades__error_function_missing.json",
        MoodleFunctionUnavailable,
        "invalidrecord",
        ("no web-service function core_grades_get_grades", "gradereport_user_get_grade_items"),
    ),
    (
        "core_enrol_get_enrolled_users__error_course_not_found.json",
        MoodleNotFound,
        "invalidrecord",
        ("no course with the id given",),
    ),
    (
        "core_course_get_contents__error_course_not_found.json",
        MoodleNotFound,
        "invalidrecord",
        ("no course with the id given",),
    ),
    (
        "core_cohort_get_cohort_members__not_found.json",
        MoodleNotFound,
        "invalidrecord",
        ("no cohort with the id given",),
    ),
    (
        "core_group_get_group_members__error_not_found.json",
        MoodleNotFound,
        "invalidrecord",
        ("no group with the id given",),
    ),
    (
        "core_grades_update_grades__error_invalid_cm.json",
        MoodleNotFound,
        "invalidcoursemodule",
        ("check the id",),
    ),
    (
        "core_completion_get_course_completion_status__error_not_enrolled.json",
        MoodleNotEnrolled,
        "usernotenroled",
        ("not enrolled", "suspended"),
    ),
    (
        "core_completion_get_course_completion_status__error_suspended_enrolment.json",
        MoodleNotEnrolled,
        "usernotenroled",
        ("not enrolled", "suspended"),
    ),
    (
        "core_enrol_get_enrolled_users__error_nopermission.json",
        MoodleAccessError,
        "nopermissions",
        ("View participants", "grant the capability moodle/course:viewparticipants"),
    ),
    (
        "gradereport_user_get_grade_items__error_nopermission.json",
        MoodleAccessError,
        "nopermissions",
        ("grant the capability gradereport/user:view", "Define roles"),
    ),
    (
        "core_group_get_course_groups__error_nopermission.json",
        MoodleAccessError,
        "nopermissions",
        ("grant the capability moodle/course:managegroups",),
    ),
    (
        "core_completion_get_activities_completion_status__error_nopermission.json",
        MoodleAccessError,
        "nopermissions",
        ("grant the capability report/progress:view",),
    ),
    (
        "core_grades_update_grades__error_nopermission.json",
        MoodleAccessError,
        "nopermissiontoviewgrades",
        ("needs moodle/grade:edit",),
    ),
    (
        "core_course_get_categories__error_idnumber_needs_manage.json",
        MoodleAccessError,
        "criteriaerror",
        ("needs moodle/category:manage",),
    ),
    (
        "core_enrol_get_enrolled_users__error_missing_courseid.json",
        MoodleInvalidParameter,
        "invalidparameter",
        ("rejected the parameters",),
    ),
    (
        "core_enrol_get_enrolled_users__error_courseid_not_int.json",
        MoodleInvalidParameter,
        "invalidparameter",
        ("rejected the parameters",),
    ),
    (
        "core_course_get_courses_by_field__error_invalid_field.json",
        MoodleInvalidParameter,
        "invalidparameter",
        ("rejected the parameters",),
    ),
    (
        "core_user_get_users_by_field__error_invalid_field.json",
        MoodleInvalidParameter,
        "codingerror",
        ("invalid field parameter",),
    ),
]


@pytest.mark.parametrize(
    ("fixture", "kind", "errorcode", "phrases"), MOODLE_ROWS, ids=[r[0] for r in MOODLE_ROWS]
)
def test_recorded_moodle_error_maps_to_its_kind(
    client: MoodleClient,
    stub: MoodleStub,
    fixture: str,
    kind: type[MoodleError],
    errorcode: str,
    phrases: tuple[str, ...],
) -> None:
    err = call_recorded(client, stub, fixture)
    assert type(err) is kind
    assert_well_formed(err, index_entry(fixture)["wsfunction"], errorcode)
    assert err.exception == load_fixture(fixture)["exception"]
    assert err.debuginfo is None
    assert err.retryable is False
    for phrase in phrases:
        assert phrase in err.message
    # Moodle's own message is quoted, so nothing it said is lost.
    assert load_fixture(fixture)["message"] in err.message
    # Moodle errors are answers, not faults: never retried.
    assert len(stub.calls) == 1


def test_every_recorded_error_fixture_has_a_row() -> None:
    from tests.bridge.fixtures import index

    error_files = {
        name
        for name in index()
        if name.endswith(".json") and "exception" in fixture_bytes(name).decode("utf-8")[:200]
    }
    assert error_files == {row[0] for row in MOODLE_ROWS}


def test_access_error_names_the_capability_attribute(
    client: MoodleClient, stub: MoodleStub
) -> None:
    err = call_recorded(client, stub, "core_enrol_get_enrolled_users__error_nopermission.json")
    assert isinstance(err, MoodleAccessError)
    assert err.capability == "moodle/course:viewparticipants"


CLASS_FALLBACK_ROWS = [
    ("core_enrol_get_enrolled_users__error_nopermission.json", MoodleAccessError),
    ("core_enrol_get_enrolled_users__error_course_not_found.json", MoodleNotFound),
    ("core_enrol_get_enrolled_users__error_courseid_not_int.json", MoodleInvalidParameter),
    ("core_user_create_users__error_not_in_service.json", MoodleFunctionUnavailable),
    ("core_grades_update_grades__error_invalid_cm.json", MoodleError),
]


@pytest.mark.parametrize(("fixture", "kind"), CLASS_FALLBACK_ROWS)
def test_unknown_errorcode_falls_back_on_the_exception_class(
    fixture: str, kind: type[MoodleError]
) -> None:
    body = {**load_fixture(fixture), "errorcode": "somethingnew"}
    err = from_moodle_exception("some_function", body)
    assert type(err) is kind
    assert err.errorcode == "somethingnew"
    assert err.message.startswith("some_function: ")


def test_capability_id_in_debuginfo_wins_and_token_is_redacted(
    client: MoodleClient, stub: MoodleStub
) -> None:
    # With site debugging on Moodle adds "debuginfo"; here it (improbably) echoes the token.
    body = {
        **load_fixture("gradereport_user_get_grade_items__error_nopermission.json"),
        "debuginfo": f"moodle/grade:viewall wstoken={TOKEN}",
    }
    stub.add_json("gradereport_user_get_grade_items", body)
    with pytest.raises(MoodleAccessError) as caught:
        client.grade_items(3)
    assert caught.value.capability == "moodle/grade:viewall"
    assert TOKEN not in (caught.value.debuginfo or "")
    assert "[REDACTED]" in (caught.value.debuginfo or "")


def test_service_name_in_the_fix_is_configurable(stub: MoodleStub) -> None:
    stub.add_fixture("core_user_create_users__error_not_in_service.json", params=None)
    with MoodleClient(BASE_URL, TOKEN, service="rsa_surveys") as other:
        with pytest.raises(MoodleFunctionUnavailable, match="external service 'rsa_surveys'"):
            other.write("core_user_create_users", {})


# ---------------------------------------------------------------- transport rows


@pytest.fixture
def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def silent_server() -> Iterator[int]:
    """A TCP server that accepts connections (kernel backlog) and never answers."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(8)
    try:
        yield server.getsockname()[1]
    finally:
        server.close()


def test_connection_refused_is_a_retryable_transport_error(closed_port: int) -> None:
    sleeps: list[float] = []
    with MoodleClient(f"http://127.0.0.1:{closed_port}", TOKEN, sleep=sleeps.append) as moodle:
        with pytest.raises(MoodleTransportError) as caught:
            moodle.site_info()
    err = caught.value
    assert err.retryable is True
    assert "could not be reached" in err.message and "Connection refused" in err.message
    assert "gave up after 4 attempts" in err.message
    assert len(sleeps) == 3
    assert_well_formed(err, "core_webservice_get_site_info", None)
    assert err.__context__ is None and err.__cause__ is None


def test_read_timeout_is_a_retryable_transport_error(silent_server: int) -> None:
    with MoodleClient(
        f"http://127.0.0.1:{silent_server}", TOKEN, timeout=(1, 0.2), max_retries=0
    ) as moodle:
        with pytest.raises(MoodleTransportError) as caught:
            moodle.grade_items(3)
    assert "did not answer within 0.2 s (read timeout)" in caught.value.message
    assert caught.value.retryable is True
    assert_well_formed(caught.value, "gradereport_user_get_grade_items", None)


def test_connect_timeout_is_a_transport_error(client: MoodleClient, stub: MoodleStub) -> None:
    stub.add_raise("core_webservice_get_site_info", requests.ConnectTimeout("connect timed out"))
    with pytest.raises(MoodleTransportError, match=r"within 5 s \(connect timeout\)"):
        client.site_info()


@pytest.mark.parametrize("status", [500, 502, 503, 504])
def test_5xx_is_a_retryable_transport_error(
    client: MoodleClient, stub: MoodleStub, status: int
) -> None:
    stub.add_json("core_webservice_get_site_info", b"<html>Bad gateway</html>", status=status)
    with pytest.raises(MoodleTransportError) as caught:
        client.site_info()
    assert caught.value.http_status == status
    assert caught.value.retryable is True
    assert len(stub.calls) == 4  # first try + 3 retries
    assert_well_formed(caught.value, "core_webservice_get_site_info", None)


def test_429_is_a_transport_error_carrying_retry_after(
    client: MoodleClient, stub: MoodleStub, sleeps: list[float]
) -> None:
    stub.add_json(
        "core_webservice_get_site_info", b"", status=429, headers={"Retry-After": "3"}, times=1
    )
    stub.add_fixture("core_webservice_get_site_info__default.json")
    assert client.site_info().username == "lipassess_ws"
    assert sleeps == [3.0]


def test_403_means_web_services_or_rest_are_disabled(
    client: MoodleClient, stub: MoodleStub
) -> None:
    # webservice/rest/server.php answers "HTTP/1.0 403 Forbidden" with no body when
    # web services or the REST protocol are off.
    stub.add_json("core_webservice_get_site_info", b"", status=403)
    with pytest.raises(MoodleAccessError) as caught:
        client.site_info()
    assert "enable web services" in caught.value.message
    assert "REST protocol" in caught.value.message
    assert caught.value.http_status == 403
    assert len(stub.calls) == 1


def test_404_is_a_protocol_error_pointing_at_the_base_url(
    client: MoodleClient, stub: MoodleStub
) -> None:
    stub.add_json("core_webservice_get_site_info", b"<h1>Not found</h1>", status=404)
    with pytest.raises(MoodleProtocolError, match="check the Moodle base URL"):
        client.site_info()
    assert len(stub.calls) == 1


def test_a_redirect_is_not_followed_and_names_the_target(
    client: MoodleClient, stub: MoodleStub
) -> None:
    # Following a redirect would turn the POST into a GET and drop the token and parameters.
    stub.add_json(
        "core_webservice_get_site_info",
        b"",
        status=301,
        headers={"Location": "https://127.0.0.1:8080/webservice/rest/server.php"},
    )
    with pytest.raises(MoodleProtocolError, match="HTTP 301 to https://127.0.0.1:8080/"):
        client.site_info()
    assert len(stub.calls) == 1


# ---------------------------------------------------------------- protocol rows


def test_html_instead_of_json_is_a_protocol_error(client: MoodleClient, stub: MoodleStub) -> None:
    stub.add_json(
        "core_webservice_get_site_info",
        b"<!DOCTYPE html><html><body>Log in to the site</body></html>",
        content_type="text/html; charset=utf-8",
    )
    with pytest.raises(MoodleProtocolError) as caught:
        client.site_info()
    assert "not JSON (it starts '<!DOCTYPE html>" in caught.value.message
    assert len(stub.calls) == 1
    assert_well_formed(caught.value, "core_webservice_get_site_info", None)


def test_truncated_json_is_a_protocol_error(client: MoodleClient, stub: MoodleStub) -> None:
    whole = fixture_bytes("core_enrol_get_enrolled_users__c6.json")
    stub.add_json("core_enrol_get_enrolled_users", whole[: len(whole) // 2])
    with pytest.raises(MoodleProtocolError) as caught:
        list(client.iter_enrolled_pages(3))
    assert "truncated or malformed JSON" in caught.value.message
    assert_well_formed(caught.value, "core_enrol_get_enrolled_users", None)


def test_empty_body_is_a_protocol_error(client: MoodleClient, stub: MoodleStub) -> None:
    stub.add_json("core_webservice_get_site_info", b"")
    with pytest.raises(MoodleProtocolError, match="empty body"):
        client.site_info()


def test_xml_answer_is_a_protocol_error(client: MoodleClient, stub: MoodleStub) -> None:
    # The recorded XML answer Moodle gives when moodlewsrestformat is lost.
    stub.add_json(
        "core_webservice_get_site_info",
        fixture_bytes("core_webservice_get_site_info__xml_default_format.xml"),
        content_type="application/xml; charset=utf-8",
    )
    with pytest.raises(MoodleProtocolError, match="answered in XML"):
        client.site_info()


def test_invalid_utf8_is_a_protocol_error(client: MoodleClient, stub: MoodleStub) -> None:
    stub.add_json("core_webservice_get_site_info", b'{"sitename": "\xff\xfe"}')
    with pytest.raises(MoodleProtocolError, match="not JSON"):
        client.site_info()


def test_unexpected_shape_is_a_protocol_error(client: MoodleClient, stub: MoodleStub) -> None:
    # A list where Moodle promises {usergrades, warnings}.
    stub.add_json(
        "gradereport_user_get_grade_items", load_fixture("core_cohort_get_cohorts__all.json")
    )
    with pytest.raises(MoodleProtocolError, match="expected an object from Moodle but got list"):
        client.grade_items(3)


def test_missing_required_field_is_a_protocol_error_naming_function_and_field(
    client: MoodleClient, stub: MoodleStub
) -> None:
    body: Any = load_fixture("gradereport_user_get_grade_items__c6_all_users.json")
    del body["usergrades"][2]["gradeitems"][1]["grademax"]
    stub.add_json("gradereport_user_get_grade_items", body)
    with pytest.raises(MoodleProtocolError) as caught:
        client.grade_items(3)
    assert caught.value.field == "usergrades[2].gradeitems[1].grademax"
    assert caught.value.function == "gradereport_user_get_grade_items"
    assert "'usergrades[2].gradeitems[1].grademax'" in caught.value.message


def test_error_kinds_form_a_small_hierarchy() -> None:
    kinds = [
        MoodleAuthError,
        MoodleAccessError,
        MoodleFunctionUnavailable,
        MoodleInvalidParameter,
        MoodleNotFound,
        MoodleNotEnrolled,
        MoodleTransportError,
        MoodleProtocolError,
    ]
    assert all(issubclass(kind, MoodleError) for kind in kinds)
    # Both are fixed by a Moodle administrator: one except clause catches both.
    assert issubclass(MoodleFunctionUnavailable, MoodleAccessError)
    assert issubclass(MoodleNotEnrolled, MoodleNotFound)
    assert [k.default_retryable for k in kinds].count(True) == 1
    assert len({k.kind for k in kinds}) == len(kinds)
