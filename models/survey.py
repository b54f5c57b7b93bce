"""Pain-point surveys and their responses.

A survey is answered through an unguessable public token; each response becomes a
:class:`~models.finding.Finding` (source ``survey``). The response row links the two and
holds the respondent only for signed-in surveys.
"""

from __future__ import annotations

import enum
import secrets
from datetime import date, datetime
from typing import TYPE_CHECKING

from sqlalchemy import JSON, Boolean, Column, ForeignKey, String, Table, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import Base, TimestampMixin, utcnow, value_enum
from models.org import BusinessLine

if TYPE_CHECKING:
    from models.assessment import Cycle
    from models.finding import Finding

DEFAULT_CATEGORIES = ("process", "people", "tools", "communication", "quality", "other")


def new_survey_token() -> str:
    return secrets.token_urlsafe(24)


class SurveyKind(enum.StrEnum):
    """Pain points (the fixed template, each answer a finding) or satisfaction (the PMO's
    own questions; the Likert mean feeds the ``satisfaction`` KPI)."""

    PAIN_POINTS = "pain_points"
    SATISFACTION = "satisfaction"


class SurveyStatus(enum.StrEnum):
    OPEN = "open"
    CLOSED = "closed"


survey_business_lines = Table(
    "survey_business_lines",
    Base.metadata,
    Column("survey_id", ForeignKey("surveys.id", ondelete="CASCADE"), primary_key=True),
    Column(
        "business_line_id", ForeignKey("business_lines.id", ondelete="CASCADE"), primary_key=True
    ),
)


class Survey(TimestampMixin, Base):
    __tablename__ = "surveys"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    introduction: Mapped[str] = mapped_column(Text, default="")
    cycle_id: Mapped[int | None] = mapped_column(ForeignKey("cycles.id"))
    closes_on: Mapped[date | None]
    anonymous: Mapped[bool] = mapped_column(Boolean, default=True)
    categories: Mapped[list[str]] = mapped_column(JSON, default=list)
    token: Mapped[str] = mapped_column(String(64), unique=True, default=new_survey_token)
    kind: Mapped[SurveyKind] = mapped_column(
        value_enum(SurveyKind, "survey_kind"), default=SurveyKind.PAIN_POINTS
    )
    #: Satisfaction surveys: the KPI period their answers feed (``YYYY-MM``).
    period: Mapped[str | None] = mapped_column(String(7))
    status: Mapped[SurveyStatus] = mapped_column(
        value_enum(SurveyStatus, "survey_status"),
        default=SurveyStatus.OPEN,
    )
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    version: Mapped[int] = mapped_column(default=1)

    cycle: Mapped[Cycle | None] = relationship()
    business_lines: Mapped[list[BusinessLine]] = relationship(
        secondary=survey_business_lines, order_by="BusinessLine.code"
    )

    __mapper_args__ = {"version_id_col": version, "version_id_generator": False}

    def accepts_answers(self, today: date) -> bool:
        return self.status is SurveyStatus.OPEN and (
            self.closes_on is None or today <= self.closes_on
        )


class SurveyResponse(Base):
    __tablename__ = "survey_responses"

    id: Mapped[int] = mapped_column(primary_key=True)
    survey_id: Mapped[int] = mapped_column(ForeignKey("surveys.id", ondelete="CASCADE"), index=True)
    finding_id: Mapped[int] = mapped_column(
        ForeignKey("findings.id", ondelete="CASCADE"), unique=True
    )
    #: Only for signed-in surveys; anonymous answers keep no trace of who sent them.
    respondent_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    survey: Mapped[Survey] = relationship()
    finding: Mapped[Finding] = relationship()
