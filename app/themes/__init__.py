from flask import Blueprint

bp = Blueprint("themes", __name__)

from app.themes import review_views, routes  # noqa: E402,F401
