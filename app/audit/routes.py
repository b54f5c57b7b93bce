from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from flask import Response, render_template, request
from flask_babel import gettext as _
from sqlalchemy import Select, select
from sqlalchemy.orm import selectinload

from app.audit import bp
from app.extensions import db
from app.pagination import paginate
from app.security import roles
from app.services.tabular_export import MAX_EXPORT_ROWS, table_response
from models import AuditEvent, Role, User


def _parse_day(value: str) -> date | None:
    try:
        return date.fromisoformat(value)
    except ValueError:
        return None


def _filters() -> dict[str, str]:
    return {
        key: request.args.get(key, "").strip()[:100]
        for key in ("object_type", "actor", "q", "since", "until")
    }


def _events_statement(filters: dict[str, str]) -> Select[AuditEvent]:
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
    return stmt.order_by(AuditEvent.at.desc(), AuditEvent.id.desc())


@bp.route("/")
@roles(Role.ADMIN)
def events() -> str:
    filters = _filters()
    page = paginate(_events_statement(filters))
    return render_template("audit/events.html", page=page, filters=filters, types=_object_types())


def _changes_text(changes: dict[str, Any]) -> str:
    def shown(value: Any) -> str:
        return "∅" if value is None else str(value)

    return "; ".join(
        f"{key}: {shown(change.get('old'))} → {shown(change.get('new'))}"
        for key, change in changes.items()
    )


@bp.route("/export")
@roles(Role.ADMIN)
def export() -> Response:
    stmt = _events_statement(_filters()).limit(MAX_EXPORT_ROWS)
    headers = [_("When"), _("Who"), _("Action"), _("Object"), _("Object name"), _("Changes")]
    rows = (
        [
            event.at.strftime("%Y-%m-%d %H:%M:%S"),
            event.actor.email if event.actor else _("system"),
            event.action,
            f"{event.object_type} #{event.object_id}",
            event.object_label,
            _changes_text(event.changes or {}),
        ]
        for event in db.session.scalars(stmt)
    )
    return table_response("audit-trail", headers, rows, request.args.get("format", ""))


def _object_types() -> list[str]:
    return list(
        db.session.scalars(
            select(AuditEvent.object_type).distinct().order_by(AuditEvent.object_type)
        )
    )
