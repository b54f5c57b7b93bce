"""Quick-win projects: promoting an item, KPIs, measurements (form and Excel import),
progress and status per KPI, the before/after chart and the closing review."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from flask_babel import gettext as _
from flask_babel import pgettext
from sqlalchemy import Select, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from app.extensions import db
from app.numbers import NumberOutOfRange, checked_number
from app.services.audit import record_change, snapshot
from app.services.backlog.items import can_view_item
from app.services.errors import ServiceError
from app.services.tabular import MAX_IMPORT_ROWS, TableError, as_text, read_upload
from app.services.visibility import MANAGERS, restrict_to_visible
from assessments.benefits import (
    Benefit,
    BenefitTotals,
    BenefitUnit,
    monthly_value,
    payback_months,
    roi,
    total_benefits,
)
from assessments.kpi import Direction, KpiStatus, check_kpi, kpi_progress, kpi_status
from assessments.prioritisation import ItemStatus
from models import (
    ImprovementItem,
    Kpi,
    KpiMeasurement,
    QuickWinProject,
    User,
)
from models.base import utcnow

PROMOTABLE = (ItemStatus.APPROVED, ItemStatus.IN_PROGRESS)
IMPORT_COLUMNS = ("KPI", "Date", "Value", "Note")


def today() -> date:
    return utcnow().date()


# ------------------------------------------------------------------------- projects


def visible_projects(user: User) -> Select[QuickWinProject]:
    """Directors see the projects of their business lines and company-wide ones."""
    return restrict_to_visible(
        select(QuickWinProject), user, QuickWinProject.business_line_id, company_wide=True
    )


def can_view_project(user: User, project: QuickWinProject) -> bool:
    return can_view_item(user, project.item)


def can_manage_project(user: User, project: QuickWinProject) -> bool:
    return user.role in MANAGERS or project.owner_id == user.id


def load_project(project_id: int) -> QuickWinProject | None:
    return db.session.scalar(
        select(QuickWinProject)
        .where(QuickWinProject.id == project_id)
        .options(selectinload(QuickWinProject.kpis).selectinload(Kpi.measurements))
    )


PROJECT_FIELDS = ("goal", "scope", "owner_id", "business_line_id", "start", "end", "team")


def promote(
    actor: User,
    item: ImprovementItem,
    *,
    goal: str,
    scope: str = "",
    owner_id: int | None = None,
    start: date,
    end: date,
    team: str = "",
) -> QuickWinProject:
    """Turn an approved quick-win item into a project with a charter."""
    if not item.quick_win:
        raise ServiceError(_("Only a quick-win candidate can become a quick-win project."))
    if item.status not in PROMOTABLE:
        raise ServiceError(_("Approve the item before promoting it."))
    if db.session.scalar(select(QuickWinProject.id).where(QuickWinProject.item_id == item.id)):
        raise ServiceError(_("This item is already a quick-win project."))
    if not goal.strip():
        raise ServiceError(_("State the goal of the project."), "goal")
    if end < start:
        raise ServiceError(_("The end date must not be before the start date."), "end")
    project = QuickWinProject(
        item=item,
        goal=goal.strip(),
        scope=scope.strip(),
        owner_id=owner_id or item.owner_id,
        business_line_id=item.business_line_id,
        start=start,
        end=end,
        team=team.strip(),
    )
    try:
        with db.session.begin_nested():  # PostgreSQL: waits for a concurrent promotion
            db.session.add(project)
            db.session.flush()
    except IntegrityError as error:
        raise ServiceError(_("This item is already a quick-win project.")) from error
    record_change(actor, "create", project, new=snapshot(project, PROJECT_FIELDS), label=item.title)
    return project


# ----------------------------------------------------------------------------- KPIs


KPI_FIELDS = ("name", "unit", "direction", "baseline", "target", "source")


def _number(value: Any, field: str, label: str) -> float:
    """``value`` by the one rule for numbers (``app.numbers``), as a ServiceError on ``field``."""
    try:
        return checked_number(value, label)
    except NumberOutOfRange as error:
        raise ServiceError(error.message, field) from error


def _check_kpi(
    project: QuickWinProject,
    kpi: Kpi | None,
    name: str,
    direction: Direction,
    baseline: float,
    target: float,
) -> tuple[str, float, float]:
    name = name.strip()
    if not name:
        raise ServiceError(_("Name the KPI."), "name")
    if any(k.name == name and k is not kpi for k in project.kpis):
        raise ServiceError(_("This project already has a KPI named %(name)s.", name=name), "name")
    baseline = _number(baseline, "baseline", _("Baseline"))
    target = _number(target, "target", _("Target"))
    try:
        check_kpi(direction, baseline, target)
    except ValueError as error:
        message = (
            _("The target must differ from the baseline.")
            if target == baseline
            else _("For this direction the target must be on the other side of the baseline.")
        )
        raise ServiceError(message, "target") from error
    return name, baseline, target


def add_kpi(
    actor: User,
    project: QuickWinProject,
    *,
    name: str,
    unit: str,
    direction: Direction,
    baseline: float,
    target: float,
    source: str = "",
) -> Kpi:
    name, baseline, target = _check_kpi(project, None, name, direction, baseline, target)
    kpi = Kpi(
        name=name,
        unit=unit.strip(),
        direction=direction,
        baseline=baseline,
        target=target,
        source=source.strip(),
    )
    try:
        with db.session.begin_nested():  # PostgreSQL: waits for a concurrent KPI of the name
            project.kpis.append(kpi)
            db.session.flush()
    except IntegrityError as error:
        raise ServiceError(
            _("This project already has a KPI named %(name)s.", name=name), "name"
        ) from error
    record_change(
        actor, "create", kpi, new=snapshot(kpi, KPI_FIELDS), label=f"{project.item.title} / {name}"
    )
    return kpi


def update_kpi(
    actor: User,
    kpi: Kpi,
    *,
    name: str,
    unit: str,
    direction: Direction,
    baseline: float,
    target: float,
    source: str = "",
) -> None:
    """Correct a KPI's definition; its measurements stay. Audited with old and new values."""
    project = kpi.project
    name, baseline, target = _check_kpi(project, kpi, name, direction, baseline, target)
    before = snapshot(kpi, KPI_FIELDS)
    kpi.name, kpi.unit, kpi.direction = name, unit.strip(), direction
    kpi.baseline, kpi.target, kpi.source = baseline, target, source.strip()
    db.session.flush()
    record_change(
        actor,
        "update",
        kpi,
        old=before,
        new=snapshot(kpi, KPI_FIELDS),
        label=f"{project.item.title} / {name}",
    )


