"""Respondents of an assessment: who rates which practices, and their own ratings.

With respondents, the assessment's ``practice_ratings`` hold the consensus that the director
sets; each respondent's ratings stay in ``respondent_ratings`` until consolidation.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING

from sqlalchemy import JSON, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import Base, TimestampMixin

if TYPE_CHECKING:
    from models.assessment import Assessment
    from models.user import User


class Respondent(TimestampMixin, Base):
    """A person invited to rate part of one assessment."""

    __tablename__ = "assessment_respondents"

    id: Mapped[int] = mapped_column(primary_key=True)
    assessment_id: Mapped[int] = mapped_column(
        ForeignKey("assessments.id", ondelete="CASCADE"), index=True
    )
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    #: Process-area codes (``PP``) and single practice ids (``PP.SP1.1``) assigned.
    assignments: Mapped[list[str]] = mapped_column(JSON, default=list)
    due: Mapped[date | None]
    invited_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    assessment: Mapped[Assessment] = relationship()
    user: Mapped[User] = relationship(foreign_keys=[user_id])
    ratings: Mapped[list[RespondentRating]] = relationship(
        back_populates="respondent", cascade="all, delete-orphan"
    )

    __table_args__ = (UniqueConstraint("assessment_id", "user_id"),)


class RespondentRating(Base):
    """One respondent's rating of one practice, with their evidence."""

    __tablename__ = "respondent_ratings"

    id: Mapped[int] = mapped_column(primary_key=True)
    respondent_id: Mapped[int] = mapped_column(
        ForeignKey("assessment_respondents.id", ondelete="CASCADE"), index=True
    )
    practice_id: Mapped[str] = mapped_column(String(40))
    rating: Mapped[str | None] = mapped_column(String(2))
    evidence: Mapped[str] = mapped_column(Text, default="")
    comment: Mapped[str] = mapped_column(Text, default="")
    na_reason: Mapped[str] = mapped_column(Text, default="")
    updated_at: Mapped[datetime | None]

    respondent: Mapped[Respondent] = relationship(back_populates="ratings")

    __table_args__ = (UniqueConstraint("respondent_id", "practice_id"),)
