"""Clustering runs over findings, and the PMO's edits of the themes they produce.

A run is created in the request (:func:`create_run`) and handed to a background job
(:func:`queue_run`, see ``app.services.jobs``), run by ``ladder worker`` or, without Redis,
by a thread of the app. The job commits its progress to the run row so the page can poll it,
and writes the themes, their members and the fitted state in one transaction at the end: a
job that dies leaves no half-written themes. :func:`execute_run` runs the same work at once
(the demo). Placing new findings in the nearest theme (:func:`queue_assignment`) is a job
too; it reads the fitted state stored with the run, so any process can do it.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from sqlalchemy import Select, func, select, update

from app.extensions import db
from app.services.audit import record_change
from app.services.errors import ServiceError, StaleEdit
from app.services.findings.records import FindingFilter, filtered_findings, reference_model
from app.services.findings.theme_review import (
    examples_of,
    keep_examples,
    run_examples,
    seeded_k,
)
from app.services.jobs import JobContext, job_kind, submit
from app.services.notifications import events as notices
from models import (
    ClusteringRun,
    Cycle,
    Finding,
    FindingSource,
    ImprovementItem,
    Job,
    Placement,
    RunStatus,
    Theme,
    ThemeFinding,
    ThemeModelState,
    User,
)
from models.base import utcnow

if TYPE_CHECKING:
    from assessments.clustering import ThemeModel

# The clustering (scikit-learn, SciPy, rjieba) is imported by the functions that cluster: it
# costs seconds of start-up that a web process, which mostly never clusters, should not pay.

MAX_K = 30
MAX_QUOTES = 5
RUN_JOB = "clustering_run"
ASSIGN_JOB = "theme_assignment"
ASSIGN_CHUNK = 500


def create_run(
    actor: User,
    filters: FindingFilter,
    *,
    k: int | None,
    sample: int | None = None,
    lang: str = "zh",
    include_gaps: bool = False,
) -> ClusteringRun:
    """A queued run over the findings ``filters`` select (as ``actor`` sees them).

    Assessment gaps are left out unless ``include_gaps`` or the filters ask for gaps: they
    are already grouped by process area, and their uniform wording would make one theme."""
    if k is not None and not 2 <= k <= MAX_K:
        raise ServiceError(_("k must be between 2 and %(max)s, or automatic.", max=MAX_K), "k")
    count = db.session.scalar(
        clustered_findings(actor, filters, include_gaps=include_gaps).with_only_columns(
            func.count(Finding.id)
        )
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
            "sources": list(filters.sources),
            "sample": sample,
            "lang": lang,
            "seed": 0,
            "include_gaps": include_gaps,
        },
        model_label=f"{model.key} v{model.version}" if model else "",
        created_by_id=actor.id,
        finding_count=min(count, sample) if sample else count,
    )
    db.session.add(run)
    db.session.flush()
    record_change(actor, "create", run, new={"k": k, **run.parameters}, label=f"run {run.id}")
    return run


def clustered_findings(
    actor: User, filters: FindingFilter, *, include_gaps: bool
) -> Select[Finding]:
    """The findings a run clusters: those of ``filters``, without assessment gaps unless
    the PMO asked for them (``include_gaps``, or sources chosen that name them)."""
    stmt = filtered_findings(actor, filters)
    if include_gaps or filters.source or filters.sources:
        return stmt
    return stmt.where(Finding.source != FindingSource.GAP)


def run_filters(run: ClusteringRun) -> FindingFilter:
    """The filters a run was started with (to show them, re-run, or assign new findings)."""
    filters = FindingFilter.from_args(run.parameters.get("filters", {}))
    return replace(
        filters,
        business_line_ids=tuple(run.parameters.get("business_line_ids", ())),
        sources=tuple(run.parameters.get("sources", ())),
    )


#: What the API's ``source`` clusters: survey pain points, or pain points, interview notes
#: and imported findings (assessment gaps are grouped by process area already; only on
#: request, with ``include_gaps``).
API_SOURCES = {
    "survey": (FindingSource.SURVEY.value,),
    "all": (FindingSource.SURVEY.value, FindingSource.MANUAL.value, FindingSource.IMPORT.value),
}


def run_summary(run: ClusteringRun) -> dict[str, Any]:
    """``GET /api/v1/clustering-runs/ID``: status, k, whether published, and the themes."""
    return {
        "id": run.id,
        "status": run.status.value,
        "k": run.k,
        "published": run.published,
        "themes": [
            {"id": t.id, "name": getattr(t, "name", None) or t.label, "size": t.size}
            for t in run.themes
        ]
        if run.status is RunStatus.DONE
        else [],
    }


def api_filters(source: str, include_gaps: bool) -> FindingFilter:
    """The findings a ``POST /api/v1/clustering-runs`` body selects."""
    sources = API_SOURCES[source] + ((FindingSource.GAP.value,) if include_gaps else ())
    return FindingFilter(sources=sources)


def run_subject(run_id: int) -> str:
    """The ``subject`` of every job about the run (its clustering, its assignments)."""
    return f"clustering_run:{run_id}"


def queue_run(actor: User | None, run: ClusteringRun) -> Job:
    """Hand the (flushed) run to a background job; it starts once the caller commits."""
    return submit(RUN_JOB, {"run_id": run.id}, subject=run_subject(run.id), actor=actor)


def _run_findings(run: ClusteringRun) -> list[tuple[int, str, int, int | None]]:
    """(id, text, severity, business line) of the run's findings, by id; a sample takes
    every n-th row so it is spread over the whole list and deterministic."""
    creator = db.session.get(User, run.created_by_id) if run.created_by_id else None
    filters = run_filters(run)
    if creator is None:
        raise ServiceError(_("The run's author no longer exists."))
    include_gaps = bool(run.parameters.get("include_gaps", False))
    stmt = clustered_findings(creator, filters, include_gaps=include_gaps).with_only_columns(
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


def _set_run(run_id: int, **values: Any) -> None:
    """Update the run row in a transaction of its own (progress the page polls)."""
    with db.engine.begin() as conn:
        conn.execute(update(ClusteringRun).where(ClusteringRun.id == run_id).values(**values))


def _cluster(run_id: int, report: Any) -> None:
    """Cluster the run's findings; leaves themes, members and state pending in the session.

    The findings are read and that transaction ended before the clustering, so progress
    (written apart) never waits on it; everything is written in one transaction after."""
    from assessments.area_profiles import area_profiles
    from assessments.clustering import cluster_texts
    from assessments.theme_state import dump_state

    _set_run(run_id, status=RunStatus.RUNNING, progress=0, error="")
    run = db.session.get(ClusteringRun, run_id)
    if run is None:
        raise ServiceError(_("This clustering run no longer exists."))
    rows = _run_findings(run)
    cycle_id = run.parameters["filters"].get("cycle")
    cycle = db.session.get(Cycle, int(cycle_id)) if cycle_id else None
    model = reference_model(cycle)
    areas = area_profiles(model) if model else ()
    examples = run_examples(run, rows)  # the PMO's moves, confirmations or named themes
    labels = examples.all_labels
    k_requested, seed, lang = (
        seeded_k(run, labels),
        run.parameters.get("seed", 0),
        run.parameters.get("lang", "zh"),
    )
    db.session.commit()  # ends the read transaction; nothing was written

    def progress(done: int, total: int) -> None:
        fraction = min(0.95, done * 0.95 / max(total, 1))
        _set_run(run_id, progress=int(fraction * 100))
        report(fraction, "")

    result = cluster_texts(
        [r[1] for r in rows] + examples.texts,
        k=k_requested,
        areas=areas,
        seed=seed,
        progress=progress,
        lang=lang,
        labels=labels if any(labels) else None,
    )
    run = db.session.get(ClusteringRun, run_id)
    if run is None:
        raise ServiceError(_("This clustering run no longer exists."))
    result = examples.own_rows(result, len(rows))
    _store_result(run, rows, result)
    keep_examples(run, [r[0] for r in rows], examples.labels)
    if result.state is not None:
        db.session.add(ThemeModelState(run_id=run.id, data=dump_state(result.state)))
    run.status, run.progress, run.k = RunStatus.DONE, 100, result.k
    run.quality = dict(result.quality)
    run.finding_count = len(rows)
    run.finished_at = utcnow()
    db.session.flush()
    notices.clustering_finished(run, _creator(run))


def _creator(run: ClusteringRun) -> User | None:
    return db.session.get(User, run.created_by_id) if run.created_by_id else None


def _mark_run_failed(payload: dict[str, Any], error: str) -> None:
    failed = db.session.get(ClusteringRun, payload.get("run_id"))
    if failed is not None and failed.status is not RunStatus.DONE:
        failed.status, failed.error = RunStatus.FAILED, error[:1000]
        failed.finished_at = utcnow()
        notices.clustering_finished(failed, _creator(failed), failed=True, error=error[:300])


def _reset_run(payload: dict[str, Any]) -> None:
    run = db.session.get(ClusteringRun, payload.get("run_id"))
    if run is not None and run.status is not RunStatus.DONE:
        run.status, run.progress, run.error, run.finished_at = RunStatus.QUEUED, 0, "", None


@job_kind(RUN_JOB, _l("Clustering run"), on_failure=_mark_run_failed, on_retry=_reset_run)
def _run_job(ctx: JobContext) -> dict[str, Any]:
    _cluster(int(ctx.payload["run_id"]), ctx.progress)
    return {"run_id": ctx.payload["run_id"]}


def execute_run(run_id: int) -> None:
    """Cluster the run now, in this process, and commit (the demo; no job). The caller's
    transaction is committed first: progress is written apart, and SQLite has one writer."""
    db.session.commit()
    try:
        _cluster(run_id, lambda _fraction, _message: None)
        db.session.commit()
    except Exception as error:
        db.session.rollback()
        _mark_run_failed({"run_id": run_id}, str(error))
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
                "confidence": confidence,
            }
            for finding_id, theme_id, confidence in zip(
                ids, result.assignments, result.confidence, strict=True
            )
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


def check_version(theme: Theme, version: int | None) -> None:
    if version is not None and version != theme.version:
        raise StaleEdit(
            _("Someone else changed this theme after you opened it. Reload and try again.")
        )


def rename_theme(actor: User, theme: Theme, label: str, *, version: int | None = None) -> None:
    label = label.strip()
    if not label or len(label) > 200:
        raise ServiceError(_("A theme name has 1 to 200 characters."), "label")
    check_version(theme, version)
    old = {"label": theme.label}
    theme.label, theme.label_edited = label, True
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
        row.theme_id, row.placed_by, row.confidence = target.id, Placement.MOVED, 1.0
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
    db.session.execute(  # backlog items answering the absorbed theme now answer the kept one
        update(ImprovementItem)
        .where(ImprovementItem.theme_id == absorbed.id)
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
    """The run's fitted state, from the database; rebuilt (deterministically, from the
    run's clustered findings) and stored when the run predates stored states."""
    from assessments.area_profiles import area_profiles
    from assessments.clustering import cluster_texts
    from assessments.theme_state import dump_state, load_state

    stored = db.session.get(ThemeModelState, run.id)
    if stored is not None:
        return load_state(stored.data)
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
        db.session.add(ThemeModelState(run_id=run.id, data=dump_state(result.state)))
    return result.state


