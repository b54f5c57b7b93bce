"""Job status (polled by pages), the PMO's list of recent jobs, retrying a failed one, and
the page of an import run as a job."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from werkzeug.wrappers import Response

from app.errors import refusal
from app.extensions import db
from app.jobs import bp
from app.security import is_safe_redirect, roles, signed_in
from app.services.imports import IMPORT_JOB
from app.services.jobs import fail_stale_jobs, followable_job_or_404, job_status, retry
from app.services.visibility import MANAGERS
from models import Job

RECENT = 50


def _job_or_404(job_id: int) -> Job:
    return db.session.get(Job, job_id) or abort(404)


@bp.route("/jobs/")
@roles(*MANAGERS)
def jobs() -> str:
    fail_stale_jobs()
    recent = list(db.session.scalars(select(Job).order_by(Job.id.desc()).limit(RECENT)))
    return render_template("jobs/index.html", jobs=recent)


@bp.route("/jobs/<int:job_id>/status")
@signed_in
def status(job_id: int) -> dict[str, object]:
    fail_stale_jobs()
    return job_status(followable_job_or_404(current_user, job_id))


@bp.route("/jobs/<int:job_id>/retry", methods=["POST"])
@roles(*MANAGERS)
def retry_job(job_id: int) -> Response:
    job = _job_or_404(job_id)
    target = request.form.get("next")
    with refusal():
        retry(job)
        flash(_("The job was queued again."), "success")
    return redirect(target if is_safe_redirect(target) else url_for("jobs.jobs"))


#: Where the page of a finished import leads back to, per importer.
IMPORT_PAGES = {"findings": "findings.findings", "kpi_values": "outcomes.index"}


@bp.route("/jobs/<int:job_id>/import")
@signed_in
def import_result(job_id: int) -> str:
    fail_stale_jobs()
    job = followable_job_or_404(current_user, job_id, IMPORT_JOB)
    back = url_for(IMPORT_PAGES.get(job.payload.get("importer", ""), "main.home"))
    return render_template("jobs/import.html", job=job, back=back)
