"""Periodic tasks of ``ladder worker``: once per slot, and once across several workers
(a Redis key per slot, on the real Redis, database 11)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest

from app.extensions import db
from app.services import periodic
from app.services.periodic import register_periodic, run_due
from app.services.scheduled import register_builtin_tasks
from tests.conftest import make_test_app
from tests.redis_support import reachable_redis


@pytest.fixture
def plain_app(tmp_path):
    application = make_test_app("sqlite://", tmp_path)
    yield application
    with application.app_context():
        db.engine.dispose()


@pytest.fixture
def redis():
    return reachable_redis("redis://127.0.0.1:6379/11")


@pytest.fixture
def task_name():
    name = f"test-{uuid.uuid4().hex[:8]}"
    yield name
    periodic.PERIODIC.pop(name, None)


def test_a_task_runs_once_per_slot_and_once_among_workers(plain_app, redis, task_name):
    calls = []
    register_periodic(task_name, lambda: calls.append(1), every=timedelta(hours=1))
    nine = datetime(2026, 11, 30, 9, 5, tzinfo=UTC)
    first, second = {}, {}  # what two workers remember
    assert task_name in run_due(plain_app, redis, first, nine)
    assert task_name not in run_due(plain_app, redis, first, nine + timedelta(minutes=30))
    assert task_name not in run_due(plain_app, redis, second, nine + timedelta(minutes=31))
    assert len(calls) == 1
    assert task_name in run_due(plain_app, redis, second, nine + timedelta(hours=1))
    assert len(calls) == 2


def test_a_failing_task_is_logged_and_the_others_run(plain_app, redis, task_name, caplog):
    calls = []

    def broken():
        raise RuntimeError("mail server away")

    register_periodic(task_name, broken, every=timedelta(minutes=5))
    register_periodic(task_name + "-ok", lambda: calls.append(1), every=timedelta(minutes=5))
    try:
        ran = run_due(plain_app, redis, {}, datetime(2026, 11, 30, 9, 0, tzinfo=UTC))
    finally:
        periodic.PERIODIC.pop(task_name + "-ok", None)
    assert task_name not in ran
    assert calls == [1]
    assert "mail server away" in caplog.text


def test_offsets_place_the_daily_slot(task_name):
    task = register_periodic(task_name, lambda: None, timedelta(days=1), offset=timedelta(hours=8))
    before = datetime(2026, 11, 30, 7, 59, tzinfo=UTC)
    assert task.slot(before) + 1 == task.slot(before + timedelta(minutes=1))
    with pytest.raises(ValueError, match="positive"):
        register_periodic(task_name, lambda: None, timedelta(0))


def test_the_worker_schedules_the_outbox_and_the_daily_digest_at_eight_local(plain_app):
    saved = dict(periodic.PERIODIC)
    try:
        periodic.PERIODIC.pop("remind", None)
        periodic.PERIODIC.pop("notifications-send", None)
        register_builtin_tasks(plain_app)
        remind = periodic.PERIODIC["remind"]
        eight_in_shanghai = datetime(2026, 11, 30, 0, 0, tzinfo=UTC)
        assert (
            remind.slot(eight_in_shanghai)
            == remind.slot(eight_in_shanghai - timedelta(seconds=1)) + 1
        )
        assert periodic.PERIODIC["notifications-send"].every == timedelta(minutes=1)
    finally:
        periodic.PERIODIC.clear()
        periodic.PERIODIC.update(saved)
