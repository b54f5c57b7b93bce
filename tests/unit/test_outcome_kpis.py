"""Outcome KPI rules exactly as shared/DOMAIN.md states them: periods, ranges, latest, status."""

from __future__ import annotations

import math

import pytest

from assessments.kpi import Direction
from assessments.outcome_kpis import (
    BUILT_IN,
    Frequency,
    KpiDefinition,
    OutcomeStatus,
    PeriodProblem,
    association,
    latest,
    mean_within,
    outcome_status,
    period_frequency,
    period_problem,
    recent,
    value_in_range,
)

BUILT = {k.key: k for k in BUILT_IN}


def test_the_three_built_in_kpis_are_monthly_with_their_targets_and_directions() -> None:
    assert [(k.key, k.name_zh, k.direction, k.target, k.frequency) for k in BUILT_IN] == [
        ("on_time_rate", "项目交付准时率", Direction.HIGHER, 90, Frequency.MONTHLY),
        ("budget_deviation", "项目预算执行偏差", Direction.LOWER, 5, Frequency.MONTHLY),
        ("satisfaction", "项目组满意度", Direction.HIGHER, 4.5, Frequency.MONTHLY),
    ]


@pytest.mark.parametrize(
    ("period", "kind"),
    [
        ("2026-01", Frequency.MONTHLY),
        ("2026-12", Frequency.MONTHLY),
        ("0001-09", Frequency.MONTHLY),
        ("2026-Q1", Frequency.QUARTERLY),
        ("2026-Q4", Frequency.QUARTERLY),
        ("2026-00", None),
        ("2026-13", None),
        ("2026-1", None),
        ("26-01", None),
        ("2026-Q0", None),
        ("2026-Q5", None),
        ("2026-q1", None),
        ("2026-01 ", None),
        ("2026-01\n", None),
        ("２０２６-01", None),
        ("", None),
    ],
)
def test_period_forms(period: str, kind: Frequency | None) -> None:
    assert period_frequency(period) is kind


def test_a_period_of_the_other_kind_is_an_error() -> None:
    assert period_problem(Frequency.MONTHLY, "2026-03") is None
    assert period_problem(Frequency.MONTHLY, "2026-Q1") is PeriodProblem.KIND
    assert period_problem(Frequency.QUARTERLY, "2026-03") is PeriodProblem.KIND
    assert period_problem(Frequency.QUARTERLY, "2026-Q2") is None
    assert period_problem(Frequency.MONTHLY, "March") is PeriodProblem.FORMAT


@pytest.mark.parametrize(
    ("key", "value", "ok"),
    [
        ("on_time_rate", 0, True),
        ("on_time_rate", 100, True),
        ("on_time_rate", 100.01, False),
        ("on_time_rate", -0.1, False),
        ("budget_deviation", 0, True),
        ("budget_deviation", 250, True),
        ("budget_deviation", -1, False),
        ("satisfaction", 1, True),
        ("satisfaction", 5, True),
        ("satisfaction", 0.99, False),
        ("satisfaction", 5.01, False),
        ("on_time_rate", math.nan, False),
    ],
)
def test_built_in_ranges(key: str, value: float, ok: bool) -> None:
    assert value_in_range(BUILT[key], value) is ok


def test_a_pmo_kpi_takes_any_finite_value_up_to_a_billion() -> None:
    custom = KpiDefinition("defects", "缺陷", "Defects", "", Direction.LOWER, 3)
    assert value_in_range(custom, -1e9)
    assert value_in_range(custom, 1e9)
    assert not value_in_range(custom, 1e9 + 1)
    assert not value_in_range(custom, -math.inf)
    assert not value_in_range(custom, math.nan)


def test_latest_is_the_value_of_the_greatest_period_whatever_the_order() -> None:
    values = [("2026-02", 80.0), ("2026-10", 91.0), ("2025-12", 99.0), ("2026-09", 70.0)]
    assert latest(values) == ("2026-10", 91.0)
    assert latest([("2025-Q4", 1.0), ("2026-Q1", 2.0)]) == ("2026-Q1", 2.0)
    assert latest([]) is None


@pytest.mark.parametrize(
    ("direction", "target", "value", "status"),
    [
        (Direction.HIGHER, 90, 90, OutcomeStatus.MET),
        (Direction.HIGHER, 90, 89.99, OutcomeStatus.MISSED),
        (Direction.HIGHER, 90, 95, OutcomeStatus.MET),
        (Direction.LOWER, 5, 5, OutcomeStatus.MET),
        (Direction.LOWER, 5, 5.01, OutcomeStatus.MISSED),
        (Direction.LOWER, 5, 0, OutcomeStatus.MET),
        (Direction.HIGHER, 4.5, None, None),
    ],
)
def test_status(
    direction: Direction, target: float, value: float | None, status: OutcomeStatus | None
) -> None:
    assert outcome_status(direction, target, value) is status


def test_recent_keeps_the_last_periods_oldest_first() -> None:
    values = [(f"2026-{m:02d}", float(m)) for m in (5, 1, 3, 2, 4)]
    assert recent(values, 3) == [("2026-03", 3.0), ("2026-04", 4.0), ("2026-05", 5.0)]


def test_mean_within_a_cycle_counts_months_and_quarters_by_their_last_month() -> None:
    values = [("2026-01", 80.0), ("2026-06", 90.0), ("2026-07", 10.0)]
    assert mean_within(values, "2026-01", "2026-06") == 85.0
    assert mean_within([("2026-Q2", 4.0), ("2026-Q3", 2.0)], "2026-01", "2026-06") == 4.0
    assert mean_within(values, "2027-01", "2027-06") is None


def test_association_is_pearson_r_from_three_lines() -> None:
    assert association([1, 2, 3], [2, 4, 6]) == pytest.approx(1.0)
    assert association([1, 2, 3], [6, 4, 2]) == pytest.approx(-1.0)
    assert association([1, 2], [1, 2]) is None
    assert association([1, 1, 1], [1, 2, 3]) is None
