"""Error pages in the user's language, and JSON errors for the API."""

from __future__ import annotations

from flask import Flask, g, render_template, request
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.exceptions import HTTPException

from app.extensions import db, login_manager
from app.params import BadParameter


def _messages() -> dict[int, str]:
    return {
        400: _("The request could not be understood."),
        403: _("You do not have permission to open this page."),
        404: _("This page does not exist, or you may not see it."),
        405: _("This action is not allowed here."),
        409: _("Someone else changed this record at the same time. Reload and try again."),
        413: _("The uploaded file is too large."),
        429: _("Too many attempts. Wait a minute and try again."),
        500: _("Something went wrong on our side. Nothing was saved."),
        503: _("The service is briefly unavailable. Try again in a moment."),
    }


def render_error(status: int, message: str | None = None) -> tuple[str | dict[str, object], int]:
    text = message or _messages().get(status, _("Error"))
    if request.path.startswith("/api/"):
        return {"error": {"status": status, "message": text}}, status
    return render_template("errors/error.html", status=status, message=text), status


def init_error_handlers(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def csrf_error(_error: CSRFError) -> tuple[str | dict[str, object], int]:
        return render_error(
            400, _("The form expired or was sent from elsewhere. Reload the page and try again.")
        )

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException) -> tuple[str | dict[str, object], int]:
        message = error.message if isinstance(error, BadParameter) else None
        return render_error(error.code or 500, message)

    @app.errorhandler(StaleDataError)
    def stale_data(_error: StaleDataError) -> tuple[str | dict[str, object], int]:
        db.session.rollback()
        return render_error(409)

    @app.errorhandler(OperationalError)
    def database_unavailable(error: OperationalError) -> tuple[str | dict[str, object], int]:
        db.session.rollback()
        app.logger.error("database error: %s", error)
        # Render without the database: the page must not try to load the signed-in user.
        if "_login_user" not in g or g._login_user is None:
            g._login_user = login_manager.anonymous_user()
        return render_error(503)

    @app.errorhandler(Exception)
    def unexpected(error: Exception) -> tuple[str | dict[str, object], int]:
        db.session.rollback()
        if app.testing:
            raise error
        app.logger.exception("unhandled error", exc_info=error)
        return render_error(500)
