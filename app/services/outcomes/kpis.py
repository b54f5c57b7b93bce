"""Outcome KPIs: their definitions and writing their values per business line and period.

Every way in (the form, an Excel/CSV import, ``POST /api/v1/kpi-values``, satisfaction
surveys) writes through :func:`write_kpi_values`, so the rules are the same everywhere: the
period must be of the KPI's kind, the value within its range, a batch is written whole or not
at all, a value written again for the same KPI, business line and period replaces the old one,
and the audit trail keeps each change (one event per business line and batch, listing every
value that changed, old and new).
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import bindparam, insert, select, tuple_, update
from sqlalchemy.exc import IntegrityError

from app.extensions import db
from app.i18n import current_locale_code
from app.services.audit import record_change, snapshot
from app.services.errors import ServiceError
from app.services.visibility import sees_every_line
from assessments.kpi import Direction
from assessments.outcome_kpis import (
    BUILT_IN,
    BUILT_IN_KEYS,
    KEY_PATTERN,
    VALUE_LIMIT,
    Frequency,
    KpiDefinition,
    PeriodProblem,
    period_problem,
    value_in_range,
)
from models import BusinessLine, OutcomeKpi, OutcomeKpiValue, User
from models.base import utcnow

#: Fields of a value to write, as the API names them.
VALUE_FIELDS = ("kpi", "business_line", "period", "value")
DEFINITION_FIELDS = ("key", "name_zh", "name_en", "unit", "direction", "target", "frequency")
#: At most this many values in one batch (shared/DOMAIN.md: imports take 50,000 rows).
MAX_BATCH = 50_000


# ------------------------------------------------------------------------- definitions


def _definition(row: OutcomeKpi) -> KpiDefinition:
    return KpiDefinition(
        row.key, row.name_zh, row.name_en, row.unit, row.direction, row.target, row.frequency
    )


def kpi_definitions() -> list[KpiDefinition]:
    """The built-in KPIs, then the PMO's in key order: one query."""
    stored = db.session.scalars(select(OutcomeKpi).order_by(OutcomeKpi.key))
    return [*BUILT_IN, *(_definition(row) for row in stored)]


def kpi_name(definition: KpiDefinition) -> str:
    """The KPI's name in the reader's language."""
    return definition.name_en if current_locale_code() == "en" else definition.name_zh


def frequency_label(frequency: Frequency) -> str:
    return _("monthly") if frequency is Frequency.MONTHLY else _("quarterly")


@dataclass(frozen=True)
class DefinitionInput:
    key: str
    name_zh: str
    name_en: str
    unit: str
    direction: Direction
    target: float
    frequency: Frequency


def _check_definition(data: DefinitionInput, row: OutcomeKpi | None) -> None:
    if row is None and (not KEY_PATTERN.fullmatch(data.key) or data.key in BUILT_IN_KEYS):
        raise ServiceError(
            _(
                "Use 2–40 lower-case letters, digits or _ starting with a letter, other than "
                "a built-in KPI's key."
            ),
            "key",
        )
    for field in ("name_zh", "name_en"):
        if not getattr(data, field).strip():
            raise ServiceError(_("Give the KPI a name."), field)
    if not math.isfinite(data.target) or abs(data.target) > VALUE_LIMIT:
        raise ServiceError(_("The target must be a number from -10⁹ to 10⁹."), "target")


def save_kpi_definition(actor: User, row: OutcomeKpi | None, data: DefinitionInput) -> OutcomeKpi:
    """Create a PMO-defined KPI (``row`` None) or change one; the key and frequency of an
    existing KPI stay, since its values depend on them. Audited with old and new values."""
    _check_definition(data, row)
    before = snapshot(row, DEFINITION_FIELDS) if row is not None else {}
    if row is None:
        row = OutcomeKpi(key=data.key, frequency=data.frequency)
        db.session.add(row)
    row.name_zh, row.name_en = data.name_zh.strip()[:100], data.name_en.strip()[:100]
    row.unit, row.direction, row.target = data.unit.strip()[:20], data.direction, data.target
    try:
        with db.session.begin_nested():
            db.session.flush()
    except IntegrityError as error:
        raise ServiceError(_("A KPI with this key exists already."), "key") from error
    record_change(
        actor,
        "update" if before else "create",
        row,
        old=before,
        new=snapshot(row, DEFINITION_FIELDS),
        label=row.key,
    )
    return row


