"""The numbers of the leadership reports, computed from plain values.

A service reads rows in a fixed number of queries and hands them here; everything a report
shows (gaps, heatmap cells, monthly flow, KPI outcomes, the top themes) is derived by these
functions, so each number can be checked by hand in a unit test.

Decisions the domain reference leaves open:

- the **gap** of a business line is ``target − achieved`` levels, 0 when the target is met,
  None while there is no result;
- the **heatmap** cell of a business line and process area is the area's score (0–100) from
  the validated snapshot, or from the current ratings for an assessment not yet validated;
  an area the assessment does not cover is None;
- **backlog flow** counts per calendar month (``YYYY-MM``) the items created, finished (done)
  and verified; months without any event in between are shown with zeros;
- a **quick-win KPI** is achieved at progress ≥ 1; the share achieved is over the KPIs that
  have a measurement (None when none has);
- **top themes** are ordered by size, then by mean severity (higher first), then label.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from assessments.kpi import kpi_progress

__all__ = [
    "FlowMonth",
    "Heatmap",
    "KpiOutcome",
    "LineStatus",
    "ThemeRow",
    "TrendPoint",
    "achieved_share",
    "area_scores",
    "fingerprint",
    "gap_levels",
    "heatmap",
    "kpi_outcome",
    "monthly_flow",
    "top_themes",
]


@dataclass(frozen=True)
class LineStatus:
    """One business line in one cycle."""

    business_line_id: int
    code: str
    name: str
    status: str | None
    target_level: int | None
    maturity_level: int | None
    score: float | None
    gap: int | None
    validated: bool


@dataclass(frozen=True)
class TrendPoint:
    business_line_id: int
    cycle_id: int
    cycle: str
    maturity_level: int | None
    score: float | None
    #: False for the current state of an assessment not yet validated.
    validated: bool


@dataclass(frozen=True)
class Heatmap:
    rows: tuple[str, ...]
    columns: tuple[str, ...]
    #: ``values[row][column]``: a 0–100 score or None.
    values: tuple[tuple[float | None, ...], ...]

    @property
    def empty(self) -> bool:
        return not self.rows or not self.columns


@dataclass(frozen=True)
class ThemeRow:
    theme_id: int
    label: str
    size: int
    mean_severity: float | None
    process_areas: tuple[str, ...]


@dataclass(frozen=True)
class FlowMonth:
    month: str
    created: int
    done: int
    verified: int


@dataclass(frozen=True)
class KpiOutcome:
    project: str
    name: str
    unit: str
    baseline: float
    target: float
    latest: float | None
    progress: float | None

    @property
    def achieved(self) -> bool:
        return self.progress is not None and self.progress >= 1


def gap_levels(target: int | None, achieved: int | None) -> int | None:
    """Levels still missing to reach ``target``: 0 when met, None without both values."""
    if target is None or achieved is None:
        return None
    return max(target - achieved, 0)


def area_scores(result: Mapping[str, Any] | None) -> dict[str, float | None]:
    """Process-area scores of a ``ladder score``-shaped result."""
    if not result:
        return {}
    areas = result.get("process_areas") or {}
    return {
        code: (None if values.get("score") is None else float(values["score"]))
        for code, values in areas.items()
        if isinstance(values, Mapping)
    }


def heatmap(
    rows: Sequence[tuple[str, Mapping[str, float | None]]], columns: Sequence[str]
) -> Heatmap:
    """A matrix of ``rows`` (label, scores by area code) × ``columns`` (area codes)."""
    return Heatmap(
        rows=tuple(label for label, _scores in rows),
        columns=tuple(columns),
        values=tuple(tuple(scores.get(code) for code in columns) for _label, scores in rows),
    )


def _month_range(first: str, last: str) -> list[str]:
    year, month = (int(part) for part in first.split("-"))
    end_year, end_month = (int(part) for part in last.split("-"))
    months = []
    while (year, month) <= (end_year, end_month):
        months.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months


def monthly_flow(
    created: Mapping[str, int],
    done: Mapping[str, int],
    verified: Mapping[str, int],
    last_months: int = 24,
) -> list[FlowMonth]:
    """Counts per ``YYYY-MM`` month, without holes, keeping the last ``last_months``."""
    months = set(created) | set(done) | set(verified)
    if not months:
        return []
    span = _month_range(min(months), max(months))[-last_months:]
    return [FlowMonth(m, created.get(m, 0), done.get(m, 0), verified.get(m, 0)) for m in span]


def kpi_outcome(
    project: str, name: str, unit: str, baseline: float, target: float, latest: float | None
) -> KpiOutcome:
    """Baseline against the latest measurement; a target equal to the baseline has no
    progress (None) rather than failing the whole report."""
    progress = None if target == baseline else kpi_progress(baseline, target, latest)
    return KpiOutcome(project, name, unit, baseline, target, latest, progress)


def achieved_share(outcomes: Iterable[KpiOutcome]) -> float | None:
    measured = [o for o in outcomes if o.progress is not None]
    if not measured:
        return None
    return sum(1 for o in measured if o.achieved) / len(measured)


def top_themes(themes: Iterable[ThemeRow], limit: int = 10) -> list[ThemeRow]:
    ordered = sorted(
        themes,
        key=lambda t: (
            -t.size,
            -(t.mean_severity if t.mean_severity is not None else -1.0),
            t.label,
        ),
    )
    return ordered[:limit]


def fingerprint(*parts: object) -> str:
    """A short stable digest of ``parts``: the cache key of data that has not changed."""
    text = "\x1f".join(repr(part) for part in parts)
    return hashlib.sha256(text.encode()).hexdigest()[:24]
