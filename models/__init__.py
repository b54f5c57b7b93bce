"""Ladder's typed SQLAlchemy models. No Flask here: the app binds them in app.extensions."""

from models.assessment import (
    Assessment,
    AssessmentStatus,
    Cycle,
    CycleStatus,
    CycleTarget,
    PracticeRating,
)
from models.audit import AuditEvent
from models.base import Base
from models.finding import Finding, FindingSource
from models.maturity import StoredModel
from models.org import BusinessLine, business_line_directors
from models.user import LOCALES, Role, User

__all__ = [
    "LOCALES",
    "Assessment",
    "AssessmentStatus",
    "AuditEvent",
    "Base",
    "BusinessLine",
    "Cycle",
    "CycleStatus",
    "CycleTarget",
    "Finding",
    "FindingSource",
    "PracticeRating",
    "Role",
    "StoredModel",
    "User",
    "business_line_directors",
]