def _unassigned(run: ClusteringRun) -> Select[Finding] | None:
    """Findings the run's filters select today that no theme of the run holds yet."""
    creator = db.session.get(User, run.created_by_id) if run.created_by_id else None
    if creator is None:
        return None
    held = select(ThemeFinding.finding_id).where(ThemeFinding.run_id == run.id)
    include_gaps = bool(run.parameters.get("include_gaps", False))
    found = clustered_findings(creator, run_filters(run), include_gaps=include_gaps)
    return found.where(Finding.id.not_in(held))


def count_unassigned(run: ClusteringRun) -> int:
    stmt = _unassigned(run)
    if stmt is None:
        return 0
    return db.session.scalar(stmt.with_only_columns(func.count(Finding.id))) or 0


def unassigned_findings(run: ClusteringRun) -> list[Finding]:
    stmt = _unassigned(run)
    return [] if stmt is None else list(db.session.scalars(stmt.order_by(Finding.id)))


def assign_new_findings(actor: User | None, run: ClusteringRun, report: Any = None) -> int:
    """Put each new finding into the nearest theme of ``run`` without re-clustering;
    flushes, returns how many were placed. ``report(fraction, message)`` hears progress.
    The PMO's moved and confirmed findings of the run count beside the theme centroids
    (``assign_with_examples``), so a finding like one the PMO corrected follows it."""
    from assessments.clustering import assign_with_examples

    findings = [(f.id, f.text) for f in unassigned_findings(run)]
    if not findings:
        return 0
    state = _state_of(run)
    if state is None:
        raise ServiceError(_("This run has no themes to assign to."))
    examples, example_themes = examples_of(run)  # the PMO's: new findings follow them
    if report is not None:
        # A job: end the read transaction (keeping a rebuilt state) so that progress, written
        # apart, never waits for it (SQLite has one writer); the placements come after.
        db.session.commit()
    placed: list[int] = []
    sure: list[float] = []
    for start in range(0, len(findings), ASSIGN_CHUNK):
        chunk = findings[start : start + ASSIGN_CHUNK]
        chunk_placed, chunk_sure = assign_with_examples(
            state, [text for _id, text in chunk], examples, example_themes
        )
        placed.extend(chunk_placed)
        sure.extend(chunk_sure)
        if report is not None:
            done = start + len(chunk)
            report(
                done / len(findings) * 0.9,
                _("%(done)s of %(total)s", done=done, total=len(findings)),
            )
    by_cluster = {cid: theme for theme in run.themes for cid in theme.cluster_ids}
    by_cluster.update({-theme.id: theme for theme in run.themes})  # see examples_of
    fallback = max(run.themes, key=lambda t: t.size)
    counts: Counter[int] = Counter()
    for (finding_id, _text), cluster_id, confidence in zip(findings, placed, sure, strict=True):
        theme = by_cluster.get(cluster_id, fallback)
        db.session.add(
            ThemeFinding(
                run_id=run.id,
                theme_id=theme.id,
                finding_id=finding_id,
                placed_by=Placement.ASSIGNED,
                confidence=confidence,
            )
        )
        counts[theme.id] += 1
    db.session.flush()
    refresh_stats([t for t in run.themes if t.id in counts])
    record_change(actor, "assign", run, new={"findings": len(findings)}, label=f"run {run.id}")
    return len(findings)


