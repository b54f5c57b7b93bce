"""Clustering runs over findings, and the PMO's edits of the themes they produce.

A run is created in the request (:func:`create_run`), committed, then executed in a
background thread with its own app context and session (:func:`launch`), which commits its
progress to the run row so the page can poll it. :func:`execute_run` is the whole job and
can be called directly (tests, the demo).
"""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Sequence
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from flask import Flask, current_app
from flask_babel import gettext as _
from sqlalchemy import Select, func, select, update

from app.extensions import db
from app.services.audit import record_change
from app.services.errors import ServiceError, StaleEdit
from app.services.findings.records import FindingFilter, filtered_findings, reference_model
from models import (
    ClusteringRun,
    Cycle,
    Finding,
    Placement,
    RunStatus,
    Theme,
    ThemeFinding,
    User,
)
from models.base import utcnow

if TYPE_CHECKING:
    from assessments.clustering import ThemeModel

# The clustering (scikit-learn, SciPy, rjieba) is imported by the functions that cluster: it
# costs seconds of start-up that a web process, which mostly never clusters, should not pay.

MAX_K = 30
MAX_QUOTES = 5
_STATES: dict[int, ThemeModel] = {}
"""Fitted clustering state per run, kept for nearest-theme assignment in this process;
rebuilt deterministically from the run's findings when missing."""
_STATE_LOCK = threading.Lock()


def create_run(
    actor: User,
    filters: FindingFilter,
    *,
    k: int | None,
    sample: int | None = None,
    lang: str = "zh",
) -> ClusteringRun:
    """A queued run over the findings ``filters`` select (as ``actor`` sees them)."""
    if k is not None and not 2 <= k <= MAX_K:
        raise ServiceError(_("k must be between 2 and %(max)s, or automatic.", max=MAX_K), "k")
    count = db.session.scalar(
        filtered_findings(actor, filters).with_only_columns(func.count(Finding.id))
    )
    if not count:
        raise ServiceError(_("No findings match these filters: nothing to cluster."))
    cycle = db.session.get(Cycle, filters.cycle_id) if filters.cycle_id else None
    model = reference_model(cycle)
    run = ClusteringRun(
        k_requested=k,
        parameters={
            "filters": filters.as_args(),
            "business_line_ids": list(filters.business_line_ids),
            "sample": sample,
            "lang": lang,
            "seed": 0,
        },
        model_label=f"{model.key} v{model.version}" if model else "",
        created_by_id=actor.id,
        finding_count=min(count, sample) if sample else count,
    )
    db.session.add(run)
    db.session.flush()
    record_change(actor, "create", run, new={"k": k, **run.parameters}, label=f"run {run.id}")
    return run


def run_filters(run: ClusteringRun) -> FindingFilter:
    """The filters a run was started with (to show them, re-run, or assign new findings)."""
    filters = FindingFilter.from_args(run.parameters.get("filters", {}))
    return replace(filters, business_line_ids=tuple(run.parameters.get("business_line_ids", ())))


def launch(app: Flask, run_id: int) -> threading.Thread:
    """Execute the run in a background thread; the caller must have committed the run."""

    def work() -> None:
        with app.app_context():
            try:
                execute_run(run_id)
            finally:
                db.session.remove()

    thread = threading.Thread(target=work, name=f"clustering-run-{run_id}", daemon=True)
    thread.start()
    return thread


def _run_findings(run: ClusteringRun) -> list[tuple[int, str, int, int | None]]:
    """(id, text, severity, business line) of the run's findings, by id; a sample takes
    every n-th row so it is spread over the whole list and deterministic."""
    creator = db.session.get(User, run.created_by_id) if run.created_by_id else None
    filters = run_filters(run)
    if creator is None:
        raise ServiceError(_("The run's author no longer exists."))
    stmt = filtered_findings(creator, filters).with_only_columns(
        Finding.id, Finding.text, Finding.severity, Finding.business_line_id
    )
    rows = [
        (id_, text, severity, line)
        for id_, text, severity, line in db.session.execute(stmt.order_by(Finding.id))
    ]
    sample = run.parameters.get("sample")
    if sample and len(rows) > sample:
        step = len(rows) / sample
        rows = [rows[int(i * step)] for i in range(sample)]
    return rows


