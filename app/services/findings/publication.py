"""Published clustering runs: which run everybody sees, and publishing a draft.

A finished run is a draft, seen by the PMO and admins only, until the PMO publishes it. The
latest published run is the **current** one: leadership's themes pages, the dashboard and
the reports show it and nothing else. Publishing carries the PMO's work on the previously
published run over to the new one (``assessments.theme_publication``: renames, merges,
moved and confirmed findings, backlog links) and stores what changed on the run.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from flask import abort
from flask_babel import gettext as _
from sqlalchemy import Select, select, update

from app.extensions import db
from app.services.audit import record_change
from app.services.errors import ServiceError, StaleEdit
from app.services.findings.themes import merge_themes, refresh_stats
from app.services.visibility import MANAGERS
from assessments.theme_publication import Plan, RunTheme, plan_publication
from models import (
    ClusteringRun,
    ImprovementItem,
    Placement,
    RunStatus,
    Theme,
    ThemeFinding,
    User,
)
from models.base import utcnow

#: Placements made by clustering; every other placement is the PMO's and is carried over.
MACHINE_PLACEMENTS = (Placement.CLUSTERING, Placement.ASSIGNED)


def current_run() -> ClusteringRun | None:
    """The run everybody sees: the latest one the PMO published."""
    return db.session.scalar(
        select(ClusteringRun)
        .where(ClusteringRun.published_at.is_not(None))
        .order_by(ClusteringRun.published_at.desc(), ClusteringRun.id.desc())
        .limit(1)
    )


def current_run_id() -> Select[int]:
    """The current run's id, as a scalar subquery for report queries."""
    return (
        select(ClusteringRun.id)
        .where(ClusteringRun.published_at.is_not(None))
        .order_by(ClusteringRun.published_at.desc(), ClusteringRun.id.desc())
        .limit(1)
    )


def sees_drafts(user: User) -> bool:
    return user.role in MANAGERS


def can_view_run(user: User, run: ClusteringRun) -> bool:
    """The PMO and admins see every run; everyone else only published ones."""
    return sees_drafts(user) or run.published


def visible_runs(user: User) -> Select[ClusteringRun]:
    stmt = select(ClusteringRun).order_by(ClusteringRun.id.desc())
    return stmt if sees_drafts(user) else stmt.where(ClusteringRun.published_at.is_not(None))


def visible_run_or_404(user: User, run_id: int) -> ClusteringRun:
    """The run, or 404 when it does not exist or is a draft ``user`` may not see."""
    run = db.session.get(ClusteringRun, run_id)
    if run is None or not can_view_run(user, run):
        abort(404)
    return run


def visible_theme_or_404(user: User, theme_id: int) -> Theme:
    theme = db.session.get(Theme, theme_id)
    if theme is None or not can_view_run(user, theme.run):
        abort(404)
    return theme


# ---------------------------------------------------------------------------- publishing


def _run_themes(run: ClusteringRun) -> list[RunTheme]:
    members: dict[int, set[int]] = defaultdict(set)
    for theme_id, finding_id in db.session.execute(
        select(ThemeFinding.theme_id, ThemeFinding.finding_id).where(ThemeFinding.run_id == run.id)
    ):
        members[theme_id].add(finding_id)
    return [
        RunTheme(
            theme.id,
            theme.label,
            frozenset(members.get(theme.id, ())),
            label_edited=theme.label_edited,
            merged=len(theme.cluster_ids) > 1,  # a PMO merge joins the clusters' ids
        )
        for theme in run.themes
    ]


def _check_publishable(run: ClusteringRun) -> ClusteringRun | None:
    """The run published before; refuses a run that cannot be published."""
    if run.status is not RunStatus.DONE:
        raise ServiceError(_("Only a finished run can be published."))
    previous = current_run()
    if previous is not None and previous.id == run.id:
        raise ServiceError(_("This run is already the published one."))
    return previous


def publication_plan(run: ClusteringRun) -> Plan:
    """What publishing ``run`` would carry over and change (the draft's preview)."""
    previous = _check_publishable(run)
    return _plan(run, previous)


