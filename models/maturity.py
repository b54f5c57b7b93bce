"""Maturity models stored in the database: the built-in ones and those imported later.

The definition is kept as the YAML text it was loaded from, so an assessment can always be
re-read against exactly the model version it was made with.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, utcnow


class StoredModel(Base):
    __tablename__ = "maturity_models"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(64))
    version: Mapped[str] = mapped_column(String(32))
    name_zh: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str] = mapped_column(String(200))
    definition: Mapped[str] = mapped_column(Text)
    builtin: Mapped[bool] = mapped_column(Boolean, default=False)
    imported_at: Mapped[datetime] = mapped_column(default=utcnow)

    __table_args__ = (UniqueConstraint("key", "version", name="uq_maturity_models_key_version"),)

    @property
    def label(self) -> str:
        return f"{self.key} v{self.version}"
