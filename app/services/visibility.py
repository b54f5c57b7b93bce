"""Who sees which business lines: the one rule, and the role sets, written once.

Directors see the business lines they lead and what belongs to them; every other role sees
every line. Rows tied to a line (assessments, findings, backlog items, quick-win projects)
follow their line; "company-wide" rows, tied to none, are seen by everyone where the caller
says so (``company_wide=True``). A line, or a row of one, that a user may not see answers
404, not 403: its existence is private.
"""

from __future__ import annotations

from typing import Any, TypeVar

from flask import abort
from sqlalchemy import ColumnElement, Select, SQLColumnExpression, false, or_, select

from app.extensions import db
from models import BusinessLine, Role, User, business_line_directors

#: Run cycles, manage the organisation, review assessments, decide on the backlog.
MANAGERS = (Role.ADMIN, Role.PMO)
#: Read every business line's results: the managers and leadership.
READERS = (*MANAGERS, Role.LEADERSHIP)

S = TypeVar("S", bound=Select[Any])


#: Roles limited to their own business lines. A respondent belongs to lines too, but leads
#: none: they see only what is assigned to them (``app/services/assessments/respondents.py``).
LINE_BOUND = (Role.DIRECTOR, Role.RESPONDENT)


def sees_every_line(user: User) -> bool:
    return user.role not in LINE_BOUND


def leads(user: User, business_line_id: int | None) -> bool:
    """``user`` is one of the directors of the line (loaded from ``user.business_lines``)."""
    return (
        user.role is Role.DIRECTOR
        and business_line_id is not None
        and any(line.id == business_line_id for line in user.business_lines)
    )


def can_view_line_of(
    user: User, business_line_id: int | None, *, company_wide: bool = False
) -> bool:
    """May ``user`` see a row of this business line (``None``: a company-wide row)?"""
    if sees_every_line(user) or (company_wide and business_line_id is None):
        return True
    return leads(user, business_line_id)


def can_view_business_line(user: User, business_line: BusinessLine) -> bool:
    return can_view_line_of(user, business_line.id)


def led_line_ids(user: User) -> Select[int]:
    """The ids of the business lines ``user`` leads, as a subquery to filter by."""
    return select(business_line_directors.c.business_line_id).where(
        business_line_directors.c.user_id == user.id
    )


def visible_clause(
    user: User, column: SQLColumnExpression[Any], *, company_wide: bool = False
) -> ColumnElement[bool] | None:
    """The condition on a business-line id ``column`` for what ``user`` sees; None: all."""
    if sees_every_line(user):
        return None
    if user.role is Role.RESPONDENT:
        return false()
    mine = column.in_(led_line_ids(user))
    return or_(column.is_(None), mine) if company_wide else mine


def restrict_to_visible(
    stmt: S, user: User, column: SQLColumnExpression[Any], *, company_wide: bool = False
) -> S:
    """``stmt`` limited to the rows whose business line (``column``) ``user`` may see."""
    clause = visible_clause(user, column, company_wide=company_wide)
    return stmt if clause is None else stmt.where(clause)


def visible_business_lines(user: User) -> Select[BusinessLine]:
    """A select of the business lines ``user`` may see; directors see only their own."""
    return restrict_to_visible(select(BusinessLine), user, BusinessLine.id)


def get_visible_business_line(user: User, business_line_id: int) -> BusinessLine | None:
    line = db.session.get(BusinessLine, business_line_id)
    return line if line is not None and can_view_business_line(user, line) else None


def get_visible_business_line_or_404(user: User, business_line_id: int) -> BusinessLine:
    line = get_visible_business_line(user, business_line_id)
    if line is None:
        abort(404)
    return line
