"""Input checks shared by every statistic in :mod:`lipassess.analysis`.

Each check either returns clean data (float columns, aligned series) or raises
:class:`lipassess.errors.InvalidInput` with a one-line message that names the
column and says what to do. Data that are valid but degenerate (an item nobody
varied on, every answer identical) are *not* rejected here: the statistic
returns NaN for what cannot be computed and says why in its ``notes``.

When a check fails because there are too few rows, the error carries
``errors={"reason": "too_few_rows", "n_obs": n, "min_rows": m}`` so callers
such as :func:`lipassess.analysis.by_group` can treat a tiny group as
suppressed rather than as a failure.
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Iterable, Sequence
from typing import Any

import numpy as np
import pandas as pd

from lipassess.errors import InvalidInput

__all__ = [
    "TOO_FEW_ROWS",
    "check_ci",
    "check_scale",
    "complete_rows",
    "numeric_frame",
    "numeric_series",
    "paired_frame",
    "require_columns",
    "require_rows",
    "require_unique_ids",
]

#: ``InvalidInput.errors["reason"]`` when a statistic has too few usable rows.
TOO_FEW_ROWS = "too_few_rows"



def shown(value: object) -> str:
    """A value as a message shows it: ``2`` and ``'abc'``, never ``np.int64(2)``.

    >>> import numpy as np
    >>> shown(np.int64(2)), shown("abc"), shown(np.float64(2.5))
    ('2', "'abc'", '2.5')
    """
    if isinstance(value, np.generic):
        value = value.item()
    return repr(value) if isinstance(value, str) else str(value)

def check_ci(ci: float) -> float:
    """Return ``ci`` as a float if it is a confidence level strictly between 0 and 1.

    >>> check_ci(0.9)
    0.9
    """
    try:
        level = float(ci)
    except (TypeError, ValueError):
        raise InvalidInput(
            f"ci must be a number between 0 and 1 such as 0.95, not {ci!r}."
        ) from None
    if not 0.0 < level < 1.0:
        raise InvalidInput(f"ci must be between 0 and 1 (for example 0.95), not {ci!r}.")
    return level


def check_scale(scale: Sequence[float] | None) -> tuple[float, float] | None:
    """Return ``(low, high)`` for a response scale such as ``(1, 5)``, or None if not given.

    >>> check_scale([1, 5])
    (1.0, 5.0)
    """
    if scale is None:
        return None
    try:
        low, high = (float(v) for v in scale)
    except (TypeError, ValueError):
        raise InvalidInput(
            f"scale must be two numbers, the lowest and highest answer such as (1, 5), "
            f"not {scale!r}."
        ) from None
    if not (math.isfinite(low) and math.isfinite(high)) or low >= high:
        raise InvalidInput(
            f"scale must go from a lower to a higher finite number such as (1, 5), not {scale!r}."
        )
    return low, high


def _holds_booleans(column: pd.Series) -> bool:
    """Whether a column is boolean, or a mixed column with a True/False among its cells."""
    if pd.api.types.is_bool_dtype(column):
        return True
    if pd.api.types.is_numeric_dtype(column):
        return False
    return any(isinstance(v, bool | np.bool_) for v in column.to_numpy(dtype=object))


def _as_float(column: pd.Series, label: str) -> np.ndarray:
    """Convert one column to float64, naming the first offending row if it cannot be."""
    if _holds_booleans(column):
        raise InvalidInput(
            f"Column {label!r} holds true/false values; code the answers as numbers."
        )
    if pd.api.types.is_numeric_dtype(column):
        values = column.to_numpy(dtype=np.float64, na_value=np.nan)
    else:
        coerced = pd.to_numeric(column, errors="coerce")
        bad = coerced.isna() & column.notna()
        if bad.any():
            row = bad.idxmax()
            raise InvalidInput(
                f"Column {label!r} has the non-numeric value {shown(column.loc[row])} in row "
                f"{shown(row)}; fix or blank that cell (blank cells count as missing)."
            )
        values = coerced.to_numpy(dtype=np.float64, na_value=np.nan)
    infinite = np.isinf(values)
    if infinite.any():
        row = column.index[int(np.argmax(infinite))]
        raise InvalidInput(
            f"Column {label!r} has an infinite value in row {shown(row)}; fix or blank that cell."
        )
    return values


def _check_range(
    values: np.ndarray, index: pd.Index, label: str, scale: tuple[float, float]
) -> None:
    low, high = scale
    with np.errstate(invalid="ignore"):
        outside = (values < low) | (values > high)
    if outside.any():
        position = int(np.argmax(outside))
        raise InvalidInput(
            f"Column {label!r} has the value {values[position]:g} in row "
            f"{index[position]!r}, outside the scale {low:g}-{high:g}; recode it or "
            "give the right scale."
        )


def require_columns(
    data: pd.DataFrame, columns: Iterable[Hashable], *, table: str | None = None
) -> None:
    """Raise InvalidInput naming the ``columns`` that ``data`` lacks and listing those it has.

    ``table`` names the data in the message ("baseline has no column 'age'; ...");
    without it the message reads "Column 'age' not found; the data have ...".

    >>> require_columns(pd.DataFrame({"q1": [1], "q2": [2]}), ["q1", "q9"])
    Traceback (most recent call last):
    ...
    lipassess.errors.InvalidInput: Column 'q9' not found; the data have 'q1', 'q2'.
    """
    missing = [str(n) for n in columns if n not in data.columns]
    if not missing:
        return
    absent = ", ".join(repr(m) for m in missing)
    present = ", ".join(repr(str(c)) for c in data.columns) or "no columns"
    if table is None:
        raise InvalidInput(f"Column {absent} not found; the data have {present}.")
    raise InvalidInput(f"{table} has no column {absent}; its columns are {present}.")


def require_unique_ids(index: pd.Index, where: str) -> None:
    """Raise InvalidInput if a participant id appears twice in ``index`` (of ``where``)."""
    if index.has_duplicates:
        repeated = index[index.duplicated()][0]
        raise InvalidInput(
            f"Participant {shown(repeated)} appears more than once in {where}; "
            "keep one row per participant."
        )


def numeric_frame(
    data: pd.DataFrame,
    columns: Iterable[Hashable] | None = None,
    *,
    scale: Sequence[float] | None = None,
    min_columns: int = 1,
    what: str = "column",
    unique_ids: bool = False,
) -> pd.DataFrame:
    """Return the chosen columns of ``data`` as a float64 frame, or raise InvalidInput.

    Parameters
    ----------
    data : pandas.DataFrame
        One row per participant (or target), one column per variable.
    columns : iterable of column names, optional
        Columns to keep, in this order; all columns when omitted.
    scale : (low, high), optional
        When given, every non-missing value must lie within it.
    min_columns : int
        Fewest columns the statistic can work with.
    what : str
        Word used for a column in messages ("item", "rater" ...).
    unique_ids : bool
        Also reject a participant id (index value) that appears more than once.

    Returns
    -------
    pandas.DataFrame
        Same index, float64 columns, missing values as NaN.

    Raises
    ------
    InvalidInput
        Not a DataFrame, duplicate or missing columns, non-numeric or infinite
        values, values outside ``scale``, fewer than ``min_columns`` columns, or
        (with ``unique_ids``) a repeated participant id.

    Examples
    --------
    >>> frame = pd.DataFrame({"q1": [1, 2, None], "q2": ["3", "4", "5"]})
    >>> numeric_frame(frame, scale=(1, 5)).dtypes.tolist()
    [dtype('float64'), dtype('float64')]
    """
    if not isinstance(data, pd.DataFrame):
        raise InvalidInput(
            f"Expected a table (pandas DataFrame) with one {what} per column, "
            f"got {type(data).__name__}."
        )
    bounds = check_scale(scale)
    names = list(data.columns) if columns is None else list(columns)
    if data.columns.has_duplicates:
        repeated = sorted({str(n) for n in data.columns[data.columns.duplicated()]})
        raise InvalidInput(
            f"The data have more than one column named {', '.join(repeated)}; rename them."
        )
    if len(set(names)) != len(names):
        repeated = sorted({str(n) for n in names if names.count(n) > 1})
        raise InvalidInput(f"The {what}s {', '.join(repeated)} are listed more than once.")
    require_columns(data, names)
    if len(names) < min_columns:
        raise InvalidInput(f"Give at least {min_columns} {what}s; got {len(names)}.")
    if unique_ids:
        require_unique_ids(data.index, "the data")
    arrays = {}
    for name in names:
        values = _as_float(data[name], str(name))
        if bounds is not None:
            _check_range(values, data.index, str(name), bounds)
        arrays[name] = values
    return pd.DataFrame(arrays, index=data.index, columns=names, dtype=np.float64)


def numeric_series(
    values: Any,
    *,
    name: str,
    scale: Sequence[float] | None = None,
    unique_ids: bool = False,
) -> pd.Series:
    """Return ``values`` as a float64 Series named ``name``, or raise InvalidInput.

    Lists and arrays are accepted and indexed 0..n-1; a Series keeps its index
    (the participant ids). Booleans, text and infinities are rejected, numeric
    text (``"3"``) is converted, missing values become NaN. With ``scale``,
    values must lie within it; with ``unique_ids``, no participant id may
    appear twice.

    >>> numeric_series([1, 2, 3], name="pre").tolist()
    [1.0, 2.0, 3.0]
    """
    if isinstance(values, pd.DataFrame):
        raise InvalidInput(f"{name} must be one column of values, not a table.")
    if not isinstance(values, pd.Series):
        try:
            values = pd.Series(values)
        except (TypeError, ValueError):
            raise InvalidInput(f"{name} must be a column of numbers.") from None
        if values.ndim != 1:
            raise InvalidInput(f"{name} must be a column of numbers.")
    floats = _as_float(values, name)
    bounds = check_scale(scale)
    if bounds is not None:
        _check_range(floats, values.index, name, bounds)
    if unique_ids:
        require_unique_ids(values.index, name)
    return pd.Series(floats, index=values.index, name=name)


def complete_rows(frame: pd.DataFrame) -> tuple[pd.DataFrame, int]:
    """Listwise deletion: the rows without any missing value, and how many were dropped."""
    keep = frame.notna().to_numpy().all(axis=1)
    return frame.loc[keep], int((~keep).sum())


def require_rows(n_obs: int, min_rows: int, *, what: str, dropped: int = 0) -> None:
    """Raise InvalidInput (reason ``too_few_rows``) if fewer than ``min_rows`` rows remain."""
    if n_obs >= min_rows:
        return
    after = f" after removing {dropped} with missing values" if dropped else ""
    raise InvalidInput(
        f"{what} needs at least {min_rows} participants with complete data; "
        f"{n_obs} remain{after}. Add data or analyse a larger group.",
        errors={"reason": TOO_FEW_ROWS, "n_obs": n_obs, "min_rows": min_rows},
    )


def paired_frame(
    first: Any,
    second: Any,
    *,
    names: tuple[str, str] = ("pre", "post"),
    scale: Sequence[float] | None = None,
) -> tuple[pd.DataFrame, int]:
    """Align two participant-indexed series; return complete pairs and the count dropped.

    Parameters
    ----------
    first, second : pandas.Series or array-like
        Scores indexed by participant id. Plain lists/arrays must have the same
        length and are paired by position.
    names : (str, str)
        Column names of the result, used in messages.
    scale : (low, high), optional
        Range check applied to both.

    Returns
    -------
    (pandas.DataFrame, int)
        Columns ``names``, index = participant ids with both values present
        (in the order of ``first``), and the number of participants dropped
        because one of the two values was missing.

    Raises
    ------
    InvalidInput
        Non-numeric values, repeated participant ids, lists of unequal length.

    >>> frame, dropped = paired_frame(pd.Series([1, 2, None], index=["a", "b", "c"]),
    ...                               pd.Series([2, 3, 4], index=["b", "a", "c"]))
    >>> frame.to_dict("index"), dropped
    ({'a': {'pre': 1.0, 'post': 3.0}, 'b': {'pre': 2.0, 'post': 2.0}}, 1)
    """
    a_name, b_name = names
    both_plain = not isinstance(first, pd.Series) and not isinstance(second, pd.Series)
    a = numeric_series(first, name=a_name, scale=scale)
    b = numeric_series(second, name=b_name, scale=scale)
    if both_plain and len(a) != len(b):
        raise InvalidInput(
            f"{a_name} has {len(a)} values and {b_name} has {len(b)}; give one value per "
            "participant in each, in the same order (or pass Series indexed by participant)."
        )
    require_unique_ids(a.index, a_name)
    require_unique_ids(b.index, b_name)
    if a.index is b.index:  # two columns of one table: nothing to align
        joined = pd.DataFrame({a_name: a.to_numpy(), b_name: b.to_numpy()}, index=a.index)
    else:
        joined = pd.concat([a, b], axis=1, join="outer", sort=False)
        order = a.index.append(b.index.difference(a.index, sort=False))
        joined = joined.reindex(order)
    complete, dropped = complete_rows(joined)
    return complete, dropped
