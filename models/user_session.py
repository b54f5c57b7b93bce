"""Signed-in browser sessions, kept on the server so that they can be ended.

The session cookie holds a random session key; only its SHA-256 is stored here, so a leaked
database does not hand out live sessions. A request is signed in only while its row exists
and is neither idle nor too old: deleting the row (sign-out, a password change or reset, or
a revocation from the profile page) ends the session in every process at once.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import Base, utcnow
from models.user import User

MAX_USER_AGENT = 200
MAX_ADDRESS = 45  # the longest textual IPv6 address (with an embedded IPv4 one)


class UserSession(Base):
    __tablename__ = "user_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    #: Hex SHA-256 of the session key carried in the signed session cookie.
    key_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(default=utcnow)
    user_agent: Mapped[str] = mapped_column(String(MAX_USER_AGENT), default="")
    address: Mapped[str] = mapped_column(String(MAX_ADDRESS), default="")

    user: Mapped[User] = relationship()

    def __repr__(self) -> str:
        return f"<UserSession {self.id} of user {self.user_id}>"
