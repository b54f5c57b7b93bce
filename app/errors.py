"""Error pages in the user's language, JSON errors for the API, and the one place a
service's refusal becomes a form error or a message."""

from __future__ import annotations

from types import TracebackType
from typing import Any

from flask import Flask, flash, g, render_template, request
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.exceptions import HTTPException
from werkzeug.wrappers import Response as WerkzeugResponse
from wtforms import Field

from app.extensions import db, login_manager
from app.once import already_submitted
from app.params import BadParameter
from app.services.errors import ServiceError, StaleEdit
from app.services.submissions import AlreadySubmitted


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


class Refusal:
    """``with refusal(form) as refused:`` around a service call, in a view.

    A :class:`ServiceError` raised in the block is caught: the transaction is rolled back at
    once (so what the view loads next is what is saved) and the error is shown, on the form
    field it names or else as a flashed message. The rest of the block is skipped and the
    view carries on after it, where ``refused`` is true and knows the answer's ``status``
    (409 for a stale edit, 422 otherwise). Errors whose status is 403 are not caught: the
    app answers them with its 403 page.

    ``stale_notice``: the page shows a stale edit's changes itself, so do not flash it.
    ``show``: False when the view shows the error its own way.
    """

    def __init__(self, form: Any = None, *, stale_notice: bool = False, show: bool = True):
        self.form = form
        self.stale_notice = stale_notice
        self.show = show
        self.error: ServiceError | None = None

    def __enter__(self) -> Refusal:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        _traceback: TracebackType | None,
    ) -> bool:
        if not isinstance(error, ServiceError) or error.status == 403:
            return False
        db.session.rollback()
        self.error = error
        if self.show:
            self.show_error()
        return True

    def show_error(self) -> None:
        """On the form field the error names, or else as a flashed message."""
        error = self.error
        if error is None:
            return
        field = getattr(self.form, error.field, None) if error.field else None
        if isinstance(field, Field):
            field.errors = [*field.errors, error.message]
        elif not (self.stale_notice and isinstance(error, StaleEdit)):
            flash(error.message, "danger")

    def __bool__(self) -> bool:
        return self.error is not None

    @property
    def message(self) -> str:
        return self.error.message if self.error else ""

    @property
    def field(self) -> str | None:
        return self.error.field if self.error else None

    @property
    def status(self) -> int:
        return self.error.status if self.error else 200

    @property
    def stale(self) -> dict[str, dict[str, object]] | None:
        """The changes saved meanwhile, when the call was refused as a stale edit."""
        return self.error.changes if isinstance(self.error, StaleEdit) else None


refusal = Refusal


def init_error_handlers(app: Flask) -> None:
    @app.errorhandler(AlreadySubmitted)
    def second_post_of_a_form(seen: AlreadySubmitted) -> WerkzeugResponse:
        return already_submitted(seen)

    @app.errorhandler(ServiceError)
    def service_error(error: ServiceError) -> tuple[str | dict[str, object], int]:
        """A refusal no view shows itself: its status and message on the error page."""
        db.session.rollback()
        return render_error(error.status, error.message)

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
