"""PMO improvement reviews: the meeting, its decisions on items, and its action items."""

from __future__ import annotations

import enum
from datetime import date
from typing import TYPE_CHECKING

from sqlalchemy import Boolean, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import Base, TimestampMixin, value_enum

if TYPE_CHECKING:
    from models.backlog import ImprovementItem
    from models.user import User


class ReviewKind(enum.StrEnum):
    WEEKLY = "weekly"
    MONTHLY = "monthly"
    QUARTERLY = "quarterly"


class Review(TimestampMixin, Base):
    __tablename__ = "improvement_reviews"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[ReviewKind] = mapped_column(value_enum(ReviewKind, "review_kind"))
    held_on: Mapped[date] = mapped_column(index=True)
    attendees: Mapped[str] = mapped_column(Text, default="")
    notes: Mapped[str] = mapped_column(Text, default="")

    decisions: Mapped[list[ReviewDecision]] = relationship(
        back_populates="review", cascade="all, delete-orphan", order_by="ReviewDecision.id"
    )
    actions: Mapped[list[ActionItem]] = relationship(
        back_populates="review", cascade="all, delete-orphan", order_by="ActionItem.id"
    )


class ReviewDecision(Base):
    """A decision taken in a review on one item: the action and why."""

    __tablename__ = "review_decisions"

    id: Mapped[int] = mapped_column(primary_key=True)
    review_id: Mapped[int] = mapped_column(
        ForeignKey("improvement_reviews.id", ondelete="CASCADE"), index=True
    )
    item_id: Mapped[int] = mapped_column(ForeignKey("improvement_items.id"), index=True)
    action: Mapped[str] = mapped_column(String(20))
    rationale: Mapped[str] = mapped_column(Text, default="")
    old_status: Mapped[str] = mapped_column(String(20))
    new_status: Mapped[str] = mapped_column(String(20))
    #: A re-prioritisation's new values, for the minutes (None for other decisions).
    impact: Mapped[int | None] = mapped_column(Integer)
    urgency: Mapped[int | None] = mapped_column(Integer)
    effort: Mapped[int | None] = mapped_column(Integer)

    review: Mapped[Review] = relationship(back_populates="decisions")
    item: Mapped[ImprovementItem] = relationship()


class ActionItem(Base):
    __tablename__ = "review_action_items"

    id: Mapped[int] = mapped_column(primary_key=True)
    review_id: Mapped[int] = mapped_column(
        ForeignKey("improvement_reviews.id", ondelete="CASCADE"), index=True
    )
    title: Mapped[str] = mapped_column(String(300))
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    due_on: Mapped[date]
    done: Mapped[bool] = mapped_column(Boolean, default=False)

    review: Mapped[Review] = relationship(back_populates="actions")
    owner: Mapped[User | None] = relationship()
