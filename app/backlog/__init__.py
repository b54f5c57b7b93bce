from flask import Blueprint

bp = Blueprint("backlog", __name__, url_prefix="/backlog")

from app.backlog import routes  # noqa: E402,F401
