"""Background jobs as the PMO sees them: status for polling pages, the list, retries; and
the admins' backups, made as jobs."""

from flask import Blueprint

bp = Blueprint("jobs", __name__)

from app.jobs import backups, routes  # noqa: E402,F401
