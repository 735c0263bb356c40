"""The Examples sections of the pre/post, repeated and attrition docstrings run as doctests."""

from __future__ import annotations

import doctest
import importlib
from types import ModuleType

import pytest

from lipassess.analysis import attrition, paired, repeated, then_test

MODULES = [
    importlib.import_module(f"lipassess.analysis.{name}")
    for name in ("paired", "then_test", "repeated", "attrition")
]


@pytest.mark.parametrize("module", MODULES, ids=lambda m: m.__name__)
def test_docstring_examples(module: ModuleType) -> None:
    result = doctest.testmod(module, optionflags=doctest.NORMALIZE_WHITESPACE)
    assert result.attempted > 0
    assert result.failed == 0


def test_public_functions_are_documented() -> None:
    for fn in (paired, then_test, repeated, attrition):
        doc = fn.__doc__ or ""
        for section in ("Parameters", "Returns", "Raises", "Notes", "References", "Examples"):
            assert section in doc, f"{fn.__name__} lacks {section}"
