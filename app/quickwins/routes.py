from __future__ import annotations

from datetime import timedelta
from typing import Any

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user
from sqlalchemy import Select
from sqlalchemy.orm import joinedload
from werkzeug.wrappers import Response as WerkzeugResponse
from wtforms import SelectChoice

from app.errors import refusal
from app.extensions import db
from app.pagination import paginate
from app.params import form_version
from app.quickwins import bp
from app.quickwins.forms import (
    BenefitForm,
    CharterForm,
    CloseForm,
    DeleteForm,
    ImportForm,
    KpiForm,
    MeasurementEditForm,
    MeasurementForm,
)
from app.security import roles, signed_in
from app.services.backlog import quickwins as service
from app.services.backlog.items import get_visible_item_or_404, owner_choices
from app.services.backlog.kpi_chart import before_after_svg
from app.services.lessons import related_lessons
from app.services.submissions import claim, complete
from app.services.tabular_export import MAX_EXPORT_ROWS, table_response
from app.services.visibility import MANAGERS
from assessments.benefits import BenefitUnit
from assessments.kpi import Direction
from models import Kpi, KpiMeasurement, QuickWinProject


def _status_labels() -> dict[str, str]:
    return {
        "achieved": _("Achieved"),
        "on_track": _("On track"),
        "off_track": _("Off track"),
    }


def _project_or_404(project_id: int) -> QuickWinProject:
    project = service.load_project(project_id)
    if project is None or not service.can_view_project(current_user, project):
        abort(404)
    return project


def _manageable_or_403(project_id: int) -> QuickWinProject:
    project = _project_or_404(project_id)
    if not service.can_manage_project(current_user, project):
        abort(403)
    return project


def _projects_statement() -> Select[QuickWinProject]:
    return (
        service.visible_projects(current_user)
        .options(
            joinedload(QuickWinProject.item),
            joinedload(QuickWinProject.business_line),
            joinedload(QuickWinProject.owner),
        )
        .order_by(QuickWinProject.closed_on.is_not(None), QuickWinProject.end, QuickWinProject.id)
    )


@bp.route("/")
@signed_in
def projects() -> str:
    return render_template("quickwins/projects.html", page=paginate(_projects_statement()))


@bp.route("/export")
@signed_in
def export() -> Response:
    headers = [_("Project"), _("Business line"), _("Owner"), _("Start"), _("End"), _("State")]
    rows = (
        [
            p.item.title,
            p.business_line.name if p.business_line else _("Company-wide"),
            p.owner.display_name if p.owner else "",
            p.start.isoformat(),
            p.end.isoformat(),
            _("Finished") if p.closed_on else _("Running"),
        ]
        for p in db.session.scalars(_projects_statement().limit(MAX_EXPORT_ROWS)).unique()
    )
    return table_response("quick-wins", headers, rows, request.args.get("format", ""))


@bp.route("/showcase")
@signed_in
def showcase() -> str:
    page = paginate(service.showcase())
    views = {p.id: service.project_views(p) for p in page.items}
    return render_template(
        "quickwins/showcase.html", page=page, views=views, labels=_status_labels()
    )


@bp.route("/promote/<int:item_id>", methods=["GET", "POST"])
@roles(*MANAGERS)
def promote(item_id: int) -> str | WerkzeugResponse | tuple[str, int]:
    item = get_visible_item_or_404(current_user, item_id)
    form = CharterForm()
    form.owner_id.choices = [SelectChoice(0, _("The item's owner"))] + [
        SelectChoice(u.id, u.display_name) for u in owner_choices()
    ]
    if not form.is_submitted():
        form.goal.data = item.title
        form.start.data = item.planned_start or service.today()
        form.end.data = item.planned_end or form.start.data + timedelta(weeks=8)
    related = related_lessons(current_user, item.process_area)
    if not form.validate_on_submit():
        return render_template("quickwins/promote.html", form=form, item=item, related=related)
    with refusal(form):
        claimed = claim(current_user, form.submission.data)
        project = service.promote(
            current_user,
            item,
            goal=form.goal.data or "",
            scope=form.scope.data or "",
            owner_id=form.owner_id.data or None,
            start=form.start.data,
            end=form.end.data,
            team=form.team.data or "",
        )
        location = url_for("quickwins.project", project_id=project.id)
        complete(claimed, location)
        flash(_("Quick-win project started. Add its KPIs."), "success")
        return redirect(location)
    page = render_template("quickwins/promote.html", form=form, item=item, related=related)
    return page, 422


