"""The lessons library: saving lessons, searching them, and what the list, the API, the
Excel export and the "related lessons" panels show.

Search follows :mod:`assessments.lesson_search`: each term of the query must occur in the
normalised title, text or tags (``Lesson.search_text``), all terms ANDed. Both sides are
already case folded, so a plain substring test does it: ``instr`` on SQLite, ``strpos`` on
PostgreSQL (:class:`HoldsText`) — no pattern to escape, and faster than ``LIKE`` (see
docs/performance.md).
Directors see the lessons of their own business lines and the company-wide ones.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import Boolean, ColumnElement, Select, select
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import selectinload
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.functions import FunctionElement

from app.extensions import db
from app.services.audit import record_change, snapshot
from app.services.errors import ServiceError, StaleEdit
from app.services.visibility import restrict_to_visible
from assessments.lesson_search import parse_tags, query_terms, search_text
from models import (
    BusinessLine,
    Lesson,
    LessonKind,
    LessonSource,
    QuickWinProject,
    Review,
    ReviewDecision,
    User,
)

__all__ = ["LessonInput", "parse_tags"]

MAX_TITLE = 200
MAX_TEXT = 10_000
MAX_TAGS = 20
MAX_TAG = 40
MAX_LINK = 500
RELATED_LIMIT = 5
LESSON_FIELDS = (
    "title", "text", "kind", "business_line_id", "process_area", "tags", "source", "link",
)  # fmt: skip


@dataclass(frozen=True)
class LessonInput:
    """A lesson as entered: already parsed from the form."""

    title: str
    text: str
    kind: LessonKind
    business_line_id: int | None = None
    process_area: str | None = None
    tags: Sequence[str] = ()
    link: str = ""
    source: LessonSource = LessonSource.MANUAL
    project_id: int | None = None
    review_id: int | None = None


# ------------------------------------------------------------------------- reading


class HoldsText(FunctionElement[bool]):
    """``text`` occurs in ``column`` as it is (case sensitive, no wildcards)."""

    type = Boolean()
    inherit_cache = True
    name = "holds_text"


@compiles(HoldsText, "postgresql")
def _holds_text_postgresql(element: HoldsText, compiler: SQLCompiler, **kw: Any) -> str:
    column, text = list(element.clauses)
    return f"strpos({compiler.process(column, **kw)}, {compiler.process(text, **kw)}) > 0"


@compiles(HoldsText)
def _holds_text(element: HoldsText, compiler: SQLCompiler, **kw: Any) -> str:
    column, text = list(element.clauses)
    return f"instr({compiler.process(column, **kw)}, {compiler.process(text, **kw)}) > 0"


def holds_text(column: Any, text: str) -> ColumnElement[bool]:
    return HoldsText(column, text)


def visible_lessons(user: User) -> Select[Lesson]:
    """Lessons ``user`` may see: a director, their lines' and the company-wide ones."""
    return restrict_to_visible(
        select(Lesson), user, Lesson.business_line_id, company_wide=True
    ).options(selectinload(Lesson.business_line))


def search(
    stmt: Select[Lesson],
    query: str = "",
    *,
    kind: str | None = None,
    process_area: str | None = None,
) -> Select[Lesson]:
    """``stmt`` narrowed to lessons holding every term of ``query``, newest first."""
    for term in query_terms(query):
        stmt = stmt.where(holds_text(Lesson.search_text, term))
    if kind:
        stmt = stmt.where(Lesson.kind == LessonKind(kind))
    if process_area:
        stmt = stmt.where(Lesson.process_area == process_area)
    return stmt.order_by(Lesson.updated_at.desc(), Lesson.id.desc())


def get_visible_lesson(user: User, lesson_id: int) -> Lesson | None:
    return db.session.scalar(visible_lessons(user).where(Lesson.id == lesson_id))


def related_lessons(
    user: User, process_area: str | None, limit: int = RELATED_LIMIT
) -> list[Lesson]:
    """Lessons of the same process area that ``user`` may see, newest first: shown on a
    backlog item and on a new quick-win project so that a team starts from what others
    learned. None without a process area."""
    if not process_area:
        return []
    stmt = search(visible_lessons(user), process_area=process_area)
    return list(db.session.scalars(stmt.limit(limit)))


def lesson_item(lesson: Lesson) -> dict[str, Any]:
    """The API's JSON of a lesson (docs/api.md)."""
    return {
        "id": lesson.id,
        "title": lesson.title,
        "text": lesson.text,
        "kind": lesson.kind.value,
        "business_line_id": lesson.business_line_id,
        "process_area": lesson.process_area,
        "tags": list(lesson.tags or []),
    }


def export_headers() -> list[str]:
    return [
        _("ID"), _("Title"), _("What was learned"), _("Kind"), _("Business line"),
        _("Process area"), _("Tags"), _("Source"), _("Source link"),
    ]  # fmt: skip


def source_labels() -> dict[str, str]:
    return {
        LessonSource.MANUAL.value: _("Entered by the PMO"),
        LessonSource.QUICK_WIN.value: _("Quick-win closing review"),
        LessonSource.REVIEW.value: _("PMO review decision"),
    }


