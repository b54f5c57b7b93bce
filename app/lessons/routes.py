"""The lessons library: everyone signed in reads and searches what they may see; the PMO
writes. Lessons come from quick-win closing reviews, PMO review decisions and manual
entries (``/lessons/new?project=ID`` and ``?review=ID&item=ID`` start from the source)."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import Select
from werkzeug.wrappers import Response
from wtforms import SelectChoice

from app.errors import refusal
from app.extensions import db
from app.i18n import current_locale_code
from app.lessons import bp
from app.lessons.forms import KIND_LABELS, LessonForm
from app.pagination import paginate
from app.params import form_version, parse_id, query_int
from app.security import roles, signed_in
from app.services import lessons as service
from app.services.findings.records import area_names, reference_model
from app.services.submissions import claim, complete
from app.services.tabular_export import MAX_EXPORT_ROWS, table_response
from app.services.visibility import MANAGERS, visible_business_lines
from models import BusinessLine, Lesson, LessonKind, LessonSource

MAX_QUERY = 200


def _filtered() -> tuple[Select[Lesson], dict[str, str]]:
    """The visible lessons that match the page's ``q``, ``kind`` and ``process_area``."""
    q = (request.args.get("q") or "").strip()[:MAX_QUERY]
    kind = request.args.get("kind") or None
    kind = kind if kind in {k.value for k in LessonKind} else None
    area = (request.args.get("process_area") or "").strip().upper()[:16] or None
    stmt = service.search(service.visible_lessons(current_user), q, kind=kind, process_area=area)
    return stmt, {"q": q, "kind": kind or "", "process_area": area or ""}


def _areas() -> dict[str, str]:
    return area_names(reference_model(), current_locale_code())


@bp.route("/")
@signed_in
def lessons() -> str:
    stmt, filters = _filtered()
    return render_template(
        "lessons/list.html",
        page=paginate(stmt),
        filters=filters,
        kinds=KIND_LABELS,
        areas=_areas(),
    )


@bp.route("/export")
@signed_in
def export() -> Response:
    stmt, _filters = _filtered()
    headers = service.export_headers()
    rows = (
        service.export_row(lesson, KIND_LABELS)
        for lesson in db.session.scalars(stmt.limit(MAX_EXPORT_ROWS))
    )
    return table_response("lessons", headers, rows, request.args.get("format", ""))


@bp.route("/<int:lesson_id>")
@signed_in
def lesson(lesson_id: int) -> str:
    found = service.get_visible_lesson(current_user, lesson_id) or abort(404)
    return render_template(
        "lessons/lesson.html",
        lesson=found,
        kinds=KIND_LABELS,
        areas=_areas(),
        sources=service.source_labels(),
    )


def _form(lesson: Lesson | None) -> LessonForm:
    form = LessonForm(obj=lesson if lesson is not None and request.method == "GET" else None)
    form.business_line.choices = [SelectChoice(0, _("Company-wide"))] + [
        SelectChoice(bl.id, f"{bl.code} {bl.name}")
        for bl in db.session.scalars(
            visible_business_lines(current_user).order_by(BusinessLine.code)
        )
    ]
    form.process_area.choices = [SelectChoice("", _("(none)"))] + [
        SelectChoice(code, name) for code, name in _areas().items()
    ]
    if request.method == "GET":
        if lesson is not None:
            form.kind.data = lesson.kind.value
            form.business_line.data = lesson.business_line_id or 0
            form.process_area.data = lesson.process_area or ""
            form.tags.data = ", ".join(lesson.tags or [])
        else:
            values = service.prefill(
                project_id=query_int("project"),
                review_id=query_int("review"),
                item_id=query_int("item"),
            )
            for name, value in values.items():
                getattr(form, name).data = value
    return form


def _input(form: LessonForm) -> service.LessonInput:
    project_id, review_id = parse_id(form.project_id.data), parse_id(form.review_id.data)
    source = LessonSource.MANUAL
    if project_id:
        source = LessonSource.QUICK_WIN
    elif review_id:
        source = LessonSource.REVIEW
    return service.LessonInput(
        title=form.title.data or "",
        text=form.text.data or "",
        kind=LessonKind(form.kind.data),
        business_line_id=form.business_line.data or None,
        process_area=form.process_area.data or None,
        tags=service.parse_tags(form.tags.data or ""),
        link=form.link.data or "",
        source=source,
        project_id=project_id,
        review_id=review_id,
    )


@bp.route("/new", methods=["GET", "POST"], endpoint="new_lesson")
@bp.route("/<int:lesson_id>/edit", methods=["GET", "POST"])
@roles(*MANAGERS)
def edit_lesson(lesson_id: int | None = None) -> str | Response | tuple[str, int]:
    lesson = db.session.get(Lesson, lesson_id) if lesson_id else None
    if lesson_id and lesson is None:
        abort(404)
    form = _form(lesson)
    if not form.validate_on_submit():
        code = 422 if form.is_submitted() else 200
        return render_template("lessons/form.html", form=form, lesson=lesson, stale=None), code
    with refusal(form, stale_notice=True) as refused:
        claimed = claim(current_user, form.submission.data) if lesson is None else None
        saved = service.save_lesson(
            current_user, lesson, _input(form), version=form_version(form.version.data)
        )
        location = url_for("lessons.lesson", lesson_id=saved.id)
        complete(claimed, location)
        flash(_("Lesson saved."), "success")
        return redirect(location)
    page = render_template("lessons/form.html", form=form, lesson=lesson, stale=refused.stale)
    return page, refused.status


@bp.route("/<int:lesson_id>/delete", methods=["POST"])
@roles(*MANAGERS)
def delete_lesson(lesson_id: int) -> Response:
    found = db.session.get(Lesson, lesson_id) or abort(404)
    service.delete_lesson(current_user, found)
    flash(_("Lesson removed."), "success")
    return redirect(url_for("lessons.lessons"))
