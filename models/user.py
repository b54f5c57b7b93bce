"""People who sign in to Ladder and the roles that decide what they may do."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import Boolean, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import Base, TimestampMixin, value_enum

if TYPE_CHECKING:
    from models.org import BusinessLine


class Role(enum.StrEnum):
    ADMIN = "admin"
    PMO = "pmo"
    LEADERSHIP = "leadership"
    DIRECTOR = "director"
    #: A person of a business line invited to rate the practices assigned to them.
    RESPONDENT = "respondent"


LOCALES = ("zh_CN", "en")


class User(TimestampMixin, Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    display_name: Mapped[str] = mapped_column(String(100))
    password_hash: Mapped[str] = mapped_column(String(256))
    role: Mapped[Role] = mapped_column(value_enum(Role, "user_role"))
    locale: Mapped[str] = mapped_column(String(10), default="zh_CN")
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    last_login_at: Mapped[datetime | None]
    version: Mapped[int] = mapped_column(default=1)

    business_lines: Mapped[list[BusinessLine]] = relationship(
        secondary="business_line_directors",
        back_populates="directors",
        order_by="BusinessLine.code",
    )
    #: The business line a respondent belongs to (directors lead lines through
    #: ``business_lines``); loaded only when asked for.
    respondent_line: Mapped[RespondentLine | None] = relationship(cascade="all, delete-orphan")

    # Versions count edits of the account, not sign-ins or language switches: services bump
    # ``version`` themselves, and SQLAlchemy still refuses an update from a stale version.
    __mapper_args__ = {"version_id_col": version, "version_id_generator": False}

    @property
    def business_line_id(self) -> int | None:
        """The line of a respondent; None for every other role."""
        return self.respondent_line.business_line_id if self.respondent_line else None

    # Flask-Login protocol, written out so models/ need not import Flask.
    @property
    def is_active(self) -> bool:
        return self.active

    @property
    def is_authenticated(self) -> bool:
        return True

    @property
    def is_anonymous(self) -> bool:
        return False

    def get_id(self) -> str:
        """The id Flask-Login keeps in the cookie; the session itself is checked against
        ``user_sessions`` (see ``app/services/sessions.py``)."""
        return str(self.id)

    def __repr__(self) -> str:
        return f"<User {self.email} {self.role}>"


class RespondentLine(Base):
    """The business line a respondent account belongs to: they are invited to its
    assessments only."""

    __tablename__ = "respondent_lines"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    business_line_id: Mapped[int] = mapped_column(
        ForeignKey("business_lines.id", ondelete="CASCADE"), index=True
    )
