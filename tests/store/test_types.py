"""Text that another system wrote, as both databases store it."""

from __future__ import annotations

import pytest

from lipassess.store.types import storable_text


@pytest.mark.parametrize(("text", "stored"), [
    ("plain ភាសាខ្មែរ", "plain ភាសាខ្មែរ"),
    ("a\x00b\x00", "a\ufffdb\ufffd"),
    ("lone \ud800 and \udfff", "lone \ufffd and \ufffd"),
    ("a pair 😀 stays", "a pair 😀 stays"),
])
def test_storable_text_replaces_only_what_no_database_stores(text: str, stored: str) -> None:
    assert storable_text(text) == stored
    storable_text(text).encode("utf-8")  # always encodable
