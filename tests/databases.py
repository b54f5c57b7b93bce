"""Throw-away databases for tests: a SQLite file, or a PostgreSQL database of their own.

PostgreSQL tests connect to ``LADDER_TEST_POSTGRES_URL`` (default: the local server's
``test`` database), create a uniquely named database, and drop it afterwards, so runs never
collide. Outside CI an unreachable server skips them; with ``CI=true`` it fails the run.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import psycopg
import pytest
from psycopg import sql

BACKENDS = ("sqlite", "postgresql")
DEFAULT_POSTGRES_URL = "postgresql://postgres@127.0.0.1:5432/test"


def postgres_admin_url() -> str:
    return os.environ.get("LADDER_TEST_POSTGRES_URL", DEFAULT_POSTGRES_URL)


def _require_postgres() -> None:
    try:
        with psycopg.connect(postgres_admin_url(), connect_timeout=5):
            pass
    except psycopg.OperationalError as error:
        message = f"PostgreSQL is not reachable at {postgres_admin_url()}: {error}"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(message)
        pytest.skip(message)


@contextmanager
def temporary_database(backend: str, folder: Path) -> Iterator[str]:
    """Yield the SQLAlchemy URL of a new empty database, dropped on exit."""
    if backend == "sqlite":
        yield f"sqlite:///{folder / f'ladder-{uuid.uuid4().hex[:8]}.db'}"
        return
    _require_postgres()
    name = f"ladder_test_{os.getpid()}_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(postgres_admin_url(), autocommit=True) as conn:
        conn.execute(
            sql.SQL("CREATE DATABASE {} ENCODING 'UTF8' TEMPLATE template0").format(
                sql.Identifier(name)
            )
        )
    base = postgres_admin_url().rsplit("/", 1)[0]
    try:
        yield f"{base}/{name}".replace("postgresql://", "postgresql+psycopg://", 1)
    finally:
        with psycopg.connect(postgres_admin_url(), autocommit=True) as conn:
            conn.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
            )
