"""Assessment cycles and assessments: PMO set-up and review, director filling."""

from flask import Blueprint

bp = Blueprint("cycles", __name__, url_prefix="/cycles")

from app.cycles import evidence, excel, filling, model_admin, results, review, routes  # noqa: E402,F401
