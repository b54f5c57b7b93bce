from flask import Blueprint

bp = Blueprint("outcomes", __name__, url_prefix="/kpis")

from app.outcomes import routes  # noqa: E402,F401
