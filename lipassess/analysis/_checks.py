"""Input checks shared by paired, then_test, repeated and attrition.

Every check raises :class:`lipassess.errors.InvalidInput` with a message that
names the offending input and says what to do. Degenerate-but-valid data
(zero variance, all answers identical) is *not* rejected here: the statistics
return NaN and explain why in ``notes``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from lipassess.errors import InvalidInput


def check_ci(ci: float) -> float:
    """Return ``ci`` as a float after checking that 0 < ci < 1."""
    try:
        value = float(ci)
    except (TypeError, ValueError):
        raise InvalidInput(f"ci must be a number between 0 and 1, got {ci!r}") from None
    if not 0.0 < value < 1.0:
        raise InvalidInput(f"ci must be between 0 and 1 (for example 0.95), got {ci!r}")
    return value


def _first_bad(values: pd.Series) -> Any:
    coerced = pd.to_numeric(values, errors="coerce")
    bad = values[coerced.isna() & values.notna()]
    return bad.iloc[0] if len(bad) else None


def numeric_series(values: Any, name: str) -> pd.Series:
    """Return ``values`` as a float Series (NaN for missing), keeping its index.

    Numeric strings (``"3"``) are accepted; booleans, text and infinities are not.
    """
    series = values.copy() if isinstance(values, pd.Series) else pd.Series(values)
    if series.ndim != 1:
        raise InvalidInput(f"{name} must be one column of scores, not a table")
    if pd.api.types.is_bool_dtype(series.dtype):
        raise InvalidInput(
            f"{name} holds true/false values; give numeric scores (recode them as 0/1 if intended)"
        )
    if not pd.api.types.is_numeric_dtype(series.dtype):
        bad = _first_bad(series)
        if bad is not None or series.map(lambda v: isinstance(v, bool)).any():
            example = bad if bad is not None else True
            raise InvalidInput(
                f"{name} has non-numeric values (for example {example!r}); "
                "recode them as numbers or leave the cell empty"
            )
        series = pd.to_numeric(series, errors="coerce")
    series = series.astype(float)
    if np.isinf(series.to_numpy()).any():
        raise InvalidInput(f"{name} has infinite values; replace them with valid scores or blanks")
    if series.index.has_duplicates:
        dup = series.index[series.index.duplicated()][0]
        raise InvalidInput(
            f"{name} has participant id {dup!r} more than once; keep one row per participant"
        )
    return series


def numeric_frame(frame: Any, name: str, *, columns: Sequence[str] | None = None) -> pd.DataFrame:
    """Return the chosen ``columns`` of ``frame`` as a float DataFrame."""
    if not isinstance(frame, pd.DataFrame):
        raise InvalidInput(
            f"{name} must be a table (pandas DataFrame) with one row per participant"
        )
    if columns is not None:
        require_columns(frame, columns, name)
        frame = frame.loc[:, list(columns)]
    if frame.index.has_duplicates:
        dup = frame.index[frame.index.duplicated()][0]
        raise InvalidInput(
            f"{name} has participant id {dup!r} more than once; keep one row per participant"
        )
    out = {}
    for column in frame.columns:
        out[column] = numeric_series(frame[column].reset_index(drop=True), f"column {column!r}")
    result = pd.DataFrame(out)
    result.index = frame.index
    return result


def require_columns(frame: pd.DataFrame, columns: Sequence[str], name: str) -> None:
    """Raise when any of ``columns`` is not in ``frame``."""
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        available = ", ".join(map(str, frame.columns)) or "none"
        raise InvalidInput(
            f"{name} has no column {', '.join(map(repr, missing))}; available columns: {available}"
        )


def require_n(n: int, minimum: int, what: str) -> None:
    """Raise when fewer than ``minimum`` usable rows remain."""
    if n < minimum:
        raise InvalidInput(
            f"{what} needs at least {minimum} participants with complete data, got {n}; "
            "check that the columns hold the right scores and the ids match"
        )
