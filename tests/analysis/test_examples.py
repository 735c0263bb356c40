"""Every module of :mod:`lipassess.analysis` runs its docstring examples as doctests."""

from __future__ import annotations

import doctest
import importlib
import pkgutil
from types import ModuleType

import pytest

import lipassess.analysis
from lipassess.analysis import attrition, paired, repeated, then_test

MODULES = [
    importlib.import_module(info.name)
    for info in pkgutil.iter_modules(lipassess.analysis.__path__, prefix="lipassess.analysis.")
]
PUBLIC = [m for m in MODULES if not m.__name__.rsplit(".", 1)[1].startswith("_")]


def test_every_module_is_collected() -> None:
    names = {m.__name__.rsplit(".", 1)[1] for m in MODULES}
    assert {"reliability", "paired", "change", "repeated", "attrition", "cohort", "_lmm"} <= names


@pytest.mark.parametrize("module", MODULES, ids=lambda m: m.__name__)
def test_docstring_examples(module: ModuleType) -> None:
    result = doctest.testmod(module, optionflags=doctest.NORMALIZE_WHITESPACE)
    assert result.failed == 0
    if module in PUBLIC:
        assert result.attempted > 0, f"{module.__name__} has no example: add an Examples section"


def test_public_functions_are_documented() -> None:
    for fn in (paired, then_test, repeated, attrition):
        doc = fn.__doc__ or ""
        for section in ("Parameters", "Returns", "Raises", "Notes", "References", "Examples"):
            assert section in doc, f"{fn.__name__} lacks {section}"
