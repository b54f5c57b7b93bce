"""Time the backlog list, matrix and board pages with 2,000 items, and count their queries.

    .venv/bin/python benchmarks/backlog.py [--items 2000] [--repeat 15] [--append-doc]

Runs on a throw-away SQLite file and, when reachable, a throw-away PostgreSQL database
(``LADDER_TEST_POSTGRES_URL``, default the local server). Each page is requested through the
Flask test client as the PMO (who sees every item) and as a director (whose filter on
business lines is the costlier query); the median of ``--repeat`` requests after one warm-up
is reported with the number of SQL statements of one request. ``--append-doc`` appends the
table to docs/performance.md.
"""

from __future__ import annotations

import argparse
import os
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
from sqlalchemy import event

from app import create_app
from app.extensions import db

PAGES = (
    "/backlog/",
    "/backlog/?sort=-priority&page=20",
    "/backlog/?q=评审&quick_win=1",
    "/backlog/matrix",
    "/backlog/board",
)
PASSWORD = "benchmark-pass"
POSTGRES = os.environ.get("LADDER_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test")


def _app(url: str, folder: str) -> Flask:
    os.environ["LADDER_INSTANCE_PATH"] = folder
    application = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": url,
            "SECRET_KEY": "benchmark",
            "WTF_CSRF_ENABLED": False,
            "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
            "LOGIN_RATE_LIMIT": "10000 per minute",
            "RATELIMIT_STORAGE_URI": "memory://",
        }
    )
    with application.app_context():
        upgrade()
    return application


def _seed(application: Flask, items: int) -> None:
    import random

    from app.demo import backlog as demo_backlog
    from app.demo.organisation import seed_organisation
    from app.services.org import save_user
    from models import Role

    demo_backlog.LARGE_ITEMS = items
    with application.app_context():
        seed_organisation("small")
        for email, role in (("pmo@bench", Role.PMO), ("director@bench", Role.DIRECTOR)):
            save_user(
                None,
                None,
                email=email,
                display_name=email,
                role=role,
                password=PASSWORD,
                business_line_ids=[1] if role is Role.DIRECTOR else [],
            )
        from sqlalchemy import select

        from models import BusinessLine

        lines = list(db.session.scalars(select(BusinessLine)))
        directors = {bl.id: bl.directors[0] for bl in lines if bl.directors}
        demo_backlog._bulk_items(random.Random(1), lines, directors, lambda _n: None)
        db.session.commit()


def _measure(application: Flask, email: str, repeat: int) -> list[tuple[str, float, int]]:
    client = application.test_client()
    response = client.post("/login", data={"email": email, "password": PASSWORD})
    assert response.status_code == 302, response.text
    results = []
    for url in PAGES:
        assert client.get(url).status_code == 200  # warm-up
        statements: list[str] = []
        with application.app_context():

            def count(*args: object, _into: list[str] = statements) -> None:
                _into.append(str(args[2]))

            event.listen(db.engine, "before_cursor_execute", count)
            try:
                client.get(url)
            finally:
                event.remove(db.engine, "before_cursor_execute", count)
        timings = []
        for _ in range(repeat):
            started = time.perf_counter()
            response = client.get(url)
            timings.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200
        results.append((url, statistics.median(timings), len(statements)))
    return results


def _postgres_database() -> str | None:
    name = f"ladder_bench_{uuid.uuid4().hex[:8]}"
    try:
        with psycopg.connect(POSTGRES, autocommit=True, connect_timeout=5) as conn:
            conn.execute(
                sql.SQL("CREATE DATABASE {} ENCODING 'UTF8' TEMPLATE template0").format(
                    sql.Identifier(name)
                )
            )
    except psycopg.OperationalError:
        return None
    return name


def _drop_postgres(name: str) -> None:
    with psycopg.connect(POSTGRES, autocommit=True) as conn:
        conn.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )


def run(items: int, repeat: int) -> list[tuple[str, str, str, float, int]]:
    rows = []
    with tempfile.TemporaryDirectory() as folder:
        backends = [("SQLite", f"sqlite:///{folder}/bench.db", None)]
        pg_name = _postgres_database()
        if pg_name:
            base = POSTGRES.rsplit("/", 1)[0].replace("postgresql://", "postgresql+psycopg://", 1)
            backends.append(("PostgreSQL", f"{base}/{pg_name}", pg_name))
        else:
            print("PostgreSQL not reachable: SQLite only", file=sys.stderr)
        try:
            for label, url, _name in backends:
                application = _app(url, folder)
                _seed(application, items)
                for who in ("pmo@bench", "director@bench"):
                    for page, median, queries in _measure(application, who, repeat):
                        rows.append((label, who.split("@")[0], page, median, queries))
                with application.app_context():
                    db.engine.dispose()
        finally:
            if pg_name:
                _drop_postgres(pg_name)
    return rows


def table(rows: list[tuple[str, str, str, float, int]], items: int, repeat: int) -> str:
    lines = [
        f"## Backlog pages with {items:,} items ({date.today().isoformat()})",
        "",
        f"`benchmarks/backlog.py --items {items} --repeat {repeat}`: Flask test client, median "
        f"of {repeat} requests after a warm-up, SQL statements of one request (sign-in "
        "included in neither). 2 shared CPU cores.",
        "",
        "| database | user | page | median ms | SQL queries |",
        "|---|---|---|---:|---:|",
    ]
    for backend, who, page, median, queries in rows:
        lines.append(f"| {backend} | {who} | `{page}` | {median:.1f} | {queries} |")
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=2000)
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument("--append-doc", action="store_true")
    args = parser.parse_args()
    output = table(run(args.items, args.repeat), args.items, args.repeat)
    print(output)
    if args.append_doc:
        path = Path(__file__).resolve().parent.parent / "docs" / "performance.md"
        header = "" if path.exists() else "# Performance\n"
        with path.open("a", encoding="utf-8") as doc:  # append: other sections stay
            doc.write(header + "\n" + output)


if __name__ == "__main__":
    main()