# ------------------------------------------------------------------------------ values


@dataclass(frozen=True)
class ValueProblem:
    """What is wrong with item ``index`` (0-based) of a batch, and in which field."""

    index: int
    field: str
    message: str


class KpiValuesRefused(ServiceError):
    """Nothing was written; ``problems`` says which items and fields are wrong."""

    def __init__(self, problems: Sequence[ValueProblem]) -> None:
        first = problems[0]
        super().__init__(first.message, first.field)
        self.problems = list(problems)


@dataclass(frozen=True)
class KpiValue:
    """One value to write, as given: ``business_line`` is the line's code."""

    kpi: Any
    business_line: Any
    period: Any
    value: Any


def _period_message(definition: KpiDefinition, problem: PeriodProblem) -> str:
    if definition.frequency is Frequency.MONTHLY:
        if problem is PeriodProblem.KIND:
            return _("%(kpi)s is monthly: use a month YYYY-MM, not a quarter.", kpi=definition.key)
        return _("Not a month: use YYYY-MM, e.g. 2026-03.")
    if problem is PeriodProblem.KIND:
        return _("%(kpi)s is quarterly: use a quarter YYYY-Qn, not a month.", kpi=definition.key)
    return _("Not a quarter: use YYYY-Qn, e.g. 2026-Q1.")


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        return None
    if isinstance(value, str):
        text = value.strip().replace(",", "")
        if not text or len(text) > 40:
            return None
        try:
            return float(text)
        except ValueError:
            return None
    return float(value) if isinstance(value, float) or abs(value) < 1e308 else math.inf


def _range_message(definition: KpiDefinition) -> str:
    low, high = format(definition.low, "g"), format(definition.high, "g")
    if definition.built_in and definition.high >= VALUE_LIMIT:
        return _("%(kpi)s takes a value of at least %(low)s.", kpi=definition.key, low=low)
    if definition.built_in:
        return _(
            "%(kpi)s takes a value from %(low)s to %(high)s.",
            kpi=definition.key,
            low=low,
            high=high,
        )
    return _("The value must be a finite number from -10⁹ to 10⁹.")


def _allowed_lines(actor: User | None, codes: set[str]) -> dict[str, int]:
    """The ids of the business lines with ``codes`` that ``actor`` may write to (None: a
    service such as a survey, which may write to any)."""
    if not codes:
        return {}
    stmt = select(BusinessLine.code, BusinessLine.id).where(BusinessLine.code.in_(sorted(codes)))
    if actor is not None and not sees_every_line(actor):
        led = {line.id for line in actor.business_lines}
        stmt = stmt.where(BusinessLine.id.in_(sorted(led)))
    return {row.code: row.id for row in db.session.execute(stmt)}


def check_kpi_values(
    actor: User | None, items: Sequence[KpiValue]
) -> tuple[list[tuple[KpiDefinition, int, str, float]], list[ValueProblem]]:
    """Each item as (definition, business line id, period, value), and every problem found."""
    definitions = {d.key: d for d in kpi_definitions()}
    codes = {item.business_line for item in items if isinstance(item.business_line, str)}
    lines = _allowed_lines(actor, {c.strip() for c in codes})
    problems: list[ValueProblem] = []
    parsed: list[tuple[KpiDefinition, int, str, float]] = []
    seen: dict[tuple[str, int, str], int] = {}
    for index, item in enumerate(items):
        found: list[ValueProblem] = []
        definition = definitions.get(item.kpi.strip()) if isinstance(item.kpi, str) else None
        if definition is None:
            found.append(ValueProblem(index, "kpi", _("Unknown KPI.")))
        code = item.business_line.strip() if isinstance(item.business_line, str) else None
        line_id = lines.get(code) if code else None
        if line_id is None:
            found.append(ValueProblem(index, "business_line", _("Unknown business line code.")))
        period = item.period.strip() if isinstance(item.period, str) else ""
        if definition is not None:
            problem = period_problem(definition.frequency, period)
            if problem is not None:
                found.append(ValueProblem(index, "period", _period_message(definition, problem)))
        value = _number(item.value)
        if value is None:
            found.append(ValueProblem(index, "value", _("Enter a number.")))
        elif definition is not None and not value_in_range(definition, value):
            found.append(ValueProblem(index, "value", _range_message(definition)))
        if found or definition is None or line_id is None or value is None:
            problems.extend(found)
            continue
        key = (definition.key, line_id, period)
        if key in seen:
            problems.append(
                ValueProblem(
                    index,
                    "period",
                    _(
                        "The same KPI, business line and period as item %(other)s.",
                        other=seen[key],
                    ),
                )
            )
            continue
        seen[key] = index
        parsed.append((definition, line_id, period, value))
    return parsed, problems


