"""Run any statistic per subgroup, suppressing groups too small to show."""

from __future__ import annotations

from collections.abc import Callable, Hashable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd

from lipassess.analysis._results import ResultMixin
from lipassess.analysis.validation import TOO_FEW_ROWS, require_columns
from lipassess.errors import InvalidInput

__all__ = ["GroupResult", "SubgroupResult", "by_group"]


@dataclass(frozen=True, slots=True, kw_only=True)
class GroupResult(ResultMixin):
    """The statistic for one group, or the mark that it was suppressed.

    Attributes
    ----------
    group : hashable
        The group's value in the grouping column.
    n : int or str
        Rows in the group; ``"<5"`` (``"<min_n"``) when suppressed.
    suppressed : bool
        True when the group had fewer than ``min_n`` rows, or the statistic
        had fewer than ``min_n`` usable rows (``n_obs``). Then ``result`` is None.
    result : result dataclass or None
        What the statistic returned for this group.
    """

    group: Hashable
    n: int | str
    suppressed: bool
    result: Any


@dataclass(frozen=True, slots=True, kw_only=True)
class SubgroupResult(ResultMixin):
    """One statistic computed per group.

    Attributes
    ----------
    group_col : str
        The grouping column.
    statistic : str
        Name of the statistic function.
    min_n : int
        Smallest group size shown.
    n_groups, n_suppressed : int
        Groups found, and how many of them were suppressed.
    groups : tuple of GroupResult
        One entry per group, sorted by group value when the values sort.
    notes : tuple of str
        Data-handling facts.
    """

    group_col: str
    statistic: str
    min_n: int
    n_groups: int
    n_suppressed: int
    groups: tuple[GroupResult, ...]
    notes: tuple[str, ...]

    def summary(self) -> str:
        """One block per group: the group's own summary, or the suppression mark."""
        lines = [f"{self.statistic} by {self.group_col} (groups under {self.min_n} suppressed)"]
        for item in self.groups:
            if item.suppressed:
                lines.append(f"{self.group_col} = {item.group} (n {item.n}): suppressed")
                continue
            lines.append(f"{self.group_col} = {item.group} (n = {item.n})")
            inner = item.result.summary() if hasattr(item.result, "summary") else str(item.result)
            lines += ["    " + line for line in inner.splitlines()]
        lines += [f"  note: {note}" for note in self.notes]
        return "\n".join(lines)


def _call(
    statistic: Callable[..., Any],
    rows: pd.DataFrame,
    group_col: Hashable,
    columns: Sequence[Hashable] | Mapping[str, Hashable] | None,
    kwargs: dict[str, Any],
) -> Any:
    if columns is None:
        return statistic(rows.drop(columns=[group_col]), **kwargs)
    if isinstance(columns, Mapping):
        return statistic(**{param: rows[col] for param, col in columns.items()}, **kwargs)
    return statistic(rows[list(columns)], **kwargs)