def execute_run(run_id: int) -> None:
    """Cluster the run's findings and store themes and assignments; commits as it goes."""
    from assessments.area_profiles import area_profiles
    from assessments.clustering import cluster_texts

    run = db.session.get(ClusteringRun, run_id)
    if run is None:
        return
    run.status = RunStatus.RUNNING
    db.session.commit()
    try:
        rows = _run_findings(run)
        cycle_id = run.parameters["filters"].get("cycle")
        cycle = db.session.get(Cycle, int(cycle_id)) if cycle_id else None
        model = reference_model(cycle)
        areas = area_profiles(model) if model else ()

        def progress(done: int, total: int) -> None:
            db.session.execute(
                update(ClusteringRun)
                .where(ClusteringRun.id == run_id)
                .values(progress=min(95, int(done * 95 / max(total, 1))))
            )
            db.session.commit()

        result = cluster_texts(
            [r[1] for r in rows],
            k=run.k_requested,
            areas=areas,
            seed=run.parameters.get("seed", 0),
            progress=progress,
            lang=run.parameters.get("lang", "zh"),
        )
        _store_result(run, rows, result)
        if result.state is not None:
            with _STATE_LOCK:
                _STATES[run.id] = result.state
        run.status, run.progress, run.k = RunStatus.DONE, 100, result.k
        run.quality = dict(result.quality)
        run.finding_count = len(rows)
        run.finished_at = utcnow()
        db.session.commit()
    except Exception as error:
        db.session.rollback()
        failed = db.session.get(ClusteringRun, run_id)
        if failed is not None:
            failed.status, failed.error = RunStatus.FAILED, str(error)[:1000]
            failed.finished_at = utcnow()
            db.session.commit()
        current_app.logger.exception("clustering run %s failed", run_id)


def _store_result(run: ClusteringRun, rows: Sequence[tuple[Any, ...]], result: Any) -> None:
    ids = [r[0] for r in rows]
    themes: dict[int, Theme] = {}
    for position, found in enumerate(result.themes):
        theme = Theme(
            run_id=run.id,
            position=position,
            label=found.label[:200] or _("Theme %(n)s", n=position + 1),
            terms=list(found.terms),
            process_areas=list(found.process_areas),
            representative_ids=[ids[i] for i in found.representative],
            cluster_ids=[found.id],
        )
        db.session.add(theme)
        themes[found.id] = theme
    db.session.flush()
    db.session.execute(
        ThemeFinding.__table__.insert(),
        [
            {
                "run_id": run.id,
                "theme_id": themes[theme_id].id,
                "finding_id": finding_id,
                "placed_by": Placement.CLUSTERING.value,
            }
            for finding_id, theme_id in zip(ids, result.assignments, strict=True)
        ],
    )
    refresh_stats(list(themes.values()))


def refresh_stats(themes: Sequence[Theme]) -> None:
    """Size, mean severity, business lines and quotes of each theme, from its members.

    Quotes keep the clustering's most central texts that are still members, one per
    distinct text, topped up with the most severe other members."""
    for theme in themes:
        members = db.session.execute(
            select(Finding.id, Finding.severity, Finding.business_line_id, Finding.text)
            .join(ThemeFinding, ThemeFinding.finding_id == Finding.id)
            .where(ThemeFinding.theme_id == theme.id)
            .order_by(Finding.id)
        ).all()
        theme.size = len(members)
        theme.mean_severity = (
            round(sum(m.severity for m in members) / len(members), 2) if members else None
        )
        theme.business_line_ids = sorted(
            {m.business_line_id for m in members if m.business_line_id}
        )
        by_id = {m.id: m for m in members}
        central = [by_id[i] for i in theme.representative_ids if i in by_id]
        by_severity = sorted(members, key=lambda m: (-m.severity, m.id))
        quotes: dict[str, int] = {}
        for member in [*central, *by_severity]:
            quotes.setdefault(member.text.strip(), member.id)
            if len(quotes) == MAX_QUOTES:
                break
        theme.representative_ids = list(quotes.values())
    db.session.flush()


# ------------------------------------------------------------------------ PMO edits


def _check_version(theme: Theme, version: int | None) -> None:
    if version is not None and version != theme.version:
        raise StaleEdit(
            _("Someone else changed this theme after you opened it. Reload and try again.")
        )


def rename_theme(actor: User, theme: Theme, label: str, *, version: int | None = None) -> None:
    label = label.strip()
    if not label or len(label) > 200:
        raise ServiceError(_("A theme name has 1 to 200 characters."), "label")
    _check_version(theme, version)
    old = {"label": theme.label}
    theme.label = label
    theme.version += 1
    db.session.flush()
    record_change(actor, "update", theme, old=old, new={"label": label}, label=label)


