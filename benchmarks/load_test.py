"""Load test: 50 simulated users for 60 s against two gunicorn processes on PostgreSQL.

    .venv/bin/python benchmarks/load_test.py [--users 50] [--seconds 60] [--size large]
        [--host URL | --database NAME] [--keep] [--locust PATH] [--write-doc]

Without ``--host`` it serves the app itself like production: a PostgreSQL database with the
demo (``--database NAME`` reuses one already seeded and only upgrades it; otherwise a new one
is seeded with ``ladder demo --size SIZE`` and dropped afterwards unless ``--keep``) and
``gunicorn -c gunicorn.conf.py wsgi:app`` (2 workers, Redis for rate limits; ``server.py``).
With ``--host URL`` it loads a server that is already running the demo; respondents answer the
survey whose token is in ``LOAD_SURVEY_TOKEN`` (without it they do nothing).

``benchmarks/load/locustfile.py`` runs headless (locust is the ``load`` extra: ``pip install
-e .[load]``, or name its executable with ``--locust``): directors sign in and save rating
pages, anonymous respondents answer the survey, leadership opens the reports, and one probe
asks ``/healthz`` every second, so every figure can also be read as a multiple of the floor
measured in the same run. It prints requests per second, median and p95 per kind, the errors,
and the CPU seconds that locust and the server used (they share the machine's cores: locust
is one process, so it takes at most one core); ``--write-doc`` writes the table to
docs/performance.md.
"""

from __future__ import annotations

import argparse
import csv
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from perf_doc import write_section
from server import BIN, ROOT, cpu_seconds, gunicorn, seeded_database, survey_token


def locust_executable(given: str | None) -> str:
    found = given or (str(BIN / "locust") if (BIN / "locust").exists() else shutil.which("locust"))
    if not found:
        raise SystemExit("locust is not installed: pip install -e .[load], or pass --locust PATH")
    return found


def run_locust(
    args: argparse.Namespace, host: str, token: str, server_pid: int | None = None
) -> tuple[Path, float, float]:
    """Run the locustfile against ``host``; the stats file, locust's CPU seconds and the
    server's (0 when it is not ours to see)."""
    prefix = Path(tempfile.gettempdir()) / f"ladder-load-{os.getpid()}"
    env = {**os.environ, "LOAD_SURVEY_TOKEN": token}
    server_before = cpu_seconds(server_pid) if server_pid else 0.0
    started = time.perf_counter()
    locust = subprocess.Popen(
        [
            locust_executable(args.locust),
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
        stdout=subprocess.DEVNULL,
    )
    _pid, _status, usage = os.wait4(locust.pid, 0)
    locust.returncode = 0
    print(f"locust ran {time.perf_counter() - started:.0f} s")
    return (
        prefix.with_name(prefix.name + "_stats.csv"),
        usage.ru_utime + usage.ru_stime,
        cpu_seconds(server_pid) - server_before if server_pid else 0.0,
    )


def report(stats: Path, args: argparse.Namespace, locust_cpu: float, server_cpu: float) -> str:
    rows = list(csv.DictReader(stats.open()))
    floor = next(
        (float(r["Median Response Time"]) for r in rows if r["Name"] == "GET /healthz"), None
    )
    where = args.host or "two gunicorn processes (gthread, 4 threads each, `gunicorn.conf.py`)"
    cores = os.cpu_count() or 1
    available = cores * args.seconds
    server = (
        f"the server processes {server_cpu:.0f} s ({server_cpu / available:.0%})"
        if server_cpu
        else "the server the rest"
    )
    lines = [
        f"`benchmarks/load_test.py --users {args.users} --seconds {args.seconds}`: {where} on "
        f"PostgreSQL with the {args.size} demo, Redis for rate limits, locust on the same "
        f"{cores}-core machine. Of the {available} CPU seconds of the run, locust (one process, "
        f"so at most one core) used {locust_cpu:.0f} s ({locust_cpu / available:.0%}), "
        f"{server}; PostgreSQL and anything else running took the rest.",
        "",
        "| request | count | errors | req/s | median ms | p95 ms | median × `/healthz` |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for row in rows:
        median = float(row["Median Response Time"] or 0)
        ratio = f"{median / floor:.1f}" if floor else "–"
        lines.append(
            f"| {row['Type']} {row['Name']} | {row['Request Count']} | {row['Failure Count']} | "
            f"{float(row['Requests/s']):.1f} | {row['Median Response Time']} | "
            f"{row['95%']} | {ratio} |"
        )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--size", choices=["small", "large"], default="large")
    parser.add_argument("--host", help="base URL of a running server with the demo")
    parser.add_argument("--database", help="an already seeded PostgreSQL database to serve")
    parser.add_argument("--keep", action="store_true", help="keep a database seeded here")
    parser.add_argument("--locust", help="the locust executable (default: next to Python)")
    parser.add_argument("--write-doc", action="store_true", help="write docs/performance.md")
    args = parser.parse_args()
    locust_executable(args.locust)
    if args.host:
        token = os.environ.get("LOAD_SURVEY_TOKEN", "")
        stats, locust_cpu, server_cpu = run_locust(args, args.host.rstrip("/"), token)
    else:
        with seeded_database(args.size, args.database, args.keep) as name, gunicorn(name) as server:
            stats, locust_cpu, server_cpu = run_locust(
                args, server.url, survey_token(name), server.pid
            )
    table = report(stats, args, locust_cpu, server_cpu)
    print(table)
    if args.write_doc:
        write_section("Load test", table)


if __name__ == "__main__":
    main()