def queue_assignment(actor: User, run: ClusteringRun) -> Job:
    """A job that places the run's new findings in their nearest themes."""
    if run.status is not RunStatus.DONE:
        raise ServiceError(_("This run has not finished: there are no themes to assign to yet."))
    if not count_unassigned(run):
        raise ServiceError(_("No new findings: every finding is already in a theme of this run."))
    return submit(
        ASSIGN_JOB,
        {"run_id": run.id, "actor_id": actor.id},
        subject=run_subject(run.id),
        actor=actor,
    )


@job_kind(ASSIGN_JOB, _l("Placing new findings in their nearest themes"))
def _assign_job(ctx: JobContext) -> dict[str, Any]:
    run = db.session.get(ClusteringRun, ctx.payload["run_id"])
    if run is None:
        raise ServiceError(_("This clustering run no longer exists."))
    actor = db.session.get(User, ctx.payload.get("actor_id") or 0)
    placed = assign_new_findings(actor, run, ctx.progress)
    return {"placed": placed}


def assignment_message(job: Job) -> str:
    """What a finished assignment job did, for the run page."""
    count = int(job.result.get("placed", 0))
    return str(
        ngettext(
            "%(num)s new finding placed in its nearest theme.",
            "%(num)s new findings placed in their nearest theme.",
            count,
        )
    )


def theme_findings(theme: Theme) -> Any:
    """A select of the theme's findings, for a paginated list."""
    return (
        select(Finding)
        .join(ThemeFinding, ThemeFinding.finding_id == Finding.id)
        .where(ThemeFinding.theme_id == theme.id)
        # The least confident first: they are the ones to review (unknown ones after).
        .order_by(
            ThemeFinding.confidence.is_(None),
            ThemeFinding.confidence,
            Finding.severity.desc(),
            Finding.id,
        )
    )
