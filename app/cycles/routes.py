"""Cycles: the PMO's list, creation, opening and closing; leadership reads them."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user
from sqlalchemy import Select, or_, select
from sqlalchemy.orm import selectinload
from werkzeug.datastructures import MultiDict
from werkzeug.wrappers import Response

from app.cycles import bp
from app.cycles.forms import DEFAULT_TARGET, TARGET_LEVELS, CycleForm
from app.errors import refusal
from app.extensions import db
from app.i18n import current_locale_code
from app.pagination import paginate
from app.params import parse_id
from app.security import roles
from app.services.assessments import workflow as service
from app.services.assessments.access import visible_assessments
from app.services.assessments.model_store import available_models, parsed
from app.services.submissions import claim, complete
from app.services.tabular_export import MAX_EXPORT_ROWS, table_response
from app.services.visibility import MANAGERS, READERS
from models import Assessment, AssessmentStatus, BusinessLine, Cycle, CycleStatus, Role, StoredModel


def _cycle_or_404(cycle_id: int) -> Cycle:
    cycle = db.session.get(Cycle, cycle_id)
    if cycle is None:
        abort(404)
    return cycle


def _cycles_statement(q: str, status: str) -> Select[Cycle]:
    stmt = select(Cycle).options(selectinload(Cycle.model), selectinload(Cycle.targets))
    if q:
        stmt = stmt.where(Cycle.name.icontains(q, autoescape=True))
    if status in {s.value for s in CycleStatus}:
        stmt = stmt.where(Cycle.status == CycleStatus(status))
    return stmt.order_by(Cycle.start.desc(), Cycle.id.desc())


@bp.route("/")
@roles(*READERS)
def index() -> str:
    q = request.args.get("q", "").strip()[:100]
    status = request.args.get("status", "")
    page = paginate(_cycles_statement(q, status))
    return render_template(
        "cycles/index.html", page=page, q=q, status=status, statuses=list(CycleStatus)
    )


@bp.route("/export")
@roles(*READERS)
def export() -> Response:
    q = request.args.get("q", "").strip()[:100]
    stmt = _cycles_statement(q, request.args.get("status", "")).limit(MAX_EXPORT_ROWS)
    labels = {CycleStatus.DRAFT: _("Draft"), CycleStatus.OPEN: _("Open")}
    headers = [
        _("Name"), _("Maturity model"), _("Start"), _("End"), _("Business lines"), _("Status"),
    ]  # fmt: skip
    rows = (
        [
            cycle.name,
            cycle.model.label,
            cycle.start.isoformat(),
            cycle.end.isoformat(),
            len(cycle.targets),
            labels.get(cycle.status, _("Closed")),
        ]
        for cycle in db.session.scalars(stmt)
    )
    return table_response("cycles", headers, rows, request.args.get("format", ""))


@bp.route("/mine")
@roles(Role.DIRECTOR)
def my_assessments() -> str:
    stmt = (
        visible_assessments(current_user)
        .join(Cycle, Cycle.id == Assessment.cycle_id)
        .options(selectinload(Assessment.cycle), selectinload(Assessment.business_line))
        .order_by(Cycle.start.desc(), Assessment.id)
    )
    return render_template("cycles/mine.html", page=paginate(stmt))


@bp.route("/review-queue")
@roles(*MANAGERS)
def review_queue() -> str:
    """The PMO's work queue: submitted assessments, the longest waiting first."""
    stmt = (
        select(Assessment)
        .where(Assessment.status == AssessmentStatus.SUBMITTED)
        .options(selectinload(Assessment.cycle), selectinload(Assessment.business_line))
        .order_by(Assessment.submitted_at, Assessment.id)
    )
    return render_template("cycles/review_queue.html", page=paginate(stmt))


def _scope_choices(models: list[StoredModel]) -> dict[str, list[tuple[str, str]]]:
    """Area codes grouped by model; values are ``<model id>:<code>``."""
    language = current_locale_code()
    return {
        f"{m.label}": [
            (f"{m.id}:{area.code}", f"{area.code} {area.name.get(language)}")
            for area in parsed(m).process_areas
        ]
        for m in models
    }


def _parse_targets(
    form: MultiDict[str, str], lines: list[BusinessLine]
) -> tuple[dict[int, int], dict[int, str]]:
    """Chosen business lines with their target level, and a message per bad row."""
    by_id = {line.id: line for line in lines}
    targets, errors = {}, {}
    for raw in form.getlist("lines"):
        line = by_id.get(parse_id(raw) or 0)
        if line is None:
            continue  # not an active line any more: the table no longer shows it
        level = form.get(f"target-{line.id}", "")
        if parse_id(level) not in TARGET_LEVELS:
            errors[line.id] = _("%(line)s: choose a target level from 1 to 5.", line=line.name)
        else:
            targets[line.id] = int(level)
    return targets, errors