def delete_kpi(actor: User, kpi: Kpi) -> None:
    """Remove a KPI and its measurements; the audit trail keeps what was removed."""
    project = kpi.project
    old = {**snapshot(kpi, KPI_FIELDS), "measurements": len(kpi.measurements)}
    record_change(actor, "delete", kpi, old=old, label=f"{project.item.title} / {kpi.name}")
    project.kpis.remove(kpi)
    db.session.flush()


MEASUREMENT_FIELDS = ("measured_on", "value", "note")


def _check_measurement(measured_on: date, value: float) -> float:
    if measured_on > today():
        raise ServiceError(_("A measurement cannot be dated in the future."), "measured_on")
    return _number(value, "value", pgettext("KPI measurement", "Value"))


def add_measurement(
    actor: User, kpi: Kpi, *, measured_on: date, value: float, note: str = ""
) -> KpiMeasurement:
    value = _check_measurement(measured_on, value)
    measurement = KpiMeasurement(measured_on=measured_on, value=value, note=note.strip()[:500])
    kpi.measurements.append(measurement)
    db.session.flush()
    record_change(
        actor,
        "measure",
        kpi,
        new={"measured_on": measured_on.isoformat(), "value": value, "note": measurement.note},
        label=kpi.name,
    )
    return measurement


def update_measurement(
    actor: User, measurement: KpiMeasurement, *, measured_on: date, value: float, note: str = ""
) -> None:
    """Correct a wrong measurement; audited on its KPI with the old and new values."""
    value = _check_measurement(measured_on, value)
    before = snapshot(measurement, MEASUREMENT_FIELDS)
    measurement.measured_on, measurement.value = measured_on, value
    measurement.note = note.strip()[:500]
    db.session.flush()
    db.session.expire(measurement.kpi, ["measurements"])  # keep the date order
    record_change(
        actor,
        "update",
        measurement,
        old=before,
        new=snapshot(measurement, MEASUREMENT_FIELDS),
        label=measurement.kpi.name,
    )


