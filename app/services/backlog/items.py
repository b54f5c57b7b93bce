"""The improvement backlog: who sees and edits which item, saving items with a version
check, creating an item from a gap finding, status changes, and the quick-win rule.

Priority and the quick-win flag are stored (so lists sort and filter in SQL) and recomputed
on every save; editing the rule recomputes the flag of every item.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from flask import abort
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, select, update

from app.extensions import db
from app.services.audit import record_change, snapshot
from app.services.errors import ServiceError, StaleEdit
from app.services.notifications import events as notices
from app.services.visibility import MANAGERS, can_view_line_of, restrict_to_visible
from assessments.outcomes import ScoreChange, area_score_change
from assessments.prioritisation import (
    Action,
    Actor,
    ItemStatus,
    QuickWinRule,
    TransitionRefused,
    allowed_actions,
    is_quick_win,
    priority,
    transition,
)
from models import (
    Assessment,
    BusinessLine,
    Finding,
    FindingSource,
    ImprovementItem,
    QuickWinRuleSetting,
    Theme,
    ThemeFinding,
    User,
)
from models.base import utcnow

ITEM_FIELDS = (
    "title",
    "description",
    "business_line_id",
    "process_area",
    "impact",
    "urgency",
    "effort",
    "owner_id",
    "planned_start",
    "planned_end",
)
STATUS_LABELS = {
    ItemStatus.PROPOSED: _l("Proposed"),
    ItemStatus.APPROVED: _l("Approved"),
    ItemStatus.IN_PROGRESS: _l("In progress"),
    ItemStatus.DONE: _l("Done"),
    ItemStatus.VERIFIED: _l("Verified"),
    ItemStatus.REJECTED: _l("Rejected"),
    ItemStatus.DEFERRED: _l("Deferred"),
}
ACTION_LABELS = {
    Action.APPROVE: _l("Approve"),
    Action.REJECT: _l("Reject"),
    Action.DEFER: _l("Defer"),
    Action.REOPEN: _l("Reopen"),
    Action.START: _l("Start"),
    Action.FINISH: _l("Mark done"),
    Action.VERIFY: _l("Verify"),
}
#: Statuses that still wait for work or a decision; "overdue" and the board use them.
OPEN_STATUSES = (ItemStatus.PROPOSED, ItemStatus.APPROVED, ItemStatus.IN_PROGRESS)


# ----------------------------------------------------------------------- the rule


def current_rule() -> QuickWinRule:
    row = db.session.scalar(select(QuickWinRuleSetting).limit(1))
    if row is None:
        return QuickWinRule()
    return QuickWinRule(row.min_impact, row.max_effort, row.max_weeks)


def rule_setting() -> QuickWinRuleSetting:
    row = db.session.scalar(select(QuickWinRuleSetting).limit(1))
    if row is None:
        default = QuickWinRule()
        row = QuickWinRuleSetting(
            min_impact=default.min_impact,
            max_effort=default.max_effort,
            max_weeks=default.max_weeks,
        )
        db.session.add(row)
        db.session.flush()
    return row


def save_rule(
    actor: User, *, min_impact: int, max_effort: int, max_weeks: int, version: int | None = None
) -> int:
    """Change the thresholds and re-mark every item; returns how many items are candidates."""
    try:
        rule = QuickWinRule(min_impact, max_effort, max_weeks)
    except ValueError as error:
        raise ServiceError(_("Thresholds out of range: %(error)s", error=str(error))) from error
    row = rule_setting()
    before = snapshot(row, ("min_impact", "max_effort", "max_weeks"))
    if version is not None and version != row.version:
        raise StaleEdit(
            _("Someone else changed the rule after you opened it. Review and save again."),
            {k: {"saved": v, "yours": None} for k, v in before.items()},
        )
    row.min_impact, row.max_effort, row.max_weeks = min_impact, max_effort, max_weeks
    db.session.flush()
    record_change(
        actor,
        "update",
        row,
        old=before,
        new=snapshot(row, ("min_impact", "max_effort", "max_weeks")),
        label="quick-win rule",
    )
    return remark_quick_wins(rule)


def remark_quick_wins(rule: QuickWinRule) -> int:
    """Recompute the quick-win flag of every item in two bulk updates."""
    rows = db.session.execute(
        select(
            ImprovementItem.id,
            ImprovementItem.impact,
            ImprovementItem.effort,
            ImprovementItem.planned_start,
            ImprovementItem.planned_end,
        )
    ).all()
    yes = [r.id for r in rows if is_quick_win(rule, r.impact, r.effort, *_dates(r))]
    no = [r.id for r in rows if r.id not in set(yes)]
    for ids, flag in ((yes, True), (no, False)):
        for start in range(0, len(ids), 500):
            db.session.execute(
                update(ImprovementItem)
                .where(ImprovementItem.id.in_(ids[start : start + 500]))
                .values(quick_win=flag),
                execution_options={"synchronize_session": False},
            )
    db.session.expire_all()
    return len(yes)


def _dates(row: Any) -> tuple[date | None, date | None]:
    start, end = row.planned_start, row.planned_end
    if start is not None and end is not None and end < start:
        return None, None
    return start, end


# -------------------------------------------------------------------- visibility


def visible_items(user: User) -> Select[ImprovementItem]:
    """Directors see the items of their business lines and company-wide ones."""
    return restrict_to_visible(
        select(ImprovementItem), user, ImprovementItem.business_line_id, company_wide=True
    )


def can_view_item(user: User, item: ImprovementItem) -> bool:
    return can_view_line_of(user, item.business_line_id, company_wide=True)


def get_visible_item_or_404(user: User, item_id: int) -> ImprovementItem:
    item = db.session.get(ImprovementItem, item_id)
    if item is None or not can_view_item(user, item):
        abort(404)
    return item


def can_edit_item(user: User, item: ImprovementItem | None) -> bool:
    """PMO and admins edit every item; an owner edits their own."""
    if user.role in MANAGERS:
        return True
    return item is not None and item.owner_id == user.id


def actor_for(user: User, item: ImprovementItem) -> Actor:
    return Actor(user.role.value, is_owner=item.owner_id == user.id)


def actions_for(user: User, item: ImprovementItem) -> list[Action]:
    return allowed_actions(item.status, actor_for(user, item))


# -------------------------------------------------------------------------- saving


@dataclass(frozen=True)
class ItemInput:
    title: str
    description: str = ""
    business_line_id: int | None = None
    process_area: str | None = None
    impact: int = 3
    urgency: int = 3
    effort: int = 3
    owner_id: int | None = None
    planned_start: date | None = None
    planned_end: date | None = None


def _state(item: ImprovementItem) -> dict[str, Any]:
    state = snapshot(item, (*ITEM_FIELDS, "status", "priority", "quick_win"))
    state["finding_ids"] = [f.id for f in item.findings]
    return state


def _check(data: ItemInput) -> None:
    if not data.title.strip():
        raise ServiceError(_("Give the item a title."), "title")
    for name in ("impact", "urgency", "effort"):
        if getattr(data, name) not in range(1, 6):
            raise ServiceError(_("Use a value from 1 to 5."), name)
    if data.planned_start and data.planned_end and data.planned_end < data.planned_start:
        raise ServiceError(
            _("The planned end must not be before the planned start."), "planned_end"
        )
    if (
        data.business_line_id is not None
        and db.session.get(BusinessLine, data.business_line_id) is None
    ):
        raise ServiceError(_("Choose a business line from the list."), "business_line_id")


def save_item(
    actor: User,
    item: ImprovementItem | None,
    data: ItemInput,
    *,
    finding_ids: Iterable[int] | None = None,
    theme_id: int | None = None,
    version: int | None = None,
) -> ImprovementItem:
    """Create (``item`` None) or update an item; a save from a stale page raises StaleEdit."""
    _check(data)
    creating = item is None
    before: dict[str, Any] = {}
    old_owner_id = None if item is None else item.owner_id
    if item is None:
        item = ImprovementItem(status=ItemStatus.PROPOSED, theme_id=theme_id)
        db.session.add(item)
    else:
        before = _state(item)
        if version is not None and version != item.version:
            yours = {k: snapshot(data, (k,))[k] for k in ITEM_FIELDS}
            raise StaleEdit(
                _(
                    "Someone else saved this record after you opened it. Review the current "
                    "values below and save again."
                ),
                {
                    k: {"saved": v, "yours": yours[k]}
                    for k, v in before.items()
                    if k in yours and yours[k] != v
                },
            )
        item.version += 1
    for name in ITEM_FIELDS:
        value = getattr(data, name)
        setattr(item, name, value.strip() if isinstance(value, str) else value)
    item.process_area = (data.process_area or "").strip().upper() or None
    item.priority = priority(data.impact, data.urgency, data.effort)
    item.quick_win = is_quick_win(
        current_rule(), data.impact, data.effort, data.planned_start, data.planned_end
    )
    if finding_ids is not None:
        ids = sorted(set(finding_ids))
        item.findings = (
            list(db.session.scalars(select(Finding).where(Finding.id.in_(ids)))) if ids else []
        )
    db.session.flush()
    record_change(
        actor,
        "create" if creating else "update",
        item,
        old=before,
        new=_state(item),
        label=item.title,
    )
    if item.owner_id is not None and item.owner_id != old_owner_id:
        notices.item_assigned(actor, item)
    return item


def item_of_finding(finding: Finding) -> ImprovementItem | None:
    """The first item that addresses ``finding``, if any."""
    from models import improvement_item_findings

    return db.session.scalar(
        select(ImprovementItem)
        .join(improvement_item_findings)
        .where(improvement_item_findings.c.finding_id == finding.id)
        .order_by(ImprovementItem.id)
        .limit(1)
    )


def item_of_theme(theme: Theme) -> ImprovementItem | None:
    """The first item made from ``theme``, if any."""
    return db.session.scalar(
        select(ImprovementItem)
        .where(ImprovementItem.theme_id == theme.id)
        .order_by(ImprovementItem.id)
        .limit(1)
    )


def create_from_finding(actor: User, finding: Finding) -> ImprovementItem:
    """One step from a gap: business line, process area and the finding link filled in."""
    title = finding.text.split(" / ")[0][:200]
    severity = min(max(finding.severity, 1), 5)
    return save_item(
        actor,
        None,
        ItemInput(
            title=_("Close the gap: %(text)s", text=title)[:200],
            description=finding.text,
            business_line_id=finding.business_line_id,
            process_area=finding.process_area,
            impact=severity,
            urgency=3,
            effort=3,
        ),
        finding_ids=[finding.id],
    )


def create_from_theme(actor: User, theme: Theme) -> ImprovementItem:
    """One step from a theme: its label, first process area, its single business line (or
    company-wide when it spans several) and every finding it holds."""
    finding_ids = db.session.scalars(
        select(ThemeFinding.finding_id).where(ThemeFinding.theme_id == theme.id)
    ).all()
    lines = theme.business_line_ids
    severity = round(theme.mean_severity) if theme.mean_severity is not None else 3
    return save_item(
        actor,
        None,
        ItemInput(
            title=theme.label[:200],
            description=" · ".join(theme.terms),
            business_line_id=lines[0] if len(lines) == 1 else None,
            process_area=theme.process_areas[0] if theme.process_areas else None,
            impact=min(max(severity, 1), 5),
            urgency=3,
            effort=3,
        ),
        finding_ids=finding_ids,
        theme_id=theme.id,
    )


def open_gap_findings(user: User) -> Select[Finding]:
    """Gap findings not yet linked to any item, newest first, within the user's lines."""
    from models import improvement_item_findings

    linked = select(improvement_item_findings.c.finding_id)
    stmt = select(Finding).where(Finding.source == FindingSource.GAP, Finding.id.not_in(linked))
    return restrict_to_visible(stmt, user, Finding.business_line_id).order_by(Finding.id.desc())


