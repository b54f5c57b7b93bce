"""Personal access tokens for the JSON API.

Only a SHA-256 digest of each token is stored: the token itself is shown once, when it is
created, and a leaked database does not leak usable tokens. ``prefix`` (the first characters)
lets a user tell their tokens apart. ``scopes`` (space-separated) says what the token may do
beyond reading: ``kpi:write`` and ``themes:run`` are granted to PMO and admin accounts only.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import Base, utcnow
from models.user import User


class ApiToken(Base):
    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    #: Hex SHA-256 of the token; the lookup key of a bearer request.
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    prefix: Mapped[str] = mapped_column(String(16))
    scopes: Mapped[str] = mapped_column(String(200), default="read", server_default="read")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_used_at: Mapped[datetime | None]
    revoked_at: Mapped[datetime | None]

    user: Mapped[User] = relationship()

    @property
    def revoked(self) -> bool:
        return self.revoked_at is not None

    @property
    def scope_list(self) -> list[str]:
        return self.scopes.split()

    def __repr__(self) -> str:
        return f"<ApiToken {self.prefix}… of user {self.user_id}>"
