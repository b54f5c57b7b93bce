"""PMO improvement reviews: the agenda, decisions on several items at once, action items
and the minutes as an Excel workbook."""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from flask_babel import gettext as _
from flask_babel import pgettext
from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from app.extensions import db
from app.services.audit import record_change, snapshot
from app.services.backlog.items import (
    ACTION_LABELS,
    STATUS_LABELS,
    ItemInput,
    change_status,
    save_item,
)
from app.services.backlog.quickwins import KpiView, project_views
from app.services.errors import ServiceError
from app.services.notifications import events as notices
from app.services.outcomes.scorecard import Cell, missed_kpis
from app.services.reports.exports import ReportTable
from app.services.tabular_export import fit_columns, safe_cell
from assessments.kpi import KpiStatus
from assessments.prioritisation import Action, ItemStatus
from models import (
    ActionItem,
    ClusteringRun,
    ImprovementItem,
    Kpi,
    QuickWinProject,
    Review,
    ReviewDecision,
    ReviewKind,
    Theme,
    User,
)

DECISIONS = ("approve", "reject", "defer", "reprioritise")
AGENDA_LIMIT = 50


def create_review(
    actor: User, *, kind: ReviewKind, held_on: date, attendees: str = "", notes: str = ""
) -> Review:
    review = Review(kind=kind, held_on=held_on, attendees=attendees.strip(), notes=notes.strip())
    db.session.add(review)
    db.session.flush()
    record_change(
        actor,
        "create",
        review,
        new=snapshot(review, ("kind", "held_on", "attendees")),
        label=f"{kind.value} {held_on.isoformat()}",
    )
    notices.review_scheduled(actor, review)
    return review


@dataclass
class Agenda:
    waiting: list[ImprovementItem]
    overdue: list[ImprovementItem]
    off_track: list[tuple[QuickWinProject, KpiView]]
    #: Business lines' outcome KPIs missed by their latest value.
    missed_kpis: list[Cell]


def agenda(today: date) -> Agenda:
    """Items waiting for a decision, open items past their planned end, KPIs of running
    quick wins that are off track, and business lines' missed outcome KPIs: seven queries."""
    options = (joinedload(ImprovementItem.business_line), joinedload(ImprovementItem.owner))
    waiting = db.session.scalars(
        select(ImprovementItem)
        .where(ImprovementItem.status == ItemStatus.PROPOSED)
        .options(*options)
        .order_by(ImprovementItem.priority.desc(), ImprovementItem.id)
        .limit(AGENDA_LIMIT)
    ).all()
    overdue = db.session.scalars(
        select(ImprovementItem)
        .where(
            ImprovementItem.status.in_((ItemStatus.APPROVED, ItemStatus.IN_PROGRESS)),
            ImprovementItem.planned_end < today,
        )
        .options(*options)
        .order_by(ImprovementItem.planned_end, ImprovementItem.id)
        .limit(AGENDA_LIMIT)
    ).all()
    running = db.session.scalars(
        select(QuickWinProject)
        .where(QuickWinProject.closed_on.is_(None))
        .options(
            selectinload(QuickWinProject.kpis).selectinload(Kpi.measurements),
            joinedload(QuickWinProject.item),
        )
        .order_by(QuickWinProject.end)
    ).all()
    off_track = [
        (project, view)
        for project in running
        for view in project_views(project, today)
        if view.status is KpiStatus.OFF_TRACK
    ]
    return Agenda(list(waiting), list(overdue), off_track, missed_kpis(today))


def new_themes(review: Review) -> list[Theme]:
    """Themes of published runs created after the day of the previous review, up to this
    review's day (all themes up to it when there was no earlier review), newest first. The
    minutes go to leadership, who never see a draft run's themes."""
    previous = db.session.scalar(
        select(Review.held_on)
        .where(Review.held_on < review.held_on)
        .order_by(Review.held_on.desc())
        .limit(1)
    )
    published = select(ClusteringRun.id).where(ClusteringRun.published_at.is_not(None))
    stmt = select(Theme).where(
        Theme.run_id.in_(published),
        Theme.created_at
        < datetime.combine(review.held_on + timedelta(days=1), time.min, tzinfo=UTC),
    )
    if previous is not None:
        stmt = stmt.where(
            Theme.created_at >= datetime.combine(previous + timedelta(days=1), time.min, tzinfo=UTC)
        )
    return list(
        db.session.scalars(
            stmt.order_by(Theme.created_at.desc(), Theme.id.desc()).limit(AGENDA_LIMIT)
        )
    )


