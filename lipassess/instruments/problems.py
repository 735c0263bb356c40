"""Problems found in instrument files, and marshmallow's nested errors turned into readable lines.

A problem names the file, the item (by id, or by position when it has no
usable id) and the field, e.g.::

    instruments/x.yaml: item 'AL3': field 'reverse': Not a valid boolean.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from marshmallow import ValidationError

from lipassess.errors import InvalidInput


@dataclass(frozen=True, slots=True, kw_only=True)
class Problem:
    """One thing wrong with an instrument file: where (``source``) and what (``message``)."""

    source: str
    message: str

    def __str__(self) -> str:
        return f"{self.source}: {self.message}"


def problems_error(problems: list[Problem]) -> InvalidInput:
    """One :class:`InvalidInput` for all problems: the first in the message, all in ``errors``."""
    first = str(problems[0])
    if len(problems) > 1:
        more = len(problems) - 1
        first += f" (and {more} more problem{'s' if more > 1 else ''}; run "
        first += "`lipassess instruments validate` to list them)"
    return InvalidInput(first, errors={"problems": [str(p) for p in problems]})



_LOCATED = {"items": "item", "subscales": "subscale", "scales": "scale"}


def _flatten(messages: Any, path: tuple[Any, ...] = ()) -> Iterable[tuple[tuple[Any, ...], str]]:
    if isinstance(messages, Mapping):
        for key, sub in messages.items():
            yield from _flatten(sub, (*path, key))
    elif isinstance(messages, list | tuple):
        for message in messages:
            if isinstance(message, Mapping | list | tuple):
                yield from _flatten(message, path)
            else:
                yield path, str(message)
    else:
        yield path, str(messages)


def _describe(path: tuple[Any, ...], raw: Any) -> str:
    """Turn an error path into ``item 'AL3': field 'text.km'`` (or the like)."""
    parts = [p for p in path if p != "_schema"]
    where = ""
    if len(parts) >= 2 and parts[0] in _LOCATED:
        group, key, rest = parts[0], parts[1], parts[2:]
        if group == "scales":
            where = f"scale {key!r}"
            if rest and rest[0] in ("value", "key"):
                if rest[0] == "key":
                    return f"scale {key!r}: name"
                rest = rest[1:]
        else:
            where = f"{_LOCATED[group]} {_entry_label(raw, group, key)}"
        parts = rest
    dotted = ""
    for part in parts:
        if isinstance(part, int):
            dotted += f"[{part}]"
        else:
            dotted += f".{part}" if dotted else str(part)
    field_text = f"field {dotted!r}" if dotted else ""
    return ": ".join(x for x in (where, field_text) if x)


def _entry_label(raw: Any, group: str, index: Any) -> str:
    """``'AL3'`` when the entry has a usable id, else ``#4`` (1-based position)."""
    if isinstance(index, int):
        entries = raw.get(group) if isinstance(raw, Mapping) else None
        if isinstance(entries, list) and 0 <= index < len(entries):
            entry = entries[index]
            if isinstance(entry, Mapping) and isinstance(entry.get("id"), str) and entry["id"]:
                return repr(entry["id"])
        return f"#{index + 1}"
    return repr(index)


def problems_from(exc: ValidationError, raw: Any, source: str) -> list[Problem]:
    out = []
    for path, message in _flatten(exc.messages):
        where = _describe(path, raw)
        out.append(Problem(source=source, message=f"{where}: {message}" if where else message))
    return out

