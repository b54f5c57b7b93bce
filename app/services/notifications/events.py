"""The events Ladder tells people about, each with its recipients.

Each function is called by the service that made the change, inside its transaction, and
chooses recipients who may see the object: the directors of the business line, the PMO, the
owner of an item. The actor is never told about their own action.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping

from flask import current_app

from app.services.notifications.center import active_users, notify
from models import (
    Assessment,
    ClusteringRun,
    ImprovementItem,
    NotificationKind,
    Review,
    Role,
    User,
)
from models.base import utcnow


def path_for(endpoint: str, **values: object) -> str:
    """A Ladder path for a notification's link, also outside a request (CLI, jobs)."""
    return str(current_app.url_map.bind("").build(endpoint, values))


def _assessment_label(assessment: Assessment) -> str:
    return f"{assessment.cycle.name} / {assessment.business_line.name}"


def _assessment_link(assessment: Assessment) -> str:
    return path_for("cycles.assessment", assessment_id=assessment.id)


def _tell_directors(
    kind: NotificationKind, actor: User | None, assessment: Assessment, **params: object
) -> None:
    notify(
        kind,
        assessment.business_line.directors,
        {"assessment": _assessment_label(assessment), **params},
        _assessment_link(assessment),
        business_line_id=assessment.business_line_id,
        actor=actor,
    )


def assessment_opened(actor: User | None, assessment: Assessment) -> None:
    _tell_directors(
        NotificationKind.ASSESSMENT_OPENED, actor, assessment, due=assessment.cycle.end.isoformat()
    )


def assessment_submitted(actor: User, assessment: Assessment) -> None:
    notify(
        NotificationKind.ASSESSMENT_SUBMITTED,
        active_users(Role.PMO),
        {"assessment": _assessment_label(assessment), "actor": actor.display_name},
        _assessment_link(assessment),
        business_line_id=assessment.business_line_id,
        actor=actor,
    )


def assessment_returned(
    actor: User, assessment: Assessment, comment: str, practice_comments: Mapping[str, str]
) -> None:
    """The directors hear why, with the number of comments per process area."""
    areas = Counter(pid.split(".", 1)[0] for pid, text in practice_comments.items() if text.strip())
    _tell_directors(
        NotificationKind.ASSESSMENT_RETURNED, actor, assessment, comment=comment, areas=dict(areas)
    )


def assessment_validated(actor: User, assessment: Assessment) -> None:
    _tell_directors(
        NotificationKind.ASSESSMENT_VALIDATED,
        actor,
        assessment,
        level=assessment.maturity_level or 1,
    )


def _item_link(item: ImprovementItem) -> str:
    return path_for("backlog.item", item_id=item.id)


def item_assigned(actor: User | None, item: ImprovementItem) -> None:
    if item.owner is None:
        return
    notify(
        NotificationKind.ITEM_ASSIGNED,
        [item.owner],
        {"title": item.title},
        _item_link(item),
        business_line_id=item.business_line_id,
        company_wide=True,
        actor=actor,
        bots=False,
    )


def item_status_changed(actor: User, item: ImprovementItem) -> None:
    notify(
        NotificationKind.ITEM_STATUS,
        [item.owner] if item.owner else [],
        {"title": item.title, "status": item.status.value, "reason": item.status_reason},
        _item_link(item),
        business_line_id=item.business_line_id,
        company_wide=True,
        actor=actor,
    )


def review_scheduled(actor: User, review: Review) -> None:
    notify(
        NotificationKind.REVIEW_SCHEDULED,
        active_users(Role.PMO, Role.LEADERSHIP),
        {"date": review.held_on.isoformat(), "attendees": review.attendees},
        path_for("reviews.review", review_id=review.id),
        company_wide=True,
        actor=actor,
    )


def minutes_ready(actor: User, review: Review) -> None:
    notify(
        NotificationKind.MINUTES_READY,
        active_users(Role.PMO, Role.LEADERSHIP),
        {"date": review.held_on.isoformat()},
        path_for("reviews.review", review_id=review.id),
        company_wide=True,
        actor=actor,
    )


def clustering_finished(
    run: ClusteringRun, started_by: User | None, *, failed: bool = False, error: str = ""
) -> None:
    """The PMO member who started the run hears that it is done (or failed)."""
    if started_by is None:
        return
    notify(
        NotificationKind.CLUSTERING_DONE,
        [started_by],
        {"k": run.k, "failed": failed, "error": error, "at": utcnow().isoformat()},
        path_for("themes.run", run_id=run.id),
        company_wide=True,
        bots=False,
    )
