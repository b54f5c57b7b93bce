"""The local Redis the job and deploy tests use (127.0.0.1:6379, each test file its own db)."""

from __future__ import annotations

import os

import pytest
from redis import Redis


def reachable_redis(url: str) -> Redis:
    """A client of ``url``. Under CI (``CI=true``), where Redis always runs, an unreachable
    server fails the test; on a developer's machine without Redis the test is skipped."""
    client = Redis.from_url(url, socket_connect_timeout=2)
    try:
        client.ping()
    except OSError as error:  # redis.ConnectionError is an OSError
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"Redis is not reachable at {url}: {error}")
        pytest.skip(f"Redis is not reachable at {url}: {error}")
    return client
