"""Form instances already submitted: what makes a creation form idempotent.

Each creation form carries a random token made when it is rendered. The first post of that
form instance records the token here, in the same transaction as what it creates, with the
page it led to; a second post of the same instance (a double click, a retry, the back
button) finds the token and is sent to that page instead of creating the thing again. The
unique token makes two posts arriving together safe on PostgreSQL: the second insert waits
for the first transaction and then fails, and the second request reads the first's row.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, utcnow

TOKEN_LENGTH = 43  # secrets.token_urlsafe(32)


class FormSubmission(Base):
    __tablename__ = "form_submissions"

    id: Mapped[int] = mapped_column(primary_key=True)
    token: Mapped[str] = mapped_column(String(TOKEN_LENGTH), unique=True)
    user_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    #: Where the first post sent its user (a path of this site).
    location: Mapped[str] = mapped_column(String(500), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
