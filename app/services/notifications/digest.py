"""The daily digest (``ladder remind``): what waits for each person today.

For every active person it gathers what is theirs to do — assessments to fill or to review,
backlog items they own that are overdue, quick-win KPIs whose measurement is due — writes one
overdue or KPI-due notification per new thing, and one digest (in-app, and by mail when they
keep the digest on). Run twice on the same day, it writes nothing new.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta, tzinfo

from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from app.extensions import db
from app.services.notifications.center import notify, queue_mail, settings_of
from app.services.notifications.events import path_for
from app.services.visibility import can_view_line_of
from assessments.prioritisation import ItemStatus
from models import (
    Assessment,
    AssessmentStatus,
    Cycle,
    CycleStatus,
    ImprovementItem,
    Kpi,
    KpiMeasurement,
    Notification,
    NotificationKind,
    QuickWinProject,
    Role,
    User,
)

#: A quick-win KPI is due for a measurement when its latest is older than this.
MEASUREMENT_INTERVAL = timedelta(days=30)
OPEN_ITEM = (ItemStatus.APPROVED, ItemStatus.IN_PROGRESS, ItemStatus.PROPOSED)


@dataclass
class Due:
    to_fill: list[Assessment] = field(default_factory=list)
    to_review: list[Assessment] = field(default_factory=list)
    overdue: list[ImprovementItem] = field(default_factory=list)
    kpis: list[Kpi] = field(default_factory=list)

    @property
    def count(self) -> int:
        return len(self.to_fill) + len(self.to_review) + len(self.overdue) + len(self.kpis)


@dataclass
class RemindReport:
    people: int = 0
    digests: int = 0
    notices: int = 0


def _open_assessments() -> list[Assessment]:
    return list(
        db.session.scalars(
            select(Assessment)
            .join(Cycle)
            .where(Cycle.status == CycleStatus.OPEN)
            .options(selectinload(Assessment.cycle), selectinload(Assessment.business_line))
        )
    )


def _due_for(user: User, assessments: list[Assessment], today: date) -> Due:
    due = Due()
    lines = {line.id for line in user.business_lines}
    for assessment in assessments:
        if (
            user.role is Role.DIRECTOR
            and assessment.business_line_id in lines
            and (assessment.status in (AssessmentStatus.DRAFT, AssessmentStatus.RETURNED))
        ):
            due.to_fill.append(assessment)
        if user.role is Role.PMO and assessment.status is AssessmentStatus.SUBMITTED:
            due.to_review.append(assessment)
    due.overdue = [
        item
        for item in db.session.scalars(
            select(ImprovementItem).where(
                ImprovementItem.owner_id == user.id,
                ImprovementItem.status.in_(OPEN_ITEM),
                ImprovementItem.planned_end < today,
            )
        )
        if can_view_line_of(user, item.business_line_id, company_wide=True)
    ]
    latest = (
        select(KpiMeasurement.kpi_id, func.max(KpiMeasurement.measured_on).label("last"))
        .group_by(KpiMeasurement.kpi_id)
        .subquery()
    )
    rows = db.session.execute(
        select(Kpi, latest.c.last)
        .join(QuickWinProject, Kpi.project_id == QuickWinProject.id)
        .outerjoin(latest, latest.c.kpi_id == Kpi.id)
        .where(QuickWinProject.owner_id == user.id, QuickWinProject.closed_on.is_(None))
    )
    due.kpis = [kpi for kpi, last in rows if last is None or today - last >= MEASUREMENT_INTERVAL]
    return due


def _already(user: User, kind: NotificationKind, link: str, since: datetime) -> bool:
    return bool(
        db.session.scalar(
            select(func.count())
            .select_from(Notification)
            .where(
                Notification.user_id == user.id,
                Notification.kind == kind,
                Notification.link == link,
                Notification.created_at >= since,
            )
        )
    )


def _label(assessment: Assessment) -> str:
    return " / ".join((assessment.cycle.name, assessment.business_line.name))


def _lines(due: Due) -> list[str]:
    lines = [_("Fill in and submit: %(assessment)s", assessment=_label(a)) for a in due.to_fill]
    lines += [_("Review: %(assessment)s", assessment=_label(a)) for a in due.to_review]
    lines += [
        _(
            "Overdue since %(due)s: %(title)s",
            due=i.planned_end.isoformat() if i.planned_end else "",
            title=i.title,
        )
        for i in due.overdue
    ]
    lines += [
        _("Measure %(kpi)s of “%(project)s”", kpi=k.name, project=k.project.item.title)
        for k in due.kpis
    ]
    return lines


def remind(now: datetime, zone: tzinfo) -> RemindReport:
    """Write today's reminders and digests; the caller commits.

    "Today" is the date in the company's time zone (``zone``), and so is the midnight that
    starts it: a run just after local midnight, while UTC is still on yesterday, starts a
    new day and a second run the same local day writes nothing new.
    """
    report = RemindReport()
    today = now.astimezone(zone).date()
    start_of_day = datetime.combine(today, time.min, tzinfo=zone).astimezone(UTC)
    assessments = _open_assessments()
    people = db.session.scalars(
        select(User).where(User.active.is_(True)).options(selectinload(User.business_lines))
    )
    for user in people:
        due = _due_for(user, assessments, today)
        if not due.count:
            continue
        report.people += 1
        for item in due.overdue:
            link = path_for("backlog.item", item_id=item.id)
            if not _already(user, NotificationKind.ITEM_OVERDUE, link, now - timedelta(days=7)):
                notify(
                    NotificationKind.ITEM_OVERDUE,
                    [user],
                    {
                        "title": item.title,
                        "due": item.planned_end.isoformat() if item.planned_end else "",
                    },
                    link,
                    business_line_id=item.business_line_id,
                    company_wide=True,
                    bots=False,
                )
                report.notices += 1
        for kpi in due.kpis:
            link = path_for("quickwins.project", project_id=kpi.project_id)
            if not _already(user, NotificationKind.KPI_DUE, link, now - MEASUREMENT_INTERVAL):
                notify(
                    NotificationKind.KPI_DUE,
                    [user],
                    {"kpi": kpi.name, "project": kpi.project.item.title},
                    link,
                    business_line_id=kpi.project.business_line_id,
                    company_wide=True,
                    bots=False,
                )
                report.notices += 1
        if _already(user, NotificationKind.DIGEST, "/", start_of_day):
            continue
        with force_locale(user.locale):
            lines = _lines(due)
        params = {"count": due.count, "lines": lines}
        db.session.add(
            Notification(user_id=user.id, kind=NotificationKind.DIGEST, params=params, link="/")
        )
        if settings_of(user).digest:
            queue_mail(user, NotificationKind.DIGEST, params, "/")
        report.digests += 1
    db.session.flush()
    return report
