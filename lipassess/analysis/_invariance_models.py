"""The configural, metric and scalar factor models of one subscale, across waves or across groups.

One factor per subscale. Identification, the same at every level: the factor
of the first wave (or group) has variance 1 and mean 0; every loading is a
free parameter (no marker item, so any item's loading can be freed for
partial invariance).

* **configural**: every wave (group) has its own loadings and intercepts; every
  factor has variance 1 and mean 0.
* **metric**: an item's loading is one parameter at every wave (group), except
  the items in ``free_loadings``; the later factors' variances are free.
* **scalar**: an item's intercept is one parameter too, except the items in
  ``free_intercepts``; the later factors' means are free.

Across waves the model is one wide model (Meredith 1993; Widaman, Ferrer &
Conger 2010): a factor per wave, the factors correlated, and the residuals of
the same item at different waves correlated. Across groups it is the usual
multi-group model (Joreskog 1971; Sorbom 1974), which is what
``lavaan::cfa(..., std.lv = TRUE, group.equal = ...)`` fits.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence

from lipassess.analysis._cfa import Cell, GroupModel

CONFIGURAL, METRIC, SCALAR = "configural", "metric", "scalar"
LEVELS = (CONFIGURAL, METRIC, SCALAR)


def _symmetric(size: int, cell: dict[tuple[int, int], Cell]) -> list[list[Cell]]:
    grid: list[list[Cell]] = [[0.0] * size for _ in range(size)]
    for (a, b), value in cell.items():
        grid[a][b] = value
        grid[b][a] = value
    return grid


def _loading(item: str, where: str, level: str, free: Collection[str]) -> str:
    shared = level != CONFIGURAL and item not in free
    return f"loading[{item}]" if shared else f"loading[{item}@{where}]"


def _intercept(item: str, where: str, level: str, free: Collection[str]) -> str:
    shared = level == SCALAR and item not in free
    return f"intercept[{item}]" if shared else f"intercept[{item}@{where}]"


def _variance(index: int, where: str, level: str) -> Cell:
    return 1.0 if index == 0 or level == CONFIGURAL else f"variance[{where}]"


def _mean(index: int, where: str, level: str) -> Cell:
    return 0.0 if index == 0 or level != SCALAR else f"mean[{where}]"


def longitudinal_model(items: Sequence[str], waves: Sequence[str], level: str, *,
                       free_loadings: Collection[str] = (), free_intercepts: Collection[str] = ()) -> GroupModel:
    """One wide model: the observed variables are the items of the first wave, then the second, ...

    Residual covariances are free between the waves of one item (and zero otherwise);
    the factor covariances are free.
    """
    k, m = len(items), len(waves)
    p = k * m
    loadings: list[list[Cell]] = [[0.0] * m for _ in range(p)]
    intercepts: list[Cell] = []
    residuals: dict[tuple[int, int], Cell] = {}
    for t, wave in enumerate(waves):
        for j, item in enumerate(items):
            row = t * k + j
            loadings[row][t] = _loading(item, wave, level, free_loadings)
            intercepts.append(_intercept(item, wave, level, free_intercepts))
            residuals[(row, row)] = f"residual[{item}@{wave}]"
            for later in range(t + 1, m):
                residuals[(row, later * k + j)] = f"residual[{item}@{wave}~{waves[later]}]"
    factors: dict[tuple[int, int], Cell] = {}
    for t, wave in enumerate(waves):
        factors[(t, t)] = _variance(t, wave, level)
        for later in range(t + 1, m):
            factors[(t, later)] = f"covariance[{wave}~{waves[later]}]"
    return GroupModel(loadings=loadings, factor_cov=_symmetric(m, factors), residual_cov=_symmetric(p, residuals),
                      intercepts=intercepts, factor_means=[_mean(t, w, level) for t, w in enumerate(waves)])


def group_models(items: Sequence[str], groups: Sequence[str], level: str, *,
                 free_loadings: Collection[str] = (), free_intercepts: Collection[str] = ()) -> list[GroupModel]:
    """One one-factor model per group, tied by the labels the level shares."""
    k = len(items)
    models = []
    for g, group in enumerate(groups):
        residuals: dict[tuple[int, int], Cell] = {(j, j): f"residual[{item}@{group}]" for j, item in enumerate(items)}
        models.append(GroupModel(
            loadings=[[_loading(item, group, level, free_loadings)] for item in items],
            factor_cov=[[_variance(g, group, level)]],
            residual_cov=_symmetric(k, residuals),
            intercepts=[_intercept(item, group, level, free_intercepts) for item in items],
            factor_means=[_mean(g, group, level)],
        ))
    return models
