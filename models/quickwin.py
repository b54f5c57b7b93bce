"""Quick-win projects: a charter, KPIs with baseline and target, dated measurements."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from sqlalchemy import Boolean, Float, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from assessments.benefits import BenefitUnit
from assessments.kpi import Direction
from models.base import Base, TimestampMixin, value_enum

if TYPE_CHECKING:
    from models.backlog import ImprovementItem
    from models.org import BusinessLine
    from models.user import User


class QuickWinProject(TimestampMixin, Base):
    __tablename__ = "quick_win_projects"

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("improvement_items.id"), unique=True)
    goal: Mapped[str] = mapped_column(Text)
    scope: Mapped[str] = mapped_column(Text, default="")
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    business_line_id: Mapped[int | None] = mapped_column(
        ForeignKey("business_lines.id"), index=True
    )
    start: Mapped[date]
    end: Mapped[date]
    team: Mapped[str] = mapped_column(Text, default="")
    # Closing review; ``closed_on`` set means the project is finished.
    closed_on: Mapped[date | None]
    achieved: Mapped[bool | None] = mapped_column(Boolean)
    benefit_text: Mapped[str] = mapped_column(Text, default="")
    benefit_numbers: Mapped[str] = mapped_column(Text, default="")
    lessons_learned: Mapped[str] = mapped_column(Text, default="")
    #: The structured benefit (assessments.benefits): saved per month, in money or hours.
    benefit_unit: Mapped[BenefitUnit | None] = mapped_column(
        value_enum(BenefitUnit, "benefit_unit", length=10)
    )
    benefit_per_month: Mapped[float | None] = mapped_column(Float)
    benefit_hourly_cost: Mapped[float | None] = mapped_column(Float)
    benefit_one_off_cost: Mapped[float | None] = mapped_column(Float)
    version: Mapped[int] = mapped_column(default=1)

    item: Mapped[ImprovementItem] = relationship()
    owner: Mapped[User | None] = relationship()
    business_line: Mapped[BusinessLine | None] = relationship()
    kpis: Mapped[list[Kpi]] = relationship(
        back_populates="project", cascade="all, delete-orphan", order_by="Kpi.id"
    )

    __mapper_args__ = {"version_id_col": version, "version_id_generator": False}


class Kpi(Base):
    __tablename__ = "kpis"

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(
        ForeignKey("quick_win_projects.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(100))
    unit: Mapped[str] = mapped_column(String(20), default="")
    direction: Mapped[Direction] = mapped_column(value_enum(Direction, "kpi_direction", length=10))
    baseline: Mapped[float] = mapped_column(Float)
    target: Mapped[float] = mapped_column(Float)
    source: Mapped[str] = mapped_column(String(200), default="")

    project: Mapped[QuickWinProject] = relationship(back_populates="kpis")
    measurements: Mapped[list[KpiMeasurement]] = relationship(
        back_populates="kpi",
        cascade="all, delete-orphan",
        order_by="(KpiMeasurement.measured_on, KpiMeasurement.id)",
    )

    __table_args__ = (UniqueConstraint("project_id", "name"),)


class KpiMeasurement(Base):
    __tablename__ = "kpi_measurements"

    id: Mapped[int] = mapped_column(primary_key=True)
    kpi_id: Mapped[int] = mapped_column(ForeignKey("kpis.id", ondelete="CASCADE"), index=True)
    measured_on: Mapped[date]
    value: Mapped[float] = mapped_column(Float)
    note: Mapped[str] = mapped_column(String(500), default="")

    kpi: Mapped[Kpi] = relationship(back_populates="measurements")
