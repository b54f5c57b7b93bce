"""KPI progress for higher- and lower-is-better KPIs, and status against time elapsed."""

from __future__ import annotations

from datetime import date

import pytest

from assessments.kpi import (
    Direction,
    KpiStatus,
    check_kpi,
    elapsed_share,
    kpi_progress,
    kpi_status,
    measurement_due,
)


@pytest.mark.parametrize(
    ("baseline", "target", "latest", "expected"),
    [
        (60, 90, 75, 0.5),  # 评审覆盖率 % up from 60 to 90
        (60, 90, 90, 1.0),
        (60, 90, 99, 1.3),
        (60, 90, 54, -0.2),
        (20, 10, 15, 0.5),  # 需求变更率 % down from 20 to 10
        (20, 10, 8, 1.2),
        (20, 10, 24, -0.4),
        (12.5, 5, 5, 1.0),
    ],
)
def test_progress_golden_cases(baseline, target, latest, expected):
    assert kpi_progress(baseline, target, latest) == pytest.approx(expected)


def test_progress_without_measurement_is_none():
    assert kpi_progress(1, 2, None) is None


def test_target_equal_to_baseline_is_refused():
    with pytest.raises(ValueError, match="equals the baseline"):
        kpi_progress(10, 10, 12)
    with pytest.raises(ValueError, match="equals the baseline"):
        check_kpi(Direction.LOWER, 10, 10)


def test_target_on_the_wrong_side_is_refused():
    with pytest.raises(ValueError, match="above"):
        check_kpi(Direction.HIGHER, 10, 5)
    with pytest.raises(ValueError, match="below"):
        check_kpi(Direction.LOWER, 10, 15)
    check_kpi(Direction.LOWER, 10, 5)
    check_kpi(Direction.HIGHER, 10, 15)


START, END = date(2026, 1, 1), date(2026, 3, 2)  # 60 days


@pytest.mark.parametrize(
    ("progress", "today", "expected"),
    [
        (1.0, date(2026, 1, 10), KpiStatus.ACHIEVED),
        (1.4, date(2026, 6, 1), KpiStatus.ACHIEVED),
        (0.5, date(2026, 1, 31), KpiStatus.ON_TRACK),  # half the time, half the way
        (0.49, date(2026, 1, 31), KpiStatus.OFF_TRACK),
        (None, date(2025, 12, 1), KpiStatus.ON_TRACK),  # not started yet
        (None, date(2026, 1, 20), KpiStatus.OFF_TRACK),
        (0.9, date(2026, 4, 1), KpiStatus.OFF_TRACK),  # ended short of the target
        (-0.2, date(2026, 1, 1), KpiStatus.OFF_TRACK),
    ],
)
def test_status_against_time_elapsed(progress, today, expected):
    assert kpi_status(progress, START, END, today) is expected


def test_elapsed_share_is_clamped():
    assert elapsed_share(START, END, date(2025, 1, 1)) == 0
    assert elapsed_share(START, END, date(2027, 1, 1)) == 1
    assert elapsed_share(START, START, START) == 1


def test_measurement_due():
    assert not measurement_due(None, START, END, date(2026, 1, 3))
    assert measurement_due(None, START, END, date(2026, 1, 8))
    assert measurement_due(date(2026, 1, 1), START, END, date(2026, 1, 31))
    assert not measurement_due(date(2026, 1, 2), START, END, date(2026, 1, 31))
    assert not measurement_due(None, START, END, date(2026, 5, 1))
