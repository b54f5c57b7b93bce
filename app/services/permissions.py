"""One rule per resource: who may see or change what."""

from __future__ import annotations

from flask import abort
from sqlalchemy import Select, select

from app.extensions import db
from models import BusinessLine, Role, User, business_line_directors

MANAGERS = (Role.ADMIN, Role.PMO)


def can_view_business_line(user: User, business_line: BusinessLine) -> bool:
    if user.role is Role.DIRECTOR:
        return any(d.id == user.id for d in business_line.directors)
    return True


def visible_business_lines(user: User) -> Select[BusinessLine]:
    """A select of the business lines ``user`` may see; directors see only their own."""
    stmt = select(BusinessLine)
    if user.role is Role.DIRECTOR:
        stmt = stmt.join(business_line_directors).where(
            business_line_directors.c.user_id == user.id
        )
    return stmt


def get_visible_business_line_or_404(user: User, business_line_id: int) -> BusinessLine:
    """404, not 403, for a business line the user may not see: its existence is private."""
    business_line = db.session.get(BusinessLine, business_line_id)
    if business_line is None or not can_view_business_line(user, business_line):
        abort(404)
    return business_line


def can_manage_user(actor: User, target: User | None) -> bool:
    """Admins manage everyone; the PMO manages everyone but admins."""
    if actor.role is Role.ADMIN:
        return True
    if actor.role is Role.PMO:
        return target is None or target.role is not Role.ADMIN
    return False
