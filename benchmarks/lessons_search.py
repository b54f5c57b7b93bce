"""Time the lessons-library search over 5,000 lessons, on SQLite and PostgreSQL.

    .venv/bin/python benchmarks/lessons_search.py [--lessons 5000] [--repeat 25] [--append-doc]

Seeds a throw-away database (PostgreSQL when reachable, as in ``benchmarks/backlog.py``) with
``--lessons`` Chinese lessons of 100–300 characters, composed from the demo's lessons, then
requests ``GET /api/v1/lessons?q=…`` through the Flask test client as the PMO and as a
director (whose visibility filter adds a condition), and reports the median of ``--repeat``
requests after a warm-up, with the number of matches, and the search alone (no HTTP). The
search is one substring test per term on the normalised ``lessons.search_text`` column
(see ``assessments/lesson_search.py``).
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from backlog import POSTGRES, _app, _drop_postgres, _postgres_database
from flask import Flask
from sqlalchemy import insert, select

from app.extensions import db

QUERIES = ("评审", "需求 评审", "核心人员离职", "review", "风险 预案 周例会", "不存在的词语")
FILLER = (
    "项目组在复盘中确认了这一点。",
    "后续在其他业务线推广时也验证了效果。",
    "PMO 将其纳入季度改进清单跟踪。",
    "The team wrote it down in the review minutes.",
    "相关模板已更新到组织过程资产库。",
)


def _seed(application: Flask, count: int) -> dict[str, str]:
    from app.demo.lesson_texts import LESSONS
    from app.demo.organisation import seed_organisation
    from app.services.org import save_user
    from app.services.tokens import create_token
    from assessments.lesson_search import search_text
    from models import BusinessLine, Lesson, LessonKind, LessonSource, Role, User

    rng = random.Random(5000)
    tokens: dict[str, str] = {}
    with application.app_context():
        seed_organisation("small")
        lines = [bl.id for bl in db.session.scalars(select(BusinessLine))]
        for email, role in (("pmo@bench", Role.PMO), ("director@bench", Role.DIRECTOR)):
            save_user(
                None,
                None,
                email=email,
                display_name=email,
                role=role,
                password="benchmark-pass",  # noqa: S106
                business_line_ids=[lines[0]] if role is Role.DIRECTOR else [],
            )
        rows = []
        for n in range(count):
            title, text, kind, area, tags = LESSONS[n % len(LESSONS)]
            body = text + "".join(rng.choice(FILLER) for _ in range(rng.randint(0, 6)))
            title = f"{title}（{n}）"
            rows.append(
                {
                    "title": title,
                    "text": body,
                    "kind": LessonKind(kind),
                    "business_line_id": None if n % 4 == 0 else rng.choice(lines),
                    "process_area": area,
                    "tags": list(tags),
                    "source": LessonSource.MANUAL,
                    "link": "",
                    "search_text": search_text(title, body, tags),
                    "version": 1,
                }
            )
        db.session.execute(insert(Lesson), rows)
        for email in ("pmo@bench", "director@bench"):
            user = db.session.scalar(select(User).where(User.email == email))
            tokens[email] = create_token(None, user, "bench")[1]
        db.session.commit()
    return tokens


def _median_ms(
    call: Callable[[], object], repeat: int, clock: Callable[[], float] = time.perf_counter
) -> float:
    call()  # warm-up
    timings = []
    for _ in range(repeat):
        started = clock()
        call()
        timings.append((clock() - started) * 1000)
    return statistics.median(timings)


def _search_only(application: Flask, email: str, query: str, repeat: int) -> tuple[float, float]:
    """The search alone, as the API runs it: the count and the first page of 20; elapsed and
    CPU time of this process (on SQLite the query runs here, so its CPU time is its cost
    whatever else the machine is doing; on PostgreSQL it runs in the server)."""
    from sqlalchemy import func

    from app.services.lessons import search, visible_lessons
    from models import User

    with application.app_context():
        user = db.session.scalar(select(User).where(User.email == email))
        stmt = search(visible_lessons(user), query)

        def page() -> None:
            db.session.scalar(select(func.count()).select_from(stmt.order_by(None).subquery()))
            db.session.scalars(stmt.limit(20)).all()

        return _median_ms(page, repeat), _median_ms(page, repeat, time.process_time)


def _measure(application: Flask, token: str, repeat: int) -> list[tuple[str, float, int]]:
    client = application.test_client()
    headers = {"Authorization": f"Bearer {token}"}
    results = [
        (
            "(baseline: /api/v1/business-lines)",
            _median_ms(lambda: client.get("/api/v1/business-lines", headers=headers), repeat),
            0,
        )
    ]
    for query in QUERIES:
        url = "/api/v1/lessons"
        first = client.get(url, query_string={"q": query}, headers=headers)  # warm-up
        assert first.status_code == 200, first.text
        timings = []
        for _ in range(repeat):
            started = time.perf_counter()
            response = client.get(url, query_string={"q": query}, headers=headers)
            timings.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200
        results.append((query, statistics.median(timings), first.json["total"]))
    return results


Row = tuple[str, str, str, float, float | None, float | None, int]


def run(count: int, repeat: int) -> list[Row]:
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
                tokens = _seed(application, count)
                for who, token in tokens.items():
                    for query, median, total in _measure(application, token, repeat):
                        alone = cpu = None
                        if not query.startswith("("):
                            alone, cpu = _search_only(application, who, query, repeat)
                        if label != "SQLite":
                            cpu = None
                        row = (label, who.split("@")[0], query, median, alone, cpu, total)
                        rows.append(row)
                with application.app_context():
                    db.engine.dispose()
        finally:
            if pg_name:
                _drop_postgres(pg_name)
    return rows


def table(rows: list[Row], count: int, repeat: int) -> str:
    lines = [
        f"## Lessons search over {count:,} lessons ({date.today().isoformat()})",
        "",
        f"`benchmarks/lessons_search.py --lessons {count} --repeat {repeat}`: "
        "`GET /api/v1/lessons?q=…` through the Flask test client (token check, search, count "
        f"and the first page of 20 included), median of {repeat} requests after a warm-up; "
        "*search ms* is the search alone (the count and the first page of 20, as the API runs "
        "them, no HTTP), *CPU ms* its processor time (SQLite only, where the query runs in the "
        "process: its cost whatever else the machine runs). One substring test per term "
        "(`instr` on SQLite, `strpos` on PostgreSQL) on the normalised `lessons.search_text`, "
        "no extra index. 2 CPU cores shared with other work: compare with the baseline row, "
        "an API list of 5 business lines in the same run.",
        "",
        "| database | user | q | request ms | search ms | CPU ms | matches |",
        "|---|---|---|---:|---:|---:|---:|",
    ]
    for backend, who, query, median, alone, cpu, total in rows:
        search = "–" if alone is None else f"{alone:.1f}"
        used = "–" if cpu is None else f"{cpu:.1f}"
        lines.append(
            f"| {backend} | {who} | `{query}` | {median:.1f} | {search} | {used} | {total:,} |"
        )
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--lessons", type=int, default=5000)
    parser.add_argument("--repeat", type=int, default=25)
    parser.add_argument("--append-doc", action="store_true")
    args = parser.parse_args()
    output = table(run(args.lessons, args.repeat), args.lessons, args.repeat)
    print(output)
    if args.append_doc:
        path = Path(__file__).resolve().parent.parent / "docs" / "performance.md"
        with path.open("a", encoding="utf-8") as doc:  # append: other sections stay
            doc.write("\n" + output)


if __name__ == "__main__":
    main()
