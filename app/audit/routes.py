from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from flask import render_template, request
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app.audit import bp
from app.extensions import db
from app.pagination import paginate
from app.security import roles
from models import AuditEvent, Role, User


def _parse_day(value: str) -> date | None:
    try:
        return date.fromisoformat(value)
    except ValueError:
        return None


@bp.route("/")
@roles(Role.ADMIN)
def events() -> str:
    filters = {
        key: request.args.get(key, "").strip()[:100]
        for key in ("object_type", "actor", "q", "since", "until")
    }
    stmt = select(AuditEvent).options(selectinload(AuditEvent.actor))
    if filters["object_type"]:
        stmt = stmt.where(AuditEvent.object_type == filters["object_type"])
    if filters["actor"]:
        stmt = stmt.join(User, AuditEvent.actor_id == User.id).where(
            User.email.icontains(filters["actor"], autoescape=True)
        )
    if filters["q"]:
        stmt = stmt.where(AuditEvent.object_label.icontains(filters["q"], autoescape=True))
    if since := _parse_day(filters["since"]):
        stmt = stmt.where(AuditEvent.at >= datetime.combine(since, time.min, tzinfo=UTC))
    if until := _parse_day(filters["until"]):
        stmt = stmt.where(
            AuditEvent.at < datetime.combine(until + timedelta(days=1), time.min, tzinfo=UTC)
        )
    page = paginate(stmt.order_by(AuditEvent.at.desc(), AuditEvent.id.desc()))
    return render_template("audit/events.html", page=page, filters=filters, types=_object_types())


def _object_types() -> list[str]:
    return list(
        db.session.scalars(
            select(AuditEvent.object_type).distinct().order_by(AuditEvent.object_type)
        )
    )
