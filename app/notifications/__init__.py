"""The notification centre: a person's notifications, their channel settings, and (for
admins and the PMO) the group bots that hear about a business line's events."""

from flask import Blueprint

bp = Blueprint("notifications", __name__, url_prefix="/notifications")

from app.notifications import routes  # noqa: E402,F401
