"""Time Ladder's pages from outside, as a browser meets them, beside ``/healthz`` in the same run.

    .venv/bin/python benchmarks/pages.py [--host URL | --database NAME] [--repeat 30]
        [--size large] [--keep] [--write-doc TITLE]

Without ``--host`` it serves the app itself like production: a PostgreSQL database with the
demo (``--database NAME`` reuses a seeded one and only upgrades it; otherwise a new one is
seeded with ``ladder demo --size SIZE`` and dropped afterwards unless ``--keep``), and
``gunicorn -c gunicorn.conf.py`` with two workers and Redis (see ``server.py``). With
``--host`` it measures a server that is already running the demo.

Each round requests every page once, one request at a time, in turn: ``/healthz`` (the floor:
routing, the request hooks, no database), the leadership dashboard, the company report, a
business-line report and the company PDF as ``leader@demo.ladder``, the findings list, the
outcome scorecard (``/kpis/``), a lessons search and, when the database is ours to read, the
consolidation page of PP of an assessment with several respondents as ``pmo@demo.ladder``,
and a sign-in (``POST /login`` of ``director1@demo.ladder``, a new
session each time). One warm-up round is left out. It prints (and with ``--write-doc`` writes
into docs/performance.md, under the title given) the median and p95 of each page and the
median as a multiple of ``/healthz``'s median: the ratio holds better than milliseconds on a
machine whose load changes.
"""

from __future__ import annotations

import argparse
import re
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

import requests

sys.path.insert(0, str(Path(__file__).resolve().parent))
from perf_doc import write_section
from server import database_url, gunicorn, seeded_database

PASSWORD = "ladder-demo"
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
LINE_REPORT = re.compile(r'href="(/reports/business-lines/\d+)"')


def signed_in(host: str, email: str) -> requests.Session:
    session = requests.Session()
    page = session.get(f"{host}/login", timeout=30).text
    token = CSRF.search(page)
    response = session.post(
        f"{host}/login",
        data={"email": email, "password": PASSWORD, "csrf_token": token.group(1) if token else ""},
        allow_redirects=False,
        timeout=30,
    )
    if response.status_code != 302:
        raise SystemExit(f"sign-in of {email} refused ({response.status_code})")
    return session


def _get(session: requests.Session, url: str) -> Callable[[], None]:
    def request() -> None:
        response = session.get(url, timeout=60)
        if response.status_code != 200:
            raise SystemExit(f"{url}: HTTP {response.status_code}")

    return request


def _sign_in(host: str) -> Callable[[], float]:
    """A sign-in, timed over the POST alone (the GET of the form is not the hash)."""

    def request() -> float:
        session = requests.Session()
        token = CSRF.search(session.get(f"{host}/login", timeout=30).text)
        data = {
            "email": "director1@demo.ladder",
            "password": PASSWORD,
            "csrf_token": token.group(1) if token else "",
        }
        started = time.perf_counter()
        response = session.post(f"{host}/login", data=data, allow_redirects=False, timeout=30)
        elapsed = time.perf_counter() - started
        if response.status_code != 302:
            raise SystemExit(f"sign-in refused ({response.status_code})")
        return elapsed

    return request


def consolidation_path(database: str) -> str | None:
    """The consolidation page of PP of an assessment whose consolidation is open, if any."""
    import psycopg

    with psycopg.connect(database_url(database)) as conn:
        found = conn.execute(
            "SELECT a.id FROM assessments a JOIN assessment_respondents r ON r.assessment_id = a.id"
            " WHERE a.consolidation_opened_at IS NOT NULL GROUP BY a.id"
            " ORDER BY count(*) DESC, a.id LIMIT 1"
        ).fetchone()
    return f"/cycles/assessments/{found[0]}/consolidation/PP" if found else None


def measure(
    host: str, repeat: int, consolidation: str | None = None
) -> list[tuple[str, float, float, float]]:
    leader = signed_in(host, "leader@demo.ladder")
    pmo = signed_in(host, "pmo@demo.ladder")
    lines = LINE_REPORT.findall(leader.get(f"{host}/reports/", timeout=60).text)
    pages: dict[str, Callable[[], object]] = {
        "`/healthz`": _get(requests.Session(), f"{host}/healthz"),
        "`/reports/` (dashboard)": _get(leader, f"{host}/reports/"),
        "`/reports/company`": _get(leader, f"{host}/reports/company"),
        "`/reports/business-lines/ID`": _get(leader, f"{host}{lines[0]}"),
        "`/findings/` (PMO)": _get(pmo, f"{host}/findings/"),
        "`/kpis/` (scorecard, PMO)": _get(pmo, f"{host}/kpis/"),
        "`/lessons/?q=评审` (PMO)": _get(pmo, f"{host}/lessons/?q=评审"),
        "`/reports/company.pdf`": _get(leader, f"{host}/reports/company.pdf"),
        "`POST /login` (sign-in)": _sign_in(host),
    }
    if consolidation:
        pages["consolidation of PP, 3–4 respondents (PMO)"] = _get(pmo, f"{host}{consolidation}")
    times: dict[str, list[float]] = {name: [] for name in pages}
    for round_number in range(repeat + 1):
        for name, request in pages.items():
            started = time.perf_counter()
            timed = request()
            elapsed = timed if isinstance(timed, float) else time.perf_counter() - started
            if round_number:
                times[name].append(elapsed * 1000)
    floor = statistics.median(times["`/healthz`"])
    return [
        (
            name,
            statistics.median(values),
            statistics.quantiles(values, n=20)[-1],
            statistics.median(values) / floor,
        )
        for name, values in times.items()
    ]


def table(rows: list[tuple[str, float, float, float]], args: argparse.Namespace) -> str:
    where = args.host or "gunicorn.conf.py (2 workers, gthread), PostgreSQL, Redis"
    lines = [
        f"`benchmarks/pages.py --repeat {args.repeat}` on the {args.size} demo, {where}: one "
        "request at a time, every page once per round; median and p95 of the rounds after a "
        "warm-up, and the median as a multiple of `/healthz`'s median in the same run.",
        "",
        "| page | median ms | p95 ms | × `/healthz` |",
        "|---|---:|---:|---:|",
    ]
    for name, median, p95, ratio in rows:
        lines.append(f"| {name} | {median:.1f} | {p95:.1f} | {ratio:.1f} |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", help="base URL of a running server with the demo")
    parser.add_argument("--database", help="an already seeded PostgreSQL database to serve")
    parser.add_argument("--size", choices=["small", "large"], default="large")
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--keep", action="store_true", help="keep a database seeded here")
    parser.add_argument("--write-doc", metavar="TITLE", help="section title in performance.md")
    args = parser.parse_args()
    if args.host:
        rows = measure(args.host.rstrip("/"), args.repeat)
    else:
        with seeded_database(args.size, args.database, args.keep) as name, gunicorn(name) as server:
            rows = measure(server.url, args.repeat, consolidation_path(name))
    text = table(rows, args)
    print(text)
    if args.write_doc:
        write_section(args.write_doc, text)


if __name__ == "__main__":
    main()
