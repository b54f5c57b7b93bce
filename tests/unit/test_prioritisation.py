"""Priority, the quick-win rule and the status flow of improvement items."""

from __future__ import annotations

from datetime import date

import pytest

from assessments.prioritisation import (
    Action,
    Actor,
    ItemStatus,
    QuickWinRule,
    TransitionRefused,
    allowed_actions,
    is_quick_win,
    planned_weeks,
    priority,
    transition,
)

S = ItemStatus


@pytest.mark.parametrize(
    ("impact", "urgency", "effort", "expected"),
    [(5, 5, 1, 10.0), (1, 1, 5, 0.4), (4, 3, 2, 3.5), (5, 4, 3, 3.0), (2, 3, 3, 1.67)],
)
def test_priority_is_impact_plus_urgency_over_effort(impact, urgency, effort, expected):
    assert priority(impact, urgency, effort) == expected


@pytest.mark.parametrize("bad", [0, 6, -1])
def test_values_outside_one_to_five_are_refused(bad):
    with pytest.raises(ValueError, match="1 to 5"):
        priority(bad, 3, 3)
    with pytest.raises(ValueError, match="effort"):
        priority(3, 3, bad)


def test_default_quick_win_rule():
    rule = QuickWinRule()
    assert is_quick_win(rule, 4, 2, date(2026, 1, 5), date(2026, 3, 2))  # exactly 8 weeks
    assert not is_quick_win(rule, 4, 2, date(2026, 1, 5), date(2026, 3, 3))
    assert not is_quick_win(rule, 3, 1)
    assert not is_quick_win(rule, 5, 3)
    assert is_quick_win(rule, 5, 1)  # undated: judged on impact and effort


def test_edited_thresholds_change_the_candidates():
    strict = QuickWinRule(min_impact=5, max_effort=1, max_weeks=4)
    assert not is_quick_win(strict, 4, 2)
    assert is_quick_win(strict, 5, 1, date(2026, 1, 1), date(2026, 1, 29))
    assert not is_quick_win(strict, 5, 1, date(2026, 1, 1), date(2026, 1, 30))
    loose = QuickWinRule(min_impact=3, max_effort=3, max_weeks=12)
    assert is_quick_win(loose, 3, 3, date(2026, 1, 1), date(2026, 3, 26))


def test_rule_thresholds_are_checked():
    with pytest.raises(ValueError, match="min_impact"):
        QuickWinRule(min_impact=0)
    with pytest.raises(ValueError, match="max_weeks"):
        QuickWinRule(max_weeks=0)


def test_planned_weeks():
    assert planned_weeks(date(2026, 1, 1), date(2026, 1, 15)) == 2
    assert planned_weeks(None, date(2026, 1, 15)) is None
    with pytest.raises(ValueError, match="before"):
        planned_weeks(date(2026, 2, 1), date(2026, 1, 1))


PMO = Actor("pmo")
ADMIN = Actor("admin")
OWNER = Actor("director", is_owner=True)
OWNER_PMO = Actor("pmo", is_owner=True)
STRANGER = Actor("director")
LEADER = Actor("leadership")

# (status, action, actor, reason, expected status or the kind of refusal)
CASES = [
    (S.PROPOSED, Action.APPROVE, PMO, "", S.APPROVED),
    (S.PROPOSED, Action.APPROVE, ADMIN, "", S.APPROVED),
    (S.PROPOSED, Action.APPROVE, OWNER, "", "role"),
    (S.PROPOSED, Action.APPROVE, LEADER, "", "role"),
    (S.PROPOSED, Action.REJECT, PMO, "重复", S.REJECTED),
    (S.PROPOSED, Action.REJECT, PMO, "  ", "reason"),
    (S.APPROVED, Action.DEFER, PMO, "等待预算", S.DEFERRED),
    (S.APPROVED, Action.DEFER, PMO, "", "reason"),
    (S.DEFERRED, Action.REOPEN, PMO, "", S.PROPOSED),
    (S.DEFERRED, Action.REJECT, PMO, "不再需要", S.REJECTED),
    (S.APPROVED, Action.START, OWNER, "", S.IN_PROGRESS),
    (S.APPROVED, Action.START, OWNER_PMO, "", S.IN_PROGRESS),
    (S.APPROVED, Action.START, PMO, "", "role"),
    (S.APPROVED, Action.START, STRANGER, "", "role"),
    (S.APPROVED, Action.START, ADMIN, "", S.IN_PROGRESS),
    (S.IN_PROGRESS, Action.FINISH, OWNER, "", S.DONE),
    (S.IN_PROGRESS, Action.FINISH, PMO, "", "role"),
    (S.DONE, Action.VERIFY, PMO, "", S.VERIFIED),
    (S.DONE, Action.VERIFY, OWNER, "", "role"),
    (S.PROPOSED, Action.START, OWNER, "", "state"),
    (S.VERIFIED, Action.REJECT, PMO, "x", "state"),
    (S.REJECTED, Action.APPROVE, PMO, "", "state"),
    (S.IN_PROGRESS, Action.DEFER, PMO, "x", "state"),
]


@pytest.mark.parametrize(("status", "action", "actor", "reason", "expected"), CASES)
def test_transitions_allowed_and_refused(status, action, actor, reason, expected):
    if isinstance(expected, ItemStatus):
        assert transition(status, action, actor, reason) is expected
    else:
        with pytest.raises(TransitionRefused) as refused:
            transition(status, action, actor, reason)
        assert refused.value.kind == expected


def test_allowed_actions_are_what_the_buttons_show():
    assert allowed_actions(S.PROPOSED, PMO) == [Action.APPROVE, Action.REJECT, Action.DEFER]
    assert allowed_actions(S.PROPOSED, OWNER) == []
    assert allowed_actions(S.APPROVED, OWNER) == [Action.START]
    assert allowed_actions(S.APPROVED, OWNER_PMO) == [Action.REJECT, Action.DEFER, Action.START]
    assert allowed_actions(S.VERIFIED, ADMIN) == []
    assert allowed_actions(S.DONE, LEADER) == []
