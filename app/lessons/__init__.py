from flask import Blueprint

bp = Blueprint("lessons", __name__, url_prefix="/lessons")

from app.lessons import routes  # noqa: E402,F401
