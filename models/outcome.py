"""Outcome KPIs of business lines: PMO-defined KPIs and values per business line and period.

The three built-in KPIs live in code (``assessments.outcome_kpis.BUILT_IN``); a value refers
to its KPI by key, so built-in and PMO-defined KPIs are stored alike.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import Float, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from assessments.kpi import Direction
from assessments.outcome_kpis import Frequency
from models.base import Base, TimestampMixin, utcnow, value_enum

if TYPE_CHECKING:
    from models.org import BusinessLine
    from models.user import User


class OutcomeKpi(TimestampMixin, Base):
    """A KPI the PMO defined for every business line (the built-in ones are not stored)."""

    __tablename__ = "outcome_kpis"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(40), unique=True)
    name_zh: Mapped[str] = mapped_column(String(100))
    name_en: Mapped[str] = mapped_column(String(100))
    unit: Mapped[str] = mapped_column(String(20), default="")
    direction: Mapped[Direction] = mapped_column(
        value_enum(Direction, "outcome_kpi_direction", length=10)
    )
    target: Mapped[float] = mapped_column(Float)
    frequency: Mapped[Frequency] = mapped_column(
        value_enum(Frequency, "outcome_kpi_frequency", length=10)
    )


class OutcomeKpiValue(Base):
    """One business line's value of a KPI for one period; written again, it is replaced."""

    __tablename__ = "outcome_kpi_values"

    id: Mapped[int] = mapped_column(primary_key=True)
    kpi_key: Mapped[str] = mapped_column(String(40))
    business_line_id: Mapped[int] = mapped_column(
        ForeignKey("business_lines.id", ondelete="CASCADE"), index=True
    )
    #: ``YYYY-MM`` or ``YYYY-Qn``, as the KPI's frequency says.
    period: Mapped[str] = mapped_column(String(7))
    value: Mapped[float] = mapped_column(Float)
    #: Where the value came from: form, import, api, survey, demo.
    source: Mapped[str] = mapped_column(String(40), default="")
    updated_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    business_line: Mapped[BusinessLine] = relationship()
    updated_by: Mapped[User | None] = relationship()

    __table_args__ = (UniqueConstraint("kpi_key", "business_line_id", "period"),)
