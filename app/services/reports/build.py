"""The leadership reports: one cycle's levels and gaps, trends, a heatmap, themes, backlog
flow and quick-win outcomes, for the business lines a user may see.

A report costs the same fixed number of SQL queries whatever the number of business lines,
cycles, items or KPIs: every section is one aggregate or column query (or a ``selectinload``
chain), never a query per line. The arithmetic lives in ``assessments.report_data``.

Decisions:

- the **chosen cycle** is the one asked for, else the latest started cycle that is not a
  draft (else the latest draft); the **trend** covers the cycles of the chosen cycle's model
  (or of the model filter), because scores of different models do not compare;
- **history** is validated assessments; the chosen cycle also shows the current state of
  assessments not yet validated (marked as such);
- a director's report, or a report filtered to a business line, counts only that scope:
  themes are sized by the findings of those lines, backlog flow and quick wins by their items;
  a company-wide report also counts findings and items without a business line.
- backlog months are calendar months in UTC, the time zone every timestamp is stored in; an
  item counts as done or verified in the month of its "finish" or "verify" audit event.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import ColumnElement, String, cast, func, select
from sqlalchemy.orm import joinedload, selectinload

from app.extensions import db
from app.services.assessments.model_store import parsed
from app.services.backlog.quickwins import company_benefits
from app.services.findings.publication import current_run_id
from app.services.outcomes.beside import Association, area_kpi_association, months
from app.services.outcomes.kpis import kpi_definitions
from app.services.outcomes.scorecard import values_by_line
from app.services.visibility import sees_every_line, visible_business_lines
from assessments.benefits import BenefitTotals
from assessments.outcome_kpis import KpiDefinition, mean_within
from assessments.report_data import (
    FlowMonth,
    Heatmap,
    KpiOutcome,
    LineStatus,
    ThemeRow,
    TrendPoint,
    achieved_share,
    area_scores,
    fingerprint,
    gap_levels,
    heatmap,
    kpi_outcome,
    monthly_flow,
    top_themes,
)
from assessments.scoring import result_to_dict, score_assessment
from models import (
    Assessment,
    AssessmentStatus,
    AuditEvent,
    BusinessLine,
    ClusteringRun,
    Cycle,
    CycleStatus,
    CycleTarget,
    Finding,
    ImprovementItem,
    Kpi,
    KpiMeasurement,
    PracticeRating,
    QuickWinProject,
    StoredModel,
    Theme,
    ThemeFinding,
    User,
)

TOP_THEMES = 10


@dataclass(frozen=True)
class ReportFilters:
    cycle_id: int | None = None
    business_line_id: int | None = None
    model_key: str | None = None

    def as_args(self) -> dict[str, Any]:
        """Query-string arguments that reproduce these filters."""
        args = {
            "cycle": self.cycle_id,
            "business_line": self.business_line_id,
            "model": self.model_key,
        }
        return {key: value for key, value in args.items() if value not in (None, "")}


@dataclass(frozen=True)
class CycleOption:
    id: int
    name: str
    status: str
    start: date
    model_id: int
    model_key: str
    model_label: str
    #: Process-area codes in scope, or None for the whole model.
    scope: tuple[str, ...] | None = None
    end: date | None = None


@dataclass(frozen=True)
class LineOption:
    id: int
    code: str
    name: str


@dataclass(frozen=True)
class QuickWinOutcomes:
    outcomes: tuple[KpiOutcome, ...] = ()
    projects: int = 0
    closed: int = 0
    #: Sums of the structured benefits entered (assessments.benefits); None when none is.
    benefits: BenefitTotals | None = None

    @property
    def achieved_share(self) -> float | None:
        return achieved_share(self.outcomes)


@dataclass(frozen=True)
class Report:
    filters: ReportFilters
    #: Every business line the reader may see (the choices of the filter).
    business_lines: tuple[LineOption, ...]
    cycles: tuple[CycleOption, ...]
    model_keys: tuple[str, ...]
    cycle: CycleOption | None
    lines: tuple[LineStatus, ...] = ()
    trend_cycles: tuple[CycleOption, ...] = ()
    #: (business line, its points in cycle order) for each line with at least one point.
    trend: tuple[tuple[LineOption, tuple[TrendPoint, ...]], ...] = ()
    heatmap: Heatmap = field(default_factory=lambda: heatmap([], []))
    themes: tuple[ThemeRow, ...] = ()
    flow: tuple[FlowMonth, ...] = ()
    quick_wins: QuickWinOutcomes = field(default_factory=QuickWinOutcomes)
    #: Outcome KPIs (built-in and PMO-defined), in column order.
    kpis: tuple[KpiDefinition, ...] = ()
    #: (business line, cycle, score, each KPI's mean over the cycle's months) per point of
    #: ``trend``: maturity beside outcomes.
    outcomes: tuple[tuple[str, str, float | None, tuple[float | None, ...]], ...] = ()
    #: Process-area scores of the chosen cycle against KPIs, across business lines.
    association: Association | None = None

    @property
    def has_results(self) -> bool:
        return any(line.maturity_level is not None for line in self.lines)

    @property
    def has_validated(self) -> bool:
        return any(point.validated for _line, points in self.trend for point in points)


# ------------------------------------------------------------------------------ scope


@dataclass(frozen=True)
class _Scope:
    #: Every business line the user may see (the choices of the filter).
    visible: tuple[LineOption, ...]
    #: The lines the report covers.
    lines: tuple[LineOption, ...]
    #: True when counts are limited to ``lines`` (a director, or a business-line filter).
    restricted: bool

    @property
    def ids(self) -> list[int]:
        return [line.id for line in self.lines]

    def clause(self, column: Any) -> ColumnElement[bool] | None:
        return column.in_(self.ids) if self.restricted else None


def _scope(user: User, filters: ReportFilters) -> _Scope:
    query = visible_business_lines(user).subquery()
    rows = db.session.execute(
        select(query.c.id, query.c.code, query.c.name).order_by(query.c.code)
    ).all()
    visible = tuple(LineOption(r.id, r.code, r.name) for r in rows)
    lines = visible
    if filters.business_line_id is not None:
        lines = tuple(line for line in visible if line.id == filters.business_line_id)
    restricted = not sees_every_line(user) or filters.business_line_id is not None
    return _Scope(visible, lines, restricted)


def _where(stmt: Any, clause: ColumnElement[bool] | None) -> Any:
    return stmt if clause is None else stmt.where(clause)


def _cycle_options() -> list[CycleOption]:
    rows = db.session.execute(
        select(
            Cycle.id,
            Cycle.name,
            Cycle.status,
            Cycle.start,
            Cycle.model_id,
            StoredModel.key,
            StoredModel.version,
            Cycle.scope,
            Cycle.end,
        )
        .join(StoredModel, StoredModel.id == Cycle.model_id)
        .order_by(Cycle.start, Cycle.id)
    ).all()
    return [
        CycleOption(
            r.id,
            r.name,
            r.status.value,
            r.start,
            r.model_id,
            r.key,
            f"{r.key} v{r.version}",
            tuple(r.scope) if r.scope else None,
            r.end,
        )
        for r in rows
    ]


def _choose_cycle(cycles: Sequence[CycleOption], filters: ReportFilters) -> CycleOption | None:
    if filters.model_key:
        cycles = [c for c in cycles if c.model_key == filters.model_key]
    if filters.cycle_id is not None:
        return next((c for c in cycles if c.id == filters.cycle_id), None)
    started = [c for c in cycles if c.status != CycleStatus.DRAFT.value]
    chosen = started or list(cycles)
    return chosen[-1] if chosen else None


# ---------------------------------------------------------------------------- report


def build_report(user: User, filters: ReportFilters) -> Report:
    """Everything the dashboard and the reports show, in a fixed number of queries."""
    scope = _scope(user, filters)
    cycles = _cycle_options()
    chosen = _choose_cycle(cycles, filters)
    report = Report(
        filters=filters,
        business_lines=scope.visible,
        cycles=tuple(cycles),
        model_keys=tuple(sorted({c.model_key for c in cycles})),
        cycle=chosen,
        themes=tuple(_themes(scope)),
        flow=tuple(_flow(scope)),
        quick_wins=_quick_wins(scope, chosen),
    )
    if chosen is None or not scope.lines:
        return report
    trend_cycles = tuple(
        c for c in cycles if c.model_key == chosen.model_key and c.status != "draft"
    ) or (chosen,)
    lines, area_rows, columns, area_by_line = _chosen_cycle(scope, chosen)
    trend = _trend(scope, trend_cycles)
    definitions = tuple(kpi_definitions())
    values = values_by_line(scope.ids)
    return replace(
        report,
        lines=tuple(lines),
        trend_cycles=trend_cycles,
        trend=trend,
        heatmap=heatmap(area_rows, columns),
        kpis=definitions,
        # One line: its whole history; several: the chosen cycle, one row per line.
        outcomes=_outcomes(
            trend, trend_cycles if len(scope.lines) == 1 else (chosen,), definitions, values
        ),
        association=area_kpi_association(area_by_line, columns, definitions, values),
    )


def _outcomes(
    trend: Sequence[tuple[LineOption, Sequence[TrendPoint]]],
    cycles: Sequence[CycleOption],
    definitions: Sequence[KpiDefinition],
    values: Mapping[tuple[int, str], Sequence[tuple[str, float]]],
) -> tuple[tuple[str, str, float | None, tuple[float | None, ...]], ...]:
    """Each line's score per cycle of ``cycles`` beside each KPI's mean over the months the
    cycle ran."""
    by_id = {c.id: c for c in cycles}
    rows = []
    for line, points in trend:
        for point in points:
            cycle = by_id.get(point.cycle_id)
            if cycle is None:
                continue
            first, last = months(cycle.start, cycle.end or cycle.start)
            means = tuple(
                mean_within(values.get((line.id, d.key), []), first, last) for d in definitions
            )
            rows.append(
                (
                    line.name,
                    cycle.name,
                    point.score,
                    tuple(None if m is None else round(m, 2) for m in means),
                )
            )
    return tuple(rows)


def _chosen_cycle(
    scope: _Scope, cycle: CycleOption
) -> tuple[
    list[LineStatus],
    list[tuple[str, dict[str, float | None]]],
    list[str],
    dict[int, dict[str, float | None]],
]:
    """Levels, gaps and area scores of the business lines taking part in ``cycle``."""
    targets = dict(
        db.session.execute(
            _where(
                select(CycleTarget.business_line_id, CycleTarget.target_level).where(
                    CycleTarget.cycle_id == cycle.id
                ),
                CycleTarget.business_line_id.in_(scope.ids),
            )
        ).all()
    )
    assessments = {
        row.business_line_id: row
        for row in db.session.execute(
            select(
                Assessment.id,
                Assessment.business_line_id,
                Assessment.status,
                Assessment.target_level,
                Assessment.score,
                Assessment.maturity_level,
                Assessment.result_snapshot,
                Assessment.current_result,
            ).where(Assessment.cycle_id == cycle.id, Assessment.business_line_id.in_(scope.ids))
        )
    }
    stored = db.session.get_one(StoredModel, cycle.model_id)  # a used model is never deleted
    model = parsed(stored)
    area_scope = cycle.scope
    columns = [a.code for a in model.process_areas if not area_scope or a.code in area_scope]
    current = _current_results(cycle, model, area_scope, assessments.values())
    lines, area_rows = [], []
    area_by_line: dict[int, dict[str, float | None]] = {}
    for line in scope.lines:
        if line.id not in targets and line.id not in assessments:
            continue
        row = assessments.get(line.id)
        validated = row is not None and row.status is AssessmentStatus.VALIDATED
        target = row.target_level if row is not None else targets.get(line.id)
        level = row.maturity_level if row is not None else None
        lines.append(
            LineStatus(
                business_line_id=line.id,
                code=line.code,
                name=line.name,
                status=row.status.value if row is not None else None,
                target_level=target,
                maturity_level=level,
                score=row.score if row is not None else None,
                gap=gap_levels(target, level),
                validated=validated,
            )
        )
        if row is not None:
            result = row.result_snapshot if validated else current.get(row.id)
            name = line.name if validated else _("%(name)s (not validated)", name=line.name)
            area_rows.append((name, area_scores(result)))  # a draft is marked as a draft
            area_by_line[line.id] = area_rows[-1][1]
    return lines, area_rows, columns, area_by_line


def _current_results(
    cycle: CycleOption, model: Any, area_scope: Any, assessments: Any
) -> dict[int, dict[str, Any]]:
    """The results of every assessment of ``cycle`` not yet validated: the ones stored with
    their last change of ratings. Only rows saved before results were stored are scored here,
    with one query for all their ratings."""
    pending = [row for row in assessments if row.status is not AssessmentStatus.VALIDATED]
    results = {row.id: row.current_result for row in pending if row.current_result is not None}
    unscored = {row.id: row for row in pending if row.current_result is None}
    if not unscored:
        return results
    ratings: dict[int, dict[str, str]] = defaultdict(dict)
    for assessment_id, practice_id, rating in db.session.execute(
        select(
            PracticeRating.assessment_id, PracticeRating.practice_id, PracticeRating.rating
        ).where(
            PracticeRating.assessment_id.in_(list(unscored)), PracticeRating.rating.is_not(None)
        )
    ):
        if rating is not None:  # the query leaves them out; this tells the type checker
            ratings[assessment_id][practice_id] = rating
    for assessment_id, row in unscored.items():
        results[assessment_id] = result_to_dict(
            score_assessment(model, ratings.get(assessment_id, {}), row.target_level, area_scope)
        )
    return results


def _trend(
    scope: _Scope, cycles: Sequence[CycleOption]
) -> tuple[tuple[LineOption, tuple[TrendPoint, ...]], ...]:
    by_id = {c.id: c for c in cycles}
    rows = db.session.execute(
        select(
            Assessment.business_line_id,
            Assessment.cycle_id,
            Assessment.status,
            Assessment.maturity_level,
            Assessment.score,
        ).where(Assessment.cycle_id.in_(list(by_id)), Assessment.business_line_id.in_(scope.ids))
    ).all()
    points: dict[int, list[TrendPoint]] = defaultdict(list)
    order = {c.id: index for index, c in enumerate(cycles)}
    for row in rows:
        validated = row.status is AssessmentStatus.VALIDATED
        if row.score is None or not validated:  # a trend shows validated results only
            continue
        points[row.business_line_id].append(
            TrendPoint(
                row.business_line_id,
                row.cycle_id,
                by_id[row.cycle_id].name,
                row.maturity_level,
                row.score,
                validated,
            )
        )
    return tuple(
        (line, tuple(sorted(points[line.id], key=lambda p: order[p.cycle_id])))
        for line in scope.lines
        if points.get(line.id)
    )


def _themes(scope: _Scope) -> list[ThemeRow]:
    """The largest themes of the published clustering run, sized within the scope (a run
    the PMO has not published is a draft: reports never show it)."""
    latest_run = current_run_id().scalar_subquery()
    counts = _where(
        select(
            ThemeFinding.theme_id.label("theme_id"),
            func.count(ThemeFinding.id).label("size"),
            func.avg(Finding.severity).label("severity"),
        )
        .join(Finding, Finding.id == ThemeFinding.finding_id)
        .where(ThemeFinding.run_id == latest_run),
        scope.clause(Finding.business_line_id),
    ).group_by(ThemeFinding.theme_id)
    counts = counts.subquery()
    rows = db.session.execute(
        select(Theme.id, Theme.label, Theme.process_areas, counts.c.size, counts.c.severity)
        .join(counts, counts.c.theme_id == Theme.id)
        .order_by(counts.c.size.desc(), counts.c.severity.desc(), Theme.label)
        .limit(TOP_THEMES)
    ).all()
    themes = [
        ThemeRow(
            r.id,
            r.label,
            int(r.size),
            None if r.severity is None else round(float(r.severity), 2),
            tuple(r.process_areas or ()),
        )
        for r in rows
    ]
    return top_themes(themes, TOP_THEMES)


def _month(column: Any) -> Any:
    if db.session.get_bind().dialect.name == "postgresql":
        return func.to_char(column, "YYYY-MM")
    return func.strftime("%Y-%m", column)


def _flow(scope: _Scope) -> list[FlowMonth]:
    """Items created per month, and items finished and verified per month (from the audit
    trail of their status changes)."""
    created_month = _month(ImprovementItem.created_at)
    created = dict(
        db.session.execute(
            _where(
                select(created_month, func.count(ImprovementItem.id)),
                scope.clause(ImprovementItem.business_line_id),
            ).group_by(created_month)
        ).all()
    )
    event_month = _month(AuditEvent.at)
    events = db.session.execute(
        _where(
            select(event_month, AuditEvent.action, func.count(AuditEvent.id))
            .join(ImprovementItem, AuditEvent.object_id == cast(ImprovementItem.id, String))
            .where(
                AuditEvent.object_type == "ImprovementItem",
                AuditEvent.action.in_(("finish", "verify")),
            ),
            scope.clause(ImprovementItem.business_line_id),
        ).group_by(event_month, AuditEvent.action)
    ).all()
    done = {month: n for month, action, n in events if action == "finish"}
    verified = {month: n for month, action, n in events if action == "verify"}
    return monthly_flow({k: v for k, v in created.items() if k}, done, verified)


def _quick_wins(scope: _Scope, cycle: CycleOption | None) -> QuickWinOutcomes:
    """The quick wins of the chosen cycle: projects running during its period, each KPI at
    its latest measurement by the cycle's end."""
    stmt = select(QuickWinProject)
    if cycle is not None and cycle.end is not None:
        stmt = stmt.where(QuickWinProject.start <= cycle.end, QuickWinProject.end >= cycle.start)
    until = cycle.end if cycle is not None and cycle.end is not None else None
    projects = db.session.scalars(
        _where(
            stmt.options(
                joinedload(QuickWinProject.item),
                selectinload(QuickWinProject.kpis).selectinload(Kpi.measurements),
            ).order_by(QuickWinProject.start, QuickWinProject.id),
            scope.clause(QuickWinProject.business_line_id),
        )
    ).all()
    outcomes = [
        kpi_outcome(
            project.item.title,
            kpi.name,
            kpi.unit,
            kpi.baseline,
            kpi.target,
            _latest_by(kpi.measurements, until),
        )
        for project in projects
        for kpi in project.kpis
    ]
    # Benefits are the programme's to date: every visible project, whatever the cycle.
    every = (
        projects
        if cycle is None or cycle.end is None
        else db.session.scalars(
            _where(select(QuickWinProject), scope.clause(QuickWinProject.business_line_id))
        ).all()
    )
    benefits = company_benefits(every)
    return QuickWinOutcomes(
        outcomes=tuple(outcomes),
        projects=len(projects),
        closed=sum(1 for p in projects if p.closed_on is not None),
        benefits=benefits if benefits.projects else None,
    )