@dataclass(frozen=True)
class DecisionInput:
    item_id: int
    decision: str
    rationale: str = ""
    impact: int | None = None
    urgency: int | None = None
    effort: int | None = None


def decide(actor: User, review: Review, decisions: Sequence[DecisionInput]) -> int:
    """Apply every decision or none: the first refusal raises ``ServiceError`` naming the
    item, and the caller rolls back."""
    if not decisions:
        raise ServiceError(_("Choose a decision for at least one item."))
    items = {
        i.id: i
        for i in db.session.scalars(
            select(ImprovementItem).where(ImprovementItem.id.in_([d.item_id for d in decisions]))
        )
    }
    for decision in decisions:
        item = items.get(decision.item_id)
        if item is None or decision.decision not in DECISIONS:
            raise ServiceError(_("Unknown item or decision."))
        if not decision.rationale.strip():
            raise ServiceError(
                _("“%(title)s”: give the rationale of the decision.", title=item.title)
            )
        old = item.status
        try:
            if decision.decision == "reprioritise":
                save_item(
                    actor,
                    item,
                    ItemInput(
                        title=item.title,
                        description=item.description,
                        business_line_id=item.business_line_id,
                        process_area=item.process_area,
                        impact=decision.impact or item.impact,
                        urgency=decision.urgency or item.urgency,
                        effort=decision.effort or item.effort,
                        owner_id=item.owner_id,
                        planned_start=item.planned_start,
                        planned_end=item.planned_end,
                    ),
                )
            else:
                change_status(
                    actor, item, Action(decision.decision), decision.rationale, today=review.held_on
                )
        except ServiceError as error:
            raise ServiceError(
                _("“%(title)s”: %(message)s", title=item.title, message=error.message)
            ) from error
        review.decisions.append(
            ReviewDecision(
                item=item,
                action=decision.decision,
                rationale=decision.rationale.strip(),
                old_status=old.value,
                new_status=item.status.value,
                **(
                    {"impact": item.impact, "urgency": item.urgency, "effort": item.effort}
                    if decision.decision == "reprioritise"
                    else {}
                ),
            )
        )
    db.session.flush()
    notices.minutes_ready(actor, review)
    return len(decisions)


def add_action(
    actor: User, review: Review, *, title: str, owner_id: int | None, due_on: date
) -> ActionItem:
    if not title.strip():
        raise ServiceError(_("Describe the action."), "title")
    action = ActionItem(title=title.strip(), owner_id=owner_id, due_on=due_on)
    review.actions.append(action)
    db.session.flush()
    record_change(
        actor,
        "create",
        action,
        new={"title": action.title, "owner_id": owner_id, "due_on": due_on.isoformat()},
        label=action.title[:200],
    )
    return action


def mark_action_done(actor: User, action: ActionItem) -> bool:
    """Mark an action item done; False (and nothing recorded) when it already was."""
    if action.done:
        return False
    action.done = True
    db.session.flush()
    record_change(
        actor, "update", action, old={"done": False}, new={"done": True}, label=action.title[:200]
    )
    return True


def load_review(review_id: int) -> Review | None:
    return db.session.scalar(
        select(Review)
        .where(Review.id == review_id)
        .options(
            selectinload(Review.decisions).joinedload(ReviewDecision.item),
            selectinload(Review.actions).joinedload(ActionItem.owner),
        )
    )


def _decision_after(decision: ReviewDecision) -> str:
    """The status after the decision, and a re-prioritisation's new values."""
    status = _status_label(decision.new_status)
    if decision.impact is None:
        return status
    values = _(
        "impact %(impact)s, urgency %(urgency)s, effort %(effort)s",
        impact=decision.impact,
        urgency=decision.urgency,
        effort=decision.effort,
    )
    return f"{status} · {values}"


