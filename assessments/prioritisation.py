"""Prioritising improvement items and moving them through their status flow.

Pure functions on values, implementing "Quick wins and outcomes" of the domain reference:

- impact, urgency and effort are 1–5; priority = (impact + urgency) ÷ effort;
- an item is a quick-win candidate when impact ≥ ``min_impact``, effort ≤ ``max_effort`` and
  its planned duration ≤ ``max_weeks`` (defaults 4, 2, 8; the PMO may change them).

Decisions the reference leaves open:

- an item without planned dates is not ruled out by the duration threshold: it is judged on
  impact and effort until it is planned;
- the status flow is proposed → approved → in progress → done → verified; the PMO approves,
  rejects, defers, reopens a deferred item and verifies; the item's owner starts and finishes;
  admins may do everything; rejecting and deferring need a reason.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum

__all__ = [
    "SCALE",
    "TRANSITIONS",
    "Action",
    "Actor",
    "ItemStatus",
    "QuickWinRule",
    "TransitionRefused",
    "allowed_actions",
    "is_quick_win",
    "planned_weeks",
    "priority",
    "transition",
]

SCALE = range(1, 6)


def _check_scale(name: str, value: int) -> None:
    if value not in SCALE:
        raise ValueError(f"{name} must be 1 to 5, not {value}")


def priority(impact: int, urgency: int, effort: int) -> float:
    """(impact + urgency) ÷ effort, rounded to two decimals (2 / 5 = 0.4 … 10 / 1 = 10)."""
    for name, value in (("impact", impact), ("urgency", urgency), ("effort", effort)):
        _check_scale(name, value)
    return round((impact + urgency) / effort, 2)


def planned_weeks(start: date | None, end: date | None) -> float | None:
    """Planned duration in weeks, or None when a date is missing."""
    if start is None or end is None:
        return None
    if end < start:
        raise ValueError("the planned end is before the planned start")
    return (end - start).days / 7


@dataclass(frozen=True)
class QuickWinRule:
    """Thresholds of the quick-win rule; the PMO may edit them."""

    min_impact: int = 4
    max_effort: int = 2
    max_weeks: int = 8

    def __post_init__(self) -> None:
        _check_scale("min_impact", self.min_impact)
        _check_scale("max_effort", self.max_effort)
        if not 1 <= self.max_weeks <= 104:
            raise ValueError(f"max_weeks must be 1 to 104, not {self.max_weeks}")


def is_quick_win(
    rule: QuickWinRule,
    impact: int,
    effort: int,
    start: date | None = None,
    end: date | None = None,
) -> bool:
    """Whether an item meets ``rule``; see the module docstring for undated items."""
    _check_scale("impact", impact)
    _check_scale("effort", effort)
    weeks = planned_weeks(start, end)
    return (
        impact >= rule.min_impact
        and effort <= rule.max_effort
        and (weeks is None or weeks <= rule.max_weeks)
    )


# ---------------------------------------------------------------------------- statuses


class ItemStatus(StrEnum):
    PROPOSED = "proposed"
    APPROVED = "approved"
    IN_PROGRESS = "in_progress"
    DONE = "done"
    VERIFIED = "verified"
    REJECTED = "rejected"
    DEFERRED = "deferred"


class Action(StrEnum):
    APPROVE = "approve"
    REJECT = "reject"
    DEFER = "defer"
    REOPEN = "reopen"
    START = "start"
    FINISH = "finish"
    VERIFY = "verify"


PMO = "pmo"
OWNER = "owner"


@dataclass(frozen=True)
class Rule:
    sources: frozenset[ItemStatus]
    target: ItemStatus
    by: str  # PMO or OWNER; admins may always act
    reason_required: bool = False


S = ItemStatus
TRANSITIONS: dict[Action, Rule] = {
    Action.APPROVE: Rule(frozenset({S.PROPOSED}), S.APPROVED, PMO),
    Action.REJECT: Rule(frozenset({S.PROPOSED, S.APPROVED, S.DEFERRED}), S.REJECTED, PMO, True),
    Action.DEFER: Rule(frozenset({S.PROPOSED, S.APPROVED}), S.DEFERRED, PMO, True),
    Action.REOPEN: Rule(frozenset({S.DEFERRED}), S.PROPOSED, PMO),
    Action.START: Rule(frozenset({S.APPROVED}), S.IN_PROGRESS, OWNER),
    Action.FINISH: Rule(frozenset({S.IN_PROGRESS}), S.DONE, OWNER),
    Action.VERIFY: Rule(frozenset({S.DONE}), S.VERIFIED, PMO),
}


@dataclass(frozen=True)
class Actor:
    """Who acts: their role value ("admin", "pmo", …) and whether they own the item."""

    role: str
    is_owner: bool = False

    def may(self, by: str) -> bool:
        if self.role == "admin":
            return True
        if by == PMO:
            return self.role == "pmo"
        return self.is_owner


class TransitionRefused(Exception):
    """``kind`` is "role" (wrong person: 403), "state" (not from this status) or "reason"."""

    def __init__(self, kind: str, action: Action, status: ItemStatus) -> None:
        super().__init__(f"{action.value} refused from {status.value}: {kind}")
        self.kind = kind
        self.action = action
        self.status = status


def transition(status: ItemStatus, action: Action, actor: Actor, reason: str = "") -> ItemStatus:
    """The status after ``action``, or ``TransitionRefused`` saying why not."""
    rule = TRANSITIONS[action]
    if status not in rule.sources:
        raise TransitionRefused("state", action, status)
    if not actor.may(rule.by):
        raise TransitionRefused("role", action, status)
    if rule.reason_required and not reason.strip():
        raise TransitionRefused("reason", action, status)
    return rule.target


def allowed_actions(status: ItemStatus, actor: Actor) -> list[Action]:
    """The actions ``actor`` may take from ``status``, in the order of ``Action``."""
    return [
        action
        for action, rule in TRANSITIONS.items()
        if status in rule.sources and actor.may(rule.by)
    ]
