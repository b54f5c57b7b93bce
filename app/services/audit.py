"""Record changes in the audit trail. Later areas call ``record_change`` for every change
to assessments, backlog items and KPIs."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, datetime
from enum import Enum
from typing import Any

from app.extensions import db
from models import AuditEvent, User


def _plain(value: Any) -> Any:
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, list | tuple | set | frozenset):
        return [_plain(v) for v in value]
    return value


def snapshot(obj: Any, fields: Iterable[str]) -> dict[str, Any]:
    """Plain JSON-able values of ``fields`` on ``obj``, for the old/new sides of a change."""
    return {name: _plain(getattr(obj, name)) for name in fields}


def diff(old: Mapping[str, Any], new: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    """``{field: {"old": ..., "new": ...}}`` for the fields whose value changed."""
    return {
        key: {"old": old.get(key), "new": new.get(key)}
        for key in sorted(set(old) | set(new))
        if old.get(key) != new.get(key)
    }


def record_change(
    actor: User | None,
    action: str,
    obj: Any,
    *,
    old: Mapping[str, Any] | None = None,
    new: Mapping[str, Any] | None = None,
    label: str | None = None,
) -> AuditEvent | None:
    """Add an audit event for ``obj``; an update that changed nothing records nothing."""
    changes = diff(old or {}, new or {})
    if action == "update" and not changes:
        return None
    event = AuditEvent(
        actor_id=actor.id if actor is not None else None,
        action=action,
        object_type=type(obj).__name__,
        object_id=str(obj.id),
        object_label=(
            label
            if label is not None
            else str(
                getattr(obj, "code", "")
                or getattr(obj, "email", "")
                or getattr(obj, "name", "")
                or obj.id
            )
        )[:200],
        changes=changes,
    )
    db.session.add(event)
    return event
