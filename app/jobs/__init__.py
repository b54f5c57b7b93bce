"""Background jobs as the PMO sees them: status for polling pages, the list, retries."""

from flask import Blueprint

bp = Blueprint("jobs", __name__)

from app.jobs import routes  # noqa: E402,F401
