"""Text cells that spreadsheet programs cannot run: the one guard against CSV and XLSX formula injection.

Excel and LibreOffice run a cell whose text starts with ``=``, ``+``, ``-`` or
``@`` (also after a leading tab or carriage return) as a formula, so a name,
ministry or free-text answer such as ``=HYPERLINK("http://evil","click")``
would become a live formula in an export. Every CSV and XLSX writer of
lipassess passes participant-controlled text through :func:`spreadsheet_text`
(OWASP, "CSV Injection": prefix such a cell with a single quote). A plain
number written as text (``-2``, ``+3.5``) is left as it is: a spreadsheet reads
it as a number, and changing it would corrupt the data.
"""

from __future__ import annotations

import re
from typing import Any

import pandas as pd

FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n")
"""First characters that make a spreadsheet program treat a cell as a formula (or hide one after them)."""

_PLAIN_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")


def spreadsheet_text(text: str) -> str:
    """``text`` as a cell that can only be read as text: a leading ``'`` when it could start a formula.

    >>> spreadsheet_text('=HYPERLINK("http://evil.invalid")'), spreadsheet_text("-2"), spreadsheet_text("Kampot")
    ('\\'=HYPERLINK("http://evil.invalid")', '-2', 'Kampot')
    """
    if text.startswith(FORMULA_START) and not _PLAIN_NUMBER.fullmatch(text):
        return "'" + text
    return text


def spreadsheet_value(value: Any) -> Any:
    """:func:`spreadsheet_text` for strings; every other value unchanged."""
    return spreadsheet_text(value) if isinstance(value, str) else value


def spreadsheet_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``frame`` whose text cells (and column names) are :func:`spreadsheet_text`-safe."""
    safe = frame.copy()
    for column in safe.columns:
        if safe[column].dtype == object or pd.api.types.is_string_dtype(safe[column]):
            safe[column] = safe[column].map(spreadsheet_value)
    safe.columns = [spreadsheet_value(c) for c in safe.columns]
    return safe
