"""Errors that services raise for bad input; views show them next to the field."""

from __future__ import annotations


class ServiceError(Exception):
    """A change refused for a reason the user can fix. ``field`` names the form field."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class StaleEdit(ServiceError):
    """Someone else saved the object after this form was loaded."""

    def __init__(self, message: str, changes: dict[str, dict[str, object]] | None = None):
        super().__init__(message)
        self.changes = changes or {}
