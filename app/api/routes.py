"""The endpoints. Every one is ``@signed_in`` (by bearer token) and shows only what the
token's user may see in the pages: other business lines' objects answer 404. The one write,
``POST /kpi-values``, needs a PMO or admin token carrying the ``kpi:write`` scope."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from flask import abort, request
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wrappers import Response

from app.api import bp
from app.api.auth import require_scope
from app.api.openapi import openapi_document
from app.api.params import ApiError, bool_arg, choice_arg, paginated, paginated_list
from app.params import query_int
from app.security import public, roles, signed_in
from app.services import api as service
from app.services import lessons as lesson_service
from app.services.assessments.access import get_visible_assessment_or_404
from app.services.outcomes.kpis import KpiValue, KpiValuesRefused, ValueProblem, write_kpi_values
from app.services.outcomes.scorecard import kpi_items
from app.services.visibility import (
    MANAGERS,
    get_visible_business_line,
    visible_business_lines,
)
from assessments.prioritisation import ItemStatus
from models import BusinessLine, Cycle, LessonKind

MAX_LESSON_QUERY = 200


@bp.after_request
def no_store(response: Response) -> Response:
    """Answers hold one user's data: no shared or browser cache may keep them."""
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.errorhandler(ApiError)
def api_error(error: ApiError) -> tuple[str | dict[str, object], int]:
    return error.response()


@bp.route("/business-lines")
@signed_in
def business_lines() -> dict[str, Any]:
    stmt = visible_business_lines(current_user).order_by(BusinessLine.code, BusinessLine.id)
    return paginated(stmt, service.business_line_item)


@bp.route("/cycles")
@signed_in
def cycles() -> dict[str, Any]:
    stmt = service.visible_cycles(current_user).order_by(Cycle.start.desc(), Cycle.id.desc())
    return paginated(stmt, service.cycle_item)


@bp.route("/assessments")
@signed_in
def assessments() -> dict[str, Any]:
    cycle_id = query_int("cycle")
    cycle = None
    if cycle_id is not None:
        cycle = service.get_visible_cycle(current_user, cycle_id)
        if cycle is None:
            abort(404)
    return paginated(service.assessments_in(current_user, cycle), service.assessment_item)


@bp.route("/assessments/<int:assessment_id>")
@signed_in
def assessment(assessment_id: int) -> dict[str, Any]:
    found = get_visible_assessment_or_404(current_user, assessment_id)
    return service.assessment_detail(found)


@bp.route("/reports/trend")
@signed_in
def trend() -> dict[str, Any]:
    line_id = query_int("business_line", required=True)
    line = get_visible_business_line(current_user, line_id or 0)
    if line is None:
        abort(404)
    return paginated(service.trend_of(line), service.trend_item)


@bp.route("/backlog")
@signed_in
def backlog() -> dict[str, Any]:
    status = choice_arg("status", tuple(s.value for s in ItemStatus))
    stmt = service.backlog_items(current_user, status, bool_arg("quick_win"))
    return paginated(stmt, service.backlog_item)


@bp.route("/quick-wins")
@signed_in
def quick_wins() -> dict[str, Any]:
    return paginated(service.quick_win_projects(current_user), service.quick_win_item)


@bp.route("/kpis")
@signed_in
def kpis() -> dict[str, Any]:
    line_id = query_int("business_line", required=True)
    line = get_visible_business_line(current_user, line_id or 0)
    if line is None:
        abort(404)
    return paginated_list(kpi_items(current_user, line))


@bp.route("/kpi-values", methods=["POST"])
@roles(*MANAGERS)
@require_scope("kpi:write")
def kpi_values() -> tuple[dict[str, Any], int]:
    """Write every item or none: any bad item answers 422 with each problem's index, field
    and message, and nothing is written."""
    body = request.get_json(silent=True)
    items = body.get("items") if isinstance(body, dict) else None
    if not isinstance(items, list) or not items:
        raise ApiError(
            400, _('Send JSON {"items": [{"kpi", "business_line", "period", "value"}, ...]}.')
        )
    problems = [
        ValueProblem(index, "items", _("Each item is an object."))
        for index, item in enumerate(items)
        if not isinstance(item, dict)
    ]
    if problems:
        return {"errors": [asdict(p) for p in problems]}, 422
    values = [
        KpiValue(item.get("kpi"), item.get("business_line"), item.get("period"), item.get("value"))
        for item in items
    ]
    try:
        written = write_kpi_values(current_user, values, source="api")
    except KpiValuesRefused as refused:
        return {"errors": [asdict(p) for p in refused.problems]}, 422
    return {"written": written}, 201


@bp.route("/lessons")
@signed_in
def lessons() -> dict[str, Any]:
    """Lessons the token may see; each space-separated term of ``q`` must occur in the
    title, text or tags (a contiguous substring), all terms ANDed."""
    query = request.args.get("q", "")
    if len(query) > MAX_LESSON_QUERY:
        raise ApiError(
            400,
            _(
                "The query parameter %(name)s must be at most %(max)s characters.",
                name="q",
                max=MAX_LESSON_QUERY,
            ),
        )
    kind = choice_arg("kind", tuple(k.value for k in LessonKind))
    stmt = lesson_service.search(lesson_service.visible_lessons(current_user), query, kind=kind)
    return paginated(stmt, lesson_service.lesson_item)


@bp.route("/openapi.json")
@public
def openapi() -> dict[str, Any]:
    """The API description; public, like any documentation, and free of data."""
    return openapi_document()
