"""Read side of the backlog: the filtered list, the impact/effort matrix and the board.

Each page runs a fixed number of queries whatever the size of the backlog: the matrix and
the board fetch the top items of every cell in one windowed query and the counts in another.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import ColumnElement, Select, case, func, or_, select
from sqlalchemy.orm import aliased, joinedload

from app.extensions import db
from app.params import query_int
from assessments.prioritisation import ItemStatus, QuickWinRule
from models import ImprovementItem

#: Items nobody will work on (rejected, deferred): never first in the default order.
SET_ASIDE = (ItemStatus.REJECTED, ItemStatus.DEFERRED)
_set_aside_last = case((ImprovementItem.status.in_(SET_ASIDE), 1), else_=0)

SORTS: dict[str, tuple[ColumnElement[Any], ...]] = {
    "priority": (_set_aside_last, ImprovementItem.priority.desc(), ImprovementItem.id.desc()),
    "-priority": (ImprovementItem.priority.asc(), ImprovementItem.id.asc()),
    "date": (ImprovementItem.created_at.desc(), ImprovementItem.id.desc()),
    "-date": (ImprovementItem.created_at.asc(), ImprovementItem.id.asc()),
    "status": (ImprovementItem.status.asc(), ImprovementItem.priority.desc()),
    "end": (ImprovementItem.planned_end.asc(), ImprovementItem.id.asc()),
}
CELL_LIMIT = 24


def _business_line_arg(args: Mapping[str, str]) -> str:
    """``?business_line=``: an id, ``none`` (company-wide items) or empty (all)."""
    if args.get("business_line", "").strip() == "none":
        return "none"
    line_id = query_int("business_line", args=args)
    return "" if line_id is None else str(line_id)


@dataclass(frozen=True)
class Filters:
    q: str = ""
    status: str = ""
    business_line: str = ""  # an id, "none" for company-wide, "" for all
    process_area: str = ""
    quick_win: str = ""  # "1" only candidates, "0" only others
    sort: str = "priority"

    @classmethod
    def from_args(cls, args: Mapping[str, str]) -> Filters:
        status = args.get("status", "")
        sort = args.get("sort", "priority")
        return cls(
            q=args.get("q", "").strip()[:100],
            status=status if status in {s.value for s in ItemStatus} else "",
            business_line=_business_line_arg(args),
            process_area=args.get("process_area", "").strip().upper()[:16],
            quick_win=args.get("quick_win", "") if args.get("quick_win") in ("0", "1") else "",
            sort=sort if sort in SORTS else "priority",
        )

    def args(self, **overrides: str) -> dict[str, str]:
        values = {
            "q": self.q,
            "status": self.status,
            "business_line": self.business_line,
            "process_area": self.process_area,
            "quick_win": self.quick_win,
            "sort": self.sort,
            **overrides,
        }
        return {k: v for k, v in values.items() if v}


def apply_filters(stmt: Select[Any], filters: Filters) -> Select[Any]:
    item = ImprovementItem
    if filters.q:
        stmt = stmt.where(
            or_(
                item.title.icontains(filters.q, autoescape=True),
                item.description.icontains(filters.q, autoescape=True),
            )
        )
    if filters.status:
        stmt = stmt.where(item.status == ItemStatus(filters.status))
    if filters.business_line == "none":
        stmt = stmt.where(item.business_line_id.is_(None))
    elif filters.business_line:
        stmt = stmt.where(item.business_line_id == int(filters.business_line))
    if filters.process_area:
        stmt = stmt.where(item.process_area == filters.process_area)
    if filters.quick_win:
        stmt = stmt.where(item.quick_win.is_(filters.quick_win == "1"))
    return stmt


def list_statement(visible: Select[Any], filters: Filters) -> Select[Any]:
    return (
        apply_filters(visible, filters)
        .options(joinedload(ImprovementItem.business_line), joinedload(ImprovementItem.owner))
        .order_by(*SORTS[filters.sort])
    )


@dataclass
class Cell:
    key: str
    items: list[ImprovementItem] = field(default_factory=list)
    total: int = 0

    @property
    def more(self) -> int:
        return self.total - len(self.items)


def _top_per_group(
    visible: Select[Any], filters: Filters, group: Any, limit: int
) -> tuple[dict[Any, list[ImprovementItem]], dict[Any, int]]:
    """The ``limit`` highest-priority items of each group, and the size of each group:
    two queries (plus one for owners) whatever the backlog size."""
    base = apply_filters(visible, filters)
    ranked = base.add_columns(
        group.label("grp"),
        func.row_number()
        .over(
            partition_by=group,
            order_by=(ImprovementItem.priority.desc(), ImprovementItem.id.desc()),
        )
        .label("rank"),
    ).subquery()
    alias = aliased(ImprovementItem, ranked)
    rows = db.session.execute(
        select(alias, ranked.c.grp)
        .where(ranked.c.rank <= limit)
        .order_by(ranked.c.grp, ranked.c.rank)
        .options(joinedload(alias.owner), joinedload(alias.business_line))
    ).all()
    items: dict[Any, list[ImprovementItem]] = {}
    for item, grp in rows:
        items.setdefault(grp, []).append(item)
    counted = base.with_only_columns(group.label("grp"), func.count()).group_by(group)
    totals: dict[Any, int] = {row[0]: row[1] for row in db.session.execute(counted)}
    return items, totals


def matrix(
    visible: Select[Any], filters: Filters, rule: QuickWinRule, limit: int = CELL_LIMIT
) -> dict[str, Cell]:
    """The 2×2 impact/effort matrix: high impact means impact ≥ the rule's minimum, low
    effort means effort ≤ the rule's maximum, so the quick-win cell is top left."""
    high = ImprovementItem.impact >= rule.min_impact
    low = ImprovementItem.effort <= rule.max_effort
    quadrant = case(
        (high & low, "quick"),
        (high, "major"),
        (low, "fill"),
        else_="thankless",
    )
    if not filters.status:  # the matrix plans work: set-aside items only when asked for
        visible = visible.where(ImprovementItem.status.not_in(SET_ASIDE))
    items, totals = _top_per_group(visible, filters, quadrant, limit)
    return {
        key: Cell(key, items.get(key, []), totals.get(key, 0))
        for key in ("quick", "major", "fill", "thankless")
    }


def board(visible: Select[Any], filters: Filters, limit: int = CELL_LIMIT) -> list[Cell]:
    items, totals = _top_per_group(visible, filters, ImprovementItem.status, limit)

    def key(value: Any) -> str:
        return value.value if isinstance(value, ItemStatus) else str(value)

    items = {key(k): v for k, v in items.items()}
    totals = {key(k): v for k, v in totals.items()}
    return [Cell(s.value, items.get(s.value, []), totals.get(s.value, 0)) for s in ItemStatus]
