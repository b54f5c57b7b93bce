"""Evidence files of a process area's practices: the list, uploads, downloads, removals."""

from __future__ import annotations

import io

from flask import abort, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from werkzeug.wrappers import Response
from wtforms import DateField, HiddenField, StringField
from wtforms.validators import DataRequired, Length, Optional

from app.cycles import bp
from app.cycles.filling import _area_or_404
from app.errors import refusal
from app.i18n import current_locale_code
from app.security import signed_in
from app.services.assessments import evidence as service
from app.services.assessments.access import can_fill_assessment, get_visible_assessment_or_404
from app.services.assessments.evidence_store import files_by_practice
from assessments.maturity_model.model import ProcessArea
from models import Assessment


class EvidenceForm(FlaskForm):
    practice_id = HiddenField(validators=[DataRequired()])
    file = FileField(_l("File"), validators=[FileRequired()])
    evidence_date = DateField(_l("Date of the evidence"), validators=[Optional()])
    owner = StringField(_l("Owner"), validators=[Optional(), Length(max=service.MAX_OWNER)])


def _render(item: Assessment, area: ProcessArea, form: EvidenceForm) -> str:
    return render_template(
        "cycles/evidence.html",
        assessment=item,
        area=area,
        form=form,
        files=files_by_practice(item),
        editable=can_fill_assessment(current_user, item),
        limit_mb=service.evidence_limits().max_bytes / (1024 * 1024),
        language=current_locale_code(),
    )


@bp.route("/assessments/<int:assessment_id>/areas/<code>/evidence", methods=["GET", "POST"])
@signed_in
def evidence(assessment_id: int, code: str) -> str | Response | tuple[str, int]:
    """Readers see the files; those who fill the assessment in attach them here."""
    item = get_visible_assessment_or_404(current_user, assessment_id)
    area = _area_or_404(item, code)
    form = EvidenceForm()
    if request.method == "GET":
        return _render(item, area, form)
    if not can_fill_assessment(current_user, item):
        abort(403)
    if not form.validate_on_submit():
        flash(_("Nothing was stored: choose a file and check the fields."), "danger")
        return _render(item, area, form), 422
    upload = service.Upload(
        practice_id=form.practice_id.data or "",
        filename=form.file.data.filename or "",
        data=form.file.data.read(service.evidence_limits().max_bytes + 1),
        evidence_date=form.evidence_date.data,
        owner=form.owner.data or "",
    )
    with refusal():
        row = service.attach(current_user, item, upload)
        flash(_("Attached %(name)s to %(id)s.", name=row.name, id=row.practice_id), "success")
        return redirect(_back(item, area.code, row.practice_id))
    return _render(item, area, form), 422


def _back(item: Assessment, code: str, practice_id: str) -> str:
    return url_for("cycles.evidence", assessment_id=item.id, code=code, _anchor=f"e-{practice_id}")


@bp.route("/assessments/<int:assessment_id>/evidence/<int:evidence_id>")
@signed_in
def evidence_download(assessment_id: int, evidence_id: int) -> Response:
    """The file as an attachment, with the type decided at upload; never shown inline."""
    item = get_visible_assessment_or_404(current_user, assessment_id)
    row = service.get_file(item, evidence_id)
    path = service.path_of(row) if row is not None else None
    if row is None or path is None:
        abort(404)
    # Read whole: a file is at most LADDER_EVIDENCE_MAX_BYTES, and nothing stays open.
    response = send_file(
        io.BytesIO(path.read_bytes()),
        mimetype=row.media_type,
        as_attachment=True,
        download_name=row.name,
    )
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.route("/assessments/<int:assessment_id>/evidence/<int:evidence_id>/remove", methods=["POST"])
@signed_in
def evidence_remove(assessment_id: int, evidence_id: int) -> Response:
    item = get_visible_assessment_or_404(current_user, assessment_id)
    row = service.get_file(item, evidence_id)
    if row is None:
        abort(404)
    if not can_fill_assessment(current_user, item):
        abort(403)
    code = request.form.get("area", "")
    with refusal():
        service.remove(current_user, item, row)
        flash(
            _("Removed %(name)s; the audit trail keeps a record of it.", name=row.name), "success"
        )
    if any(area.code == code for area in service.areas_in_scope(item)):
        return redirect(_back(item, code, row.practice_id))
    return redirect(url_for("cycles.assessment", assessment_id=item.id))
