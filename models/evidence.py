"""Evidence files attached to the practices of an assessment.

The bytes live in the evidence store (a folder, named by their SHA-256); a row records what
was uploaded, by whom and when. A removed file keeps its row, marked removed, so the
assessment's history still says what was attached and taken away.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import Base, utcnow

if TYPE_CHECKING:
    from models.user import User


class EvidenceFile(Base):
    __tablename__ = "evidence_files"

    id: Mapped[int] = mapped_column(primary_key=True)
    assessment_id: Mapped[int] = mapped_column(
        ForeignKey("assessments.id", ondelete="CASCADE"), index=True
    )
    practice_id: Mapped[str] = mapped_column(String(40))
    #: The original name reduced to a safe base name; shown and offered on download only.
    name: Mapped[str] = mapped_column(String(200))
    media_type: Mapped[str] = mapped_column(String(120))
    size: Mapped[int]
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    #: The date of the evidence itself (a plan's issue date, a meeting's date…).
    evidence_date: Mapped[date]
    #: Who owns the evidence (a person or a team), as typed; not necessarily an account.
    owner: Mapped[str] = mapped_column(String(100), default="")
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    uploaded_at: Mapped[datetime] = mapped_column(default=utcnow)
    removed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    removed_at: Mapped[datetime | None]

    uploaded_by: Mapped[User | None] = relationship(foreign_keys=[uploaded_by_id])
    removed_by: Mapped[User | None] = relationship(foreign_keys=[removed_by_id])

    @property
    def removed(self) -> bool:
        return self.removed_at is not None
