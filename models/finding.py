"""Findings: gaps, pain points and interview notes, one list for every source."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import Enum, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import Base, utcnow
from models.org import BusinessLine


class FindingSource(enum.StrEnum):
    GAP = "gap"
    SURVEY = "survey"
    IMPORT = "import"
    MANUAL = "manual"


class Finding(Base):
    __tablename__ = "findings"

    id: Mapped[int] = mapped_column(primary_key=True)
    source: Mapped[FindingSource] = mapped_column(
        Enum(
            FindingSource,
            name="finding_source",
            native_enum=False,
            length=20,
            values_callable=lambda members: [m.value for m in members],
        )
    )
    business_line_id: Mapped[int | None] = mapped_column(ForeignKey("business_lines.id"))
    cycle_id: Mapped[int | None] = mapped_column(ForeignKey("cycles.id"))
    assessment_id: Mapped[int | None] = mapped_column(
        ForeignKey("assessments.id", ondelete="CASCADE")
    )
    process_area: Mapped[str | None] = mapped_column(String(16))
    goal_id: Mapped[str | None] = mapped_column(String(40))
    severity: Mapped[int] = mapped_column(Integer, default=3)
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    business_line: Mapped[BusinessLine | None] = relationship()

    __table_args__ = (Index("ix_findings_business_line_source", "business_line_id", "source"),)
