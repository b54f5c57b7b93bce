"""Backups for admins: make one as a background job, list and download the archives."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wrappers import Response

from app.errors import refusal
from app.jobs import bp
from app.security import roles
from app.services.backup_jobs import BACKUP_JOB, backup_files, backup_path, submit_backup
from app.services.jobs import fail_stale_jobs, jobs_about
from models import Role


@bp.route("/backups/")
@roles(Role.ADMIN)
def backups() -> str:
    fail_stale_jobs()
    recent = jobs_about(BACKUP_JOB, limit=1)
    return render_template(
        "jobs/backups.html", files=backup_files(), job=recent[0] if recent else None
    )


@bp.route("/backups/", methods=["POST"])
@roles(Role.ADMIN)
def create_backup() -> Response:
    with refusal():
        submit_backup(current_user)
        flash(_("The backup is being made in the background."), "success")
    return redirect(url_for("jobs.backups"))


@bp.route("/backups/<name>")
@roles(Role.ADMIN)
def download_backup(name: str) -> Response:
    path = backup_path(name)
    if path is None:
        abort(404)
    return send_file(path, mimetype="application/zip", as_attachment=True, download_name=name)
