"""The Excel round trip: export an assessment to .xlsx, import a filled file back."""

from __future__ import annotations

import io

from flask import flash, redirect, render_template, send_file, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from flask_login import current_user
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from werkzeug.wrappers import Response
from wtforms import BooleanField

from app.cycles import bp
from app.errors import refusal
from app.i18n import current_locale_code
from app.security import roles, signed_in
from app.services.assessments import excel
from app.services.assessments.access import can_fill_assessment, get_visible_assessment_or_404
from models import Assessment, Role


class ExcelImportForm(FlaskForm):
    file = FileField(_l("Filled Excel file (.xlsx)"), validators=[FileRequired()])
    overwrite = BooleanField(
        _l("Overwrite what was saved after my export"),
        description=_l("Tick only after checking the differences listed above."),
    )


@bp.route("/assessments/<int:assessment_id>/export.xlsx")
@signed_in
def excel_export(assessment_id: int) -> Response:
    item = get_visible_assessment_or_404(current_user, assessment_id)
    data = excel.export_assessment(item, current_locale_code())
    response = send_file(
        io.BytesIO(data),
        mimetype=excel.XLSX_MIMETYPE,
        as_attachment=True,
        download_name=excel.export_filename(item),
    )
    response.headers["Cache-Control"] = "private, no-store"
    return response


def _render(
    item: Assessment,
    form: ExcelImportForm,
    problems: list[str] | None = None,
    stale: dict[str, dict[str, object]] | None = None,
) -> str:
    return render_template(
        "cycles/excel_import.html",
        assessment=item,
        form=form,
        problems=problems or [],
        stale=stale,
        limit_mb=excel.import_limits().max_bytes // (1024 * 1024),
    )


@bp.route("/assessments/<int:assessment_id>/import", methods=["GET", "POST"])
@roles(Role.DIRECTOR)
def excel_import(assessment_id: int) -> str | Response | tuple[str, int]:
    item = get_visible_assessment_or_404(current_user, assessment_id)
    form = ExcelImportForm()
    if not can_fill_assessment(current_user, item):
        flash(_("This assessment cannot change now, so no file can be imported."), "warning")
        return redirect(url_for("cycles.assessment", assessment_id=item.id))
    if not form.validate_on_submit():
        return _render(item, form), 200 if not form.errors else 422
    limit = excel.import_limits().max_bytes
    data = form.file.data.read(limit + 1)
    with refusal(show=False) as refused:
        outcome = excel.import_assessment(current_user, item, data, overwrite=form.overwrite.data)
        flash(
            # Translators: rows is "N rows", changed is "N practices changed".
            _(
                "Imported %(rows)s; %(changed)s.",
                rows=ngettext("%(num)s row", "%(num)s rows", outcome.rows),
                changed=ngettext(
                    "%(num)s practice changed", "%(num)s practices changed", outcome.changed
                ),
            ),
            "success",
        )
        return redirect(url_for("cycles.assessment", assessment_id=item.id))
    if refused.stale is not None:
        flash(
            _(
                "Someone saved this assessment after your file was exported. Nothing was "
                "imported. Check the differences below; to replace them with your file, tick "
                "the box and import it again."
            ),
            "warning",
        )
        return _render(item, form, stale=refused.stale), 409
    problems = getattr(refused.error, "problems", [refused.message])
    return _render(item, form, problems=problems), 422
