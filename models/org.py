"""The organisation: business lines and the directors responsible for them."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy import Boolean, Column, ForeignKey, String, Table
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import Base, TimestampMixin

if TYPE_CHECKING:
    from models.user import User

business_line_directors = Table(
    "business_line_directors",
    Base.metadata,
    Column(
        "business_line_id", ForeignKey("business_lines.id", ondelete="CASCADE"), primary_key=True
    ),
    Column("user_id", ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
)


class BusinessLine(TimestampMixin, Base):
    __tablename__ = "business_lines"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(100))
    description: Mapped[str] = mapped_column(String(500), default="")
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    version: Mapped[int] = mapped_column(default=1)

    directors: Mapped[list[User]] = relationship(
        secondary=business_line_directors,
        back_populates="business_lines",
        order_by="User.display_name",
    )

    __mapper_args__ = {"version_id_col": version}

    def __repr__(self) -> str:
        return f"<BusinessLine {self.code}>"
