"""A quick win's benefit in numbers: what it saves each month, what it cost once, and so
its payback and return on investment. Pure functions, no database.

Hours saved are valued at an hourly cost, so that hours and money add up; without an
hourly cost, hours count in the hour totals but give no payback or ROI.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from dataclasses import dataclass

#: The ROI is taken over this many months of savings (one year).
ROI_MONTHS = 12


class BenefitUnit(enum.StrEnum):
    MONEY = "money"
    HOURS = "hours"


@dataclass(frozen=True)
class Benefit:
    saved_per_month: float
    unit: BenefitUnit
    one_off_cost: float = 0.0
    hourly_cost: float | None = None


def monthly_value(benefit: Benefit) -> float | None:
    """Money saved per month; hours times the hourly cost; None for hours without one."""
    if benefit.unit is BenefitUnit.MONEY:
        return benefit.saved_per_month
    if benefit.hourly_cost is None:
        return None
    return benefit.saved_per_month * benefit.hourly_cost


def payback_months(benefit: Benefit) -> float | None:
    """Months until the savings repay the one-off cost: cost ÷ monthly value. 0 when it
    cost nothing; None when it saves nothing (it never pays back) or has no money value."""
    value = monthly_value(benefit)
    if value is None or value <= 0:
        return None
    return max(benefit.one_off_cost, 0.0) / value


def roi(benefit: Benefit, months: int = ROI_MONTHS) -> float | None:
    """Return on investment over ``months``: (months × monthly value − cost) ÷ cost, as a
    ratio (0.5 = 50 %). None without a cost (nothing invested) or without a money value."""
    value = monthly_value(benefit)
    if value is None or benefit.one_off_cost <= 0:
        return None
    return (months * value - benefit.one_off_cost) / benefit.one_off_cost


@dataclass(frozen=True)
class BenefitTotals:
    projects: int
    money_per_month: float
    hours_per_month: float
    one_off_cost: float
    value_per_month: float
    payback_months: float | None
    roi: float | None


def total_benefits(benefits: Iterable[Benefit], months: int = ROI_MONTHS) -> BenefitTotals:
    """The company's sums: money and hours saved per month, one-off costs, and the payback
    and ROI of all of them together (hours without an hourly cost add no money value)."""
    items = list(benefits)
    money = sum(b.saved_per_month for b in items if b.unit is BenefitUnit.MONEY)
    hours = sum(b.saved_per_month for b in items if b.unit is BenefitUnit.HOURS)
    cost = sum(max(b.one_off_cost, 0.0) for b in items)
    value = sum(v for v in (monthly_value(b) for b in items) if v is not None)
    together = Benefit(value, BenefitUnit.MONEY, cost)
    return BenefitTotals(
        projects=len(items),
        money_per_month=money,
        hours_per_month=hours,
        one_off_cost=cost,
        value_per_month=value,
        payback_months=payback_months(together) if items else None,
        roi=roi(together, months) if items else None,
    )
