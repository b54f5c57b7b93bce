"""Demo outcome KPIs: the three built-in KPIs per business line and month (24 months for the
small demo, 36 for the large), some lines missing their targets."""

from __future__ import annotations

import random
from collections.abc import Callable

from sqlalchemy import insert, select

from app.extensions import db
from app.services.backlog.quickwins import today
from models import BusinessLine, OutcomeKpiValue

MONTHS = {"small": 24, "large": 36}


def _months(count: int) -> list[str]:
    """The ``count`` months up to last month, oldest first."""
    now = today()
    year, month = now.year, now.month
    found = []
    for _ in range(count):
        year, month = (year - 1, 12) if month == 1 else (year, month - 1)
        found.append(f"{year:04d}-{month:02d}")
    return found[::-1]


def _series(
    rng: random.Random, start: float, end: float, spread: float, count: int, low: float, high: float
) -> list[float]:
    """A drift from ``start`` to ``end`` with noise, kept within ``low``..``high``."""
    values = []
    for index in range(count):
        centre = start + (end - start) * index / max(count - 1, 1)
        values.append(round(min(high, max(low, rng.gauss(centre, spread))), 2))
    return values


def seed(size: str, progress: Callable[[int], None] = lambda _n: None) -> None:
    rng = random.Random(20261130)  # noqa: S311  (demo data, not security)
    months = _months(MONTHS.get(size, 24))
    lines = db.session.scalars(select(BusinessLine.id).order_by(BusinessLine.code)).all()
    rows: list[dict[str, object]] = []
    for index, line_id in enumerate(lines):
        # Every third line ends below the on-time target, every fourth over budget, every
        # fifth below the satisfaction target: the scorecard shows some misses.
        on_time_end = 84.0 if index % 3 == 1 else 94.0
        budget_end = 8.5 if index % 4 == 2 else 3.5
        satisfaction_end = 4.1 if index % 5 == 3 else 4.6
        series = {
            "on_time_rate": _series(rng, 78.0, on_time_end, 1.2, len(months), 0, 100),
            "budget_deviation": _series(rng, 9.0, budget_end, 0.4, len(months), 0, 100),
            "satisfaction": _series(rng, 3.8, satisfaction_end, 0.04, len(months), 1, 5),
        }
        for key, values in series.items():
            rows.extend(
                {
                    "kpi_key": key,
                    "business_line_id": line_id,
                    "period": period,
                    "value": value,
                    "source": "demo",
                }
                for period, value in zip(months, values, strict=True)
            )
    done = 0
    for start in range(0, len(rows), 1000):
        db.session.execute(insert(OutcomeKpiValue), rows[start : start + 1000])
        share = 100 * min(start + 1000, len(rows)) // max(len(rows), 1)
        progress(share - done)
        done = share
