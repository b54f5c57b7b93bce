"""Maturity beside outcomes: a business line's scores by cycle next to its KPI values by
period, and, for the company, process-area scores against KPIs across business lines.

Both show association, never cause: business lines that score higher may differ in many other
ways, and a KPI moves for reasons an assessment does not see.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from app.extensions import db
from app.services.outcomes.kpis import kpi_definitions
from app.services.outcomes.scorecard import values_by_line
from assessments.outcome_kpis import KpiDefinition, association, latest, mean_within
from models import Assessment, AssessmentStatus, Cycle


@dataclass(frozen=True)
class CycleScore:
    cycle: str
    start: date
    end: date
    maturity_level: int | None
    score: float | None
    #: The mean of each KPI over the months the cycle ran, in ``kpis`` order.
    kpi_means: tuple[float | None, ...]


@dataclass(frozen=True)
class LineOutcomes:
    kpis: tuple[KpiDefinition, ...]
    cycles: tuple[CycleScore, ...]
    #: Every period with a value, newest first, and each KPI's value in it (``kpis`` order).
    periods: tuple[tuple[str, tuple[float | None, ...]], ...]


def months(start: date, end: date) -> tuple[str, str]:
    return f"{start.year:04d}-{start.month:02d}", f"{end.year:04d}-{end.month:02d}"


def line_outcomes(line_id: int) -> LineOutcomes:
    """One business line's validated scores by cycle and KPI values by period: three queries."""
    definitions = tuple(kpi_definitions())
    values = values_by_line([line_id])
    rows = db.session.execute(
        select(
            Cycle.name,
            Cycle.start,
            Cycle.end,
            Assessment.maturity_level,
            Assessment.score,
            Assessment.result_snapshot,
        )
        .join(Cycle, Cycle.id == Assessment.cycle_id)
        .where(
            Assessment.business_line_id == line_id,
            Assessment.status == AssessmentStatus.VALIDATED,
        )
        .order_by(Cycle.start, Cycle.id)
    ).all()
    cycles = []
    for row in rows:
        frozen = row.result_snapshot or {}
        first, last = months(row.start, row.end)
        cycles.append(
            CycleScore(
                row.name,
                row.start,
                row.end,
                frozen.get("maturity_level", row.maturity_level),
                frozen.get("score", row.score),
                tuple(
                    mean_within(values.get((line_id, d.key), []), first, last) for d in definitions
                ),
            )
        )
    by_period: dict[str, dict[str, float]] = {}
    for definition in definitions:
        for period, value in values.get((line_id, definition.key), []):
            by_period.setdefault(period, {})[definition.key] = value
    periods = tuple(
        (period, tuple(by_period[period].get(d.key) for d in definitions))
        for period in sorted(by_period, reverse=True)
    )
    return LineOutcomes(definitions, tuple(cycles), periods)


@dataclass(frozen=True)
class Association:
    """Pearson's r of each process area's score with each KPI's latest value across the
    business lines that have both; None where fewer than three lines do."""

    kpis: tuple[KpiDefinition, ...]
    rows: tuple[tuple[str, tuple[float | None, ...]], ...]
    lines: int


def area_kpi_association(
    area_scores: Mapping[int, Mapping[str, float | None]],
    columns: Sequence[str],
    definitions: Sequence[KpiDefinition],
    values: Mapping[tuple[int, str], Sequence[tuple[str, float]]],
) -> Association:
    """``area_scores``: each business line's process-area scores in one cycle."""
    latest_values = {
        (line_id, d.key): found[1]
        for line_id in area_scores
        for d in definitions
        if (found := latest(values.get((line_id, d.key), []))) is not None
    }
    rows = []
    for code in columns:
        cells = []
        for definition in definitions:
            pairs = [
                (score, latest_values[(line_id, definition.key)])
                for line_id, scores in area_scores.items()
                if (score := scores.get(code)) is not None
                and (line_id, definition.key) in latest_values
            ]
            r = association([p[0] for p in pairs], [p[1] for p in pairs])
            cells.append(None if r is None else round(r, 2))
        rows.append((code, tuple(cells)))
    return Association(tuple(definitions), tuple(rows), len(area_scores))
