"""A quick win's payback and ROI, and the company's sums, without a database."""

from __future__ import annotations

import pytest

from assessments.benefits import (
    Benefit,
    BenefitUnit,
    monthly_value,
    payback_months,
    roi,
    total_benefits,
)


def test_money_saved_gives_payback_in_months_and_a_yearly_roi():
    benefit = Benefit(saved_per_month=10_000, unit=BenefitUnit.MONEY, one_off_cost=30_000)
    assert monthly_value(benefit) == 10_000
    assert payback_months(benefit) == 3
    assert roi(benefit) == pytest.approx((12 * 10_000 - 30_000) / 30_000)  # 300 %


def test_hours_are_valued_at_the_hourly_cost():
    benefit = Benefit(120, BenefitUnit.HOURS, one_off_cost=36_000, hourly_cost=150)
    assert monthly_value(benefit) == 18_000
    assert payback_months(benefit) == 2
    assert roi(benefit) == pytest.approx(5.0)


def test_hours_without_an_hourly_cost_give_no_money_figures():
    benefit = Benefit(40, BenefitUnit.HOURS, one_off_cost=1_000)
    assert monthly_value(benefit) is None
    assert payback_months(benefit) is None
    assert roi(benefit) is None


def test_edge_cases_nothing_saved_or_nothing_spent():
    assert payback_months(Benefit(0, BenefitUnit.MONEY, one_off_cost=5_000)) is None
    assert roi(Benefit(0, BenefitUnit.MONEY, one_off_cost=5_000)) == -1
    assert payback_months(Benefit(500, BenefitUnit.MONEY, one_off_cost=0)) == 0
    assert roi(Benefit(500, BenefitUnit.MONEY, one_off_cost=0)) is None
    assert roi(Benefit(1_000, BenefitUnit.MONEY, one_off_cost=6_000), months=6) == 0


def test_company_totals_add_money_hours_and_costs():
    totals = total_benefits(
        [
            Benefit(10_000, BenefitUnit.MONEY, 30_000),
            Benefit(120, BenefitUnit.HOURS, 36_000, hourly_cost=150),
            Benefit(40, BenefitUnit.HOURS, 0),
        ]
    )
    assert totals.projects == 3
    assert totals.money_per_month == 10_000
    assert totals.hours_per_month == 160
    assert totals.one_off_cost == 66_000
    assert totals.value_per_month == 28_000
    assert totals.payback_months == pytest.approx(66_000 / 28_000)
    assert totals.roi == pytest.approx((12 * 28_000 - 66_000) / 66_000)
    empty = total_benefits([])
    assert (empty.projects, empty.payback_months, empty.roi) == (0, None, None)
