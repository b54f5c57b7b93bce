"""People who sign in to Ladder and the roles that decide what they may do."""

from __future__ import annotations

import enum
import secrets
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import Boolean, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import Base, TimestampMixin, value_enum

if TYPE_CHECKING:
    from models.org import BusinessLine


class Role(enum.StrEnum):
    ADMIN = "admin"
    PMO = "pmo"
    LEADERSHIP = "leadership"
    DIRECTOR = "director"


LOCALES = ("zh_CN", "en")


def new_session_token() -> str:
    return secrets.token_urlsafe(16)


class User(TimestampMixin, Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    display_name: Mapped[str] = mapped_column(String(100))
    password_hash: Mapped[str] = mapped_column(String(256))
    role: Mapped[Role] = mapped_column(value_enum(Role, "user_role"))
    locale: Mapped[str] = mapped_column(String(10), default="zh_CN")
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    # Rotated on password change: it is part of the login cookie, so old sessions end.
    session_token: Mapped[str] = mapped_column(String(32), default=new_session_token)
    last_login_at: Mapped[datetime | None]
    version: Mapped[int] = mapped_column(default=1)

    business_lines: Mapped[list[BusinessLine]] = relationship(
        secondary="business_line_directors",
        back_populates="directors",
        order_by="BusinessLine.code",
    )

    # Versions count edits of the account, not sign-ins or language switches: services bump
    # ``version`` themselves, and SQLAlchemy still refuses an update from a stale version.
    __mapper_args__ = {"version_id_col": version, "version_id_generator": False}

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
        return f"{self.id}:{self.session_token}"

    def __repr__(self) -> str:
        return f"<User {self.email} {self.role}>"
