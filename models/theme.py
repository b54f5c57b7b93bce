"""Clustering runs over findings and the themes they produced.

Every run is kept with its parameters and quality figures. A run is a draft until the PMO
publishes it; the latest published run is the current one, the themes everybody else sees.
A finding belongs to at most one theme per run (:class:`ThemeFinding`); the PMO may rename,
merge, move and confirm afterwards, and ``placed_by`` tells clustering, a later nearest-theme
assignment, a manual move and a confirmation apart. Moved and confirmed findings are the
PMO's labelled examples.
"""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Float,
    ForeignKey,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
    false,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import Base, utcnow, value_enum


class RunStatus(enum.StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"


class Placement(enum.StrEnum):
    CLUSTERING = "clustering"
    ASSIGNED = "assigned"
    MOVED = "moved"
    #: The PMO confirmed the finding where it is (or gave it as an example of a named theme).
    CONFIRMED = "confirmed"


#: Placements that are the PMO's own: labelled examples that later runs follow.
LABELLED_PLACEMENTS = (Placement.MOVED, Placement.CONFIRMED)


class ClusteringRun(Base):
    __tablename__ = "clustering_runs"

    id: Mapped[int] = mapped_column(primary_key=True)
    status: Mapped[RunStatus] = mapped_column(
        value_enum(RunStatus, "clustering_run_status"), default=RunStatus.QUEUED
    )
    #: The k asked for; None means chosen automatically.
    k_requested: Mapped[int | None] = mapped_column(Integer)
    k: Mapped[int | None] = mapped_column(Integer)
    #: Which findings: ``{"cycle_id", "business_line_ids", "source", "sample"}``.
    parameters: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    model_label: Mapped[str] = mapped_column(String(100), default="")
    quality: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    progress: Mapped[int] = mapped_column(Integer, default=0)
    finding_count: Mapped[int] = mapped_column(Integer, default=0)
    error: Mapped[str] = mapped_column(Text, default="")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    finished_at: Mapped[datetime | None]
    #: When the PMO published the run (None: a draft, seen by the PMO and admins only).
    published_at: Mapped[datetime | None] = mapped_column(index=True)
    published_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    #: What publishing changed from the run published before: ``assessments.theme_publication
    #: .Changes.as_dict()``, kept to be shown later.
    changes: Mapped[dict[str, Any] | None] = mapped_column(JSON, default=None)

    themes: Mapped[list[Theme]] = relationship(
        back_populates="run", cascade="all, delete-orphan", order_by="Theme.position"
    )

    @property
    def published(self) -> bool:
        return self.published_at is not None


class Theme(Base):
    __tablename__ = "themes"

    id: Mapped[int] = mapped_column(primary_key=True)
    run_id: Mapped[int] = mapped_column(
        ForeignKey("clustering_runs.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(Integer, default=0)
    label: Mapped[str] = mapped_column(String(200))
    #: The PMO renamed the theme (or a rename was carried over from a published run):
    #: publishing a later run keeps this label on the theme matched to it.
    label_edited: Mapped[bool] = mapped_column(default=False, server_default=false())
    terms: Mapped[list[str]] = mapped_column(JSON, default=list)
    process_areas: Mapped[list[str]] = mapped_column(JSON, default=list)
    size: Mapped[int] = mapped_column(Integer, default=0)
    mean_severity: Mapped[float | None] = mapped_column(Float)
    business_line_ids: Mapped[list[int]] = mapped_column(JSON, default=list)
    #: Finding ids of the most central texts, shown as quotes.
    representative_ids: Mapped[list[int]] = mapped_column(JSON, default=list)
    #: The clustering's own theme ids merged into this theme (for nearest-theme assignment).
    cluster_ids: Mapped[list[int]] = mapped_column(JSON, default=list)
    #: When the theme appeared (its run, or a later split); None for themes older than this.
    created_at: Mapped[datetime | None] = mapped_column(default=utcnow, index=True)
    version: Mapped[int] = mapped_column(default=1)

    run: Mapped[ClusteringRun] = relationship(back_populates="themes")

    __mapper_args__ = {"version_id_col": version, "version_id_generator": False}


class ThemeFinding(Base):
    __tablename__ = "theme_findings"

    id: Mapped[int] = mapped_column(primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("clustering_runs.id", ondelete="CASCADE"))
    theme_id: Mapped[int] = mapped_column(ForeignKey("themes.id", ondelete="CASCADE"), index=True)
    finding_id: Mapped[int] = mapped_column(
        ForeignKey("findings.id", ondelete="CASCADE"), index=True
    )
    placed_by: Mapped[Placement] = mapped_column(
        value_enum(Placement, "theme_placement"), default=Placement.CLUSTERING
    )
    confidence: Mapped[float | None] = mapped_column(Float, default=None)
    """How sure the clustering was of this assignment, 0..1; ``None`` for assignments made
    before confidences were kept. The PMO's moves and confirmations are certain (1)."""

    __table_args__ = (UniqueConstraint("run_id", "finding_id"),)


class ThemeModelState(Base):
    """The fitted clustering state of a run (vocabularies, IDF weights, centroids), stored so
    that any process can place new findings in the run's themes without re-clustering.

    ``data`` is a compressed ``.npz`` archive written without pickling
    (``assessments.theme_state``). Derived data: not backed up, rebuilt when missing."""

    __tablename__ = "theme_model_states"

    run_id: Mapped[int] = mapped_column(
        ForeignKey("clustering_runs.id", ondelete="CASCADE"), primary_key=True
    )
    data: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
