"""Target profiles and roadmaps of the business lines: the PMO sets them, readers see them."""

from flask import Blueprint

bp = Blueprint("profiles", __name__, url_prefix="/profiles")

from app.profiles import routes  # noqa: E402,F401