def delete_measurement(actor: User, measurement: KpiMeasurement) -> None:
    """Remove a wrong measurement; the audit trail keeps its values."""
    kpi = measurement.kpi
    record_change(
        actor,
        "delete",
        measurement,
        old=snapshot(measurement, MEASUREMENT_FIELDS),
        label=kpi.name,
    )
    kpi.measurements.remove(measurement)
    db.session.flush()


@dataclass(frozen=True)
class ImportProblem:
    row: int
    column: str
    message: str


class ImportRefused(ServiceError):
    def __init__(self, problems: list[ImportProblem]) -> None:
        super().__init__(_("Nothing was imported: correct the rows below and upload again."))
        self.problems = problems


def _as_date(value: Any) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value.strip())
        except ValueError:
            return None
    return None


def import_measurements(actor: User, project: QuickWinProject, filename: str, data: bytes) -> int:
    """Measurements from an .xlsx, CSV or TSV table with columns KPI, Date, Value, Note
    (header row first). All rows or none: any problem refuses the file, naming row and
    column."""
    try:
        table = read_upload(filename, data, max_rows=MAX_IMPORT_ROWS)
    except TableError as error:
        raise ImportRefused(
            [ImportProblem(p.row, p.column, p.message) for p in error.problems]
        ) from error
    if [h.lower() for h in table.columns[:3]] != [c.lower() for c in IMPORT_COLUMNS[:3]]:
        raise ServiceError(
            _("The first row must be the headers: %(cols)s.", cols=", ".join(IMPORT_COLUMNS)),
            "file",
        )
    kpis = {k.name: k for k in project.kpis}
    problems: list[ImportProblem] = []
    parsed: list[tuple[Kpi, date, float, str]] = []
    for number, row in zip(table.row_numbers, table.rows, strict=True):
        cells = [*row, "", "", "", ""][:4]
        name = as_text(cells[0])
        kpi = kpis.get(name)
        measured_on = _as_date(cells[1])
        row_problems = []
        if kpi is None:
            row_problems.append(
                ImportProblem(number, "KPI", _("Unknown KPI “%(name)s”.", name=name))
            )
        if measured_on is None:
            row_problems.append(ImportProblem(number, "Date", _("Not a date (use YYYY-MM-DD).")))
        elif measured_on > today():
            row_problems.append(ImportProblem(number, "Date", _("A date in the future.")))
        value: float | None = None
        try:
            value = checked_number(cells[2], pgettext("KPI measurement", "Value"))
        except NumberOutOfRange as error:
            row_problems.append(ImportProblem(number, "Value", error.message))
        if row_problems or kpi is None or measured_on is None or value is None:
            problems.extend(row_problems)
            continue
        parsed.append((kpi, measured_on, value, as_text(cells[3])))
    if problems:
        raise ImportRefused(problems)
    if not parsed:
        raise ServiceError(_("The sheet has no measurement rows."), "file")
    for kpi, measured_on, value, note in parsed:
        kpi.measurements.append(
            KpiMeasurement(measured_on=measured_on, value=value, note=note[:500])
        )
    db.session.flush()
    record_change(
        actor, "import", project, new={"measurements": len(parsed)}, label=project.item.title
    )
    return len(parsed)


# ------------------------------------------------------------------------- progress


@dataclass(frozen=True)
class KpiView:
    kpi: Kpi
    latest: float | None
    latest_on: date | None
    progress: float | None
    status: KpiStatus


def kpi_view(kpi: Kpi, project: QuickWinProject, on: date | None = None) -> KpiView:
    last = kpi.measurements[-1] if kpi.measurements else None
    progress = kpi_progress(kpi.baseline, kpi.target, last.value if last else None)
    end = project.closed_on or on or today()
    return KpiView(
        kpi,
        last.value if last else None,
        last.measured_on if last else None,
        progress,
        kpi_status(progress, project.start, project.end, end),
    )


def project_views(project: QuickWinProject, on: date | None = None) -> list[KpiView]:
    return [kpi_view(k, project, on) for k in project.kpis]


def project_status(views: list[KpiView]) -> KpiStatus | None:
    if not views:
        return None
    if all(v.status is KpiStatus.ACHIEVED for v in views):
        return KpiStatus.ACHIEVED
    if any(v.status is KpiStatus.OFF_TRACK for v in views):
        return KpiStatus.OFF_TRACK
    return KpiStatus.ON_TRACK


