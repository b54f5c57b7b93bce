"""The per-process cache of reports, charts and labels makes each value once, even when many
threads of a fresh worker ask for it at the same moment."""

from __future__ import annotations

import threading
import time

import pytest

from app.caching import RecentCache


def test_threads_missing_the_same_key_at_once_share_one_making():
    cache: RecentCache[str, list[int]] = RecentCache(4)
    made: list[int] = []
    start = threading.Barrier(8)

    def build() -> list[int]:
        made.append(1)
        time.sleep(0.2)  # a report being built while the other threads arrive
        return [len(made)]

    results: list[list[int]] = []

    def ask() -> None:
        start.wait()
        results.append(cache.get("company-report", build))

    threads = [threading.Thread(target=ask) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert len(made) == 1
    assert len(results) == 8
    assert all(result is results[0] for result in results)


def test_a_failed_making_is_not_cached_and_the_next_caller_tries_again():
    cache: RecentCache[str, str] = RecentCache(4)

    def broken() -> str:
        raise RuntimeError("database went away")

    with pytest.raises(RuntimeError):
        cache.get("k", broken)
    assert cache.get("k", lambda: "made") == "made"
    assert cache.get("k", broken) == "made"


def test_the_least_recently_used_value_leaves_first():
    cache: RecentCache[int, int] = RecentCache(2)
    cache.get(1, lambda: 10)
    cache.get(2, lambda: 20)
    cache.get(1, lambda: 11)  # 1 is used again, so 2 is the oldest
    cache.get(3, lambda: 30)
    assert cache.get(1, lambda: 12) == 10  # kept
    assert cache.get(2, lambda: 21) == 21  # made again
