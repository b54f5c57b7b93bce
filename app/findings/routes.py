"""The one list of findings: filters, search, manual entries, Excel export and import."""

from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload
from werkzeug.wrappers import Response
from wtforms import SelectChoice

from app.errors import refusal
from app.extensions import db
from app.findings import bp
from app.findings.forms import FindingForm, ImportForm
from app.i18n import current_locale_code
from app.pagination import paginate
from app.security import roles, signed_in
from app.services.backlog.items import item_of_finding
from app.services.findings.files import export_workbook, import_findings
from app.services.findings.labels import CATEGORY_LABELS, FREQUENCY_LABELS, SOURCE_LABELS
from app.services.findings.records import (
    FindingFilter,
    add_manual_finding,
    area_names,
    filtered_findings,
    reference_model,
)
from app.services.imports import runs_as_job, submit_import
from app.services.submissions import claim, complete
from app.services.visibility import MANAGERS, visible_business_lines
from models import BusinessLine, Cycle, Finding

MAX_EXPORT_ROWS = 50_000


def _choices() -> dict[str, Any]:
    lines = list(
        db.session.scalars(visible_business_lines(current_user).order_by(BusinessLine.code))
    )
    return {
        "lines": lines,
        "line_names": {bl.id: bl.name for bl in lines},
        "cycles": list(db.session.scalars(select(Cycle).order_by(Cycle.start.desc()))),
        "areas": area_names(reference_model(), current_locale_code()),
        "sources": SOURCE_LABELS,
    }


@bp.route("/findings/")
@signed_in
def findings() -> str:
    filters = FindingFilter.from_args(request.args)
    stmt = filtered_findings(current_user, filters).options(selectinload(Finding.business_line))
    page = paginate(stmt.order_by(Finding.created_at.desc(), Finding.id.desc()))
    return render_template(
        "findings/list.html", page=page, filters=filters, args=filters.as_args(), **_choices()
    )


def _export_row(names: dict[str, str], cycles: dict[int, str]) -> Any:
    def row(finding: Finding) -> list[Any]:
        return [
            finding.id,
            str(SOURCE_LABELS[finding.source.value]),
            finding.business_line.code if finding.business_line else "",
            finding.business_line.name if finding.business_line else "",
            cycles.get(finding.cycle_id or 0, ""),
            names.get(finding.process_area or "", finding.process_area or ""),
            finding.severity,
            finding.category or "",
            finding.frequency.value if finding.frequency else "",
            finding.text,
            finding.suggestion,
            finding.created_at.date().isoformat(),
        ]

    return row


@bp.route("/findings/export.xlsx")
@signed_in
def export() -> Response:
    filters = FindingFilter.from_args(request.args)
    stmt = filtered_findings(current_user, filters).options(selectinload(Finding.business_line))
    rows = db.session.scalars(stmt.order_by(Finding.id).limit(MAX_EXPORT_ROWS))
    headers = [
        _("ID"), _("Source"), _("Business line code"), _("Business line"),
        _("Assessment cycle"), _("Process area"), _("Severity"), _("Category"),
        _("Frequency"), _("Text"), _("Suggestion"), _("Date"),
    ]  # fmt: skip
    cycles = {row.id: row.name for row in db.session.execute(select(Cycle.id, Cycle.name))}
    names = area_names(reference_model(), current_locale_code())
    data = export_workbook(rows, headers, _export_row(names, cycles))
    return Response(
        data,
        mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        headers={"Content-Disposition": "attachment; filename=findings.xlsx"},
    )


def _cycle_choices() -> list[SelectChoice]:
    cycles = db.session.scalars(select(Cycle).order_by(Cycle.start.desc()))
    return [SelectChoice(0, _("(none)")), *(SelectChoice(c.id, c.name) for c in cycles)]


@bp.route("/findings/new", methods=["GET", "POST"])
@roles(*MANAGERS)
def new_finding() -> str | Response | tuple[str, int]:
    form = FindingForm()
    areas = area_names(reference_model(), current_locale_code())
    form.business_line.choices = [
        SelectChoice(bl.id, f"{bl.code} {bl.name}")
        for bl in db.session.scalars(select(BusinessLine).order_by(BusinessLine.code))
    ]
    form.cycle.choices = _cycle_choices()
    form.process_area.choices = [SelectChoice("", "—")] + [
        SelectChoice(code, name) for code, name in areas.items()
    ]
    if not form.validate_on_submit():
        return render_template("findings/form.html", form=form), 422 if form.errors else 200
    with refusal(form):
        claimed = claim(current_user, form.submission.data)
        add_manual_finding(
            current_user,
            text=form.text.data or "",
            business_line_id=form.business_line.data,
            severity=form.severity.data or 0,
            cycle_id=form.cycle.data or None,
            process_area=form.process_area.data or None,
            category=form.category.data,
            frequency=form.frequency.data or None,
            known_areas=frozenset(areas),
        )
        location = url_for("findings.findings", source="manual")
        complete(claimed, location)
        flash(_("Finding added."), "success")
        return redirect(location)
    return render_template("findings/form.html", form=form), 422


@bp.route("/findings/import", methods=["GET", "POST"])
@roles(*MANAGERS)
def import_file() -> str | Response | tuple[str, int]:
    form = ImportForm()
    form.cycle.choices = _cycle_choices()
    if not form.validate_on_submit():
        status = 422 if form.errors else 200
        return render_template("findings/import.html", form=form, errors=[]), status
    upload = form.file.data
    data = upload.read()
    if runs_as_job(upload.filename or "", data):
        with refusal(form):
            job = submit_import(
                current_user,
                "findings",
                upload.filename or "",
                data,
                locale=current_locale_code(),
                cycle_id=form.cycle.data or None,
            )
            return redirect(url_for("jobs.import_result", job_id=job.id))
        return render_template("findings/import.html", form=form, errors=[]), 503
    areas = frozenset(area_names(reference_model(), "en"))
    with refusal(show=False) as refused:  # the page lists every row's problem itself
        count = import_findings(
            current_user,
            upload.filename or "",
            data,
            known_areas=areas,
            cycle_id=form.cycle.data or None,
        )
        flash(ngettext("%(num)s finding imported.", "%(num)s findings imported.", count), "success")
        return redirect(url_for("findings.findings", source="import"))
    errors = getattr(refused.error, "errors", [])
    return render_template("findings/import.html", form=form, errors=errors), 422


@bp.route("/findings/<int:finding_id>")
@signed_in
def finding(finding_id: int) -> str:
    found = db.session.scalar(
        filtered_findings(current_user, FindingFilter()).where(Finding.id == finding_id)
    )
    if found is None:
        abort(404)
    areas = area_names(reference_model(), current_locale_code())
    return render_template(
        "findings/detail.html",
        finding=found,
        item=item_of_finding(found),
        areas=areas,
        sources=SOURCE_LABELS,
        frequencies=FREQUENCY_LABELS,
        categories=CATEGORY_LABELS,
    )
