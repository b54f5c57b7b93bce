"""Admins list the stored maturity models and import new ones (or new versions) from YAML."""

from __future__ import annotations

from flask import current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from werkzeug.wrappers import Response

from app.cycles import bp
from app.cycles.forms import ModelUploadForm
from app.errors import refusal
from app.extensions import db
from app.security import roles
from app.services.assessments.model_store import available_models, parsed, store_model
from app.services.audit import record_change
from assessments.maturity_model.validator import (
    MAX_MODEL_FILE_BYTES,
    Problem,
    load_model_text,
    validate_model_text,
)
from models import Assessment, Cycle, Role


def _render(form: ModelUploadForm, problems: list[Problem] | None = None) -> str:
    rows = available_models()
    used = set(db.session.scalars(select(Cycle.model_id).join(Assessment).distinct()))
    areas = {row.id: len(parsed(row).process_areas) for row in rows}
    return render_template(
        "cycles/models.html",
        rows=rows,
        used=used,
        areas=areas,
        form=form,
        problems=problems or [],
        limit=format_size(upload_limit()),
    )


def format_size(size: int) -> str:
    if size >= 1024 * 1024:
        return f"{size / (1024 * 1024):g} MB"
    return f"{size / 1024:g} KB" if size >= 1024 else f"{size} B"


@bp.route("/models")
@roles(Role.ADMIN)
def models() -> str:
    return _render(ModelUploadForm())


def upload_limit() -> int:
    """Bytes a model upload may have: the model files' own limit, lower if configured."""
    configured = current_app.config.get("MODEL_UPLOAD_MAX_BYTES", MAX_MODEL_FILE_BYTES)
    return min(configured, MAX_MODEL_FILE_BYTES)


def _read_upload(form: ModelUploadForm) -> str | None:
    """The uploaded text, or None with the reason added to the file field's errors."""
    upload, limit = form.file.data, upload_limit()
    try:
        data = upload.read(limit + 1)
    finally:
        upload.close()
    if len(data) > limit:
        message = _("The file is larger than %(size)s.", size=format_size(limit))
    else:
        try:
            return data.decode("utf-8").removeprefix("\ufeff")
        except UnicodeDecodeError:
            message = _("The file is not UTF-8 text; save it as UTF-8 and try again.")
    form.file.errors = [*form.file.errors, message]
    return None


@bp.route("/models", methods=["POST"])
@roles(Role.ADMIN)
def import_model() -> str | Response | tuple[str, int]:
    form = ModelUploadForm()
    if not form.validate_on_submit():
        return _render(form), 422
    text = _read_upload(form)
    if text is None:
        return _render(form), 422
    problems = validate_model_text(text, form.file.data.filename or "model.yaml")
    if problems:
        return _render(form, problems), 422
    model = load_model_text(text)
    with refusal(form):
        row = store_model(model, text)
        record_change(
            current_user,
            "import",
            row,
            new={"key": row.key, "version": row.version, "process_areas": len(model.process_areas)},
            label=row.label,
        )
        flash(_("Model %(label)s imported.", label=row.label), "success")
        return redirect(url_for("cycles.models"))
    return _render(form), 422
