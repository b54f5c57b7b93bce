"""A small thread-safe cache of recent results, for values keyed by what they are made of.

Each web process keeps its own. Keys must hold everything the value depends on: the reports
key theirs by the data fingerprint read from the database, so a process never serves what
another process has since changed. The least recently used entries leave first.

A value is made once even when several threads miss it at the same moment: the others wait for
it. On a fresh worker every thread would otherwise build the same report at once (a quarter
of a second of CPU each under the GIL), and the first users behind them queued.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


class RecentCache(Generic[K, V]):
    def __init__(self, size: int) -> None:
        self.size = size
        self._items: OrderedDict[K, V] = OrderedDict()
        self._making: dict[K, threading.Event] = {}
        self._lock = threading.Lock()

    def get(self, key: K, make: Callable[[], V]) -> V:
        """The value of ``key``, made by ``make`` when missing. One thread makes it, outside
        the lock; the threads that miss the same key meanwhile wait for its value (if making
        it fails, each of them tries in turn)."""
        while True:
            with self._lock:
                if key in self._items:
                    self._items.move_to_end(key)
                    return self._items[key]
                pending = self._making.get(key)
                if pending is None:
                    made = self._making[key] = threading.Event()
            if pending is None:
                break
            pending.wait()
        try:
            value = make()
            with self._lock:
                self._items[key] = value
                while len(self._items) > self.size:
                    self._items.popitem(last=False)
            return value
        finally:
            with self._lock:
                del self._making[key]
            made.set()

    def clear(self) -> None:
        with self._lock:
            self._items.clear()
