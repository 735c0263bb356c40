"""Run any statistic per subgroup, suppressing groups too small to show.

:func:`groups_to_hide` is the one small-group rule of the package: every output
a manager can reach (dashboard tables, the API's subgroups and analysis, the
impact summary) decides what to hide with it, directly or through
:func:`protect_subgroups` and :func:`protect_attrition`.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

import pandas as pd

from lipassess.analysis._results import ResultMixin
from lipassess.analysis.attrition import SUPPRESSED, AttritionResult, BaselineDifference, needs_attention, worst_wwc
from lipassess.analysis.validation import TOO_FEW_ROWS, require_columns
from lipassess.errors import InvalidInput

__all__ = ["GroupResult", "SubgroupResult", "by_group", "groups_to_hide", "protect_attrition", "protect_subgroups"]

K = TypeVar("K", bound=Hashable)


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


def groups_to_hide(sizes: Mapping[K, int | None], min_size: int, *, hidden: Iterable[K] = (),
                   unlisted: int = 0) -> frozenset[K]:
    """The groups a manager must not see, so that no group under ``min_size`` can be learnt.

    Parameters
    ----------
    sizes : mapping of group to int or None
        People behind each group's figures; None for a size already known
        to be under ``min_size`` but not given (counted as one person, the
        cautious choice).
    min_size : int
        Smallest group shown (``LIPASSESS_MIN_GROUP_SIZE``).
    hidden : iterable of groups, optional
        Groups hidden for another reason; their people count as hidden.
    unlisted : int, optional
        People in the overall figure who are in no listed group (no value).

    Returns
    -------
    frozenset
        Every group under ``min_size``, and then the smallest shown groups
        (ties by name) until the hidden people together number none or at
        least ``min_size``.

    Notes
    -----
    Complementary suppression: when the overall figure is published next to
    the groups', the hidden groups' combined figure is the overall one minus
    the shown ones, so the hidden people together must be a group big enough
    to show. This hides a second group when exactly one would be hidden, and
    more when the hidden ones are still too few together.

    Examples
    --------
    >>> sorted(groups_to_hide({"A": 20, "B": 9, "C": 1, "D": 12}, 5))
    ['B', 'C']
    >>> sorted(groups_to_hide({"A": 20, "B": 4, "C": 3}, 5))
    ['B', 'C']
    >>> sorted(groups_to_hide({"A": 20, "B": 9}, 5, unlisted=1))
    ['B']
    """
    if isinstance(min_size, bool) or not isinstance(min_size, int) or min_size < 1:
        raise InvalidInput(f"min_size must be a whole number of at least 1, not {min_size!r}.")
    counted = {key: 1 if n is None else int(n) for key, n in sizes.items()}
    out = {key for key, n in counted.items() if n < min_size} | {key for key in hidden if key in counted}
    people = unlisted + sum(counted[key] for key in out)
    shown = sorted((n, str(key), key) for key, n in counted.items() if key not in out)
    while 0 < people < min_size and shown:
        n, _name, key = shown.pop(0)
        out.add(key)
        people += n
    return frozenset(out)


def protect_subgroups(result: SubgroupResult, min_size: int) -> SubgroupResult:
    """``result`` as a manager may see it: the groups :func:`groups_to_hide` names are suppressed.

    Groups already suppressed (``n`` like ``"<5"``) count as one person each and stay as
    they are; a group hidden only so that a smaller one cannot be worked out gets ``n``
    ``"hidden"``.
    """
    sizes = {i: g.n if isinstance(g.n, int) and not g.suppressed else None for i, g in enumerate(result.groups)}
    hide = groups_to_hide(sizes, min_size)
    flag = f"<{min_size}"
    groups = tuple(
        GroupResult(group=g.group, n=flag if isinstance(g.n, int) and g.n < min_size else "hidden",
                    suppressed=True, result=None) if i in hide and not g.suppressed else g
        for i, g in enumerate(result.groups))
    return dataclasses.replace(result, groups=groups, min_n=max(result.min_n, min_size),
                               n_suppressed=sum(g.suppressed for g in groups))


def level_size(row: BaselineDifference) -> int:
    """People holding a categorical level (retained and lost together), from its shares."""
    total = 0.0
    for share, n in ((row.retained_value, row.n_retained), (row.lost_value, row.n_lost)):
        if not math.isnan(share):
            total += share * n
    return int(round(total))


def protect_attrition(result: AttritionResult, min_size: int) -> AttritionResult:
    """``result`` as a manager may see it: categorical levels :func:`groups_to_hide` names carry no numbers.

    A hidden level keeps its name and the overall ``n_retained``/``n_lost``;
    its shares, effect size and WWC category become NaN and ``"suppressed"``,
    notes naming it are dropped, and ``max_abs_effect`` and ``wwc_category``
    are taken over the levels still shown (so neither gives a hidden one away).
    """
    hide: set[int] = set()
    by_variable: dict[str, dict[int, int | None]] = {}
    for i, row in enumerate(result.variables):
        if row.level is not None:
            by_variable.setdefault(row.variable, {})[i] = level_size(row)
    for sizes in by_variable.values():
        hide |= groups_to_hide(sizes, min_size)
    if not hide:
        return result
    nan = math.nan
    variables = tuple(
        dataclasses.replace(row, retained_value=nan, lost_value=nan, retained_sd=nan, lost_sd=nan,
                            effect_size=nan, diff_proportion=nan, wwc=SUPPRESSED, suppressed=True)
        if i in hide else row for i, row in enumerate(result.variables))
    hidden_labels = {f"{row.variable}={row.level}" for i, row in enumerate(result.variables) if i in hide}
    notes = tuple(note for note in result.notes if not any(note.startswith(label) for label in hidden_labels))
    shown = [row for row in variables if not row.suppressed]
    effects = [abs(row.effect_size) for row in shown if not math.isnan(row.effect_size)]
    worst = worst_wwc([row.wwc for row in shown], n_lost=result.n_lost)
    return dataclasses.replace(result, variables=variables, notes=notes,
                               max_abs_effect=max(effects) if effects else nan, wwc_category=worst,
                               flag=needs_attention(worst))
