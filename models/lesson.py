"""The lessons library: best practices and failures worth remembering, searchable.

A lesson comes from a quick-win closing review, a PMO review decision or a manual entry.
``search_text`` holds title, text and tags normalised by
:func:`assessments.lesson_search.normalise` so that a plain ``LIKE`` finds any contiguous
substring, in Chinese as in English, on SQLite and PostgreSQL alike.
"""

from __future__ import annotations

import enum
from typing import TYPE_CHECKING

from sqlalchemy import JSON, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import Base, TimestampMixin, value_enum

if TYPE_CHECKING:
    from models.org import BusinessLine


class LessonKind(enum.StrEnum):
    BEST_PRACTICE = "best_practice"
    FAILURE = "failure"


class LessonSource(enum.StrEnum):
    MANUAL = "manual"
    QUICK_WIN = "quick_win"
    REVIEW = "review"


class Lesson(TimestampMixin, Base):
    __tablename__ = "lessons"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    text: Mapped[str] = mapped_column(Text)
    kind: Mapped[LessonKind] = mapped_column(value_enum(LessonKind, "lesson_kind"))
    #: None means company-wide: every director sees it.
    business_line_id: Mapped[int | None] = mapped_column(
        ForeignKey("business_lines.id"), index=True
    )
    process_area: Mapped[str | None] = mapped_column(String(16), index=True)
    tags: Mapped[list[str]] = mapped_column(JSON, default=list)
    source: Mapped[LessonSource] = mapped_column(
        value_enum(LessonSource, "lesson_source"), default=LessonSource.MANUAL
    )
    #: Where the lesson was learned: a quick-win project, a review, or any link.
    project_id: Mapped[int | None] = mapped_column(
        ForeignKey("quick_win_projects.id", ondelete="SET NULL")
    )
    review_id: Mapped[int | None] = mapped_column(
        ForeignKey("improvement_reviews.id", ondelete="SET NULL")
    )
    link: Mapped[str] = mapped_column(String(500), default="")
    #: Title, text and tags, normalised for substring search.
    search_text: Mapped[str] = mapped_column(Text, default="")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    version: Mapped[int] = mapped_column(default=1)

    business_line: Mapped[BusinessLine | None] = relationship()

    __mapper_args__ = {"version_id_col": version, "version_id_generator": False}
