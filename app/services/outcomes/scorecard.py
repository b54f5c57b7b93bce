"""The outcome scorecard: business lines × KPIs with the latest value, its status and a
small trend, in three queries whatever the number of business lines; the missed KPIs on a
PMO review's agenda; a missed KPI turned into a backlog item in one step."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from flask_babel import gettext as _
from sqlalchemy import Select, select

from app.extensions import db
from app.services.backlog.items import ItemInput, save_item
from app.services.errors import ServiceError
from app.services.outcomes.kpis import kpi_definitions, kpi_name
from app.services.visibility import visible_business_lines
from assessments.outcome_kpis import (
    KpiDefinition,
    OutcomeStatus,
    latest,
    outcome_status,
    period_within,
    recent,
)
from assessments.prioritisation import ItemStatus
from models import BusinessLine, ImprovementItem, OutcomeKpiValue, User

#: Periods drawn in a cell's sparkline.
TREND_PERIODS = 12
SPARK_WIDTH, SPARK_HEIGHT = 80, 20


@dataclass(frozen=True)
class Cell:
    line_id: int
    line_code: str
    line_name: str
    kpi: KpiDefinition
    latest: tuple[str, float] | None
    status: OutcomeStatus | None
    trend: tuple[tuple[str, float], ...]

    @property
    def kpi_label(self) -> str:
        return kpi_name(self.kpi)

    @property
    def sparkline(self) -> str:
        """The trend as SVG polyline points in a ``SPARK_WIDTH``×``SPARK_HEIGHT`` box."""
        return sparkline_points([value for _period, value in self.trend])


@dataclass(frozen=True)
class Scorecard:
    kpis: tuple[KpiDefinition, ...]
    #: (business line id, code, name, its cells in ``kpis`` order).
    rows: tuple[tuple[int, str, str, tuple[Cell, ...]], ...]

    @property
    def missed(self) -> list[Cell]:
        return [c for *_line, cells in self.rows for c in cells if c.status is OutcomeStatus.MISSED]


def sparkline_points(values: list[float]) -> str:
    if not values:
        return ""
    low, high = min(values), max(values)
    span = (high - low) or 1.0
    step = SPARK_WIDTH / max(len(values) - 1, 1)
    return " ".join(
        f"{index * step:.1f},{SPARK_HEIGHT - 2 - (value - low) / span * (SPARK_HEIGHT - 4):.1f}"
        for index, value in enumerate(values)
    )


def values_by_line(line_ids: Iterable[int]) -> dict[tuple[int, str], list[tuple[str, float]]]:
    """``{(business line id, KPI key): [(period, value), ...]}``: one query."""
    ids = sorted(set(line_ids))
    found: dict[tuple[int, str], list[tuple[str, float]]] = defaultdict(list)
    if not ids:
        return found
    table = OutcomeKpiValue.__table__  # plain columns: no ORM work per row
    rows = (
        db.session.connection()
        .execute(
            select(table.c.business_line_id, table.c.kpi_key, table.c.period, table.c.value).where(
                table.c.business_line_id.in_(ids)
            )
        )
        .all()
    )
    for line_id, key, period, value in rows:
        found[(line_id, key)].append((period, value))
    return found


def scorecard(user: User, *, line_id: int | None = None) -> Scorecard:
    """The business lines ``user`` may see (or the one ``line_id``) × every KPI."""
    stmt = visible_business_lines(user)
    if line_id is not None:
        return _scorecard(stmt.where(BusinessLine.id == line_id), None)
    return _scorecard(stmt.where(BusinessLine.active.is_(True)), None)


def missed_kpis(up_to: date) -> list[Cell]:
    """Every business line's KPIs missed by the latest value up to ``up_to``'s month: what a
    PMO review held on that day discusses."""
    return _scorecard(select(BusinessLine).where(BusinessLine.active.is_(True)), up_to).missed


def _scorecard(stmt: Select[BusinessLine], up_to: date | None) -> Scorecard:
    """Only periods up to ``up_to``'s month count (a review looks at what it could know)."""
    lines = db.session.execute(
        stmt.with_only_columns(BusinessLine.id, BusinessLine.code, BusinessLine.name).order_by(
            BusinessLine.code
        )
    ).all()
    definitions = tuple(kpi_definitions())
    values = values_by_line(line.id for line in lines)
    last_month = f"{up_to.year:04d}-{up_to.month:02d}" if up_to else "9999-12"
    rows = []
    for line in lines:
        cells = []
        for definition in definitions:
            history = values.get((line.id, definition.key), [])
            if up_to is not None:
                history = [p for p in history if period_within(p[0], "0000-01", last_month)]
            last = latest(history)
            cells.append(
                Cell(
                    line.id,
                    line.code,
                    line.name,
                    definition,
                    last,
                    outcome_status(definition.direction, definition.target, last and last[1]),
                    tuple(recent(history, TREND_PERIODS)),
                )
            )
        rows.append((line.id, line.code, line.name, tuple(cells)))
    return Scorecard(definitions, tuple(rows))


def item_for_missed_kpi(actor: User, line: BusinessLine, key: str) -> ImprovementItem:
    """A proposed backlog item for a KPI the line misses; an open item made for it earlier
    is returned instead of a second one."""
    card = scorecard(actor, line_id=line.id)
    cell = next((c for *_l, cells in card.rows for c in cells if c.kpi.key == key), None)
    if cell is None or cell.status is not OutcomeStatus.MISSED or cell.latest is None:
        raise ServiceError(_("This KPI is not missed by this business line."))
    title = _("%(kpi)s missed: %(line)s", kpi=kpi_name(cell.kpi), line=line.name)[:200]
    existing = db.session.scalar(
        select(ImprovementItem).where(
            ImprovementItem.title == title,
            ImprovementItem.business_line_id == line.id,
            ImprovementItem.status.not_in(
                (ItemStatus.DONE, ItemStatus.VERIFIED, ItemStatus.REJECTED)
            ),
        )
    )
    if existing is not None:
        return existing
    period, value = cell.latest
    shown_value, shown_target = format(value, "g"), format(cell.kpi.target, "g")
    description = _(
        "%(kpi)s of %(line)s was %(value)s %(unit)s in %(period)s; the target is %(target)s.",
        kpi=kpi_name(cell.kpi),
        line=line.name,
        value=shown_value,
        unit=cell.kpi.unit,
        period=period,
        target=shown_target,
    )
    return save_item(
        actor,
        None,
        ItemInput(title=title, description=description, business_line_id=line.id, impact=4),
    )


def kpi_items(user: User, line: BusinessLine) -> list[dict[str, object]]:
    """``GET /api/v1/kpis``: each KPI of ``line`` with its latest value and status."""
    card = scorecard(user, line_id=line.id)
    cells = card.rows[0][3] if card.rows else ()
    return [
        {
            "key": cell.kpi.key,
            "name": {"zh": cell.kpi.name_zh, "en": cell.kpi.name_en},
            "unit": cell.kpi.unit,
            "direction": cell.kpi.direction.value,
            "target": cell.kpi.target,
            "latest": (
                None if cell.latest is None else {"period": cell.latest[0], "value": cell.latest[1]}
            ),
            "status": None if cell.status is None else cell.status.value,
        }
        for cell in cells
    ]