def move_findings(actor: User, target: Theme, finding_ids: Sequence[int]) -> int:
    """Move findings of the same run into ``target``; returns how many moved."""
    rows = list(
        db.session.scalars(
            select(ThemeFinding).where(
                ThemeFinding.run_id == target.run_id,
                ThemeFinding.finding_id.in_(finding_ids),
                ThemeFinding.theme_id != target.id,
            )
        )
    )
    sources = {row.theme_id for row in rows}
    for row in rows:
        row.theme_id, row.placed_by = target.id, Placement.MOVED
    db.session.flush()
    touched = [target, *db.session.scalars(select(Theme).where(Theme.id.in_(sources)))]
    refresh_stats(touched)
    for theme in touched:
        theme.version += 1
    if rows:
        record_change(
            actor,
            "move",
            target,
            new={"findings": sorted(r.finding_id for r in rows), "from": sorted(sources)},
            label=target.label,
        )
    return len(rows)


def merge_themes(actor: User, keep: Theme, absorbed: Theme) -> None:
    """Fold ``absorbed`` into ``keep`` (same run): members, clusters and quotes."""
    if keep.run_id != absorbed.run_id or keep.id == absorbed.id:
        raise ServiceError(_("Choose another theme of the same run."), "other")
    db.session.execute(
        update(ThemeFinding)
        .where(ThemeFinding.theme_id == absorbed.id)
        .values(theme_id=keep.id)
        .execution_options(synchronize_session=False)
    )
    keep.cluster_ids = sorted({*keep.cluster_ids, *absorbed.cluster_ids})
    keep.terms = list(dict.fromkeys([*keep.terms, *absorbed.terms]))[:12]
    keep.process_areas = list(dict.fromkeys([*keep.process_areas, *absorbed.process_areas]))
    keep.representative_ids = [*keep.representative_ids, *absorbed.representative_ids]
    keep.version += 1
    label = absorbed.label
    db.session.delete(absorbed)
    db.session.flush()
    refresh_stats([keep])
    record_change(actor, "merge", keep, new={"merged": label}, label=keep.label)


MAX_SPLIT = 10


def split_theme(actor: User, theme: Theme, parts: int = 2) -> list[Theme]:
    """Re-cluster the theme's findings into ``parts`` sub-themes and move them there.

    The theme keeps the largest sub-theme (so backlog items linked to it stay linked) and
    new themes of the same run take the others; returns them all, largest first."""
    from assessments.area_profiles import area_profiles
    from assessments.clustering import cluster_texts

    if not 2 <= parts <= MAX_SPLIT:
        raise ServiceError(_("Split into 2 to %(max)s themes.", max=MAX_SPLIT), "parts")
    members = db.session.execute(
        select(Finding.id, Finding.text)
        .join(ThemeFinding, ThemeFinding.finding_id == Finding.id)
        .where(ThemeFinding.theme_id == theme.id)
        .order_by(Finding.id)
    ).all()
    refused = _("This theme has fewer than 2 distinct texts: there is nothing to split.")
    if len({m.text.strip() for m in members}) < 2:
        raise ServiceError(refused, "parts")
    run = theme.run
    cycle_id = run.parameters.get("filters", {}).get("cycle")
    model = reference_model(db.session.get(Cycle, int(cycle_id)) if cycle_id else None)
    result = cluster_texts(
        [m.text for m in members],
        k=parts,
        areas=area_profiles(model) if model else (),
        seed=run.parameters.get("seed", 0),
        lang=run.parameters.get("lang", "zh"),
    )
    if len(result.themes) < 2:
        raise ServiceError(refused, "parts")
    old_label = theme.label
    next_position = max(t.position for t in run.themes) + 1
    targets: dict[int, Theme] = {}
    for n, found in enumerate(result.themes):
        target = theme if n == 0 else Theme(run_id=run.id, position=next_position + n - 1)
        target.label = found.label[:200] or _("Theme %(n)s", n=target.position + 1)
        target.terms = list(found.terms)
        target.process_areas = list(found.process_areas) or list(theme.process_areas)
        target.representative_ids = [members[i].id for i in found.representative]
        if n:
            target.cluster_ids = []
            db.session.add(target)
        targets[found.id] = target
    theme.version += 1
    db.session.flush()
    for member, cluster_id in zip(members, result.assignments, strict=True):
        target = targets[cluster_id]
        if target is not theme:
            db.session.execute(
                update(ThemeFinding)
                .where(ThemeFinding.theme_id == theme.id, ThemeFinding.finding_id == member.id)
                .values(theme_id=target.id)
                .execution_options(synchronize_session=False)
            )
    created = list(targets.values())
    refresh_stats(created)
    record_change(
        actor,
        "split",
        theme,
        old={"label": old_label, "size": len(members)},
        new={"themes": [t.id for t in created], "labels": [t.label for t in created]},
        label=old_label,
    )
    return created


