"""The satisfaction mean per business line and the response rate, without a database."""

from __future__ import annotations

import pytest

from assessments.satisfaction import (
    LineMean,
    is_likert,
    is_month_period,
    response_rate,
    satisfaction_means_by_line,
)


def test_likert_is_a_whole_number_from_1_to_5():
    assert all(is_likert(n) for n in range(1, 6))
    assert not any(is_likert(v) for v in (0, 6, -1, 3.0, "3", True, None))


def test_the_mean_is_per_business_line_over_every_likert_answer():
    ratings = [(1, 5), (1, 4), (2, 2), (1, 3), (2, 1)]
    assert satisfaction_means_by_line(ratings, "2026-05") == [
        LineMean(1, "2026-05", 4.0, 3),
        LineMean(2, "2026-05", 1.5, 2),
    ]
    assert satisfaction_means_by_line([(3, 4), (3, 5), (3, 5)], "2026-06")[0].mean == 4.67
    assert satisfaction_means_by_line([], "2026-06") == []


def test_a_rating_outside_1_to_5_is_an_error():
    with pytest.raises(ValueError, match="outside"):
        satisfaction_means_by_line([(1, 6)], "2026-05")


def test_periods_are_months():
    assert is_month_period("2026-05")
    assert not any(is_month_period(p) for p in ("2026-13", "2026-Q2", "2026-5", "26-05"))


def test_response_rate():
    assert response_rate(0, 0) is None
    assert response_rate(4, 1) == 0.25
    assert response_rate(2, 5) == 1.0
