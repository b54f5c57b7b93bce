"""Target profiles and roadmaps: the capability level the PMO aims at for each process area
of a business line, now (the target) and by coming dates (the plan)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, utcnow


class _AreaLevel:
    """A capability level (0–3) of one process area (by code) of one business line."""

    id: Mapped[int] = mapped_column(primary_key=True)
    business_line_id: Mapped[int] = mapped_column(
        ForeignKey("business_lines.id", ondelete="CASCADE")
    )
    process_area: Mapped[str] = mapped_column(String(20))
    level: Mapped[int]
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class CapabilityTarget(_AreaLevel, Base):
    """The target capability level of a process area for a business line."""

    __tablename__ = "capability_targets"
    __table_args__ = (UniqueConstraint("business_line_id", "process_area"),)


class CapabilityPlan(_AreaLevel, Base):
    """A step of the roadmap: the capability level planned for a process area by ``due``."""

    __tablename__ = "capability_plans"

    due: Mapped[date]

    __table_args__ = (UniqueConstraint("business_line_id", "process_area", "due"),)
