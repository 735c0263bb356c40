"""Answers + instrument -> subscale and total scores (pure: no I/O, no store).

Scoring rule (``instruments/FORMAT.md``, "Scoring"):

* only likert items are scored; yes/no, choice and free-text answers are
  checked but never enter a score;
* an answer equal to one of the scale's ``missing_codes`` ("not applicable",
  "don't know") counts as missing, like an unanswered item;
* reverse-keyed items are recoded ``x' = min + max - x`` (on a 1..5 scale:
  1<->5, 2<->4, 3 stays);
* a score is the mean of the answered items of the subscale (or of all likert
  items for ``total``), which is the same as the prorated sum divided by the
  number of items, when at least a minimum share of them are answered, that
  is at least ``ceil(share x expected)`` items; otherwise it is missing. The
  share is the instrument's ``min_share_answered`` when it declares one, else
  ``default_min_share`` (the services pass ``LIPASSESS_MIN_SHARE_ANSWERED``).

:func:`score_response` scores one response (a mapping item id -> value);
:func:`score_frame` scores a wide frame (one row per participant, one column
per item) with column operations only, for thousands of rows.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from numbers import Integral, Real
from typing import Any

import numpy as np
import pandas as pd

from lipassess.errors import InvalidInput
from lipassess.instruments import DEFAULT_MIN_SHARE, TOTAL, Instrument, Item
from lipassess.instruments.answers import allowed_values, answer_problem

__all__ = [
    "ScaleScore",
    "ScoreResult",
    "min_answered",
    "reverse_keyed_frame",
    "score_frame",
    "score_response",
]

# Guards the ceiling against 0.8 * 5 = 4.000000000000001 style rounding.
_EPS = 1e-9


def min_answered(share: float, expected: int) -> int:
    """The fewest answered items that still give a score: ``ceil(share * expected)``.

    >>> min_answered(0.8, 5), min_answered(0.8, 6), min_answered(0.8, 30)
    (4, 5, 24)
    """
    return max(1, math.ceil(share * expected - _EPS))


@dataclass(frozen=True, slots=True, kw_only=True)
class ScaleScore:
    """One subscale (or the total) for one response.

    Attributes
    ----------
    id
        Subscale id, or ``"total"``.
    score
        Mean of the answered items after reverse keying; None when fewer than
        ``min_answered`` items were answered.
    answered
        Items answered with a value on the scale (missing codes not counted).
    expected
        Items in the subscale.
    min_answered
        The fewest answered items that give a score.
    """

    id: str
    score: float | None
    answered: int
    expected: int
    min_answered: int

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe plain values."""
        return {
            "id": self.id,
            "score": self.score,
            "answered": self.answered,
            "expected": self.expected,
            "min_answered": self.min_answered,
        }


