"""Which URLs are on a platform's site (deep-linking return URLs)."""

from __future__ import annotations

import pytest

from moodle_plugin_bridge.lti.urls import on_site, web_origin

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