def by_group(
    data: pd.DataFrame,
    group_col: Hashable,
    statistic: Callable[..., Any],
    *,
    min_n: int = 5,
    columns: Sequence[Hashable] | Mapping[str, Hashable] | None = None,
    **kwargs: Any,
) -> SubgroupResult:
    """Compute ``statistic`` for each value of ``group_col``; hide groups below ``min_n``.

    Parameters
    ----------
    data : pandas.DataFrame
        One row per participant, with the grouping column.
    group_col : column name
        Column whose values define the groups (sex, province, cohort ...).
        Rows with no value there are left out.
    statistic : callable
        Any statistic of this package (or any function returning a result).
    min_n : int
        Groups with fewer rows than this, or whose result has ``n_obs`` below
        it, are suppressed: only their name and ``"<min_n"`` are reported.
    columns : sequence or mapping of column names, optional
        What the statistic receives for each group:

        * None: the group's rows without ``group_col``, as the first argument
          (for :func:`reliability` when ``data`` holds only items and group);
        * a list: those columns, as the first argument (``columns=items``);
        * a mapping ``{parameter: column}``: each column as a keyword
          argument, e.g. ``{"pre": "score_pre", "post": "score_post"}`` for
          :func:`reliable_change`.
    **kwargs
        Passed to ``statistic`` unchanged (``reverse=``, ``reliability=`` ...).

    Returns
    -------
    SubgroupResult
        JSON keys: ``group_col``, ``statistic``, ``min_n``, ``n_groups``,
        ``n_suppressed``, ``groups`` (objects with ``group``, ``n``,
        ``suppressed``, ``result``), ``notes``.

    Raises
    ------
    InvalidInput
        Missing grouping or data columns, ``min_n`` below 1, and any
        InvalidInput the statistic raises for a group big enough to show,
        except "too few rows", which suppresses that group instead.

    Notes
    -----
    Groups with fewer than ``min_n`` rows are never computed; a group whose
    result turns out to rest on fewer than ``min_n`` rows is computed and the
    result thrown away. Either way no estimate of a suppressed group reaches
    the result. Suppression alone does not stop
    differencing: if the overall figure and every other group's figure are
    published together, a suppressed group's figure can sometimes be
    worked out; reports that show the overall figure next to subgroups must
    also suppress a second group when exactly one is suppressed.

    Examples
    --------
    >>> from lipassess.analysis import proportion
    >>> data = pd.DataFrame({"site": ["a"] * 6 + ["b"] * 2, "applied": [1] * 5 + [0] * 3})
    >>> def applied_share(rows):
    ...     return proportion(int(rows["applied"].sum()), len(rows))
    >>> result = by_group(data, "site", applied_share)
    >>> [(g.group, g.n, g.suppressed, g.result is None) for g in result.groups]
    [('a', 6, False, False), ('b', '<5', True, True)]
    """
    if not isinstance(data, pd.DataFrame):
        raise InvalidInput(f"Expected a table (pandas DataFrame), got {type(data).__name__}.")
    if group_col not in data.columns:
        raise InvalidInput(
            f"Group column {group_col!r} not found; the data have "
            f"{', '.join(repr(str(c)) for c in data.columns)}."
        )
    if isinstance(min_n, bool) or not isinstance(min_n, int) or min_n < 1:
        raise InvalidInput(f"min_n must be a whole number of at least 1, not {min_n!r}.")
    if not callable(statistic):
        raise InvalidInput("statistic must be a function such as reliability.")
    if columns is not None:
        wanted = list(columns.values()) if isinstance(columns, Mapping) else list(columns)
        require_columns(data, wanted)

    notes: list[str] = []
    no_group = int(data[group_col].isna().sum())
    if no_group:
        shown = no_group if no_group >= min_n else f"fewer than {min_n}"
        notes.append(f"{shown} rows with no {group_col} value were left out.")
    try:
        grouped = list(data.groupby(group_col, sort=True, dropna=True, observed=True))
    except TypeError:
        grouped = list(data.groupby(group_col, sort=False, dropna=True, observed=True))

    flag = f"<{min_n}"
    groups: list[GroupResult] = []
    for key, rows in grouped:
        suppressed_entry = GroupResult(group=key, n=flag, suppressed=True, result=None)
        if len(rows) < min_n:
            groups.append(suppressed_entry)
            continue
        try:
            result = _call(statistic, rows, group_col, columns, kwargs)
        except InvalidInput as error:
            if error.errors.get("reason") == TOO_FEW_ROWS:
                groups.append(suppressed_entry)
                continue
            raise InvalidInput(
                f"In group {group_col} = {key!r}: {error.message}", errors=error.errors
            ) from error
        n_obs = getattr(result, "n_obs", None)
        if isinstance(n_obs, int) and n_obs < min_n:
            groups.append(suppressed_entry)
            continue
        groups.append(GroupResult(group=key, n=len(rows), suppressed=False, result=result))

    n_suppressed = sum(g.suppressed for g in groups)
    if groups and n_suppressed == len(groups):
        notes.append(f"Every group is smaller than {min_n}: nothing can be shown.")
    name = getattr(statistic, "__name__", type(statistic).__name__)
    return SubgroupResult(
        group_col=str(group_col),
        statistic=name,
        min_n=min_n,
        n_groups=len(groups),
        n_suppressed=n_suppressed,
        groups=tuple(groups),
        notes=tuple(notes),
    )
