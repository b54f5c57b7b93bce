"""The PMO's bulk review of a theme's findings, and runs started from a list of theme names.

Confirming and moving from the review list work on many findings in one request; both check
the theme's version (a review made on a page older than the theme's last change is refused)
and are audited. What they write is what later runs learn from (``theme_review``).
"""

from __future__ import annotations

from collections.abc import Sequence

from flask_babel import gettext as _
from sqlalchemy import select

from app.extensions import db
from app.services.audit import record_change
from app.services.errors import ServiceError
from app.services.findings.records import FindingFilter
from app.services.findings.themes import check_version, create_run, move_findings
from assessments.theme_list import NamedTheme
from models import ClusteringRun, Placement, Theme, ThemeFinding, User


def _selected(finding_ids: Sequence[int]) -> None:
    if not finding_ids:
        raise ServiceError(_("Select at least one finding."), "findings")


def confirm_findings(
    actor: User, theme: Theme, finding_ids: Sequence[int], *, version: int | None
) -> int:
    """Confirm the selected findings where they are: labelled examples of ``theme`` with
    certainty 1. Findings of other themes and ones already confirmed are left alone;
    returns how many were confirmed. Bumps the theme's version, so a concurrent review of
    the same theme is refused as stale; audited."""
    check_version(theme, version)
    _selected(finding_ids)
    rows = list(
        db.session.scalars(
            select(ThemeFinding).where(
                ThemeFinding.theme_id == theme.id,
                ThemeFinding.finding_id.in_(finding_ids),
                ThemeFinding.placed_by != Placement.CONFIRMED,
            )
        )
    )
    for row in rows:
        row.placed_by, row.confidence = Placement.CONFIRMED, 1.0
    theme.version += 1
    db.session.flush()
    if rows:
        record_change(
            actor,
            "confirm",
            theme,
            new={"findings": sorted(r.finding_id for r in rows)},
            label=theme.label,
        )
    return len(rows)


def review_move(
    actor: User, source: Theme, target: Theme, finding_ids: Sequence[int], *, version: int | None
) -> int:
    """Move the selected findings of ``source`` to ``target`` (same run), refusing a page
    older than ``source``'s last change; moved findings are certain examples of ``target``
    (see ``move_findings``, which audits). Returns how many moved."""
    check_version(source, version)
    if target.run_id != source.run_id or target.id == source.id:
        raise ServiceError(_("Choose another theme of the same run."), "target")
    _selected(finding_ids)
    own = list(
        db.session.scalars(
            select(ThemeFinding.finding_id).where(
                ThemeFinding.theme_id == source.id, ThemeFinding.finding_id.in_(finding_ids)
            )
        )
    )
    return move_findings(actor, target, own)


def placements(
    theme: Theme, finding_ids: Sequence[int]
) -> dict[int, tuple[Placement, float | None]]:
    """How each listed finding came into ``theme`` and how sure that is, for the review list."""
    rows = db.session.execute(
        select(ThemeFinding.finding_id, ThemeFinding.placed_by, ThemeFinding.confidence).where(
            ThemeFinding.theme_id == theme.id, ThemeFinding.finding_id.in_(finding_ids)
        )
    )
    return {finding_id: (placed, sure) for finding_id, placed, sure in rows}


def create_named_run(
    actor: User,
    filters: FindingFilter,
    themes: Sequence[NamedTheme],
    *,
    k: int | None,
    lang: str = "zh",
    include_gaps: bool = False,
) -> ClusteringRun:
    """A queued run that starts from the PMO's theme names and examples: each name is the
    label of a seeded theme, every other finding goes to one of them, or to a new theme
    when ``k`` asks for more themes than names. Audited with the names."""
    if not themes:
        raise ServiceError(_("Enter at least one theme name."), "themes")
    k = None if k is None else max(k, len(themes))
    run = create_run(actor, filters, k=k, lang=lang, include_gaps=include_gaps)
    listed = [{"name": t.name, "examples": list(t.examples)} for t in themes]
    run.parameters = {**run.parameters, "named_themes": listed}
    db.session.flush()
    record_change(
        actor, "seed", run, new={"themes": [t.name for t in themes]}, label=f"run {run.id}"
    )
    return run