# -------------------------------------------------------------- nearest-theme assignment


def latest_run() -> ClusteringRun | None:
    return db.session.scalar(
        select(ClusteringRun)
        .where(ClusteringRun.status == RunStatus.DONE)
        .order_by(ClusteringRun.id.desc())
        .limit(1)
    )


def _state_of(run: ClusteringRun) -> ThemeModel | None:
    from assessments.area_profiles import area_profiles
    from assessments.clustering import cluster_texts

    with _STATE_LOCK:
        state = _STATES.get(run.id)
    if state is not None:
        return state
    texts = db.session.scalars(
        select(Finding.text)
        .join(ThemeFinding, ThemeFinding.finding_id == Finding.id)
        .where(ThemeFinding.run_id == run.id, ThemeFinding.placed_by != Placement.ASSIGNED)
        .order_by(Finding.id)
    ).all()
    cycle_id = run.parameters.get("filters", {}).get("cycle")
    model = reference_model(db.session.get(Cycle, int(cycle_id)) if cycle_id else None)
    result = cluster_texts(
        texts,
        k=run.k_requested,
        areas=area_profiles(model) if model else (),
        seed=run.parameters.get("seed", 0),
        lang=run.parameters.get("lang", "zh"),
    )
    if result.state is not None:
        with _STATE_LOCK:
            _STATES[run.id] = result.state
    return result.state


def _unassigned(run: ClusteringRun) -> Select[Finding] | None:
    """Findings the run's filters select today that no theme of the run holds yet."""
    creator = db.session.get(User, run.created_by_id) if run.created_by_id else None
    if creator is None:
        return None
    held = select(ThemeFinding.finding_id).where(ThemeFinding.run_id == run.id)
    return filtered_findings(creator, run_filters(run)).where(Finding.id.not_in(held))


def count_unassigned(run: ClusteringRun) -> int:
    stmt = _unassigned(run)
    if stmt is None:
        return 0
    return db.session.scalar(stmt.with_only_columns(func.count(Finding.id))) or 0


def unassigned_findings(run: ClusteringRun) -> list[Finding]:
    stmt = _unassigned(run)
    return [] if stmt is None else list(db.session.scalars(stmt.order_by(Finding.id)))


def assign_new_findings(actor: User, run: ClusteringRun) -> int:
    """Put each new finding into the nearest theme of ``run`` without re-clustering."""
    from assessments.clustering import assign_to_themes

    findings = unassigned_findings(run)
    if not findings:
        return 0
    state = _state_of(run)
    if state is None:
        raise ServiceError(_("This run has no themes to assign to."))
    by_cluster = {cid: theme for theme in run.themes for cid in theme.cluster_ids}
    fallback = max(run.themes, key=lambda t: t.size)
    placed = assign_to_themes(state, [f.text for f in findings])
    counts: Counter[int] = Counter()
    for finding, cluster_id in zip(findings, placed, strict=True):
        theme = by_cluster.get(cluster_id, fallback)
        db.session.add(
            ThemeFinding(
                run_id=run.id,
                theme_id=theme.id,
                finding_id=finding.id,
                placed_by=Placement.ASSIGNED,
            )
        )
        counts[theme.id] += 1
    db.session.flush()
    refresh_stats([t for t in run.themes if t.id in counts])
    record_change(actor, "assign", run, new={"findings": len(findings)}, label=f"run {run.id}")
    return len(findings)


def theme_findings(theme: Theme) -> Any:
    """A select of the theme's findings, for a paginated list."""
    return (
        select(Finding)
        .join(ThemeFinding, ThemeFinding.finding_id == Finding.id)
        .where(ThemeFinding.theme_id == theme.id)
        .order_by(Finding.severity.desc(), Finding.id)
    )
