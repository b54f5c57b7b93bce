from flask import Blueprint

bp = Blueprint("quickwins", __name__, url_prefix="/quick-wins")

from app.quickwins import routes  # noqa: E402,F401
