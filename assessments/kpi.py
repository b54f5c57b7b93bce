"""KPI progress and status of quick-win projects.

Progress = (latest − baseline) ÷ (target − baseline), achieved at ≥ 1 (domain reference). The
same formula serves higher- and lower-is-better KPIs: for a lower-is-better KPI the target is
below the baseline, so a fall in the value is positive progress.

Decisions the reference leaves open:

- a target equal to the baseline has no progress to measure: refused (``ValueError``); so is a
  target on the wrong side of the baseline for the KPI's direction;
- the status compares progress with the share of the project's time elapsed: achieved at
  progress ≥ 1, on track when progress ≥ elapsed share, off track otherwise; a KPI without a
  measurement counts as progress 0 (on track only before the project starts);
- a measurement is due when the last one is older than ``interval_days`` (30 by default) and
  the project is running.
"""

from __future__ import annotations

from datetime import date
from enum import StrEnum

__all__ = [
    "Direction",
    "KpiStatus",
    "check_kpi",
    "elapsed_share",
    "kpi_progress",
    "kpi_status",
    "measurement_due",
]


class Direction(StrEnum):
    HIGHER = "higher"
    LOWER = "lower"


class KpiStatus(StrEnum):
    ACHIEVED = "achieved"
    ON_TRACK = "on_track"
    OFF_TRACK = "off_track"


def check_kpi(direction: Direction, baseline: float, target: float) -> None:
    """Refuse a target equal to the baseline or on the wrong side for ``direction``."""
    if target == baseline:
        raise ValueError("the target equals the baseline")
    if direction is Direction.HIGHER and target < baseline:
        raise ValueError("a higher-is-better target must be above the baseline")
    if direction is Direction.LOWER and target > baseline:
        raise ValueError("a lower-is-better target must be below the baseline")


def kpi_progress(baseline: float, target: float, latest: float | None) -> float | None:
    """(latest − baseline) ÷ (target − baseline); None without a measurement."""
    if target == baseline:
        raise ValueError("the target equals the baseline")
    if latest is None:
        return None
    return (latest - baseline) / (target - baseline)


def elapsed_share(start: date, end: date, today: date) -> float:
    """Share of the time between ``start`` and ``end`` elapsed at ``today``, 0 to 1."""
    if end <= start:
        return 0.0 if today < start else 1.0
    share = (today - start).days / (end - start).days
    return min(max(share, 0.0), 1.0)


def kpi_status(progress: float | None, start: date, end: date, today: date) -> KpiStatus:
    value = 0.0 if progress is None else progress
    if value >= 1:
        return KpiStatus.ACHIEVED
    if value >= elapsed_share(start, end, today):
        return KpiStatus.ON_TRACK
    return KpiStatus.OFF_TRACK


def measurement_due(
    last: date | None, start: date, end: date, today: date, interval_days: int = 30
) -> bool:
    """Whether a running project's KPI needs a new measurement."""
    if not start <= today <= end:
        return False
    if last is None:
        return (today - start).days >= 7
    return (today - last).days >= interval_days
