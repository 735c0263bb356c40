"""Where a sign-in may send the browser next: a path of this site, nothing else.

Browsers forgive a lot in a ``Location`` header: they drop tabs and newlines,
read ``\\`` as ``/``, and take ``//host`` (or ``/\\host``, ``/%09/host`` once the
tab is gone) as another site. So a ``next`` target is normalised the way a
browser would, decoded up to a few times (a later hop may decode it again),
and accepted only when every form is a single-slash path with no scheme and no
host. A target holding a carriage return or line feed is refused outright: it
can only be an attempt to add header lines.
"""

from __future__ import annotations

from urllib.parse import unquote, urlsplit

_DECODE_ROUNDS = 3
_DROPPED = str.maketrans("", "", "\t\n\r")


def _decoded_forms(target: str) -> list[str]:
    """``target`` and what it becomes when percent-decoded again, up to a few rounds."""
    forms, current = [target], target
    for _ in range(_DECODE_ROUNDS):
        decoded = unquote(current)
        if decoded == current:
            break
        forms.append(decoded)
        current = decoded
    return forms


def has_line_break(target: str | None) -> bool:
    """True when ``target`` holds a carriage return or line feed, raw or percent-encoded."""
    return bool(target) and any("\r" in form or "\n" in form for form in _decoded_forms(target or ""))


def _same_site(form: str) -> bool:
    if not form.startswith("/") or form.startswith("//"):
        return False
    if any(ord(char) < 0x20 or ord(char) == 0x7F for char in form):
        return False
    parts = urlsplit(form)
    return not parts.scheme and not parts.netloc


def same_site_path(target: str | None) -> str | None:
    """``target`` as a path of this site (tabs dropped), or None when it is empty or could leave the site."""
    if not target or has_line_break(target):
        return None
    normalised = [form.translate(_DROPPED).replace("\\", "/") for form in _decoded_forms(target)]
    return normalised[0] if all(_same_site(form) for form in normalised) else None
