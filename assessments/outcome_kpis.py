"""Outcome KPIs of business lines: periods, value ranges, the latest value and its status
(shared/DOMAIN.md, Outcome KPIs).

Unlike a quick-win KPI (``assessments.kpi``), an outcome KPI has no baseline: it is measured
per period, monthly (``YYYY-MM``) or quarterly (``YYYY-Qn``), for each business line, and a
business line meets it when its latest value is on the right side of the target.

Decisions the reference leaves open:

- the three built-in KPIs are fixed in code (:data:`BUILT_IN`), so every database has them
  without a seeding step; PMO-defined ones are stored, with keys that cannot shadow them;
- periods of the same kind sort as text (years have four digits, months two), so the latest
  value is that of the greatest period string;
- the association of process-area scores with KPI values is Pearson's r over the business
  lines that have both, given from three lines on; it says nothing about cause.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum

from assessments.kpi import Direction

__all__ = [
    "BUILT_IN",
    "BUILT_IN_KEYS",
    "KEY_PATTERN",
    "VALUE_LIMIT",
    "Frequency",
    "KpiDefinition",
    "OutcomeStatus",
    "PeriodProblem",
    "association",
    "latest",
    "mean_within",
    "outcome_status",
    "period_frequency",
    "period_problem",
    "period_within",
    "recent",
    "value_in_range",
]

#: Any KPI value: finite and |value| ≤ 10⁹.
VALUE_LIMIT = 1e9
#: Keys of KPIs: lower-case letters, digits and ``_``, starting with a letter.
KEY_PATTERN = re.compile(r"^[a-z][a-z0-9_]{1,39}$", re.ASCII)
MONTHLY_PATTERN = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$", re.ASCII)
QUARTERLY_PATTERN = re.compile(r"^\d{4}-Q[1-4]$", re.ASCII)
#: Pearson's r is shown from this many business lines on.
MIN_ASSOCIATION_LINES = 3


class Frequency(StrEnum):
    MONTHLY = "monthly"
    QUARTERLY = "quarterly"


class OutcomeStatus(StrEnum):
    MET = "met"
    MISSED = "missed"


class PeriodProblem(StrEnum):
    #: Neither ``YYYY-MM`` nor ``YYYY-Qn``.
    FORMAT = "format"
    #: A period of the other kind than the KPI's frequency.
    KIND = "kind"


@dataclass(frozen=True)
class KpiDefinition:
    key: str
    name_zh: str
    name_en: str
    unit: str
    direction: Direction
    target: float
    frequency: Frequency = Frequency.MONTHLY
    #: The range of values; PMO-defined KPIs take any value within ±``VALUE_LIMIT``.
    low: float = -VALUE_LIMIT
    high: float = VALUE_LIMIT
    built_in: bool = False


BUILT_IN: tuple[KpiDefinition, ...] = (
    KpiDefinition(
        "on_time_rate",
        "项目交付准时率",
        "On-time delivery rate",
        "%",
        Direction.HIGHER,
        90.0,
        low=0.0,
        high=100.0,
        built_in=True,
    ),
    KpiDefinition(
        "budget_deviation",
        "项目预算执行偏差",
        "Budget deviation",
        "%",
        Direction.LOWER,
        5.0,
        low=0.0,
        high=VALUE_LIMIT,
        built_in=True,
    ),
    KpiDefinition(
        "satisfaction",
        "项目组满意度",
        "Project team satisfaction",
        "1–5",
        Direction.HIGHER,
        4.5,
        low=1.0,
        high=5.0,
        built_in=True,
    ),
)
BUILT_IN_KEYS = frozenset(k.key for k in BUILT_IN)


def period_frequency(period: str) -> Frequency | None:
    """The kind of ``period``: monthly ``YYYY-MM``, quarterly ``YYYY-Qn``, else None."""
    if MONTHLY_PATTERN.fullmatch(period):
        return Frequency.MONTHLY
    if QUARTERLY_PATTERN.fullmatch(period):
        return Frequency.QUARTERLY
    return None


def period_problem(frequency: Frequency, period: str) -> PeriodProblem | None:
    """What is wrong with ``period`` for a KPI measured at ``frequency``; None if nothing."""
    kind = period_frequency(period)
    if kind is None:
        return PeriodProblem.FORMAT
    return None if kind is frequency else PeriodProblem.KIND


def value_in_range(definition: KpiDefinition, value: float) -> bool:
    """Finite, within the KPI's range, and |value| ≤ 10⁹."""
    return (
        math.isfinite(value)
        and abs(value) <= VALUE_LIMIT
        and definition.low <= value <= definition.high
    )


def latest(values: Iterable[tuple[str, float]]) -> tuple[str, float] | None:
    """The ``(period, value)`` of the greatest period; None without values."""
    return max(values, key=lambda pair: pair[0], default=None)


def recent(values: Iterable[tuple[str, float]], count: int) -> list[tuple[str, float]]:
    """The last ``count`` ``(period, value)`` pairs, oldest first (for a sparkline)."""
    return sorted(values, key=lambda pair: pair[0])[-count:] if count > 0 else []


def outcome_status(
    direction: Direction, target: float, value: float | None
) -> OutcomeStatus | None:
    """``met`` when ``value`` meets ``target`` in ``direction`` (higher: ≥; lower: ≤),
    ``missed`` otherwise, None without a value."""
    if value is None:
        return None
    met = value >= target if direction is Direction.HIGHER else value <= target
    return OutcomeStatus.MET if met else OutcomeStatus.MISSED


def period_within(period: str, first_month: str, last_month: str) -> bool:
    """Whether ``period`` lies in the months ``first_month``..``last_month`` (``YYYY-MM``);
    a quarter counts when its last month does."""
    month = period
    if QUARTERLY_PATTERN.fullmatch(period):
        month = f"{period[:4]}-{int(period[-1]) * 3:02d}"
    return first_month <= month <= last_month


def association(xs: Sequence[float], ys: Sequence[float]) -> float | None:
    """Pearson's r of paired values; None below ``MIN_ASSOCIATION_LINES`` pairs or when
    either side does not vary."""
    if len(xs) != len(ys):
        raise ValueError("xs and ys differ in length")
    n = len(xs)
    if n < MIN_ASSOCIATION_LINES:
        return None
    mean_x, mean_y = sum(xs) / n, sum(ys) / n
    dx = [x - mean_x for x in xs]
    dy = [y - mean_y for y in ys]
    sxx, syy = sum(d * d for d in dx), sum(d * d for d in dy)
    if sxx == 0 or syy == 0:
        return None
    r = sum(a * b for a, b in zip(dx, dy, strict=True)) / math.sqrt(sxx * syy)
    return max(-1.0, min(1.0, r))


def mean_within(
    values: Iterable[tuple[str, float]], first_month: str, last_month: str
) -> float | None:
    """The mean of the values whose period lies in ``first_month``..``last_month``; None
    without one (for a KPI beside a cycle: the months the cycle ran)."""
    inside = [value for period, value in values if period_within(period, first_month, last_month)]
    return sum(inside) / len(inside) if inside else None
