"""Time the consolidation page of one process area against ``/healthz``, in the same run.

    .venv/bin/python benchmarks/consolidation.py [--runs 30] [--area PP] [--respondents 1,3,10]

A cycle of the whole CMMI-DEV model is opened for one business line; respondents are invited
to the area one by one and rate every practice of it (random ratings, fixed seed, so there
are disagreements); the director opens consolidation. For each respondent count the director
GETs the area's consolidation page: the median and p95 of ``--runs`` requests after a
warm-up, the SQL statements of one request (which must not grow with respondents), and the
median of ``/healthz`` measured between them as the yardstick. SQLite (a file) and
PostgreSQL when the local server answers, as ``benchmarks/save_page.py``.
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import statistics
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from flask import Flask
from flask_migrate import upgrade
from sqlalchemy import event

from app.extensions import db
from app.services.assessments import respondents as service
from app.services.assessments import workflow
from app.services.assessments.model_store import ensure_builtin_models, latest_stored, parsed
from app.services.org import save_business_line, save_user
from benchmarks.save_page import POSTGRES, _app, _drop_postgres, _postgres_database
from models import Assessment, Role, User

PASSWORD = "bench-password-1"


def _prepare(app: Flask) -> tuple[int, int, int]:
    """The assessment, its director and its business line (ids)."""
    with app.app_context():
        upgrade()
        pmo = save_user(
            None, None, email="pmo@bench", display_name="PMO", role=Role.PMO, password=PASSWORD
        )
        director = save_user(
            None,
            None,
            email="director@bench",
            display_name="总监",
            role=Role.DIRECTOR,
            password=PASSWORD,
        )
        line = save_business_line(
            None, None, code="RDC", name="研发中心", director_ids=[director.id]
        )
        ensure_builtin_models()
        cycle = workflow.create_cycle(
            pmo,
            name="2026 H1",
            model=latest_stored("cmmi-dev-1.3"),
            start=date(2026, 1, 1),
            end=date(2026, 6, 30),
            targets={line.id: 3},
        )
        (assessment,) = workflow.open_cycle(pmo, cycle)
        service.open_consolidation(director, assessment)
        db.session.commit()
        return assessment.id, director.id, line.id


def _add_respondent(app: Flask, ids: tuple[int, int, int], number: int, area: str) -> None:
    assessment_id, director_id, _line_id = ids
    rng = random.Random(number)
    with app.app_context():
        assessment = db.session.get(Assessment, assessment_id)
        director = db.session.get(User, director_id)
        respondent = service.invite(
            director,
            assessment,
            assignments=[area],
            email=f"respondent{number}@bench",
            display_name=f"答卷人{number}",
            password=PASSWORD,
        )
        model = parsed(assessment.cycle.model)
        items = [
            workflow.RatingInput(practice_id=p.id, rating=rng.choice(("FI", "LI", "PI", "NI")))
            for _goal, p in model.area(area).practices()
        ]
        service.save_own_ratings(respondent.user, respondent, items)
        db.session.commit()


def _median_ms(client, url: str, runs: int) -> tuple[float, float]:
    timings = []
    for _ in range(runs):
        t0 = time.perf_counter()
        response = client.get(url)
        timings.append(time.perf_counter() - t0)
        if response.status_code != 200:
            raise SystemExit(f"{url}: {response.status_code} {response.text[:300]}")
    timings.sort()
    return statistics.median(timings) * 1000, timings[int(len(timings) * 0.95) - 1] * 1000


def measure(
    url: str, runs: int, area: str, sizes: list[int]
) -> list[tuple[int, float, float, int, float]]:
    app = _app(url)
    rows = []
    try:
        ids = _prepare(app)
        client = app.test_client()
        client.post("/login", data={"email": "director@bench", "password": PASSWORD})
        page = f"/cycles/assessments/{ids[0]}/consolidation/{area}"
        statements: list[str] = []
        with app.app_context():
            engine = db.engine
        event.listen(engine, "before_cursor_execute", lambda *a: statements.append(a[2]))
        added = 0
        for size in sizes:
            while added < size:
                added += 1
                _add_respondent(app, ids, added, area)
            client.get(page)  # warm-up: templates, the parsed model
            statements.clear()
            client.get(page)
            queries = len(statements)
            median, p95 = _median_ms(client, page, runs)
            health, _p95 = _median_ms(client, "/healthz", runs)
            rows.append((size, median, p95, queries, health))
        return rows
    finally:
        with app.app_context():
            db.engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--area", default="PP")
    parser.add_argument("--respondents", default="1,3,10")
    args = parser.parse_args()
    sizes = sorted(int(n) for n in args.respondents.split(","))
    results = []
    with tempfile.TemporaryDirectory() as folder:
        results.append(("SQLite", measure(f"sqlite:///{folder}/b.db", args.runs, args.area, sizes)))
    name = _postgres_database()
    if name is None:
        print("PostgreSQL not reachable: measured SQLite only.", file=sys.stderr)
    else:
        try:
            base = POSTGRES.rsplit("/", 1)[0].replace("postgresql://", "postgresql+psycopg://", 1)
            results.append(("PostgreSQL", measure(f"{base}/{name}", args.runs, args.area, sizes)))
        finally:
            _drop_postgres(name)
    print(
        f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} CPUs, "
        f"Python {platform.python_version()}"
    )
    print(f"area {args.area} of the full CMMI model, {args.runs} requests per figure")
    print()
    print("| backend | respondents | page p50 | page p95 | SQL | /healthz p50 | page ÷ healthz |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for backend, rows in results:
        for size, median, p95, queries, health in rows:
            print(
                f"| {backend} | {size} | {median:.1f} ms | {p95:.1f} ms | {queries} | "
                f"{health:.1f} ms | {median / health:.1f}× |"
            )


if __name__ == "__main__":
    main()
