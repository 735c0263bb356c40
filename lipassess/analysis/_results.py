"""Shared machinery for analysis result dataclasses: JSON-safe dicts and text tables.

Every public statistic returns a ``@dataclass(frozen=True, slots=True, kw_only=True)``
that inherits :class:`ResultMixin`, so the API can return ``result.to_dict()`` and
the CLI can print ``result.summary()`` without knowing which statistic it holds.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any, ClassVar

import numpy as np


def json_safe(value: Any) -> Any:
    """Turn numpy scalars, NaN/inf, tuples and nested dataclasses into plain JSON values.

    NaN and infinities become ``None`` so that ``json.dumps`` never writes ``NaN``.
    """
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        if hasattr(value, "to_dict"):
            return value.to_dict()
        return {f.name: json_safe(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, Mapping):
        return {str(k): json_safe(v) for k, v in value.items()}
    if isinstance(value, (str, bytes)):
        return value if isinstance(value, str) else value.decode("utf-8")
    if isinstance(value, Sequence | np.ndarray):
        return [json_safe(v) for v in value]
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    if isinstance(value, (int, np.integer)):
        return int(value)
    if isinstance(value, (float, np.floating)):
        f = float(value)
        return None if math.isnan(f) or math.isinf(f) else f
    if value is None:
        return None
    return str(value)


def format_number(value: Any, digits: int = 3) -> str:
    """Format a number for a text table: NaN/None as 'NA', floats with fixed digits."""
    if value is None:
        return "NA"
    if isinstance(value, (float, np.floating)):
        if math.isnan(value):
            return "NA"
        return f"{float(value):.{digits}f}"
    return str(value)


class ResultMixin:
    """``to_dict()`` and a default ``summary()`` for frozen result dataclasses."""

    __slots__ = ()

    if TYPE_CHECKING:
        # Every subclass is a dataclass; declaring the marker attribute lets type
        # checkers accept ``dataclasses.fields(self)`` (it is set by @dataclass).
        __dataclass_fields__: ClassVar[dict[str, dataclasses.Field[Any]]]

    def to_dict(self) -> dict[str, Any]:
        """All fields as JSON-safe plain values (NaN becomes None)."""
        return {f.name: json_safe(getattr(self, f.name)) for f in dataclasses.fields(self)}

    def summary(self) -> str:
        """A readable two-column text table of the scalar fields, then the notes."""
        rows: list[tuple[str, str]] = []
        notes: Sequence[str] = ()
        for f in dataclasses.fields(self):
            value = getattr(self, f.name)
            if f.name == "notes":
                notes = value or ()
                continue
            if isinstance(value, (int, float, str, np.integer, np.floating)) or value is None:
                rows.append((f.name, format_number(value)))
        width = max((len(name) for name, _ in rows), default=0)
        lines = [type(self).__name__]
        lines += [f"  {name.ljust(width)}  {text}" for name, text in rows]
        lines += [f"  note: {note}" for note in notes]
        return "\n".join(lines)


def format_table(headers: Sequence[str], rows: Sequence[Sequence[Any]], digits: int = 3) -> str:
    """A plain text table: first column left-aligned, the others right-aligned.

    >>> print(format_table(["item", "r"], [["A1", 0.31], ["A2", float("nan")]]))
    item      r
    A1    0.310
    A2       NA
    """
    cells = [[str(h) for h in headers]]
    cells += [[format_number(v, digits) for v in row] for row in rows]
    widths = [max(len(row[i]) for row in cells) for i in range(len(headers))]
    lines = []
    for row in cells:
        parts = [row[0].ljust(widths[0])]
        parts += [text.rjust(width) for text, width in zip(row[1:], widths[1:], strict=True)]
        lines.append("  ".join(parts).rstrip())
    return "\n".join(lines)
