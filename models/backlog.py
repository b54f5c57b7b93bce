"""Improvement backlog: items, their links to findings, and the quick-win rule settings."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Column,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from assessments.prioritisation import ItemStatus
from models.base import Base, TimestampMixin, value_enum

if TYPE_CHECKING:
    from models.finding import Finding
    from models.org import BusinessLine
    from models.user import User

improvement_item_findings = Table(
    "improvement_item_findings",
    Base.metadata,
    Column("item_id", ForeignKey("improvement_items.id", ondelete="CASCADE"), primary_key=True),
    Column("finding_id", ForeignKey("findings.id", ondelete="CASCADE"), primary_key=True),
)


class ImprovementItem(TimestampMixin, Base):
    __tablename__ = "improvement_items"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    #: None means company-wide.
    business_line_id: Mapped[int | None] = mapped_column(
        ForeignKey("business_lines.id"), index=True
    )
    process_area: Mapped[str | None] = mapped_column(String(16), index=True)
    impact: Mapped[int] = mapped_column(Integer)
    urgency: Mapped[int] = mapped_column(Integer)
    effort: Mapped[int] = mapped_column(Integer)
    priority: Mapped[float] = mapped_column(Float)
    #: Recomputed on every save with the quick-win rule in force.
    quick_win: Mapped[bool] = mapped_column(Boolean, default=False)
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    planned_start: Mapped[date | None]
    planned_end: Mapped[date | None]
    status: Mapped[ItemStatus] = mapped_column(
        value_enum(ItemStatus, "item_status"),
        default=ItemStatus.PROPOSED,
    )
    status_reason: Mapped[str] = mapped_column(Text, default="")
    #: Set when the PMO approves: the baseline for "closing the loop".
    approved_on: Mapped[date | None]
    #: The theme (cluster of findings) the item answers; merging themes moves the link to
    #: the kept theme, deleting a theme's run leaves the item without one.
    theme_id: Mapped[int | None] = mapped_column(
        ForeignKey("themes.id", ondelete="SET NULL"), index=True
    )
    version: Mapped[int] = mapped_column(default=1)

    business_line: Mapped[BusinessLine | None] = relationship()
    owner: Mapped[User | None] = relationship()
    findings: Mapped[list[Finding]] = relationship(
        secondary=improvement_item_findings, order_by="Finding.id"
    )

    __table_args__ = (
        CheckConstraint("impact BETWEEN 1 AND 5", name="impact_range"),
        CheckConstraint("urgency BETWEEN 1 AND 5", name="urgency_range"),
        CheckConstraint("effort BETWEEN 1 AND 5", name="effort_range"),
        Index("ix_improvement_items_status_priority", "status", "priority"),
    )
    # Services bump ``version`` on edits and status changes; a stale update is refused.
    __mapper_args__ = {"version_id_col": version, "version_id_generator": False}


class QuickWinRuleSetting(Base):
    """The quick-win thresholds in force: a single row the PMO edits."""

    __tablename__ = "quick_win_rules"

    id: Mapped[int] = mapped_column(primary_key=True)
    min_impact: Mapped[int] = mapped_column(Integer, default=4)
    max_effort: Mapped[int] = mapped_column(Integer, default=2)
    max_weeks: Mapped[int] = mapped_column(Integer, default=8)
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}
