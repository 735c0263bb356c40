"""One URL rule used by login and registration: is this URL on that site, under that path?"""

from __future__ import annotations

from urllib.parse import urlsplit


def url_under(url: str, prefix: str) -> bool:
    """True when ``url`` has the scheme and host[:port] of ``prefix`` and a path under its path.

    ``http://a/app/x`` is under ``http://a/app``; ``http://a/application`` and
    ``https://a/app/x`` are not.
    """
    target, base = urlsplit(url), urlsplit(prefix.rstrip("/") + "/")
    return (target.scheme.lower(), target.netloc.lower()) == (base.scheme.lower(), base.netloc.lower()) and (
        target.path + "/").startswith(base.path)
