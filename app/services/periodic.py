"""Scheduled work that ``ladder worker`` runs: a registry of periodic tasks.

Register a task once, at import time of a module that the app imports (a service module):

    from datetime import timedelta
    from app.services.periodic import register_periodic

    register_periodic("remind", send_daily_digest, every=timedelta(days=1),
                      offset=timedelta(hours=0))   # 08:00 Asia/Shanghai = 00:00 UTC

Time is cut into slots of ``every`` starting at the Unix epoch plus ``offset`` (UTC). A task
runs once per slot, as soon as a worker is up in that slot, in an app context, outside any
request; it commits its own work. With several workers, a Redis key taken with ``SET NX``
lets only one of them run a slot. A task that raises is logged and runs again next slot.
Without Redis there is no worker: run the matching command from cron instead.
"""

from __future__ import annotations

import logging
import math
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from flask import Flask

from app.extensions import db
from models.base import utcnow

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class PeriodicTask:
    name: str
    func: Callable[[], Any]
    every: timedelta
    offset: timedelta = timedelta(0)

    def slot(self, now: datetime) -> int:
        """The number of the slot ``now`` falls in."""
        seconds = now.timestamp() - self.offset.total_seconds()
        return math.floor(seconds / self.every.total_seconds())


PERIODIC: dict[str, PeriodicTask] = {}


def register_periodic(
    name: str, func: Callable[[], Any], every: timedelta, *, offset: timedelta = timedelta(0)
) -> PeriodicTask:
    """Have ``ladder worker`` call ``func()`` once every ``every`` (see the module's doc)."""
    if every.total_seconds() <= 0:
        raise ValueError("a periodic task needs a positive period")
    task = PeriodicTask(name, func, every, offset)
    PERIODIC[name] = task
    return task


def run_due(app: Flask, redis: Any, done: dict[str, int], now: datetime | None = None) -> list[str]:
    """Run each task whose current slot this process has not run, if no other worker took
    that slot; ``done`` remembers slots per task. Returns the names run."""
    now = now or utcnow()
    ran = []
    for task in list(PERIODIC.values()):
        slot = task.slot(now)
        if done.get(task.name) == slot:
            continue
        key = f"ladder:periodic:{task.name}:{slot}"
        ttl = max(1, math.ceil(task.every.total_seconds()) * 2)
        taken = redis is None or redis.set(key, "1", nx=True, ex=ttl)
        done[task.name] = slot  # only once Redis answered: a failed SET is tried again
        if not taken:
            continue
        with app.app_context():
            try:
                task.func()
                ran.append(task.name)
            except Exception:
                log.exception("periodic task %s failed", task.name)
            finally:
                db.session.remove()
    return ran


def start_scheduler(
    app: Flask, redis: Any, stop: threading.Event, tick: float = 1.0
) -> threading.Thread:
    """A thread of the worker that runs due periodic tasks until ``stop`` is set."""

    def loop() -> None:
        done: dict[str, int] = {}
        while not stop.is_set():
            try:
                run_due(app, redis, done)
            except Exception:  # Redis away for a moment: try again next tick
                log.warning("periodic tasks not checked", exc_info=True)
            stop.wait(tick)

    thread = threading.Thread(target=loop, name="ladder-scheduler", daemon=True)
    thread.start()
    return thread
