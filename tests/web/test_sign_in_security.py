"""Sign-in hardening (issue 12): same-site redirects only, throttling, one password check per attempt."""

from __future__ import annotations

import logging
from urllib.parse import urljoin, urlsplit

import pytest

from lipassess.services import staff as staff_service
from lipassess.web.redirects import has_line_break, same_site_path

PASSWORD = "eva-password-123"


@pytest.fixture
def eva(app, session):
    staff_service.add_staff_user(session, username="eva", role="evaluator", password=PASSWORD)
    staff_service.add_staff_user(session, username="ana", role="admin", password="ana-password-123")
    session.commit()


def sign_in(client, username: str = "eva", password: str = PASSWORD, *, address: str = "192.0.2.10",
            query: str = ""):
    return client.post("/staff/login" + query, data={"username": username, "password": password},
                       environ_base={"REMOTE_ADDR": address})


# --- point 3: where the browser goes after sign-in -------------------------------------------------

#: Raw query strings (as an attacker writes them in a link) that must not lead off the site.
OFF_SITE = [
    "next=//evil.invalid",
    "next=///evil.invalid",
    "next=/%09/evil.invalid",
    "next=/%09%09/evil.invalid",
    "next=%09//evil.invalid",
    "next=/\\evil.invalid",
    "next=/%5Cevil.invalid",
    "next=%5C%5Cevil.invalid",
    "next=\\\\evil.invalid",
    "next=/%2F/evil.invalid",
    "next=%2F%2Fevil.invalid",
    "next=/%252F/evil.invalid",
    "next=/%25%30%39/evil.invalid",
    "next=https://evil.invalid/",
    "next=https:evil.invalid",
    "next=https:/evil.invalid",
    "next=HTTPS://evil.invalid",
    "next=javascript:alert(1)",
    "next=%20//evil.invalid",
    "next=evil.invalid",
    "next=//%09evil.invalid",
    "next=/%E3%80%82/evil.invalid",
]


def browser_target(location: str) -> str:
    """Where a browser goes for this Location: tabs and newlines dropped, backslashes read as slashes."""
    cleaned = location.replace("\t", "").replace("\n", "").replace("\r", "").replace("\\", "/")
    return urljoin("http://localhost/staff/login", cleaned)


@pytest.mark.parametrize("query", OFF_SITE)
def test_sign_in_never_redirects_off_the_site(client, eva, query: str) -> None:
    response = sign_in(client, query="?" + query)
    assert response.status_code == 302, response.text[:200]
    target = urlsplit(browser_target(response.headers["Location"]))
    assert target.scheme == "http" and target.netloc == "localhost", response.headers["Location"]
    assert not target.path.startswith("//")


def test_a_nul_in_next_is_a_400_not_a_redirect(client, eva) -> None:
    response = sign_in(client, query="?next=/%00/evil.invalid")
    assert response.status_code == 400 and "Location" not in response.headers  # the NUL guard, before sign-in


@pytest.mark.parametrize("query", ["next=/staff/cohorts/4", "next=/staff/%3Fx%3D1",
                                   "next=/staff/cohorts/4%3Ftab%3Dpre"])
def test_a_page_of_the_site_is_kept(client, eva, query: str) -> None:
    response = sign_in(client, query="?" + query)
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/staff/")
    assert response.headers["Location"] != "/staff/"


@pytest.mark.parametrize("query", ["next=/staff/%0D%0ASet-Cookie:%20x=1", "next=/%0a/evil.invalid",
                                   "next=/staff/%250d%250aX:1", "next=%0D"])
@pytest.mark.parametrize("method", ["GET", "POST"])
def test_a_line_break_in_next_is_a_400(client, eva, query: str, method: str) -> None:
    response = client.open("/staff/login?" + query, method=method,
                           data={"username": "eva", "password": PASSWORD} if method == "POST" else None)
    assert response.status_code == 400
    assert "Set-Cookie: x" not in str(response.headers) and "Location" not in response.headers


def test_normalisation_rules() -> None:
    assert same_site_path("/staff/") == "/staff/"
    assert same_site_path("/staff/\tcohorts") == "/staff/cohorts"
    assert same_site_path("/\t/evil.invalid") is None
    assert same_site_path("/\\/evil.invalid") is None
    assert same_site_path("") is None and same_site_path(None) is None
    assert has_line_break("/a%0Db") and has_line_break("/a%250Ab") and not has_line_break("/a%09b")


# --- point 4: throttling -----------------------------------------------------------------------------


@pytest.mark.postgres
def test_after_too_many_failures_the_right_password_is_refused_until_the_lock_ends(
        app, client, eva, clock, caplog) -> None:
    limit = app.config["SIGN_IN_MAX_FAILURES"]
    caplog.set_level(logging.WARNING, logger="lipassess.auth")
    for _ in range(limit):
        assert sign_in(client, password="wrong-password-1").status_code == 401
    assert any("sign-in locked" in r.getMessage() and "'eva'" in r.getMessage() for r in caplog.records)
    refused = sign_in(client)
    assert refused.status_code == 429 and "Too many failed sign-ins" in refused.text
    assert int(refused.headers["Retry-After"]) == app.config["SIGN_IN_LOCK_MINUTES"] * 60
    assert client.get("/staff/").status_code == 302  # not signed in
    clock.advance(minutes=app.config["SIGN_IN_LOCK_MINUTES"] - 1)
    assert sign_in(client).status_code == 429
    clock.advance(minutes=1, seconds=1)
    assert sign_in(client).status_code == 302


