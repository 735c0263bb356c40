"""Refuse a request that carries a NUL character before any view reads it.

No field of lipassess accepts U+0000: PostgreSQL's ``text`` cannot hold it
(psycopg raises ``DataError``, which would be a 500 wherever the value reaches
a statement, even a lookup), and SQLite would store it silently. So one rule
holds for every view, on both databases: a query argument, a form field (name
or value), a string anywhere in a JSON body, or the client's address as a
trusted proxy reports it (``X-Forwarded-For``) that holds one makes the
request a 400 naming where it was, and nothing is read or written.
"""

from __future__ import annotations

from typing import Any

from flask import Flask, request
from werkzeug.exceptions import BadRequest

from lipassess.web.auth import client_address

NUL = "\x00"
FORM_MIMETYPES = frozenset({"application/x-www-form-urlencoded", "multipart/form-data"})


def init_app(app: Flask) -> None:
    app.before_request(refuse_nul)


def refuse_nul() -> None:
    """Raise :class:`BadRequest` when the request holds a NUL character anywhere a view could read it."""
    where = where_nul()
    if where is not None:
        raise BadRequest(f"The {where} contains a NUL character (\\0), which no field accepts; "
                         "remove it and send the request again.")


def where_nul() -> str | None:
    """Where in the current request the first NUL character is, in words; None when there is none."""
    for key, value in request.args.items(multi=True):
        if NUL in key or NUL in value:
            return f"query argument {_name(key)}"
    if request.mimetype in FORM_MIMETYPES:
        for key, value in request.form.items(multi=True):
            if NUL in key or NUL in value:
                return f"form field {_name(key)}"
    elif request.is_json and _holds_nul(request.get_json(silent=True)):
        return "JSON body"
    if NUL in client_address():  # what sign-in throttling stores: the trusted proxies' X-Forwarded-For entry
        return "client address (X-Forwarded-For)"
    return None


def _holds_nul(value: Any) -> bool:
    """Whether a parsed JSON value holds a NUL in any string, key or value, at any depth."""
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            if NUL in item:
                return True
        elif isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return False


def _name(key: str) -> str:
    """A field's name as a message may show it: escaped, at most 40 characters."""
    return repr(key[:40])