# ------------------------------------------------------------------------ statuses


class WrongRole(ServiceError):
    """The actor may not take this action on this item (answer 403)."""

    status = 403


def change_status(
    actor: User,
    item: ImprovementItem,
    action: Action,
    reason: str = "",
    *,
    version: int | None = None,
    today: date | None = None,
) -> ImprovementItem:
    """Apply ``action`` by the domain rules; refusals name what is wrong."""
    if version is not None and version != item.version:
        raise StaleEdit(_("The item changed after you opened it; reload and try again."))
    old = item.status
    try:
        new = transition(old, action, actor_for(actor, item), reason)
    except TransitionRefused as refused:
        label = ACTION_LABELS[action]
        if refused.kind == "role":
            raise WrongRole(
                _("You may not %(action)s this item.", action=str(label).lower())
            ) from refused
        if refused.kind == "reason":
            raise ServiceError(
                _("Give a reason to %(action)s.", action=str(label).lower()), "reason"
            ) from refused
        raise ServiceError(
            _(
                "An item that is %(status)s cannot be changed that way (%(action)s).",
                status=STATUS_LABELS[old],
                action=label,
            )
        ) from refused
    item.status = new
    item.status_reason = reason.strip()
    if new is ItemStatus.APPROVED:
        item.approved_on = today or utcnow().date()
    item.version += 1
    db.session.flush()
    record_change(
        actor,
        action.value,
        item,
        old={"status": old.value},
        new={"status": new.value, "reason": item.status_reason},
        label=item.title,
    )
    notices.item_status_changed(actor, item)
    return item


def owner_choices() -> list[User]:
    return list(
        db.session.scalars(select(User).where(User.active.is_(True)).order_by(User.display_name))
    )


def item_outcome(item: ImprovementItem) -> ScoreChange | None:
    """How the item's process area scored in its business line before the approval and in
    the first assessment validated after it (None until both exist)."""
    if item.business_line_id is None or not item.process_area or item.approved_on is None:
        return None
    rows = db.session.execute(
        select(Assessment.validated_at, Assessment.result_snapshot).where(
            Assessment.business_line_id == item.business_line_id,
            Assessment.validated_at.is_not(None),
        )
    ).all()
    return area_score_change(
        [(r.validated_at, r.result_snapshot) for r in rows], item.approved_on, item.process_area
    )