def _latest_by(measurements: Sequence[KpiMeasurement], until: date | None) -> float | None:
    """The last value measured on or before ``until`` (measurements are in date order)."""
    taken = [m for m in measurements if until is None or m.measured_on <= until]
    return taken[-1].value if taken else None


# ------------------------------------------------------------------------ fingerprint


def data_fingerprint(user: User, filters: ReportFilters, *extra: object) -> str:
    """A digest that changes whenever anything a report shows may have changed: one query
    of counts and latest change times (every change to assessments, items and KPIs also
    writes an audit event)."""
    columns = [
        select(func.max(AuditEvent.id)).scalar_subquery(),
        select(func.max(Assessment.updated_at)).scalar_subquery(),
        select(func.count(Assessment.id)).scalar_subquery(),
        select(func.max(Cycle.updated_at)).scalar_subquery(),
        select(func.max(BusinessLine.updated_at)).scalar_subquery(),
        select(func.max(ImprovementItem.updated_at)).scalar_subquery(),
        select(func.count(ImprovementItem.id)).scalar_subquery(),
        select(func.max(QuickWinProject.updated_at)).scalar_subquery(),
        select(func.max(KpiMeasurement.id)).scalar_subquery(),
        select(func.count(KpiMeasurement.id)).scalar_subquery(),
        select(func.count(Kpi.id)).scalar_subquery(),
        select(func.max(ClusteringRun.id)).scalar_subquery(),
        select(func.max(ClusteringRun.published_at)).scalar_subquery(),
        # rows are added (runs, assignments) or moved and merged (audited), never deleted
        # alone: the latest id is enough, and reads one index entry where a count reads 40,000
        select(func.max(ThemeFinding.id)).scalar_subquery(),
        select(func.max(Finding.id)).scalar_subquery(),
    ]
    values = tuple(db.session.execute(select(*columns)).one())
    return fingerprint(
        values,
        user.role.value,
        0 if sees_every_line(user) else user.id,
        sorted(filters.as_args().items()),
        *extra,
    )
