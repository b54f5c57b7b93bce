"""Assessment cycles, assessments and the rating of each practice."""

from __future__ import annotations

import enum
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import JSON, Float, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import Base, TimestampMixin, value_enum

if TYPE_CHECKING:
    from models.maturity import StoredModel
    from models.org import BusinessLine
    from models.user import User


class CycleStatus(enum.StrEnum):
    DRAFT = "draft"
    OPEN = "open"
    CLOSED = "closed"


class AssessmentStatus(enum.StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    RETURNED = "returned"
    VALIDATED = "validated"


class Cycle(TimestampMixin, Base):
    __tablename__ = "cycles"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    model_id: Mapped[int] = mapped_column(ForeignKey("maturity_models.id"))
    start: Mapped[date]
    end: Mapped[date]
    status: Mapped[CycleStatus] = mapped_column(
        value_enum(CycleStatus, "cycle_status"), default=CycleStatus.DRAFT
    )
    #: Process-area codes in scope, or None for the whole model.
    scope: Mapped[list[str] | None] = mapped_column(JSON)
    version: Mapped[int] = mapped_column(default=1)

    model: Mapped[StoredModel] = relationship()
    targets: Mapped[list[CycleTarget]] = relationship(
        back_populates="cycle", cascade="all, delete-orphan", order_by="CycleTarget.id"
    )
    assessments: Mapped[list[Assessment]] = relationship(back_populates="cycle")

    __mapper_args__ = {"version_id_col": version}


class CycleTarget(Base):
    """A business line taking part in a cycle, with its target maturity level."""

    __tablename__ = "cycle_targets"

    id: Mapped[int] = mapped_column(primary_key=True)
    cycle_id: Mapped[int] = mapped_column(ForeignKey("cycles.id", ondelete="CASCADE"))
    business_line_id: Mapped[int] = mapped_column(ForeignKey("business_lines.id"))
    target_level: Mapped[int] = mapped_column(Integer)

    cycle: Mapped[Cycle] = relationship(back_populates="targets")
    business_line: Mapped[BusinessLine] = relationship()

    __table_args__ = (UniqueConstraint("cycle_id", "business_line_id"),)


class Assessment(TimestampMixin, Base):
    __tablename__ = "assessments"

    id: Mapped[int] = mapped_column(primary_key=True)
    cycle_id: Mapped[int] = mapped_column(ForeignKey("cycles.id"), index=True)
    business_line_id: Mapped[int] = mapped_column(ForeignKey("business_lines.id"), index=True)
    target_level: Mapped[int] = mapped_column(Integer)
    status: Mapped[AssessmentStatus] = mapped_column(
        value_enum(AssessmentStatus, "assessment_status"), default=AssessmentStatus.DRAFT
    )
    #: Results kept up to date on every save; frozen with the snapshot at validation.
    score: Mapped[float | None] = mapped_column(Float)
    maturity_level: Mapped[int | None] = mapped_column(Integer)
    complete: Mapped[bool] = mapped_column(default=False)
    #: ``ladder score`` JSON of the current ratings, stored with every change of them so that
    #: reports never score on read; None for rows not saved since it was added.
    current_result: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    #: ``ladder score`` JSON of the validated assessment; later rule changes don't alter it.
    result_snapshot: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    submitted_at: Mapped[datetime | None]
    validated_at: Mapped[datetime | None]
    validated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    review_comment: Mapped[str] = mapped_column(Text, default="")
    version: Mapped[int] = mapped_column(default=1)

    cycle: Mapped[Cycle] = relationship(back_populates="assessments")
    business_line: Mapped[BusinessLine] = relationship()
    validated_by: Mapped[User | None] = relationship()
    ratings: Mapped[list[PracticeRating]] = relationship(
        back_populates="assessment", cascade="all, delete-orphan"
    )

    __table_args__ = (UniqueConstraint("cycle_id", "business_line_id"),)
    __mapper_args__ = {"version_id_col": version, "version_id_generator": False}

    @property
    def frozen(self) -> bool:
        return self.status is AssessmentStatus.VALIDATED


class PracticeRating(Base):
    """The rating of one practice in one assessment, with its evidence."""

    __tablename__ = "practice_ratings"

    id: Mapped[int] = mapped_column(primary_key=True)
    assessment_id: Mapped[int] = mapped_column(ForeignKey("assessments.id", ondelete="CASCADE"))
    practice_id: Mapped[str] = mapped_column(String(40))
    rating: Mapped[str | None] = mapped_column(String(2))
    evidence: Mapped[str] = mapped_column(Text, default="")
    links: Mapped[str] = mapped_column(Text, default="")
    comment: Mapped[str] = mapped_column(Text, default="")
    na_reason: Mapped[str] = mapped_column(Text, default="")
    review_comment: Mapped[str] = mapped_column(Text, default="")
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    updated_at: Mapped[datetime | None]

    assessment: Mapped[Assessment] = relationship(back_populates="ratings")

    __table_args__ = (UniqueConstraint("assessment_id", "practice_id"),)
