"""The per-process LRU map: bounded, and the entry dropped is the one least recently read or added."""

from __future__ import annotations

from lipassess.web.lru import LRU


def test_the_least_recently_used_entry_is_dropped() -> None:
    cache: LRU[str, int] = LRU(2)
    cache.put("a", 1)
    cache.put("b", 2)
    assert cache.get("a") == 1  # "a" is now newer than "b"
    cache.put("c", 3)
    assert (cache.get("a"), cache.get("b"), cache.get("c"), len(cache)) == (1, None, 3, 2)
    assert list(cache) == ["a", "c"] and cache["c"] == 3
    cache.put("a", 10)  # replacing keeps the size
    assert (cache.get("a"), len(cache)) == (10, 2)
    cache.clear()
    assert (cache.get("a"), len(cache)) == (None, 0)
