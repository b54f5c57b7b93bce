"""Errors that services raise for bad input; views show them next to the field.

Raising one inside a request refuses the request's transaction (``app.database``): what the
service flushed before it gave up is rolled back, even when the view answers 200 or 302. A
view shows the error with ``app.errors.refusal``; one it does not catch is answered with its
``status`` and message by the app's error handler.
"""

from __future__ import annotations

from app.database import refuse_request_transaction


class ServiceError(Exception):
    """A change refused for a reason the user can fix. ``field`` names the form field."""

    #: The HTTP status a page answers with when it shows this error.
    status = 422

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field
        refuse_request_transaction()


class StaleEdit(ServiceError):
    """Someone else saved the object after this form was loaded."""

    status = 409

    def __init__(self, message: str, changes: dict[str, dict[str, object]] | None = None):
        super().__init__(message)
        self.changes = changes or {}
