"""Time the leadership dashboard, the report pages and the PDF company report on the small and
the large demo, and count their SQL queries, in one run.

    .venv/bin/python benchmarks/reports.py [--repeat 15] [--sizes small,large] [--write-doc]

Each size is seeded with ``ladder demo --size SIZE`` into a throw-away SQLite file and, when
reachable, a throw-away PostgreSQL database (``LADDER_TEST_POSTGRES_URL``, default the local
server). Pages are requested through the Flask test client as the demo's leadership user;
the median of ``--repeat`` requests after one warm-up is reported (the chart images are
separate requests, cached until the data changes, so they are timed apart, drawn afresh), with
the SQL statements of one request. ``--write-doc`` writes the table into docs/performance.md
between this benchmark's markers, leaving the other sections alone.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import psycopg
from click.testing import CliRunner
from flask import Flask
from flask.testing import FlaskClient
from psycopg import sql
from sqlalchemy import event

from app import create_app
from app.extensions import db
from app.services.reports.documents import clear_caches

POSTGRES = os.environ.get("LADDER_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test")
DOC = Path(__file__).resolve().parent.parent / "docs" / "performance.md"
BEGIN = "<!-- benchmarks/reports.py: begin -->"
END = "<!-- benchmarks/reports.py: end -->"
PAGES = ("/reports/", "/reports/company", "/reports/business-lines/{line}")
CHARTS = ("/reports/charts/heatmap.svg", "/reports/charts/trend.png")
PDF = "/reports/company.pdf"


def _app(url: str, folder: str) -> Flask:
    os.environ["LADDER_INSTANCE_PATH"] = folder
    return create_app(
        {
            "SQLALCHEMY_DATABASE_URI": url,
            "SECRET_KEY": "benchmark",
            "WTF_CSRF_ENABLED": False,
            "LOGIN_RATE_LIMIT": "10000 per minute",
            "RATELIMIT_STORAGE_URI": "memory://",
        }
    )


@contextmanager
def _database(backend: str, folder: str) -> Iterator[str | None]:
    if backend == "sqlite":
        yield f"sqlite:///{folder}/bench-{uuid.uuid4().hex[:8]}.db"
        return
    try:
        with psycopg.connect(POSTGRES, connect_timeout=3, autocommit=True) as conn:
            name = f"ladder_bench_{uuid.uuid4().hex[:8]}"
            conn.execute(
                sql.SQL("CREATE DATABASE {} TEMPLATE template0").format(sql.Identifier(name))
            )
    except psycopg.OperationalError:
        yield None
        return
    base = POSTGRES.rsplit("/", 1)[0].replace("postgresql://", "postgresql+psycopg://", 1)
    try:
        yield f"{base}/{name}"
    finally:
        with psycopg.connect(POSTGRES, autocommit=True) as conn:
            conn.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
            )


def _seed(application: Flask, size: str) -> float:
    started = time.perf_counter()
    result = CliRunner().invoke(
        application.cli, ["demo", "--size", size], obj=_script_info(application)
    )
    if result.exit_code != 0:
        raise SystemExit(f"ladder demo --size {size} failed:\n{result.output}")
    return time.perf_counter() - started


def _script_info(application: Flask) -> object:
    from flask.cli import ScriptInfo

    return ScriptInfo(create_app=lambda: application)


@contextmanager
def _counting(application: Flask) -> Iterator[list[str]]:
    statements: list[str] = []

    def record(_conn: object, _cursor: object, statement: str, *_args: object) -> None:
        statements.append(statement)

    with application.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", record)


def _measure(
    application: Flask, client: FlaskClient, url: str, repeat: int, fresh: Callable[[], None]
) -> tuple[float, int]:
    fresh()
    response = client.get(url)
    if response.status_code != 200:
        raise SystemExit(f"{url}: HTTP {response.status_code}")
    times = []
    for _ in range(repeat):
        fresh()
        started = time.perf_counter()
        client.get(url)
        times.append((time.perf_counter() - started) * 1000)
    fresh()
    with _counting(application) as statements:
        client.get(url)
    return statistics.median(times), len(statements)


@contextmanager
def seeded_demo(
    backend: str, size: str, folder: str, email: str
) -> Iterator[tuple[Flask, FlaskClient] | None]:
    """A throw-away database seeded with the demo of ``size`` and a client signed in as
    ``email``; None when the backend is not reachable."""
    with _database(backend, folder) as url:
        if url is None:
            print(f"{backend}: not reachable, skipped", file=sys.stderr)
            yield None
            return
        application = _app(url, folder)
        seconds = _seed(application, size)
        print(f"{backend} {size}: seeded in {seconds:.0f} s", file=sys.stderr)
        client = application.test_client()
        client.post("/login", data={"email": email, "password": "ladder-demo"})
        try:
            yield application, client
        finally:
            with application.app_context():
                db.engine.dispose()


def run(backend: str, size: str, repeat: int, folder: str) -> list[tuple[str, ...]]:
    with seeded_demo(backend, size, folder, "leader@demo.ladder") as seeded:
        if seeded is None:
            return []
        application, client = seeded
        with application.app_context():
            from models import BusinessLine

            line = db.session.scalars(db.select(BusinessLine.id).order_by(BusinessLine.id)).first()
            lines = db.session.scalar(db.select(db.func.count(BusinessLine.id)))
        rows = []
        keep = lambda: None  # noqa: E731  (pages do not draw charts)
        for page in PAGES:
            path = page.format(line=line)
            median, queries = _measure(application, client, path, repeat, keep)
            rows.append((backend, size, str(lines), f"`{path}`", f"{median:.1f}", str(queries)))
        for path in CHARTS:
            median, queries = _measure(application, client, path, max(repeat // 3, 3), clear_caches)
            rows.append(
                (backend, size, str(lines), f"`{path}` (drawn)", f"{median:.1f}", str(queries))
            )
            median, queries = _measure(application, client, path, repeat, keep)
            rows.append(
                (backend, size, str(lines), f"`{path}` (cached)", f"{median:.1f}", str(queries))
            )
        median, queries = _measure(application, client, PDF, 3, clear_caches)
        rows.append(
            (backend, size, str(lines), f"`{PDF}` (charts drawn)", f"{median:.1f}", str(queries))
        )
        return rows


def _table(rows: list[tuple[str, ...]], repeat: int) -> str:
    head = [
        BEGIN,
        f"## Leadership reports, small vs large demo ({date.today().isoformat()})",
        "",
        f"`benchmarks/reports.py --repeat {repeat}`: the demo seeded by `ladder demo --size "
        "small|large`, Flask test client as `leader@demo.ladder`, median of the requests after "
        "a warm-up, and the SQL statements of one request. Charts are timed drawn afresh (cache "
        "cleared) and cached. 2 shared CPU cores.",
        "",
        "| database | demo | business lines | page | median ms | SQL queries |",
        "|---|---|---:|---|---:|---:|",
    ]
    body = ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join([*head, *body, END]) + "\n"


def write_doc(section: str) -> None:
    text = DOC.read_text(encoding="utf-8") if DOC.exists() else "# Performance\n"
    if BEGIN in text and END in text:
        before, rest = text.split(BEGIN, 1)
        after = rest.split(END, 1)[1].lstrip("\n")
        text = before + section + ("\n" + after if after else "")
    else:
        text = text.rstrip("\n") + "\n\n" + section
    DOC.write_text(text, encoding="utf-8")


def bench_main(
    doc: str,
    run_one: Callable[[str, str, int, str], list[tuple[str, ...]]],
    table: Callable[[list[tuple[str, ...]], int], str],
    write: Callable[[str], None],
) -> None:
    """The command line of a demo benchmark: every backend × size, one table, optionally
    written into docs/performance.md by ``write``."""
    parser = argparse.ArgumentParser(description=doc.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument("--sizes", default="small,large")
    parser.add_argument("--backends", default="sqlite,postgresql")
    parser.add_argument("--write-doc", action="store_true")
    args = parser.parse_args()
    rows: list[tuple[str, ...]] = []
    with tempfile.TemporaryDirectory() as folder:
        for backend in args.backends.split(","):
            for size in args.sizes.split(","):
                rows += run_one(backend, size, args.repeat, folder)
    section = table(rows, args.repeat)
    print(section)
    if args.write_doc:
        write(section)


def main() -> None:
    bench_main(__doc__ or "", run, _table, write_doc)


if __name__ == "__main__":
    main()