@dataclass(frozen=True, slots=True, kw_only=True)
class ScoreResult:
    """The scores of one response to one instrument version."""

    instrument_id: str
    instrument_version: str
    content_hash: str
    subscales: tuple[ScaleScore, ...]
    total: ScaleScore | None

    @property
    def scores(self) -> dict[str, float | None]:
        """``{subscale id: score, ..., "total": score}`` (total only when the rule asks)."""
        out = {s.id: s.score for s in self.subscales}
        if self.total is not None:
            out[TOTAL] = self.total.score
        return out

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe plain values."""
        return {
            "instrument_id": self.instrument_id,
            "instrument_version": self.instrument_version,
            "content_hash": self.content_hash,
            "subscales": [s.to_dict() for s in self.subscales],
            "total": None if self.total is None else self.total.to_dict(),
        }

    def summary(self) -> str:
        """A text table: score, answered/expected per subscale and total."""
        rows = [*self.subscales, *([self.total] if self.total is not None else [])]
        width = max((len(r.id) for r in rows), default=5)
        lines = [f"ScoreResult {self.instrument_id} {self.instrument_version}"]
        for r in rows:
            score = "NA" if r.score is None else f"{r.score:.3f}"
            lines.append(f"  {r.id.ljust(width)}  {score:>6}  {r.answered}/{r.expected} answered")
        return "\n".join(lines)


# --------------------------------------------------------------------------- one response


def _is_missing(value: Any) -> bool:
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    return isinstance(value, Real) and not isinstance(value, Integral) and math.isnan(value)


def _as_int(value: Any) -> int | None:
    """An integer from int or integral float (answers stored as floats); else None."""
    if isinstance(value, bool | np.bool_):
        return None
    if isinstance(value, Integral):
        return int(value)
    if isinstance(value, Real):
        number = float(value)
        if number.is_integer():
            return int(number)
    return None


def _check_answer(instrument: Instrument, item: Item, value: Any) -> int | None:
    """Validate one answer; return the scored value (likert, not missing) or None.

    Validity is :func:`lipassess.instruments.answers.answer_problem`, the rule the
    survey applies before storing; only the conversions (integral floats as stored,
    booleans for yes/no) and the messages are scoring's own.
    """
    if _is_missing(value):
        return None
    where = f"item {item.id!r} of {instrument.id!r}"
    if item.type == "text":
        found = answer_problem(instrument, item, value)
        if found is None:
            return None
        if found.code == "too_long":
            raise InvalidInput(
                f"{where}: answer has {found.length} characters; at most {found.max_length} allowed"
            )
        if found.code == "bad_characters":
            raise InvalidInput(f"{where}: answer contains control characters; remove them")
        raise InvalidInput(f"{where}: answer {value!r} must be text")
    if item.type == "yes_no" and isinstance(value, bool | np.bool_):
        return None
    number = _as_int(value)
    if number is not None and answer_problem(instrument, item, number) is None:
        if item.type != "likert" or number in instrument.scale_of(item).missing_values:
            return None
        return number
    if item.type == "likert":
        scale = instrument.scale_of(item)
        codes = sorted(scale.missing_values)
        allowed = f"an integer from {scale.min} to {scale.max}"
        if codes:
            allowed += f" or a missing code ({', '.join(map(str, codes))})"
        raise InvalidInput(f"{where}: answer {value!r} is not on the scale; give {allowed}")
    if item.type == "yes_no":
        raise InvalidInput(f"{where}: answer {value!r} is not yes/no; give 1 (yes) or 0 (no)")
    codes = sorted(allowed_values(instrument, item))
    raise InvalidInput(
        f"{where}: answer {value!r} is not one of the options ({', '.join(map(str, codes))})"
    )


def _score(
    score_id: str, members: Iterable[str], keyed: Mapping[str, int], share: float
) -> ScaleScore:
    members = list(members)
    values = [keyed[m] for m in members if m in keyed]
    need = min_answered(share, len(members))
    mean = sum(values) / len(values) if len(values) >= need else None
    return ScaleScore(
        id=score_id, score=mean, answered=len(values), expected=len(members), min_answered=need
    )


def score_response(
    instrument: Instrument, answers: Mapping[str, Any], *, default_min_share: float = DEFAULT_MIN_SHARE
) -> ScoreResult:
    """Score one response: subscale and total means after reverse keying.

    Parameters
    ----------
    instrument
        A validated instrument version.
    answers
        Item id -> answer. Likert answers are integers (integral floats, as the
        store keeps them, are accepted) on the item's scale or one of its
        missing codes; ``None`` or NaN, or leaving the item out, means unanswered.
        yes/no answers are 1/0 or True/False, choice answers an option value,
        text answers strings.
    default_min_share
        The minimum share of answered items when the instrument declares none
        (the services pass ``LIPASSESS_MIN_SHARE_ANSWERED``); an instrument's
        own ``min_share_answered`` always wins.

    Returns
    -------
    ScoreResult
        Per subscale and total: the score (None below the answered-share
        threshold), items answered and expected.

    Raises
    ------
    InvalidInput
        An unknown item id, or an answer that is not valid for its item; the
        message names the item.
    """
    by_id = {item.id: item for item in instrument.items}
    unknown = [key for key in answers if key not in by_id]
    if unknown:
        raise InvalidInput(
            f"unknown item {unknown[0]!r} for instrument {instrument.id!r} version "
            f"{instrument.version!r}; its items are {', '.join(instrument.item_ids)}"
        )
    keyed: dict[str, int] = {}
    for item_id, value in answers.items():
        item = by_id[item_id]
        number = _check_answer(instrument, item, value)
        if number is None:
            continue
        if item.reverse:
            scale = instrument.scale_of(item)
            number = scale.min + scale.max - number
        keyed[item_id] = number
    share = instrument.scoring.share(default_min_share)
    subscales = tuple(_score(sub.id, sub.items, keyed, share) for sub in instrument.subscales)
    total = (
        _score(TOTAL, (i.id for i in instrument.scored_items), keyed, share)
        if instrument.scoring.total
        else None
    )
    return ScoreResult(
        instrument_id=instrument.id,
        instrument_version=instrument.version,
        content_hash=instrument.content_hash,
        subscales=subscales,
        total=total,
    )


# --------------------------------------------------------------------------- wide frames


def _first_bad(column: pd.Series, bad: pd.Series) -> str:
    index = bad.idxmax()
    return f"row {index!r} has {column.loc[index]!r}"


def _numeric(column: pd.Series) -> tuple[pd.Series, pd.Series]:
    """``(values as float64 with NaN, mask of present values that are not plain numbers)``.

    Numeric columns are converted as they are; in object columns text such as
    ``"3"`` and booleans are flagged, as :func:`score_response` refuses them too.
    Element checks run only for object columns (inherently Python objects).
    """
    present = column.notna()
    if pd.api.types.is_bool_dtype(column.dtype):
        return pd.Series(np.nan, index=column.index, dtype="float64"), present
    if pd.api.types.is_object_dtype(column.dtype):
        is_number = column.map(
            lambda v: isinstance(v, Real) and not isinstance(v, bool | np.bool_)
        ).astype(bool)
        not_number = present & ~is_number
        values = pd.to_numeric(column.where(is_number), errors="coerce")
        return values.astype("float64"), not_number
    values = pd.to_numeric(column, errors="coerce").astype("float64")
    return values, present & values.isna()


def _check_columns(instrument: Instrument, frame: pd.DataFrame) -> None:
    if not isinstance(frame, pd.DataFrame):
        raise InvalidInput("answers must be a pandas DataFrame: one row per participant, "
                           "one column per item id")
    if frame.columns.has_duplicates:
        dup = frame.columns[frame.columns.duplicated()][0]
        raise InvalidInput(f"item column {dup!r} appears twice; keep one")
    known = set(instrument.item_ids)
    unknown = [c for c in frame.columns if c not in known]
    if unknown:
        raise InvalidInput(
            f"unknown item column {unknown[0]!r} for instrument {instrument.id!r} version "
            f"{instrument.version!r}; pass only item columns "
            f"(unknown: {', '.join(map(str, unknown))})"
        )


def _check_unscored(instrument: Instrument, frame: pd.DataFrame) -> None:
    """Validate yes/no, choice and text columns by :mod:`lipassess.instruments.answers`."""
    for item in instrument.items:
        if item.scored or item.id not in frame.columns:
            continue
        column = frame[item.id]
        present = column.notna()
        where = f"item {item.id!r} of {instrument.id!r}"
        if item.type == "text":
            _check_text_column(instrument, item, column[present], where)
            continue
        allowed = sorted(allowed_values(instrument, item))
        if item.type == "yes_no":
            what = "1 (yes) or 0 (no)"
            if pd.api.types.is_bool_dtype(column.dtype):
                continue
            if pd.api.types.is_object_dtype(column.dtype):
                column = column.map(
                    lambda v: int(v) if isinstance(v, bool | np.bool_) else v
                )
        else:
            what = "one of the options (" + ", ".join(map(str, allowed)) + ")"
        values, not_number = _numeric(column)
        bad = not_number | (present & ~values.isin(allowed))
        if bad.any():
            raise InvalidInput(f"{where}: answers must be {what}; {_first_bad(column, bad)}")


def _check_text_column(instrument: Instrument, item: Item, present: pd.Series, where: str) -> None:
    """The first problem of a text column (non-text first, then characters, then length)."""
    found = present.map(lambda v: answer_problem(instrument, item, v))
    for code in ("wrong_type", "bad_characters", "too_long"):
        rows = [index for index, problem in found.items() if problem is not None and problem.code == code]
        if not rows:
            continue
        row, problem = rows[0], found.loc[rows[0]]
        if code == "wrong_type":
            raise InvalidInput(f"{where}: answers must be text; row {row!r} has {present.loc[row]!r}")
        if code == "bad_characters":
            raise InvalidInput(f"{where}: answers must not contain control characters; row {row!r} has "
                               f"{present.loc[row]!r}")
        raise InvalidInput(
            f"{where}: at most {problem.max_length} characters allowed; row {row!r} has {problem.length}"
        )


_NUMERIC_KINDS = frozenset({"integer", "floating", "mixed-integer-float", "empty"})


def _is_plain_numeric(column: pd.Series) -> bool:
    """Integer or float columns (numpy or pandas nullable), which convert without checks."""
    dtype = column.dtype
    if pd.api.types.is_bool_dtype(dtype):
        return False
    if pd.api.types.is_integer_dtype(dtype) or pd.api.types.is_float_dtype(dtype):
        return True
    # Object columns holding only numbers (and None/NaN), as built from stored answers.
    if not pd.api.types.is_object_dtype(dtype):
        return False
    return pd.api.types.infer_dtype(column, skipna=True) in _NUMERIC_KINDS


def _keyed_matrix(
    instrument: Instrument, frame: pd.DataFrame, item_ids: list[str]
) -> np.ndarray:
    """Likert answers as an (rows x items) float array, codes NaN, reverse keys applied.

    Works on whole arrays; only object columns (Python values) are checked element
    by element. Raises :class:`InvalidInput` naming the first bad item and row.
    """
    n, k = len(frame), len(item_ids)
    values = np.full((n, k), np.nan)
    not_number = np.zeros((n, k), dtype=bool)
    fast = [j for j, c in enumerate(item_ids) if c in frame.columns
            and _is_plain_numeric(frame[c])]
    if fast:
        cols = [item_ids[j] for j in fast]
        values[:, fast] = frame[cols].to_numpy(dtype="float64", na_value=np.nan)
    for j, item_id in enumerate(item_ids):
        if item_id in frame.columns and j not in fast:
            column_values, column_bad = _numeric(frame[item_id])
            values[:, j] = column_values.to_numpy(dtype="float64", na_value=np.nan)
            not_number[:, j] = column_bad.to_numpy(dtype=bool)

    scales = [instrument.scale_of(item_id) for item_id in item_ids]
    lo = np.array([s.min for s in scales], dtype="float64")
    hi = np.array([s.max for s in scales], dtype="float64")
    # Valid values come from the one answer rule; missing codes among them become NaN below.
    valid = np.zeros((n, k), dtype=bool)
    is_code = np.zeros((n, k), dtype=bool)
    groups: dict[tuple[frozenset[int], frozenset[int]], list[int]] = {}
    for j, item_id in enumerate(item_ids):
        accepted = allowed_values(instrument, instrument.item(item_id))
        groups.setdefault((accepted, scales[j].missing_values), []).append(j)
    for (accepted, missing), idx in groups.items():
        valid[:, idx] = np.isin(values[:, idx], sorted(accepted))
        if missing:
            is_code[:, idx] = np.isin(values[:, idx], sorted(missing))
    on_scale = valid & ~is_code
    bad = not_number | (~np.isnan(values) & ~valid)
    if bad.any():
        j = int(np.flatnonzero(bad.any(axis=0))[0])
        i = int(np.flatnonzero(bad[:, j])[0])
        scale, item_id = scales[j], item_ids[j]
        codes = sorted(scale.missing_values)
        allowed = f"integers from {scale.min} to {scale.max}"
        if codes:
            allowed += f" or missing codes ({', '.join(map(str, codes))})"
        raise InvalidInput(
            f"item {item_id!r} of {instrument.id!r}: answers must be {allowed}; "
            f"row {frame.index[i]!r} has {frame[item_id].iloc[i]!r}"
        )
    values = np.where(on_scale, values, np.nan)
    reverse = np.array([instrument.item(item_id).reverse for item_id in item_ids], dtype=bool)
    if reverse.any():
        values[:, reverse] = (lo + hi)[reverse] - values[:, reverse]
    return values


def _wanted_likert(instrument: Instrument, items: Iterable[str] | None) -> list[str]:
    wanted = [i.id for i in instrument.scored_items] if items is None else list(items)
    for item_id in wanted:
        item = instrument.item(item_id)
        if not item.scored:
            raise InvalidInput(
                f"item {item_id!r} is a {item.type} item; only likert items have scale values"
            )
    return wanted


def reverse_keyed_frame(
    instrument: Instrument, answers_wide: pd.DataFrame, *, items: Iterable[str] | None = None
) -> pd.DataFrame:
    """The likert answers as floats, missing codes as NaN, reverse-keyed items recoded.

    Parameters
    ----------
    instrument
        A validated instrument version.
    answers_wide
        One row per participant, one column per item id (any subset of the
        instrument's items; absent item columns count as unanswered).
    items
        Likert item ids to return, in this order; default: all likert items.

    Returns
    -------
    pandas.DataFrame
        Same index; one float column per requested likert item (NaN where
        unanswered or a missing code), reverse-keyed items as ``min + max - x``.
        This is the input reliability analysis needs.

    Raises
    ------
    InvalidInput
        An unknown column, or a value that is neither on the item's scale nor
        one of its missing codes (the message names the item and the row).
    """
    _check_columns(instrument, answers_wide)
    wanted = _wanted_likert(instrument, items)
    values = _keyed_matrix(instrument, answers_wide, wanted)
    return pd.DataFrame(values, index=answers_wide.index, columns=wanted, dtype="float64")


def score_frame(
    instrument: Instrument,
    answers_wide: pd.DataFrame,
    *,
    counts: bool = False,
    default_min_share: float = DEFAULT_MIN_SHARE,
) -> pd.DataFrame:
    """Score many responses at once: one row per participant, one column per score.

    Parameters
    ----------
    instrument
        A validated instrument version.
    answers_wide
        One row per participant (any index), one column per item id. Likert
        columns hold scale values, missing codes or NaN; yes/no, choice and
        text columns are checked and ignored for scoring. Item columns that
        are absent count as unanswered.
    counts
        Also return ``<score>_answered`` columns (items answered per row).
    default_min_share
        The minimum share of answered items when the instrument declares none,
        as for :func:`score_response`.

    Returns
    -------
    pandas.DataFrame
        Same index; float columns named by :attr:`Instrument.score_names`
        (subscale ids, then ``total`` when the rule asks for it). A score is
        NaN when fewer than ``ceil(share x items)`` of its items
        are answered. The same numbers as :func:`score_response` row by row.

    Raises
    ------
    InvalidInput
        An unknown column or an invalid value (the message names item and row).
    """
    _check_columns(instrument, answers_wide)
    likert = _wanted_likert(instrument, None)
    keyed = _keyed_matrix(instrument, answers_wide, likert)
    _check_unscored(instrument, answers_wide)
    position = {item_id: j for j, item_id in enumerate(likert)}
    share = instrument.scoring.share(default_min_share)
    groups: list[tuple[str, list[str]]] = [(s.id, list(s.items)) for s in instrument.subscales]
    if instrument.scoring.total:
        groups.append((TOTAL, likert))
    n = len(answers_wide)
    result: dict[str, np.ndarray] = {}
    for name, members in groups:
        block = keyed[:, [position[m] for m in members]]
        answered = (~np.isnan(block)).sum(axis=1)
        total = np.nansum(block, axis=1)
        enough = answered >= min_answered(share, len(members))
        result[name] = np.divide(total, answered, out=np.full(n, np.nan), where=enough)
        if counts:
            result[f"{name}_answered"] = answered.astype("int64")
    columns = [name for name, _ in groups]
    if counts:
        columns = [c for name in columns for c in (name, f"{name}_answered")]
    return pd.DataFrame(result, index=answers_wide.index, columns=columns)
