"""Ladder's typed SQLAlchemy models. No Flask here: the app binds them in app.extensions."""

from models.audit import AuditEvent
from models.base import Base
from models.org import BusinessLine, business_line_directors
from models.user import LOCALES, Role, User

__all__ = [
    "LOCALES",
    "AuditEvent",
    "Base",
    "BusinessLine",
    "Role",
    "User",
    "business_line_directors",
]
