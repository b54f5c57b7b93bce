"""Findings: gaps, pain points and interview notes, one list for every source."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import Base, utcnow, value_enum
from models.org import BusinessLine


class FindingSource(enum.StrEnum):
    GAP = "gap"
    SURVEY = "survey"
    IMPORT = "import"
    MANUAL = "manual"


class Frequency(enum.StrEnum):
    """How often a pain point hurts, as the respondent says."""

    RARELY = "rarely"
    MONTHLY = "monthly"
    WEEKLY = "weekly"
    DAILY = "daily"


class Finding(Base):
    __tablename__ = "findings"

    id: Mapped[int] = mapped_column(primary_key=True)
    source: Mapped[FindingSource] = mapped_column(value_enum(FindingSource, "finding_source"))
    business_line_id: Mapped[int | None] = mapped_column(ForeignKey("business_lines.id"))
    cycle_id: Mapped[int | None] = mapped_column(ForeignKey("cycles.id"))
    assessment_id: Mapped[int | None] = mapped_column(
        ForeignKey("assessments.id", ondelete="CASCADE")
    )
    process_area: Mapped[str | None] = mapped_column(String(16))
    goal_id: Mapped[str | None] = mapped_column(String(40))
    severity: Mapped[int] = mapped_column(Integer, default=3)
    text: Mapped[str] = mapped_column(Text)
    #: Pain points only: the respondent's category, how often it hurts, what they suggest.
    category: Mapped[str | None] = mapped_column(String(40))
    frequency: Mapped[Frequency | None] = mapped_column(value_enum(Frequency, "finding_frequency"))
    suggestion: Mapped[str] = mapped_column(Text, default="")
    #: Who typed or imported it (PMO); never set for survey answers.
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    business_line: Mapped[BusinessLine | None] = relationship()

    __table_args__ = (
        Index("ix_findings_business_line_source", "business_line_id", "source"),
        Index("ix_findings_cycle_id", "cycle_id"),
        # the findings list shows the newest first: read 20 rows off the index, not sort 40,000
        Index("ix_findings_created_at_id", "created_at", "id"),
    )
