"""What waits for a user on the home page: items to start, measurements due, overdue
actions. A fixed number of queries whatever the size of the backlog."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app.extensions import db
from assessments.kpi import measurement_due
from assessments.prioritisation import ItemStatus
from models import ActionItem, ImprovementItem, Kpi, QuickWinProject, User

LIMIT = 10


@dataclass
class MyWork:
    to_start: list[ImprovementItem]
    measurements_due: list[tuple[QuickWinProject, Kpi]]
    overdue_actions: list[ActionItem]

    @property
    def empty(self) -> bool:
        return not (self.to_start or self.measurements_due or self.overdue_actions)


def waiting_for(user: User, today: date) -> MyWork:
    to_start = db.session.scalars(
        select(ImprovementItem)
        .where(
            ImprovementItem.owner_id == user.id,
            ImprovementItem.status == ItemStatus.APPROVED,
            ~select(QuickWinProject.id)
            .where(QuickWinProject.item_id == ImprovementItem.id)
            .exists(),
        )
        .order_by(ImprovementItem.priority.desc(), ImprovementItem.id)
        .limit(LIMIT)
    ).all()
    projects = db.session.scalars(
        select(QuickWinProject)
        .where(QuickWinProject.owner_id == user.id, QuickWinProject.closed_on.is_(None))
        .options(
            selectinload(QuickWinProject.kpis).selectinload(Kpi.measurements),
            selectinload(QuickWinProject.item),
        )
        .order_by(QuickWinProject.end)
        .limit(LIMIT)
    ).all()
    due = [
        (project, kpi)
        for project in projects
        for kpi in project.kpis
        if measurement_due(
            kpi.measurements[-1].measured_on if kpi.measurements else None,
            project.start,
            project.end,
            today,
        )
    ]
    overdue = db.session.scalars(
        select(ActionItem)
        .where(
            ActionItem.owner_id == user.id,
            ActionItem.done.is_(False),
            ActionItem.due_on < today,
        )
        .order_by(ActionItem.due_on)
        .limit(LIMIT)
    ).all()
    return MyWork(list(to_start), due, list(overdue))
