"""The PMO's corrections as labelled examples for the next run.

Findings the PMO moved to a theme are confirmed examples of it: the next run over the same
findings passes their theme's name as a label to :func:`assessments.clustering.cluster_texts`
(seeded k-means), so they stay together under that name and pull similar findings with them.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select

from app.extensions import db
from models import ClusteringRun, Placement, RunStatus, Theme, ThemeFinding


def confirmed_labels(run: ClusteringRun, finding_ids: Sequence[int]) -> list[str | None]:
    """Per finding of ``run``, the name of the theme the PMO moved it to in the latest
    finished run before it, else ``None``."""
    previous = db.session.scalar(
        select(ClusteringRun.id)
        .where(ClusteringRun.status == RunStatus.DONE, ClusteringRun.id < run.id)
        .order_by(ClusteringRun.id.desc())
        .limit(1)
    )
    if previous is None:
        return [None] * len(finding_ids)
    rows = db.session.execute(
        select(ThemeFinding.finding_id, Theme.label)
        .join(Theme, Theme.id == ThemeFinding.theme_id)
        .where(ThemeFinding.run_id == previous, ThemeFinding.placed_by == Placement.MOVED)
    )
    moved: dict[int, str] = {}
    for finding_id, label in rows:
        moved[finding_id] = label
    return [moved.get(finding_id) for finding_id in finding_ids]


def seeded_k(run: ClusteringRun, labels: Sequence[str | None]) -> int | None:
    """The number of themes of a run with confirmed examples: the one asked for, else that
    of the previous run, and never fewer than the labels (else ``None``: choose it)."""
    distinct = len({label for label in labels if label})
    if not distinct:
        return run.k_requested
    previous_k = db.session.scalar(
        select(ClusteringRun.k)
        .where(ClusteringRun.status == RunStatus.DONE, ClusteringRun.id < run.id)
        .order_by(ClusteringRun.id.desc())
        .limit(1)
    )
    return max(distinct, run.k_requested or previous_k or distinct)