def write_kpi_values(actor: User | None, items: Sequence[KpiValue], *, source: str) -> int:
    """Write every item or none (``KpiValuesRefused`` lists each problem); an existing value
    of the same KPI, business line and period is replaced. Returns the number written."""
    if len(items) > MAX_BATCH:
        raise KpiValuesRefused(
            [ValueProblem(MAX_BATCH, "items", _("At most %(max)s values at once.", max=MAX_BATCH))]
        )
    parsed, problems = check_kpi_values(actor, items)
    if problems:
        raise KpiValuesRefused(problems)
    _store(actor, parsed, source)
    return len(parsed)


def _store(
    actor: User | None, parsed: Sequence[tuple[KpiDefinition, int, str, float]], source: str
) -> None:
    """Insert new values and update replaced ones in bulk (an import of 10,000 rows is a
    few statements, not 10,000 objects)."""
    table = OutcomeKpiValue.__table__
    keys = sorted({(d.key, line_id, period) for d, line_id, period, _value in parsed})
    existing: dict[tuple[str, int, str], tuple[int, float]] = {}
    for start in range(0, len(keys), 500):  # a bounded IN list, on any database
        found = db.session.execute(
            select(table.c.id, table.c.kpi_key, table.c.business_line_id, table.c.period,
                   table.c.value).where(
                tuple_(table.c.kpi_key, table.c.business_line_id, table.c.period).in_(
                    keys[start : start + 500]
                )
            )
        )  # fmt: skip
        for row_id, key, line_id, period, value in found:
            existing[(key, line_id, period)] = (row_id, value)
    old: dict[int, dict[str, Any]] = defaultdict(dict)
    new: dict[int, dict[str, Any]] = defaultdict(dict)
    actor_id = actor.id if actor is not None else None
    now = utcnow()
    inserts: list[dict[str, Any]] = []
    updates: list[dict[str, Any]] = []
    for definition, line_id, period, value in parsed:
        label = f"{definition.key} {period}"
        stored = existing.get((definition.key, line_id, period))
        change = {"value": value, "source": source, "updated_by_id": actor_id, "updated_at": now}
        if stored is None:
            inserts.append(
                {"kpi_key": definition.key, "business_line_id": line_id, "period": period} | change
            )
        else:
            old[line_id][label] = stored[1]
            updates.append({"row_id": stored[0]} | change)
        new[line_id][label] = value
    if inserts:
        db.session.execute(insert(table), inserts)
    if updates:
        db.session.execute(
            update(table)
            .where(table.c.id == bindparam("row_id"))
            .values(
                value=bindparam("value"),
                source=bindparam("source"),
                updated_by_id=bindparam("updated_by_id"),
                updated_at=bindparam("updated_at"),
            ),
            updates,
        )
    lines = db.session.scalars(select(BusinessLine).where(BusinessLine.id.in_(list(new))))
    for line in lines:
        if old[line.id] != new[line.id]:
            record_change(actor, "kpi_values", line, old=old[line.id], new=new[line.id])


def record_kpi_value(
    kpi_key: str,
    business_line: BusinessLine,
    period: str,
    value: float,
    *,
    source: str,
    actor: User | None = None,
) -> None:
    """Write one value, e.g. a satisfaction survey's mean for ``satisfaction``; replaces a
    value of the same period, audited. Raises ``KpiValuesRefused`` (a ``ServiceError``) for a
    bad period or a value out of range."""
    write_kpi_values(
        actor, [KpiValue(kpi_key, business_line.code, period, value)], source=source[:40]
    )