def _scope_codes(form: CycleForm) -> list[str] | None:
    codes = []
    for value in form.scope.data or []:
        model_id, _sep, code = value.partition(":")
        if model_id != str(form.model.data):
            form.scope.errors = [
                *form.scope.errors,
                _("Choose process areas of the selected model only (%(area)s is not).", area=code),
            ]
            return None
        codes.append(code)
    return codes


@bp.route("/new", methods=["GET", "POST"])
@roles(*MANAGERS)
def new_cycle() -> str | Response | tuple[str, int]:
    models = available_models()
    lines = list(
        db.session.scalars(
            select(BusinessLine).where(BusinessLine.active.is_(True)).order_by(BusinessLine.code)
        )
    )
    form = CycleForm()
    form.model.choices = [(m.id, f"{m.label} — {_model_name(m)}") for m in models]
    form.scope.choices = _scope_choices(models)
    if request.method == "GET":
        checked = {line.id for line in lines}
        levels = {line.id: str(DEFAULT_TARGET) for line in lines}
        return render_template(
            "cycles/new.html",
            form=form,
            lines=lines,
            checked=checked,
            levels=levels,
            line_errors={},
        )
    targets, line_errors = _parse_targets(request.form, lines)
    checked = {i for i in map(parse_id, request.form.getlist("lines")) if i is not None}
    levels = {line.id: request.form.get(f"target-{line.id}", "") for line in lines}
    lines_error = None
    if form.validate_on_submit() and not line_errors:
        scope = _scope_codes(form)
        model = next((m for m in models if m.id == form.model.data), None)
        if scope is not None and model is not None:
            # The business-line table shows the errors about lines and targets itself.
            with refusal(form, show=False) as refused:
                claimed = claim(current_user, form.submission.data)
                cycle = service.create_cycle(
                    current_user,
                    name=form.name.data or "",
                    model=model,
                    start=form.start.data,
                    end=form.end.data,
                    targets=targets,
                    scope=scope or None,
                )
                flash(
                    _("Cycle %(name)s created. Open it to start the assessments.", name=cycle.name),
                    "success",
                )
                location = url_for("cycles.cycle", cycle_id=cycle.id)
                complete(claimed, location)
                return redirect(location)
            if refused.field in ("business_lines", "targets"):
                lines_error = refused.message
            else:
                refused.show_error()
    return render_template(
        "cycles/new.html",
        form=form,
        lines=lines,
        checked=checked,
        levels=levels,
        line_errors=line_errors,
        lines_error=lines_error,
    ), 422


def _model_name(model: StoredModel) -> str:
    return model.name_zh if current_locale_code() == "zh_CN" else model.name_en


@bp.route("/<int:cycle_id>")
@roles(*READERS)
def cycle(cycle_id: int) -> str:
    cycle = _cycle_or_404(cycle_id)
    q = request.args.get("q", "").strip()[:100]
    stmt = (
        select(Assessment)
        .join(BusinessLine, BusinessLine.id == Assessment.business_line_id)
        .where(Assessment.cycle_id == cycle.id)
        .options(selectinload(Assessment.business_line))
    )
    if q:
        stmt = stmt.where(
            or_(
                BusinessLine.code.icontains(q, autoescape=True),
                BusinessLine.name.icontains(q, autoescape=True),
            )
        )
    page = paginate(stmt.order_by(BusinessLine.code))
    progress = service.cycle_progress(cycle, [a.id for a in page.items])
    model = parsed(cycle.model)
    return render_template(
        "cycles/cycle.html",
        cycle=cycle,
        model=model,
        page=page,
        q=q,
        progress=progress,
    )


@bp.route("/<int:cycle_id>/open", methods=["POST"])
@roles(*MANAGERS)
def open_cycle(cycle_id: int) -> Response:
    cycle = _cycle_or_404(cycle_id)
    with refusal():
        created = service.open_cycle(current_user, cycle)
        flash(
            ngettext(
                "Cycle opened: %(num)s assessment created.",
                "Cycle opened: %(num)s assessments created.",
                len(created),
            ),
            "success",
        )
    return redirect(url_for("cycles.cycle", cycle_id=cycle_id))


@bp.route("/<int:cycle_id>/close", methods=["POST"])
@roles(*MANAGERS)
def close_cycle(cycle_id: int) -> Response:
    cycle = _cycle_or_404(cycle_id)
    with refusal():
        service.close_cycle(current_user, cycle)
        flash(_("Cycle closed: its assessments can no longer change."), "success")
    return redirect(url_for("cycles.cycle", cycle_id=cycle_id))