def _status_label(value: str) -> str:
    try:
        return str(STATUS_LABELS[ItemStatus(value)])
    except ValueError:
        return value


def agenda_tables(review: Review) -> list[ReportTable]:
    """The agenda as it stood on the day of the review: overdue items, KPIs off track and
    the themes that are new since the previous review."""
    today = review.held_on
    current = agenda(today)
    overdue = ReportTable(
        "overdue",
        _("Overdue items"),
        (_("Item"), _("Owner"), _("Planned end"), _("Status")),
        tuple(
            (
                item.title,
                item.owner.display_name if item.owner else "",
                item.planned_end.isoformat() if item.planned_end else "",
                _status_label(item.status.value),
            )
            for item in current.overdue
        ),
    )
    off_track = ReportTable(
        "off_track",
        _("KPIs off track"),
        (_("Project"), _("KPI"), _("Baseline"), _("Latest"), _("Target")),
        tuple(
            (project.item.title, view.kpi.name, view.kpi.baseline, view.latest, view.kpi.target)
            for project, view in current.off_track
        ),
    )
    themes = ReportTable(
        "themes",
        _("New themes"),
        (_("Theme"), _("Findings")),
        tuple((theme.label, theme.size) for theme in new_themes(review)),
    )
    return [overdue, off_track, themes]


def minutes_tables(review: Review, kind_label: str) -> list[ReportTable]:
    """The minutes as tables: the meeting, its agenda, decisions and action items (Excel and
    PDF)."""
    labels = {a.value: str(label) for a, label in ACTION_LABELS.items()}
    labels["reprioritise"] = _("Re-prioritise")
    facts = ReportTable(
        "review",
        _("Meeting"),
        (_("Field"), pgettext("table column", "Value")),
        (
            (_("Kind"), kind_label),
            (_("Date"), review.held_on.isoformat()),
            (_("Attendees"), review.attendees),
            (_("Notes"), review.notes),
        ),
    )
    decisions = ReportTable(
        "decisions",
        _("Decisions"),
        (_("Item"), _("Decision"), _("Rationale"), _("Before"), _("After")),
        tuple(
            (
                d.item.title,
                labels.get(d.action, d.action),
                d.rationale,
                _status_label(d.old_status),
                _decision_after(d),
            )
            for d in review.decisions
        ),
    )
    actions = ReportTable(
        "actions",
        _("Action items"),
        (_("Action"), _("Owner"), _("Due"), _("Done")),
        tuple(
            (
                a.title,
                a.owner.display_name if a.owner else "",
                a.due_on.isoformat(),
                _("Yes") if a.done else _("No"),
            )
            for a in review.actions
        ),
    )
    return [facts, *agenda_tables(review), decisions, actions]


def minutes_xlsx(review: Review, kind_label: str) -> bytes:
    """The minutes: the meeting, the agenda, decisions and action items, one sheet each,
    with column widths that fit their text."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    book.remove(book.worksheets[0])
    for table in minutes_tables(review, kind_label):
        sheet = book.create_sheet(table.sheet_name)
        rows = [list(table.headers)] if table.key != "review" else []  # facts: no header
        rows += [[safe_cell(v) for v in row] for row in table.rows]
        for row in rows:
            sheet.append(row)
        if table.key != "review":
            for cell in sheet[1]:
                cell.font = Font(bold=True)
            sheet.freeze_panes = "A2"
        fit_columns(sheet, rows)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def minutes_pdf(review: Review, kind_label: str) -> bytes:
    """The minutes as PDF, with the meeting's kind and date on every page."""
    from app.services.reports.pdf import tables_pdf

    title = _("Improvement review minutes")
    subtitle = f"{kind_label} · {review.held_on.isoformat()}"
    facts, *tables = minutes_tables(review, kind_label)
    summary = [f"{label}: {value}" for label, value in facts.rows if value]
    return tables_pdf(title=title, subtitle=subtitle, summary=summary, tables=tables)
