"""How the suite is split between pytest-xdist workers (``pytest -n auto``; CI and the README run it so).

Each worker takes whole modules, so a module's fixtures (the demo command's run,
a served demo program, a fitted model) are built once, on one worker. Modules
named in :data:`SHARED_SCOPE` go to the worker of the module they share
session fixtures with. The heaviest modules are handed out first, so that no
worker is left alone with a long module at the end: modules with the most ``slow``
or ``browser`` tests first, then the others by their number of tests (most first).
Without ``-n`` none of this applies and the suite runs in collection order.
"""

from __future__ import annotations

from collections import Counter

import pytest
from xdist.scheduler import LoadScopeScheduling

# module -> the module whose worker it runs on (they share that worker's session fixtures)
SHARED_SCOPE = {
    "tests/web/test_staff_phone.py": "tests/web/test_staff_browser.py",  # the served demo program
}
HEAVY_MARKERS = ("slow", "browser")


def module_of(nodeid: str) -> str:
    """The work unit of a test: its module, or the module it shares fixtures with."""
    module = nodeid.split("::", 1)[0]
    return SHARED_SCOPE.get(module, module)


class ModuleScheduling(LoadScopeScheduling):
    """xdist's ``loadscope`` with whole modules as units, handed out in the order the workers collected them
    (:func:`heaviest_first`), not re-sorted by their number of tests."""

    def __init__(self, config: pytest.Config, log: object = None) -> None:
        super().__init__(config, log)  # type: ignore[arg-type]
        config.option.loadscopereorder = False

    def _split_scope(self, nodeid: str) -> str:
        return module_of(nodeid)


def heaviest_first(items: list[pytest.Item]) -> None:
    """Reorder ``items`` in place: whole units, heavy ones first, each unit's tests in their own order.

    Every worker computes the same order from the same collection (xdist checks that they agree).
    """
    heavy = Counter(module_of(item.nodeid) for item in items
                    if any(item.get_closest_marker(name) for name in HEAVY_MARKERS))
    size = Counter(module_of(item.nodeid) for item in items)
    first_seen = {unit: n for n, unit in enumerate(dict.fromkeys(module_of(item.nodeid) for item in items))}

    def key(item: pytest.Item) -> tuple[int, int, int]:
        unit = module_of(item.nodeid)
        return -heavy[unit], -size[unit], first_seen[unit]

    items.sort(key=key)  # stable: a unit's tests keep their order
