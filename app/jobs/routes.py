"""Job status (polled by pages), the PMO's list of recent jobs, and retrying a failed one."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import select
from werkzeug.wrappers import Response

from app.errors import refusal
from app.extensions import db
from app.jobs import bp
from app.security import is_safe_redirect, roles
from app.services.jobs import fail_stale_jobs, job_status, retry
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
@roles(*MANAGERS)
def status(job_id: int) -> dict[str, object]:
    fail_stale_jobs()
    return job_status(_job_or_404(job_id))


@bp.route("/jobs/<int:job_id>/retry", methods=["POST"])
@roles(*MANAGERS)
def retry_job(job_id: int) -> Response:
    job = _job_or_404(job_id)
    target = request.form.get("next")
    with refusal():
        retry(job)
        flash(_("The job was queued again."), "success")
    return redirect(target if is_safe_redirect(target) else url_for("jobs.jobs"))
