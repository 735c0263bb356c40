"""Shared fixtures for the analysis tests: public data sets used for R comparisons."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pingouin
import pytest

DATA = Path(__file__).parent / "data"


@pytest.fixture(scope="session")
def bfi() -> pd.DataFrame:
    """psychTools::bfi A1-A5, gender, education (2,800 rows, 1-6 answers, some missing)."""
    return pd.read_csv(DATA / "bfi_agreeableness.csv", index_col="id")


@pytest.fixture(scope="session")
def bfi_items(bfi: pd.DataFrame) -> pd.DataFrame:
    return bfi[["A1", "A2", "A3", "A4", "A5"]]


@pytest.fixture(scope="session")
def pingouin_dataset():
    """pingouin.read_dataset, for data sets that ship inside the pingouin package."""
    return pingouin.read_dataset
