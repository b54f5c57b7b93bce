"""Satisfaction surveys: the PMO's questions, the answers, and the invitations.

Answers and invitations are kept apart on purpose. A response row holds the business line
the respondent chose and nothing else about them: no user, no time, no invitation. An
invitation row holds the e-mail address, the hash of its one-time token and whether it was
used, and nothing about the answer. So the response rate can be shown, and no query can
say who gave which answer.
"""

from __future__ import annotations

import enum

from sqlalchemy import JSON, Boolean, CheckConstraint, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import Base, value_enum


class QuestionKind(enum.StrEnum):
    LIKERT = "likert"
    CHOICE = "choice"
    TEXT = "text"


class SurveyQuestion(Base):
    __tablename__ = "survey_questions"

    id: Mapped[int] = mapped_column(primary_key=True)
    survey_id: Mapped[int] = mapped_column(ForeignKey("surveys.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(default=0)
    kind: Mapped[QuestionKind] = mapped_column(value_enum(QuestionKind, "question_kind"))
    text: Mapped[str] = mapped_column(String(500))
    #: Single choice only: the options offered, in order.
    options: Mapped[list[str]] = mapped_column(JSON, default=list)
    required: Mapped[bool] = mapped_column(Boolean, default=True)


class SatisfactionResponse(Base):
    """One submitted questionnaire: its survey and business line, nothing about who."""

    __tablename__ = "satisfaction_responses"

    id: Mapped[int] = mapped_column(primary_key=True)
    survey_id: Mapped[int] = mapped_column(ForeignKey("surveys.id", ondelete="CASCADE"), index=True)
    business_line_id: Mapped[int] = mapped_column(ForeignKey("business_lines.id"), index=True)

    answers: Mapped[list[SatisfactionAnswer]] = relationship(
        back_populates="response", cascade="all, delete-orphan", order_by="SatisfactionAnswer.id"
    )


class SatisfactionAnswer(Base):
    __tablename__ = "satisfaction_answers"

    id: Mapped[int] = mapped_column(primary_key=True)
    response_id: Mapped[int] = mapped_column(
        ForeignKey("satisfaction_responses.id", ondelete="CASCADE"), index=True
    )
    question_id: Mapped[int] = mapped_column(
        ForeignKey("survey_questions.id", ondelete="CASCADE"), index=True
    )
    rating: Mapped[int | None]
    choice: Mapped[str | None] = mapped_column(String(200))
    text: Mapped[str | None] = mapped_column(Text)
    #: Free text becomes a finding (source ``survey``) of the response's business line.
    finding_id: Mapped[int | None] = mapped_column(ForeignKey("findings.id", ondelete="SET NULL"))

    response: Mapped[SatisfactionResponse] = relationship(back_populates="answers")

    __table_args__ = (CheckConstraint("rating BETWEEN 1 AND 5", name="rating_range"),)


class SurveyInvitation(Base):
    """Who was invited and whether they answered; never which answer is theirs."""

    __tablename__ = "survey_invitations"

    id: Mapped[int] = mapped_column(primary_key=True)
    survey_id: Mapped[int] = mapped_column(ForeignKey("surveys.id", ondelete="CASCADE"), index=True)
    email: Mapped[str] = mapped_column(String(254))
    #: SHA-256 of the one-time token; the token itself is shown once, to send.
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    answered: Mapped[bool] = mapped_column(Boolean, default=False)

    __table_args__ = (UniqueConstraint("survey_id", "email"),)