def _plan(run: ClusteringRun, previous: ClusteringRun | None) -> Plan:
    if previous is None:
        return plan_publication([], _run_themes(run))
    placements = {
        finding_id: placed_by.value
        for finding_id, placed_by in db.session.execute(
            select(ThemeFinding.finding_id, ThemeFinding.placed_by).where(
                ThemeFinding.run_id == previous.id,
                ThemeFinding.placed_by.not_in(MACHINE_PLACEMENTS),
            )
        )
    }
    items: dict[int, list[int]] = defaultdict(list)
    for item_id, theme_id in db.session.execute(
        select(ImprovementItem.id, ImprovementItem.theme_id)
        .join(Theme, Theme.id == ImprovementItem.theme_id)
        .where(Theme.run_id == previous.id)
    ):
        if theme_id is not None:  # the join keeps only linked items
            items[theme_id].append(item_id)
    return plan_publication(
        _run_themes(previous),
        _run_themes(run),
        placements=placements,
        items=items,
        previous_run_id=previous.id,
    )


def publish_run(actor: User, run: ClusteringRun) -> dict[str, Any]:
    """Publish ``run``: it becomes the current run, with the PMO's work on the run published
    before carried over; returns (and stores on the run) what changed. Flushes."""
    # One publication at a time (PostgreSQL): the run and the current run are locked while the
    # plan is made; a publication that committed meanwhile is noticed after the lock.
    db.session.refresh(run, with_for_update=True)
    previous = _check_publishable(run)
    if previous is not None:
        db.session.refresh(previous, with_for_update=True)
        now_current = current_run()
        if now_current is None or now_current.id != previous.id:
            raise StaleEdit(_("Another run was published meanwhile. Reload and try again."))
    plan = _plan(run, previous)
    themes = {theme.id: theme for theme in run.themes}
    for absorbed, kept in plan.merges.items():
        merge_themes(actor, themes[kept], themes.pop(absorbed))
    for theme_id, label in plan.renames.items():
        themes[theme_id].label, themes[theme_id].label_edited = label[:200], True
    for theme_id, label in plan.relabels.items():
        themes[theme_id].label = label[:200]
    by_target: dict[tuple[int, str], list[int]] = defaultdict(list)
    for finding_id, target in plan.placements.items():
        by_target[target].append(finding_id)
    for (theme_id, placement), finding_ids in sorted(by_target.items()):
        db.session.execute(
            update(ThemeFinding)
            .where(ThemeFinding.run_id == run.id, ThemeFinding.finding_id.in_(finding_ids))
            .values(theme_id=theme_id, placed_by=Placement(placement), confidence=1.0)
            .execution_options(synchronize_session=False)
        )
    _relink_items(actor, plan.items)
    db.session.flush()
    refresh_stats(list(themes.values()))
    for theme in themes.values():
        theme.version += 1
    changes = plan.changes.as_dict()
    run.published_at, run.published_by_id, run.changes = utcnow(), actor.id, changes
    db.session.flush()
    record_change(
        actor,
        "publish",
        run,
        new={
            "previous_run": changes["previous_run_id"],
            "renamed": len(changes["renamed"]),
            "merged": len(changes["merged"]),
            "findings_carried": changes["findings_carried"],
            "items_relinked": [row["id"] for row in changes["items_relinked"]],
            "items_kept": [row["id"] for row in changes["items_kept"]],
        },
        label=f"run {run.id}",
    )
    return changes


def _relink_items(actor: User, relinks: dict[int, int]) -> None:
    """Backlog items of a matched old theme now answer the new theme (audited per item)."""
    if not relinks:
        return
    items = db.session.scalars(
        select(ImprovementItem).where(ImprovementItem.id.in_(relinks)).order_by(ImprovementItem.id)
    )
    for item in items:
        old = item.theme_id
        item.theme_id = relinks[item.id]
        record_change(
            actor,
            "update",
            item,
            old={"theme_id": old},
            new={"theme_id": item.theme_id},
            label=item.title,
        )
