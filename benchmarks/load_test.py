"""Load test: two gunicorn processes on PostgreSQL with the large demo, 50 simulated users.

    .venv/bin/python benchmarks/load_test.py [--users 50] [--seconds 60] [--skip-seed DBNAME]

Creates a database of its own, seeds `ladder demo --size large`, serves the app with
`gunicorn -c gunicorn.conf.py wsgi:app` (2 workers, Redis for rate limits), runs
`benchmarks/load/locustfile.py` headless, prints requests per second, median and p95 per kind
and the errors, and writes them to docs/performance.md. Everything runs on this machine.
"""

from __future__ import annotations

import argparse
import csv
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
import uuid
from pathlib import Path

import psycopg
from psycopg import sql

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
ADMIN_URL = os.environ.get("LADDER_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test")
sys.path.insert(0, str(Path(__file__).resolve().parent))
from perf_doc import write_section  # noqa: E402


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def run(*args: str, env: dict[str, str]) -> float:
    started = time.perf_counter()
    subprocess.run(args, cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - started


def survey_token(database_url: str) -> str:
    with psycopg.connect(database_url) as conn:
        row = conn.execute(
            "SELECT token FROM surveys WHERE status = 'open' AND "
            "(closes_on IS NULL OR closes_on >= CURRENT_DATE) ORDER BY id DESC LIMIT 1"
        ).fetchone()
    return row[0] if row else ""


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


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--size", choices=["small", "large"], default="large")
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    args = parser.parse_args()

    name = f"ladder_load_{uuid.uuid4().hex[:8]}"
    base = ADMIN_URL.rsplit("/", 1)[0]
    database_url = f"{base}/{name}"
    with psycopg.connect(ADMIN_URL, autocommit=True) as conn:
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    port = free_port()
    env = {
        **os.environ,
        "LADDER_DATABASE_URL": database_url,
        "LADDER_SECRET_KEY": "load" * 10,
        "LADDER_REDIS_URL": "redis://127.0.0.1:6379/14",
        "LADDER_WORKERS": "2",
        "LADDER_BIND": f"127.0.0.1:{port}",
        "LADDER_LOGIN_RATE_LIMIT": "100000 per minute",
        "LADDER_SURVEY_RATE_LIMIT": "100000 per hour",
        "LADDER_JSON_LOGS": "0",
    }
    server = None
    try:
        run(str(BIN / "ladder"), "db", "upgrade", env=env)
        seed = run(str(BIN / "ladder"), "demo", "--size", args.size, env=env)
        print(f"{args.size} demo seeded in {seed:.0f} s")
        env["LOAD_SURVEY_TOKEN"] = survey_token(database_url)
        server_log = (Path(tempfile.gettempdir()) / f"{name}-gunicorn.log").open("w")
        print(f"gunicorn log: {server_log.name}")
        server = subprocess.Popen(
            [str(BIN / "gunicorn"), "-c", "gunicorn.conf.py", "wsgi:app"],
            cwd=ROOT,
            env=env,
            stderr=server_log,
        )
        host = f"http://127.0.0.1:{port}"
        wait_until_ready(host)
        prefix = Path(tempfile.gettempdir()) / name
        subprocess.run(
            [
                str(BIN / "locust"),
                "-f",
                "benchmarks/load/locustfile.py",
                "--headless",
                "-u",
                str(args.users),
                "-r",
                "10",
                "-t",
                f"{args.seconds}s",
                "--host",
                host,
                "--csv",
                str(prefix),
                "--only-summary",
            ],
            cwd=ROOT,
            env=env,
            check=False,
            stdout=subprocess.DEVNULL,
        )
        table = report(prefix.with_name(prefix.name + "_stats.csv"), args)
        print(table)
        if args.size == "large":
            write_section("Load test", table)
    finally:
        if server is not None:
            server.send_signal(signal.SIGTERM)
            server.wait(timeout=30)
        if not args.keep:
            with psycopg.connect(ADMIN_URL, autocommit=True) as conn:
                conn.execute(
                    sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
                )


def report(stats: Path, args: argparse.Namespace) -> str:
    rows = list(csv.DictReader(stats.open()))
    lines = [
        f"`benchmarks/load_test.py --users {args.users} --seconds {args.seconds}`: two gunicorn "
        f"processes (gthread, 4 threads each) on PostgreSQL with the {args.size} demo, Redis for "
        "rate limits, locust on the same 2-core machine.",
        "",
        "| request | count | errors | req/s | median ms | p95 ms |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for row in rows:
        lines.append(
            f"| {row['Type']} {row['Name']} | {row['Request Count']} | {row['Failure Count']} | "
            f"{float(row['Requests/s']):.1f} | {row['Median Response Time']} | "
            f"{row['95%']} |"
        )
    return "\n".join(lines)


if __name__ == "__main__":
    main()