@pytest.mark.postgres
def test_the_lock_holds_from_another_address_and_spares_other_accounts(app, client, eva, clock) -> None:
    for _ in range(app.config["SIGN_IN_MAX_FAILURES"]):
        sign_in(client, password="wrong-password-1", address="192.0.2.10")
    assert sign_in(app.test_client(), address="198.51.100.7").status_code == 429
    assert sign_in(app.test_client(), "ana", "ana-password-123", address="198.51.100.7").status_code == 302


def test_failures_spread_over_time_do_not_lock(app, client, eva, clock) -> None:
    for _ in range(3 * app.config["SIGN_IN_MAX_FAILURES"]):
        assert sign_in(client, password="wrong-password-1").status_code == 401
        clock.advance(minutes=app.config["SIGN_IN_LOCK_MINUTES"] / 2)
    assert sign_in(client).status_code == 302


@pytest.mark.postgres
def test_a_success_clears_the_account_count(app, client, eva, clock) -> None:
    for _ in range(app.config["SIGN_IN_MAX_FAILURES"] - 1):
        sign_in(client, password="wrong-password-1")
    assert sign_in(client).status_code == 302
    fresh = app.test_client()
    for _ in range(app.config["SIGN_IN_MAX_FAILURES"] - 1):
        assert sign_in(fresh, password="wrong-password-1").status_code == 401
    assert sign_in(fresh).status_code == 302


@pytest.mark.postgres
def test_one_address_trying_many_accounts_is_locked_out(app, eva, clock, caplog) -> None:
    caplog.set_level(logging.WARNING, logger="lipassess.auth")
    attacker = app.test_client()
    per_address = app.config["SIGN_IN_MAX_FAILURES_PER_ADDRESS"]
    for n in range(per_address):
        assert sign_in(attacker, f"user{n}", "wrong-password-1", address="203.0.113.9").status_code == 401
    assert any("sign-in locked: address '203.0.113.9'" in r.getMessage() for r in caplog.records)
    assert sign_in(attacker, "ana", "ana-password-123", address="203.0.113.9").status_code == 429
    assert sign_in(app.test_client(), "ana", "ana-password-123", address="192.0.2.99").status_code == 302
    clock.advance(minutes=app.config["SIGN_IN_LOCK_MINUTES"], seconds=1)
    assert sign_in(attacker, "ana", "ana-password-123", address="203.0.113.9").status_code == 302


@pytest.mark.postgres
def test_the_limits_are_settings(make_app, clock) -> None:
    strict = make_app(SIGN_IN_MAX_FAILURES=2, SIGN_IN_LOCK_MINUTES=3)
    client = strict.test_client()
    assert [sign_in(client, "ghost", "wrong-password-1").status_code for _ in range(3)] == [401, 401, 429]
    clock.advance(minutes=3, seconds=1)
    assert sign_in(client, "ghost", "wrong-password-1").status_code == 401


class Counting:
    def __init__(self, real):
        self.real, self.calls = real, 0

    def __call__(self, *args, **kwargs):
        self.calls += 1
        return self.real(*args, **kwargs)


@pytest.mark.parametrize("username", ["eva", "nobody", "inactive", "no-password"])
def test_every_attempt_costs_exactly_one_password_check(app, client, session, eva, monkeypatch, username) -> None:
    inactive = staff_service.add_staff_user(session, username="inactive", role="manager", password=PASSWORD)
    staff_service.set_active(session, inactive, False)
    staff_service.add_staff_user(session, username="no-password", role="manager", password=None)
    session.commit()
    staff_service._dummy_hash()  # made once per process, like every real hash made once per account
    check = Counting(staff_service.check_password_hash)
    generate = Counting(staff_service.generate_password_hash)
    monkeypatch.setattr(staff_service, "check_password_hash", check)
    monkeypatch.setattr(staff_service, "generate_password_hash", generate)
    assert sign_in(client, username, "wrong-password-1").status_code == 401
    assert (check.calls, generate.calls) == (1, 0)


def test_the_dummy_hash_uses_the_real_method() -> None:
    assert staff_service._dummy_hash().startswith(staff_service.PASSWORD_METHOD + ":")


@pytest.mark.postgres
def test_behind_a_trusted_proxy_the_forwarded_address_is_counted(make_app, clock) -> None:
    proxied = make_app(TRUSTED_PROXIES=1, SIGN_IN_MAX_FAILURES_PER_ADDRESS=2)
    client = proxied.test_client()

    def attempt(username: str, forwarded: str) -> int:
        return client.post("/staff/login", data={"username": username, "password": "wrong-password-1"},
                           headers={"X-Forwarded-For": forwarded}, environ_base={"REMOTE_ADDR": "127.0.0.1"}
                           ).status_code

    assert [attempt("a1", "10.0.0.1, 203.0.113.5"), attempt("a2", "10.9.9.9, 203.0.113.5")] == [401, 401]
    assert attempt("a3", "203.0.113.5") == 429  # spoofed left entries do not escape the lock
    assert attempt("a3", "203.0.113.6") == 401  # another client behind the same proxy is not locked out
