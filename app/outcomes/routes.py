"""Outcome KPIs: the scorecard, a business line's outcomes beside its maturity, entering and
importing values, and the PMO's KPI definitions."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user
from sqlalchemy import select
from werkzeug.wrappers import Response
from wtforms import SelectChoice

from app.errors import refusal
from app.extensions import db
from app.i18n import current_locale_code
from app.outcomes import bp
from app.outcomes.forms import DefinitionForm, ImportForm, MissedKpiForm, ValueForm
from app.security import roles
from app.services.imports import runs_as_job, submit_import
from app.services.outcomes import kpis as service
from app.services.outcomes.beside import line_outcomes
from app.services.outcomes.importing import HEADERS, import_kpi_values
from app.services.outcomes.scorecard import item_for_missed_kpi, scorecard
from app.services.visibility import (
    MANAGERS,
    READERS,
    get_visible_business_line_or_404,
    visible_business_lines,
)
from assessments.kpi import Direction
from assessments.outcome_kpis import Frequency
from models import BusinessLine, OutcomeKpi, Role

#: Who enters values: the PMO for every line, a director for their own.
WRITERS = (*MANAGERS, Role.DIRECTOR)
SCORECARD_READERS = (*READERS, Role.DIRECTOR)


def _cell_labels() -> dict[str, str]:
    """The words of every scorecard cell, translated once per page."""
    return {"met": _("met"), "missed": _("missed"), "trend": _("Trend of the last periods")}


@bp.route("/")
@roles(*SCORECARD_READERS)
def index() -> str:
    return render_template(
        "outcomes/scorecard.html",
        card=scorecard(current_user),
        kpi_name=service.kpi_name,
        labels=_cell_labels(),
        missed_form=MissedKpiForm(formdata=None),
    )


@bp.route("/business-lines/<int:business_line_id>")
@roles(*SCORECARD_READERS)
def business_line(business_line_id: int) -> str:
    line = get_visible_business_line_or_404(current_user, business_line_id)
    return render_template(
        "outcomes/business_line.html",
        line=line,
        card=scorecard(current_user, line_id=line.id),
        history=line_outcomes(line.id),
        kpi_name=service.kpi_name,
        labels=_cell_labels(),
    )


def _offer_choices(form: ValueForm) -> None:
    """Every KPI; the business lines the user may write to (a director: their own)."""
    form.kpi.choices = [
        SelectChoice(d.key, f"{service.kpi_name(d)} ({service.frequency_label(d.frequency)})")
        for d in service.kpi_definitions()
    ]
    lines = visible_business_lines(current_user).where(BusinessLine.active.is_(True))
    form.business_line.choices = [
        SelectChoice(line.code, line.name)
        for line in db.session.scalars(lines.order_by(BusinessLine.code))
    ]


def _value_page(form: ValueForm, import_form: ImportForm, code: int = 200, problems=None):
    if form.kpi.choices is None:
        _offer_choices(form)
    page = render_template(
        "outcomes/values.html",
        form=form,
        import_form=import_form,
        problems=problems,
        headers=HEADERS,
    )
    return page, code


@bp.route("/values", methods=["GET", "POST"])
@roles(*WRITERS)
def values():
    form = ValueForm()
    _offer_choices(form)
    if form.validate_on_submit():
        with refusal(form):
            item = service.KpiValue(
                form.kpi.data, form.business_line.data, form.period.data, form.value.data
            )
            service.write_kpi_values(current_user, [item], source="form")
            flash(_("Value saved."), "success")
            return redirect(url_for("outcomes.values"))
    return _value_page(form, ImportForm(formdata=None), 422 if form.is_submitted() else 200)


@bp.route("/import", methods=["POST"])
@roles(*WRITERS)
def import_values():
    form = ImportForm()
    if not form.validate_on_submit():
        return _value_page(ValueForm(formdata=None), form, 422)
    with refusal(form) as refused:
        upload = form.file.data
        data = upload.read()
        if runs_as_job(upload.filename or "", data):
            job = submit_import(
                current_user,
                "kpi_values",
                upload.filename or "",
                data,
                locale=current_locale_code(),
            )
            return redirect(url_for("jobs.import_result", job_id=job.id))
        count = import_kpi_values(current_user, upload.filename or "", data)
        flash(ngettext("%(num)s value imported.", "%(num)s values imported.", count), "success")
        return redirect(url_for("outcomes.index"))
    problems = getattr(refused.error, "problems", None)
    return _value_page(ValueForm(formdata=None), form, 422, problems)


def _definition_input(
    form: DefinitionForm, key: str, frequency: Frequency
) -> service.DefinitionInput:
    return service.DefinitionInput(
        key=key,
        name_zh=form.name_zh.data or "",
        name_en=form.name_en.data or "",
        unit=form.unit.data or "",
        direction=Direction(form.direction.data),
        target=float(form.target.data or 0),
        frequency=frequency,
    )


@bp.route("/definitions", methods=["GET", "POST"])
@roles(*MANAGERS)
def definitions():
    form = DefinitionForm()
    if form.validate_on_submit():
        with refusal(form):
            row = service.save_kpi_definition(
                current_user,
                None,
                _definition_input(
                    form, (form.key.data or "").strip(), Frequency(form.frequency.data)
                ),
            )
            flash(_("KPI %(key)s added.", key=row.key), "success")
            return redirect(url_for("outcomes.definitions"))
    code = 422 if form.is_submitted() else 200
    return render_template(
        "outcomes/definitions.html",
        form=form,
        definitions=service.kpi_definitions(),
        kpi_name=service.kpi_name,
        frequency_label=service.frequency_label,
    ), code


@bp.route("/definitions/<key>", methods=["GET", "POST"])
@roles(*MANAGERS)
def definition(key: str):
    row = db.session.scalar(select(OutcomeKpi).where(OutcomeKpi.key == key))
    if row is None:
        abort(404)
    form = DefinitionForm(obj=row)
    del form.key, form.frequency  # fixed once values refer to them
    if form.validate_on_submit():
        with refusal(form):
            data = _definition_input(form, row.key, row.frequency)
            service.save_kpi_definition(current_user, row, data)
            flash(_("KPI %(key)s saved.", key=row.key), "success")
            return redirect(url_for("outcomes.definitions"))
    code = 422 if form.is_submitted() else 200
    return render_template("outcomes/definition.html", form=form, row=row), code


@bp.route("/missed/<int:business_line_id>/<key>/item", methods=["POST"])
@roles(*MANAGERS)
def missed_item(business_line_id: int, key: str) -> Response:
    line = get_visible_business_line_or_404(current_user, business_line_id)
    form = MissedKpiForm()
    if not form.validate_on_submit():
        abort(400)
    with refusal(form):
        item = item_for_missed_kpi(current_user, line, key)
        flash(_("Backlog item ready: decide on it in the next review."), "success")
        return redirect(url_for("backlog.item", item_id=item.id))
    return redirect(url_for("outcomes.index"))
