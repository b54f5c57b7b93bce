"""Factories of the lessons-library tests: lessons saved through the real service."""

from __future__ import annotations

from collections.abc import Sequence

from flask import Flask

from app.extensions import db
from app.services.lessons import LessonInput, save_lesson
from models import LessonKind


def make_lesson(
    app: Flask,
    title: str,
    text: str,
    *,
    kind: LessonKind = LessonKind.BEST_PRACTICE,
    business_line_id: int | None = None,
    process_area: str | None = None,
    tags: Sequence[str] = (),
) -> int:
    with app.app_context():
        lesson = save_lesson(
            None,
            None,
            LessonInput(
                title=title,
                text=text,
                kind=kind,
                business_line_id=business_line_id,
                process_area=process_area,
                tags=tags,
            ),
        )
        db.session.commit()
        return lesson.id
