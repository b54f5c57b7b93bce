"""Time saving one process-area page of an assessment through the Flask test client.

    .venv/bin/python benchmarks/save_page.py [--runs 30] [--area PP]

A director of the line posts the whole page of the area (every practice rated, with evidence
and links), alternating two sets of ratings so every save changes every practice: the full
path of a real save (CSRF off, form parsing, checks, version rule, writes, audit event,
re-scoring, commit, redirect). Runs on SQLite (a file) and on PostgreSQL when the local server
answers (``LADDER_TEST_POSTGRES_URL``, default postgresql://postgres@127.0.0.1:5432/test);
each backend gets a new database, dropped afterwards. Reports the median of the runs.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import tempfile
import time
import uuid
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import psycopg
from flask import Flask
from flask_migrate import upgrade
from psycopg import sql

from app import create_app
from app.extensions import db
from app.services.assessments import workflow as service
from app.services.assessments.model_store import ensure_builtin_models, latest_stored, parsed
from app.services.org import save_business_line, save_user
from models import Assessment, Role

POSTGRES = os.environ.get("LADDER_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test")
PASSWORD = "bench-password-1"


def _app(url: str) -> Flask:
    return create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "bench",
            "SQLALCHEMY_DATABASE_URI": url,
            "WTF_CSRF_ENABLED": False,
            "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
            "RATELIMIT_STORAGE_URI": "memory://",
            "LOGIN_RATE_LIMIT": "1000 per minute",
        }
    )


def _prepare(app: Flask, area_code: str) -> tuple[int, list[str]]:
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
        stored = latest_stored("cmmi-dev-1.3")
        cycle = service.create_cycle(
            pmo,
            name="2026 H1",
            model=stored,
            start=date(2026, 1, 1),
            end=date(2026, 6, 30),
            targets={line.id: 3},
        )
        (assessment,) = service.open_cycle(pmo, cycle)
        db.session.commit()
        ids = [p.id for _g, p in parsed(stored).area(area_code).practices()]
        return assessment.id, ids


def _form(ids: list[str], version: int, flip: bool) -> dict[str, str]:
    form = {"version": str(version)}
    for n, practice_id in enumerate(ids):
        form[f"rating-{practice_id}"] = ("FI", "LI")[(n + flip) % 2]
        form[f"evidence-{practice_id}"] = f"评审记录 {n} {'甲' if flip else '乙'}"
        form[f"links-{practice_id}"] = f"https://wiki.example.com/{practice_id}"
        form[f"comment-{practice_id}"] = ""
        form[f"na_reason-{practice_id}"] = ""
    return form


def measure(url: str, runs: int, area: str) -> tuple[float, float, int]:
    app = _app(url)
    try:
        assessment_id, ids = _prepare(app, area)
        client = app.test_client()
        client.post("/login", data={"email": "director@bench", "password": PASSWORD})
        timings = []
        for run in range(runs + 1):
            with app.app_context():
                version = db.session.get(Assessment, assessment_id).version
            form = _form(ids, version, bool(run % 2))
            t0 = time.perf_counter()
            response = client.post(f"/cycles/assessments/{assessment_id}/areas/{area}", data=form)
            elapsed = time.perf_counter() - t0
            if response.status_code != 302:
                raise SystemExit(f"save failed: {response.status_code} {response.text[:300]}")
            if run:  # the first save warms caches (model parsing, templates)
                timings.append(elapsed)
        return statistics.median(timings), min(timings), len(ids)
    finally:
        with app.app_context():
            db.engine.dispose()


def _postgres_database() -> str | None:
    try:
        with psycopg.connect(POSTGRES, autocommit=True, connect_timeout=3) as conn:
            name = f"ladder_bench_{uuid.uuid4().hex[:8]}"
            conn.execute(
                sql.SQL("CREATE DATABASE {} TEMPLATE template0").format(sql.Identifier(name))
            )
            return name
    except psycopg.OperationalError:
        return None


def _drop_postgres(name: str) -> None:
    with psycopg.connect(POSTGRES, autocommit=True) as conn:
        conn.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--area", default="PP")
    args = parser.parse_args()
    rows = []
    with tempfile.TemporaryDirectory() as folder:
        rows.append(("SQLite", *measure(f"sqlite:///{folder}/bench.db", args.runs, args.area)))
    name = _postgres_database()
    if name is None:
        print("PostgreSQL not reachable: measured SQLite only.", file=sys.stderr)
    else:
        try:
            base = POSTGRES.rsplit("/", 1)[0].replace("postgresql://", "postgresql+psycopg://", 1)
            rows.append(("PostgreSQL", *measure(f"{base}/{name}", args.runs, args.area)))
        finally:
            _drop_postgres(name)
    print(
        f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} CPUs, "
        f"Python {platform.python_version()}"
    )
    print(f"area {args.area}, {args.runs} saves per backend (after one warm-up save)")
    print()
    print(f"| {'backend':<10} | {'practices':>9} | {'median':>9} | {'fastest':>9} |")
    print(f"|{'-' * 12}|{'-' * 11}|{'-' * 11}|{'-' * 11}|")
    for backend, median, fastest, practices in rows:
        print(
            f"| {backend:<10} | {practices:>9} | {median * 1000:>6.1f} ms | "
            f"{fastest * 1000:>6.1f} ms |"
        )


if __name__ == "__main__":
    main()
