"""Time the outcome scorecard and the dashboard against ``/healthz`` on the small and the large
demo, count their SQL queries, and time importing 10,000 KPI values, in one run.

    .venv/bin/python benchmarks/outcomes.py [--repeat 15] [--sizes small,large] [--write-doc]

The demo is seeded with ``ladder demo --size SIZE`` (the large one: 30 business lines × 3 KPIs
× 36 months) into a throw-away SQLite file and, when reachable, a throw-away PostgreSQL
database, as in ``benchmarks/reports.py``. Pages are requested through the Flask test client
as the demo's PMO; the median of ``--repeat`` requests after a warm-up is reported with the SQL
statements of one request. The import is a CSV of 10,000 rows (every business line × the three
KPIs × new months) posted to ``/kpis/import``: median of three runs, each a fresh set of
periods, so every run inserts 10,000 values. ``--write-doc`` writes the table into
its own section of docs/performance.md.
"""

from __future__ import annotations

import io
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from flask import Flask
from perf_doc import write_section
from reports import _measure, bench_main, seeded_demo

from app.extensions import db
from models import BusinessLine

TITLE = "Outcome scorecard and KPI import, small vs large demo"
PAGES = ("/healthz", "/kpis/", "/reports/")
IMPORT_ROWS = 10_000
KPIS = ("on_time_rate", "budget_deviation", "satisfaction")


def _csv(codes: list[str], first_year: int) -> bytes:
    """``IMPORT_ROWS`` rows: each line × KPI × month from ``first_year`` on, as needed."""
    lines = ["KPI,Business line,Period,Value"]
    month = 0
    while len(lines) <= IMPORT_ROWS:
        period = f"{first_year + month // 12:04d}-{month % 12 + 1:02d}"
        for code in codes:
            for kpi in KPIS:
                if len(lines) <= IMPORT_ROWS:
                    lines.append(f"{kpi},{code},{period},{3 + (month % 2)}")
        month += 1
    return ("\n".join(lines) + "\n").encode()


def _time_import(application: Flask) -> float:
    client = application.test_client()
    client.post("/login", data={"email": "pmo@demo.ladder", "password": "ladder-demo"})
    with application.app_context():
        codes = list(db.session.scalars(db.select(BusinessLine.code).order_by(BusinessLine.code)))
    times = []
    for run in range(3):
        data = _csv(codes, 2100 + run * 200)  # periods no demo value uses: every row inserts
        started = time.perf_counter()
        response = client.post("/kpis/import", data={"file": (io.BytesIO(data), "kpis.csv")})
        times.append(time.perf_counter() - started)
        if response.status_code != 302:
            raise SystemExit(f"import: HTTP {response.status_code}\n{response.text[:2000]}")
    return statistics.median(times)


def run(backend: str, size: str, repeat: int, folder: str) -> list[tuple[str, ...]]:
    with seeded_demo(backend, size, folder, "pmo@demo.ladder") as seeded:
        if seeded is None:
            return []
        application, client = seeded
        with application.app_context():
            lines = db.session.scalar(db.select(db.func.count(BusinessLine.id)))
        rows = []
        healthz = None
        for path in PAGES:
            median, queries = _measure(application, client, path, repeat, lambda: None)
            healthz = healthz or median
            ratio = f"{median / healthz:.1f}×"
            rows.append(
                (backend, size, str(lines), f"`{path}`", f"{median:.1f}", ratio, str(queries))
            )
        seconds = _time_import(application)
        rows.append(
            (backend, size, str(lines), "import 10,000 KPI rows (CSV)", f"{seconds * 1000:.0f}",
             "", "")
        )  # fmt: skip
        return rows


def _table(rows: list[tuple[str, ...]], repeat: int) -> str:
    head = [
        f"`benchmarks/outcomes.py --repeat {repeat}`: the demo seeded by `ladder demo --size "
        "small|large` (large: 30 business lines × 3 KPIs × 36 months), Flask test client as "
        "`pmo@demo.ladder`, median of the requests after a warm-up, the ratio to `/healthz` "
        "in the same run, and the SQL statements of one request (the same for 5 and 30 "
        "business lines: flat). The import posts a CSV of 10,000 new values to `/kpis/import` "
        "(median of 3). 2 shared CPU cores.",
        "",
        "| database | demo | business lines | page | median ms | × /healthz | SQL queries |",
        "|---|---|---:|---|---:|---:|---:|",
    ]
    body = ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join([*head, *body]) + "\n"


def main() -> None:
    bench_main(__doc__ or "", run, _table, lambda section: write_section(TITLE, section))


if __name__ == "__main__":
    main()