def close_project(
    actor: User,
    project: QuickWinProject,
    *,
    achieved: bool,
    benefit_text: str,
    benefit_numbers: str = "",
    lessons_learned: str = "",
    version: int | None = None,
) -> None:
    if version is not None and version != project.version:
        raise ServiceError(_("The project changed after you opened it; reload and try again."))
    if not benefit_text.strip():
        raise ServiceError(
            _("Describe the benefit, even if the target was missed."), "benefit_text"
        )
    before = snapshot(project, ("closed_on", "achieved", "benefit_text", "lessons_learned"))
    project.closed_on = today()
    project.achieved = achieved
    project.benefit_text = benefit_text.strip()
    project.benefit_numbers = benefit_numbers.strip()
    project.lessons_learned = lessons_learned.strip()
    project.version += 1
    db.session.flush()
    record_change(
        actor,
        "close",
        project,
        old=before,
        new=snapshot(project, ("closed_on", "achieved", "benefit_text", "lessons_learned")),
        label=project.item.title,
    )


# -------------------------------------------------------------------------- benefit

BENEFIT_FIELDS = (
    "benefit_unit", "benefit_per_month", "benefit_hourly_cost", "benefit_one_off_cost",
)  # fmt: skip


def benefit_of(project: QuickWinProject) -> Benefit | None:
    """The project's structured benefit, or None before the PMO entered it."""
    if project.benefit_unit is None or project.benefit_per_month is None:
        return None
    return Benefit(
        saved_per_month=project.benefit_per_month,
        unit=project.benefit_unit,
        one_off_cost=project.benefit_one_off_cost or 0.0,
        hourly_cost=project.benefit_hourly_cost,
    )


@dataclass(frozen=True)
class BenefitView:
    benefit: Benefit
    monthly_value: float | None
    payback_months: float | None
    roi: float | None


def benefit_view(project: QuickWinProject) -> BenefitView | None:
    benefit = benefit_of(project)
    if benefit is None:
        return None
    return BenefitView(benefit, monthly_value(benefit), payback_months(benefit), roi(benefit))


def set_benefit(
    actor: User,
    project: QuickWinProject,
    *,
    unit: BenefitUnit,
    saved_per_month: float,
    one_off_cost: float,
    hourly_cost: float | None = None,
) -> None:
    """Record what the project saves each month (money or hours) and what it cost once;
    the payback and ROI follow (assessments.benefits). Audited."""
    saved = _number(saved_per_month, "saved_per_month", _("Saved per month"))
    cost = _number(one_off_cost, "one_off_cost", _("One-off cost (yuan)"))
    rate = (
        None
        if hourly_cost is None
        else _number(hourly_cost, "hourly_cost", _("Cost of an hour (yuan)"))
    )
    if saved < 0:
        raise ServiceError(_("Enter what is saved, 0 or more."), "saved_per_month")
    if cost < 0:
        raise ServiceError(_("A cost is 0 or more."), "one_off_cost")
    if rate is not None and rate < 0:
        raise ServiceError(_("A cost is 0 or more."), "hourly_cost")
    before = snapshot(project, BENEFIT_FIELDS)
    project.benefit_unit, project.benefit_per_month = unit, saved
    project.benefit_one_off_cost = cost
    project.benefit_hourly_cost = rate if unit is BenefitUnit.HOURS else None
    project.version += 1
    db.session.flush()
    record_change(
        actor,
        "update",
        project,
        old=before,
        new=snapshot(project, BENEFIT_FIELDS),
        label=project.item.title,
    )


def company_benefits(projects: Iterable[QuickWinProject]) -> BenefitTotals:
    """The sums of the company report: every project with a benefit entered."""
    return total_benefits(b for b in (benefit_of(p) for p in projects) if b is not None)


def showcase() -> Select[QuickWinProject]:
    """Finished quick wins, newest first: visible to every role."""
    return (
        select(QuickWinProject)
        .where(QuickWinProject.closed_on.is_not(None))
        .options(
            selectinload(QuickWinProject.kpis).selectinload(Kpi.measurements),
            selectinload(QuickWinProject.item),
            selectinload(QuickWinProject.business_line),
        )
        .order_by(QuickWinProject.closed_on.desc(), QuickWinProject.id.desc())
    )
