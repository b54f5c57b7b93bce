"""Factories shared by the backlog, quick-win and review tests."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import Flask

from app.extensions import db
from app.services.backlog.items import ItemInput, change_status, save_item
from assessments.prioritisation import Action
from models import ImprovementItem, User


def make_item(
    app: Flask,
    title: str = "统一需求变更流程",
    *,
    actor_id: int | None = None,
    actions: tuple[str, ...] = (),
    **fields: Any,
) -> int:
    """An item saved through the service (so priority and the quick-win flag are set),
    then moved by ``actions`` taken by the user ``actor_id`` (an admin or the PMO)."""
    with app.app_context():
        actor = db.session.get(User, actor_id) if actor_id else None
        item = save_item(actor, None, ItemInput(title=title, **fields))  # type: ignore[arg-type]  # loose test kwargs
        for action in actions:
            assert actor is not None, "status actions need an actor"
            change_status(actor, item, Action(action), "理由", today=date(2026, 1, 5))
        db.session.commit()
        return item.id


def load_item(app: Flask, item_id: int) -> ImprovementItem:
    with app.app_context():
        item = db.session.get(ImprovementItem, item_id)
        assert item is not None
        db.session.expunge(item)
        return item
