"""The URL rules of login, registration and deep linking: is this URL on that site (under that path)?"""

from __future__ import annotations

import re
from urllib.parse import SplitResult, urlsplit


def split_url(url: str) -> SplitResult | None:
    """``urlsplit(url)``, or None for a URL it cannot read (``https://[::1``: an unclosed or invalid bracketed host)."""
    try:
        return urlsplit(url)
    except ValueError:
        return None


def url_under(url: str, prefix: str) -> bool:
    """True when ``url`` has the scheme and host[:port] of ``prefix`` and a path under its path.

    ``http://a/app/x`` is under ``http://a/app``; ``http://a/application`` and
    ``https://a/app/x`` are not; a URL that cannot be read is under nothing.
    """
    target, base = split_url(url), split_url(prefix.rstrip("/") + "/")
    if target is None or base is None:
        return False
    return (target.scheme.lower(), target.netloc.lower()) == (base.scheme.lower(), base.netloc.lower()) and (
        target.path + "/").startswith(base.path)


_DEFAULT_PORTS = {"http": 80, "https": 443}
_UNSAFE = re.compile(r"[\x00-\x20\x7f\\]")  # whitespace, controls and backslashes, which browsers bend


def web_origin(url: str) -> tuple[str, str, int] | None:
    """(scheme, host, port) of an absolute http(s) URL; None for any other URL or one a browser could read otherwise.

    ``javascript:``, ``data:``, relative and protocol-relative URLs, user info
    (``http://moodle@evil``) and URLs with whitespace, control characters or
    backslashes give None.
    """
    if _UNSAFE.search(url):
        return None
    parts = split_url(url)
    if parts is None:
        return None
    scheme = parts.scheme.lower()
    if scheme not in _DEFAULT_PORTS or not parts.hostname or "@" in parts.netloc:
        return None
    try:
        port = parts.port or _DEFAULT_PORTS[scheme]
    except ValueError:  # a port that is not a number, or out of range
        return None
    return scheme, parts.hostname.lower(), port


def on_site(url: str, site: str) -> bool:
    """True when ``url`` is an http(s) URL with the origin (scheme, host, port) of ``site``, e.g. the issuer."""
    target = web_origin(url)
    return target is not None and target == web_origin(site)
