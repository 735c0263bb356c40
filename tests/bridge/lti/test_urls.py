"""Which URLs are on a platform's site (deep-linking return URLs)."""

from __future__ import annotations

import pytest

from moodle_plugin_bridge.lti.urls import on_site, split_url, url_under, web_origin

MOODLE = "https://moodle.example.gov.kh/moodle"


@pytest.mark.parametrize("url", [
    "https://moodle.example.gov.kh/moodle/mod/lti/contentitem_return.php?course=4",
    "HTTPS://Moodle.Example.gov.kh:443/mod/lti/contentitem_return.php",
])
def test_urls_on_the_site(url) -> None:
    assert on_site(url, MOODLE)


@pytest.mark.parametrize("url", [
    "javascript:alert(1)", "data:text/html,x", "http://moodle.example.gov.kh/moodle/mod/lti/x",
    "https://moodle.example.gov.kh:8443/x", "https://moodle.example.gov.kh@evil.example/x",
    "https://evil.example/?https://moodle.example.gov.kh", "//moodle.example.gov.kh/x", "/moodle/x",
    "https://moodle.example.gov.kh\\@evil.example/", "https://moodle.example.gov.kh:99999/x",
    "https://moodle.example.gov.kh/\r\nx", "",
])
def test_urls_off_the_site(url) -> None:
    assert not on_site(url, MOODLE)


def test_an_unusable_site_matches_nothing() -> None:
    assert web_origin("javascript:x") is None and not on_site("javascript:x", "javascript:x")


#: URLs ``urllib.parse.urlsplit`` refuses with ValueError ("Invalid IPv6 URL" and the like).
UNREADABLE = ["https://[::1", "http://[x]/", "https://moodle.example.gov.kh]/x", "https://a[b]/"]


@pytest.mark.parametrize("url", UNREADABLE)
def test_urls_that_cannot_be_read_are_on_no_site_and_under_nothing(url) -> None:
    assert split_url(url) is None
    assert web_origin(url) is None and not on_site(url, MOODLE)
    assert not url_under(url, MOODLE) and not url_under(MOODLE + "/x", url)


def test_a_readable_url_is_still_under_its_site() -> None:
    assert url_under(MOODLE + "/mod/lti/auth.php", MOODLE) and not url_under(MOODLE + "x/y", MOODLE)