def export_row(lesson: Lesson, kind_labels: dict[str, Any]) -> list[Any]:
    """One spreadsheet row; tags joined by ", " (the form's own separator)."""
    return [
        lesson.id,
        lesson.title,
        lesson.text,
        str(kind_labels.get(lesson.kind.value, lesson.kind.value)),
        lesson.business_line.name if lesson.business_line else _("Company-wide"),
        lesson.process_area or "",
        ", ".join(lesson.tags or []),
        source_labels()[lesson.source.value],
        lesson.link,
    ]


# ------------------------------------------------------------------------- writing


def prefill(
    *, project_id: int | None, review_id: int | None, item_id: int | None
) -> dict[str, Any]:
    """Starting values for a lesson learned in a quick-win closing review (``project_id``)
    or a PMO review's decision on an item (``review_id`` and ``item_id``); empty for a
    manual entry or an unknown source."""
    if project_id is not None:
        project = db.session.get(QuickWinProject, project_id)
        if project is not None:
            return {
                "title": project.item.title,
                "text": project.lessons_learned,
                "kind": (
                    LessonKind.FAILURE if project.achieved is False else LessonKind.BEST_PRACTICE
                ).value,
                "business_line": project.business_line_id or 0,
                "process_area": project.item.process_area or "",
                "project_id": str(project.id),
            }
    if review_id is not None:
        review = db.session.get(Review, review_id)
        decision = (
            db.session.scalar(
                select(ReviewDecision).where(
                    ReviewDecision.review_id == review_id, ReviewDecision.item_id == item_id
                )
            )
            if review is not None and item_id is not None
            else None
        )
        if review is not None:
            values: dict[str, Any] = {"review_id": str(review.id), "text": review.notes}
            if decision is not None:
                values.update(
                    title=decision.item.title,
                    text=decision.rationale,
                    business_line=decision.item.business_line_id or 0,
                    process_area=decision.item.process_area or "",
                )
            return values
    return {}


def _checked(data: LessonInput) -> LessonInput:
    title, text = data.title.strip(), data.text.strip()
    if not title:
        raise ServiceError(_("Give the lesson a title."), "title")
    if len(title) > MAX_TITLE:
        raise ServiceError(
            _("At most %(max)s characters, please shorten it.", max=MAX_TITLE), "title"
        )
    if not text:
        raise ServiceError(_("Write what was learned."), "text")
    if len(text) > MAX_TEXT:
        raise ServiceError(
            _("At most %(max)s characters, please shorten it.", max=MAX_TEXT), "text"
        )
    tags = [t.strip() for t in data.tags if t.strip()]
    if len(tags) > MAX_TAGS or any(len(t) > MAX_TAG for t in tags):
        raise ServiceError(
            _("At most %(num)s tags of up to %(max)s characters each.", num=MAX_TAGS, max=MAX_TAG),
            "tags",
        )
    if len(data.link) > MAX_LINK:
        raise ServiceError(
            _("At most %(max)s characters, please shorten it.", max=MAX_LINK), "link"
        )
    if (
        data.business_line_id is not None
        and db.session.get(BusinessLine, data.business_line_id) is None
    ):
        raise ServiceError(_("Unknown business line."), "business_line")
    return LessonInput(
        title=title,
        text=text,
        kind=data.kind,
        business_line_id=data.business_line_id,
        process_area=(data.process_area or "").strip().upper() or None,
        tags=tags,
        link=data.link.strip(),
        source=data.source,
        project_id=data.project_id,
        review_id=data.review_id,
    )


def save_lesson(
    actor: User | None, lesson: Lesson | None, data: LessonInput, *, version: int | None = None
) -> Lesson:
    """Create (``lesson`` None) or edit a lesson; a save from a stale page is refused."""
    data = _checked(data)
    creating = lesson is None
    before: dict[str, Any] = {}
    if lesson is None:
        lesson = Lesson(
            created_by_id=actor.id if actor else None,
            source=data.source,
            project_id=data.project_id,
            review_id=data.review_id,
        )
        db.session.add(lesson)
    else:
        before = snapshot(lesson, LESSON_FIELDS)
        if version is not None and version != lesson.version:
            raise StaleEdit(
                _(
                    "Someone else saved this record after you opened it. Review the current "
                    "values below and save again."
                ),
                {"title": {"saved": lesson.title, "yours": data.title}},
            )
        lesson.version += 1
    lesson.title, lesson.text, lesson.kind = data.title, data.text, data.kind
    lesson.business_line_id, lesson.process_area = data.business_line_id, data.process_area
    lesson.tags, lesson.link = list(data.tags), data.link
    lesson.search_text = search_text(data.title, data.text, data.tags)
    db.session.flush()
    record_change(
        actor,
        "create" if creating else "update",
        lesson,
        old=before,
        new=snapshot(lesson, LESSON_FIELDS),
        label=lesson.title,
    )
    return lesson


def delete_lesson(actor: User, lesson: Lesson) -> None:
    record_change(actor, "delete", lesson, old=snapshot(lesson, LESSON_FIELDS), label=lesson.title)
    db.session.delete(lesson)
    db.session.flush()
