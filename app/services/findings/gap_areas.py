"""Assessment gaps grouped by process area, shown beside a run's themes.

Gaps ("… 未满足") are already structured by process area: runs leave them out unless the PMO
asks (``include_gaps``), and the themes page lists them per area instead, with links to the
findings list filtered to each area's gaps.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from sqlalchemy import func

from app.extensions import db
from app.services.findings.records import FindingFilter, filtered_findings
from app.services.findings.themes import run_filters
from models import ClusteringRun, Finding, FindingSource, User


@dataclass(frozen=True, slots=True)
class GapArea:
    """A process area's gap findings: how many, and the findings-list filters that show
    them (``code`` is ``None`` for gaps without a process area)."""

    code: str | None
    count: int
    args: dict[str, str]


def gap_areas(viewer: User, run: ClusteringRun) -> list[GapArea]:
    """The gap findings of the run's cycle and business lines that ``viewer`` may see,
    counted per process area, the most gaps first."""
    filters = replace(run_filters(run), source=FindingSource.GAP.value, sources=())
    stmt = (
        filtered_findings(viewer, filters)
        .with_only_columns(Finding.process_area, func.count(Finding.id))
        .group_by(Finding.process_area)
    )
    counts = sorted(db.session.execute(stmt).all(), key=lambda row: (-row[1], row[0] or "\uffff"))
    link = FindingFilter(
        source=FindingSource.GAP.value,
        cycle_id=filters.cycle_id,
        business_line_id=(
            filters.business_line_ids[0]
            if len(filters.business_line_ids) == 1
            else filters.business_line_id
        ),
    )
    return [
        GapArea(code, count, replace(link, process_area=code).as_args()) for code, count in counts
    ]