def _render_project(project: QuickWinProject, code: int = 200, **forms: Any) -> tuple[str, int]:
    measurement = forms.pop("measurement_form", None) or MeasurementForm()
    measurement.kpi_id.choices = [SelectChoice(k.id, k.name) for k in project.kpis]
    views = service.project_views(project)
    context = {
        "project": project,
        "views": views,
        "overall": service.project_status(views),
        "labels": _status_labels(),
        "can_manage": service.can_manage_project(current_user, project),
        "kpi_form": forms.pop("kpi_form", None) or KpiForm(formdata=None),
        "measurement_form": measurement,
        "import_form": forms.pop("import_form", None) or ImportForm(formdata=None),
        "close_form": forms.pop("close_form", None) or CloseForm(formdata=None),
        "benefit": service.benefit_view(project),
        "benefit_form": forms.pop("benefit_form", None) or _benefit_form(project),
        "related": related_lessons(current_user, project.item.process_area),
        "problems": forms.pop("problems", None),
    }
    return render_template("quickwins/project.html", **context), code


def _benefit_form(project: QuickWinProject) -> BenefitForm:
    form = BenefitForm(formdata=None)
    if project.benefit_unit is not None:
        form.unit.data = project.benefit_unit.value
        form.saved_per_month.data = project.benefit_per_month
        form.hourly_cost.data = project.benefit_hourly_cost
        form.one_off_cost.data = project.benefit_one_off_cost
    return form


@bp.route("/<int:project_id>/benefit", methods=["POST"])
@signed_in
def benefit(project_id: int) -> WerkzeugResponse | tuple[str, int]:
    project = _manageable_or_403(project_id)
    form = BenefitForm()
    if not form.validate_on_submit():
        return _render_project(project, 422, benefit_form=form)
    with refusal(form):
        service.set_benefit(
            current_user,
            project,
            unit=BenefitUnit(form.unit.data),
            saved_per_month=form.saved_per_month.data,
            one_off_cost=form.one_off_cost.data,
            hourly_cost=form.hourly_cost.data,
        )
        flash(_("Benefit saved."), "success")
        return redirect(url_for("quickwins.project", project_id=project_id))
    return _render_project(project, 422, benefit_form=form)


@bp.route("/<int:project_id>")
@signed_in
def project(project_id: int) -> tuple[str, int]:
    return _render_project(_project_or_404(project_id))


@bp.route("/<int:project_id>/chart.svg")
@signed_in
def chart(project_id: int) -> Response:
    project = _project_or_404(project_id)
    labels = {"before": _("Baseline"), "after": _("Latest"), "target": _("Target")}
    svg = before_after_svg(service.project_views(project), labels)
    return Response(svg, mimetype="image/svg+xml", headers={"Cache-Control": "no-store"})


@bp.route("/<int:project_id>/kpis", methods=["POST"])
@signed_in
def add_kpi(project_id: int) -> WerkzeugResponse | tuple[str, int]:
    project = _manageable_or_403(project_id)
    form = KpiForm()
    if not form.validate_on_submit():
        return _render_project(project, 422, kpi_form=form)
    with refusal(form):
        claimed = claim(current_user, form.submission.data)
        service.add_kpi(current_user, project, **_kpi_fields(form))
        location = url_for("quickwins.project", project_id=project_id)
        complete(claimed, location)
        flash(_("KPI added."), "success")
        return redirect(location)
    return _render_project(project, 422, kpi_form=form)


@bp.route("/<int:project_id>/measurements", methods=["POST"])
@signed_in
def add_measurement(project_id: int) -> WerkzeugResponse | tuple[str, int]:
    project = _manageable_or_403(project_id)
    form = MeasurementForm()
    form.kpi_id.choices = [SelectChoice(k.id, k.name) for k in project.kpis]
    if not form.validate_on_submit():
        return _render_project(project, 422, measurement_form=form)
    kpi = db.session.get(Kpi, form.kpi_id.data)
    if kpi is None or kpi.project_id != project.id:
        form.kpi_id.errors = [_("Choose a KPI of this project.")]
        return _render_project(project, 422, measurement_form=form)
    with refusal(form):
        claimed = claim(current_user, form.submission.data)
        service.add_measurement(
            current_user,
            kpi,
            measured_on=form.measured_on.data,
            value=form.value.data,
            note=form.note.data or "",
        )
        location = url_for("quickwins.project", project_id=project_id)
        complete(claimed, location)
        flash(_("Measurement saved."), "success")
        return redirect(location)
    return _render_project(project, 422, measurement_form=form)


def _kpi_fields(form: KpiForm) -> dict[str, Any]:
    """The KPI definition as entered, for adding a KPI or correcting one."""
    return {
        "name": form.name.data or "",
        "unit": form.unit.data or "",
        "direction": Direction(form.direction.data),
        "baseline": form.baseline.data,
        "target": form.target.data,
        "source": form.source.data or "",
    }


def _kpi_or_404(project: QuickWinProject, kpi_id: int) -> Kpi:
    kpi = next((k for k in project.kpis if k.id == kpi_id), None)
    if kpi is None:
        abort(404)
    return kpi


