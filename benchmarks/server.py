"""A seeded PostgreSQL database and a gunicorn server for the benchmarks that measure from
outside (``pages.py``, ``load_test.py``): the same settings as production (``gunicorn.conf.py``,
two workers, Redis for rate limits), everything on this machine.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import NamedTuple

import psycopg
from psycopg import sql

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
ADMIN_URL = os.environ.get("LADDER_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def database_url(name: str) -> str:
    return f"{ADMIN_URL.rsplit('/', 1)[0]}/{name}"


def server_env(name: str, port: int) -> dict[str, str]:
    return {
        **os.environ,
        "LADDER_DATABASE_URL": database_url(name),
        "LADDER_SECRET_KEY": "load" * 10,
        "LADDER_REDIS_URL": os.environ.get("LADDER_REDIS_URL", "redis://127.0.0.1:6379/14"),
        "LADDER_WORKERS": "2",
        "LADDER_BIND": f"127.0.0.1:{port}",
        "LADDER_LOGIN_RATE_LIMIT": "100000 per minute",
        "LADDER_LOGIN_ACCOUNT_RATE_LIMIT": "100000 per minute",
        "LADDER_SURVEY_RATE_LIMIT": "100000 per hour",
        "LADDER_JSON_LOGS": "0",
    }


def _ladder(*args: str, env: dict[str, str]) -> float:
    started = time.perf_counter()
    subprocess.run(
        [str(BIN / "ladder"), *args], cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL
    )
    return time.perf_counter() - started


@contextmanager
def seeded_database(size: str, existing: str | None, keep: bool) -> Iterator[str]:
    """The name of a database holding ``ladder demo --size SIZE``: ``existing`` as it is (no
    seeding; upgraded to the current schema), else a new one, dropped afterwards unless
    ``keep``."""
    if existing:
        _ladder("db", "upgrade", env=server_env(existing, 0))
        yield existing
        return
    name = f"ladder_load_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(ADMIN_URL, autocommit=True) as conn:
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    try:
        env = server_env(name, 0)
        _ladder("db", "upgrade", env=env)
        print(f"{size} demo seeded in {_ladder('demo', '--size', size, env=env):.0f} s")
        yield name
    finally:
        if not keep:
            with psycopg.connect(ADMIN_URL, autocommit=True) as conn:
                conn.execute(
                    sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
                )
        else:
            print(f"kept database {name}")


def wait_until_ready(url: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"{url}/readyz", timeout=2) as response:  # noqa: S310
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.5)
    raise RuntimeError("gunicorn did not become ready")


class Server(NamedTuple):
    url: str
    pid: int


@contextmanager
def gunicorn(name: str) -> Iterator[Server]:
    """``gunicorn -c gunicorn.conf.py wsgi:app`` on database ``name``: its base URL and the
    process id of its master."""
    port = free_port()
    log = (Path(tempfile.gettempdir()) / f"{name}-gunicorn.log").open("w")
    print(f"gunicorn log: {log.name}")
    server = subprocess.Popen(
        [str(BIN / "gunicorn"), "-c", "gunicorn.conf.py", "wsgi:app"],
        cwd=ROOT,
        env=server_env(name, port),
        stderr=log,
    )
    host = f"http://127.0.0.1:{port}"
    try:
        wait_until_ready(host)
        yield Server(host, server.pid)
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)
        log.close()


def cpu_seconds(pid: int) -> float:
    """CPU seconds used so far by process ``pid`` and its living children (gunicorn's
    workers), from /proc; 0 where there is no /proc."""
    tick = os.sysconf("SC_CLK_TCK")
    total = 0.0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if stat.parent.name == str(pid) or fields[1] == str(pid):
            total += (int(fields[11]) + int(fields[12])) / tick
    return total


def survey_token(name: str) -> str:
    """The token of the demo's open survey, for the respondents of the load test."""
    with psycopg.connect(database_url(name)) as conn:
        row = conn.execute(
            "SELECT token FROM surveys WHERE status = 'open' AND "
            "(closes_on IS NULL OR closes_on >= CURRENT_DATE) ORDER BY id DESC LIMIT 1"
        ).fetchone()
    return row[0] if row else ""