def _measurement_or_404(project: QuickWinProject, measurement_id: int) -> KpiMeasurement:
    found = next((m for k in project.kpis for m in k.measurements if m.id == measurement_id), None)
    if found is None:
        abort(404)
    return found


@bp.route("/<int:project_id>/kpis/<int:kpi_id>", methods=["GET", "POST"])
@signed_in
def edit_kpi(project_id: int, kpi_id: int) -> str | WerkzeugResponse | tuple[str, int]:
    """Correct a KPI's definition; its measurements are listed to correct or remove."""
    project = _manageable_or_403(project_id)
    kpi = _kpi_or_404(project, kpi_id)
    form = KpiForm(obj=kpi if request.method == "GET" else None)
    if request.method == "GET":
        form.direction.data = kpi.direction.value
    if form.validate_on_submit():
        with refusal(form):
            service.update_kpi(current_user, kpi, **_kpi_fields(form))
            flash(_("KPI saved."), "success")
            return redirect(url_for("quickwins.project", project_id=project_id))
    code = 422 if form.is_submitted() else 200
    page = render_template(
        "quickwins/kpi.html", project=project, kpi=kpi, form=form, delete_form=DeleteForm()
    )
    return page, code


@bp.route("/<int:project_id>/kpis/<int:kpi_id>/delete", methods=["POST"])
@signed_in
def delete_kpi(project_id: int, kpi_id: int) -> WerkzeugResponse:
    project = _manageable_or_403(project_id)
    kpi = _kpi_or_404(project, kpi_id)
    if DeleteForm().validate_on_submit():
        service.delete_kpi(current_user, kpi)
        flash(_("KPI removed with its measurements."), "success")
    return redirect(url_for("quickwins.project", project_id=project_id))


@bp.route("/<int:project_id>/measurements/<int:measurement_id>", methods=["GET", "POST"])
@signed_in
def edit_measurement(
    project_id: int, measurement_id: int
) -> str | WerkzeugResponse | tuple[str, int]:
    """Correct a wrong measurement (date, value, note)."""
    project = _manageable_or_403(project_id)
    measurement = _measurement_or_404(project, measurement_id)
    form = MeasurementEditForm(obj=measurement if request.method == "GET" else None)
    if form.validate_on_submit():
        with refusal(form):
            service.update_measurement(
                current_user,
                measurement,
                measured_on=form.measured_on.data,
                value=form.value.data,
                note=form.note.data or "",
            )
            flash(_("Measurement saved."), "success")
            return redirect(
                url_for("quickwins.edit_kpi", project_id=project_id, kpi_id=measurement.kpi_id)
            )
    page = render_template(
        "quickwins/measurement.html", project=project, measurement=measurement, form=form
    )
    return page, 422 if form.is_submitted() else 200


@bp.route("/<int:project_id>/measurements/<int:measurement_id>/delete", methods=["POST"])
@signed_in
def delete_measurement(project_id: int, measurement_id: int) -> WerkzeugResponse:
    project = _manageable_or_403(project_id)
    measurement = _measurement_or_404(project, measurement_id)
    kpi_id = measurement.kpi_id
    if DeleteForm().validate_on_submit():
        service.delete_measurement(current_user, measurement)
        flash(_("Measurement removed."), "success")
    return redirect(url_for("quickwins.edit_kpi", project_id=project_id, kpi_id=kpi_id))


@bp.route("/<int:project_id>/import", methods=["POST"])
@signed_in
def import_measurements(project_id: int) -> WerkzeugResponse | tuple[str, int]:
    project = _manageable_or_403(project_id)
    form = ImportForm()
    if not form.validate_on_submit():
        return _render_project(project, 422, import_form=form)
    with refusal(form) as refused:
        upload = form.file.data
        count = service.import_measurements(
            current_user, project, upload.filename or "", upload.read()
        )
        flash(
            ngettext("%(num)s measurement imported.", "%(num)s measurements imported.", count),
            "success",
        )
        return redirect(url_for("quickwins.project", project_id=project_id))
    problems = getattr(refused.error, "problems", None)
    return _render_project(project, 422, import_form=form, problems=problems)


@bp.route("/<int:project_id>/close", methods=["POST"])
@signed_in
def close(project_id: int) -> WerkzeugResponse | tuple[str, int]:
    project = _manageable_or_403(project_id)
    form = CloseForm()
    if not form.validate_on_submit():
        return _render_project(project, 422, close_form=form)
    with refusal(form):
        service.close_project(
            current_user,
            project,
            achieved=form.achieved.data,
            benefit_text=form.benefit_text.data or "",
            benefit_numbers=form.benefit_numbers.data or "",
            lessons_learned=form.lessons_learned.data or "",
            version=form_version(form.version.data),
        )
        flash(_("Project closed; it now appears on the showcase."), "success")
        return redirect(url_for("quickwins.project", project_id=project_id))
    return _render_project(project, 409, close_form=form)
