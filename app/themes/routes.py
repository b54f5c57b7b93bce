"""Themes: clustering runs over findings, their themes, and the PMO's edits."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user
from sqlalchemy import select
from werkzeug.wrappers import Response
from wtforms import SelectChoice

from app.errors import refusal
from app.extensions import db
from app.i18n import current_locale_code
from app.pagination import paginate
from app.params import form_version, parse_id
from app.security import roles
from app.services.findings.gap_areas import gap_areas
from app.services.findings.labels import SOURCE_LABELS
from app.services.findings.publication import (
    current_run,
    publication_plan,
    publish_run,
    sees_drafts,
    visible_run_or_404,
    visible_runs,
    visible_theme_or_404,
)
from app.services.findings.records import FindingFilter, area_names, reference_model
from app.services.findings.theme_corrections import placements, review_move
from app.services.findings.theme_review import theme_quotes
from app.services.findings.themes import (
    ASSIGN_JOB,
    RUN_JOB,
    assignment_message,
    count_unassigned,
    create_run,
    latest_run,
    merge_themes,
    queue_assignment,
    queue_run,
    rename_theme,
    run_filters,
    run_subject,
    split_theme,
    theme_findings,
)
from app.services.jobs import fail_stale_jobs, jobs_about
from app.services.tabular_export import table_response
from app.services.visibility import MANAGERS, READERS
from app.themes import bp
from app.themes.forms import MergeForm, MoveForm, RenameForm, RunForm, SplitForm
from models import BusinessLine, ClusteringRun, Cycle, RunStatus, Theme


def _run_form(form_class: type[RunForm] = RunForm) -> RunForm:
    """A run form (or a subclass: ``NamedRunForm``) with its choices filled in."""
    form = form_class()
    form.cycle.choices = [SelectChoice(0, _("All cycles"))] + [
        SelectChoice(c.id, c.name)
        for c in db.session.scalars(select(Cycle).order_by(Cycle.start.desc()))
    ]
    form.business_lines.choices = [
        SelectChoice(bl.id, f"{bl.code} {bl.name}")
        for bl in db.session.scalars(select(BusinessLine).order_by(BusinessLine.code))
    ]
    form.source.choices = [SelectChoice("", _("All sources"))] + [
        SelectChoice(code, str(label)) for code, label in SOURCE_LABELS.items()
    ]
    return form


def _lines() -> dict[int, str]:
    return {
        row.id: row.name for row in db.session.execute(select(BusinessLine.id, BusinessLine.name))
    }


@bp.route("/themes/")
@roles(*READERS)
def themes() -> str | Response:
    """The PMO lands on the latest run (a draft, maybe); everyone else on the published one."""
    run = latest_run() if sees_drafts(current_user) else current_run()
    if run is not None:
        return redirect(url_for("themes.run", run_id=run.id))
    runs = list(db.session.scalars(visible_runs(current_user)))
    return render_template("themes/index.html", runs=runs, form=_run_form())


@bp.route("/themes/runs", methods=["POST"])
@roles(*MANAGERS)
def start_run() -> Response | tuple[str, int]:
    form = _run_form()
    if not form.validate_on_submit():
        runs = list(db.session.scalars(select(ClusteringRun).order_by(ClusteringRun.id.desc())))
        return render_template("themes/index.html", runs=runs, form=form), 422
    filters = FindingFilter(
        cycle_id=form.cycle.data or None,
        source=form.source.data or None,
        business_line_ids=tuple(form.business_lines.data or ()),
    )
    with refusal():
        run = create_run(
            current_user, filters, k=form.k.data, lang=_lang(), include_gaps=form.include_gaps.data
        )
        queue_run(current_user, run)
        return redirect(url_for("themes.run", run_id=run.id))
    return redirect(url_for("themes.themes"))


def _lang() -> str:
    return "en" if current_locale_code() == "en" else "zh"


@bp.route("/themes/runs/<int:run_id>")
@roles(*READERS)
def run(run_id: int) -> str:
    fail_stale_jobs()
    found = visible_run_or_404(current_user, run_id)
    runs = list(db.session.scalars(visible_runs(current_user).limit(10)))
    latest = latest_run()
    published = current_run()
    publishable = (
        sees_drafts(current_user)
        and found.status is RunStatus.DONE
        and (published is None or published.id != found.id)
    )
    jobs = jobs_about(run_subject(found.id))
    clustering = next((job for job in jobs if job.kind == RUN_JOB), None)
    assignment = next((job for job in jobs if job.kind == ASSIGN_JOB), None)
    busy = assignment is not None and not assignment.finished
    pending = (
        count_unassigned(found) if latest is not None and latest.id == found.id and not busy else 0
    )
    return render_template(
        "themes/run.html",
        run=found,
        clustering=clustering,
        assignment=assignment,
        assigned=assignment_message(assignment) if assignment else "",
        runs=runs,
        form=_run_form(),
        lines=_lines(),
        areas=area_names(reference_model(), current_locale_code()),
        pending=pending,
        gaps=gap_areas(current_user, found) if found.status is RunStatus.DONE else [],
        published=published,
        publishable=publishable,
        changes=found.changes
        or (publication_plan(found).changes.as_dict() if publishable else None),
    )


@bp.route("/themes/runs/<int:run_id>/publish", methods=["POST"])
@roles(*MANAGERS)
def publish(run_id: int) -> Response:
    found = db.session.get(ClusteringRun, run_id) or abort(404)
    with refusal():
        publish_run(current_user, found)
        flash(
            _("Run %(id)s published: leadership and the reports now show its themes.", id=run_id),
            "success",
        )
    return redirect(url_for("themes.run", run_id=run_id))


@bp.route("/themes/runs/<int:run_id>/export")
@roles(*READERS)
def export_run(run_id: int) -> Response:
    found = visible_run_or_404(current_user, run_id)
    lines = _lines()
    areas = area_names(reference_model(), current_locale_code())
    headers = [
        _("Theme"), _("Terms"), _("Size"), _("Mean severity"), _("Process areas"),
        _("Business lines"),
    ]  # fmt: skip
    rows = (
        [
            theme.label,
            " · ".join(theme.terms),
            theme.size,
            None if theme.mean_severity is None else round(theme.mean_severity, 2),
            ", ".join(areas.get(code, code) for code in theme.process_areas),
            ", ".join(lines.get(i, "") for i in theme.business_line_ids),
        ]
        for theme in found.themes
    )
    return table_response(f"themes-{found.id}", headers, rows, request.args.get("format", ""))


@bp.route("/themes/runs/<int:run_id>/status")
@roles(*READERS)
def run_status(run_id: int) -> dict[str, object]:
    fail_stale_jobs()
    found = visible_run_or_404(current_user, run_id)
    return {"status": found.status.value, "progress": found.progress, "k": found.k}


@bp.route("/themes/runs/<int:run_id>/rerun", methods=["POST"])
@roles(*MANAGERS)
def rerun(run_id: int) -> Response:
    found = db.session.get(ClusteringRun, run_id) or abort(404)
    with refusal():
        new = create_run(current_user, run_filters(found), k=found.k_requested, lang=_lang())
        queue_run(current_user, new)
        return redirect(url_for("themes.run", run_id=new.id))
    return redirect(url_for("themes.run", run_id=run_id))


@bp.route("/themes/runs/<int:run_id>/assign", methods=["POST"])
@roles(*MANAGERS)
def assign(run_id: int) -> Response:
    found = db.session.get(ClusteringRun, run_id) or abort(404)
    with refusal():
        queue_assignment(current_user, found)
    return redirect(url_for("themes.run", run_id=run_id))


def _theme_or_404(theme_id: int) -> Theme:
    return db.session.get(Theme, theme_id) or abort(404)


@bp.route("/themes/<int:theme_id>")
@roles(*READERS)
def theme(theme_id: int) -> str:
    found = visible_theme_or_404(current_user, theme_id)
    others = [t for t in found.run.themes if t.id != found.id]
    merge, move = MergeForm(), MoveForm()
    merge.other.choices = move.target.choices = [SelectChoice(t.id, t.label) for t in others]
    page = paginate(theme_findings(found))
    return render_template(
        "themes/theme.html",
        theme=found,
        rename=RenameForm(obj=found),
        merge=merge,
        move=move,
        split=SplitForm(),
        quotes=theme_quotes(found, _lang()),
        page=page,
        marks=placements(found, [f.id for f in page.items]),
        lines=_lines(),
        areas=area_names(reference_model(), current_locale_code()),
    )


@bp.route("/themes/<int:theme_id>/rename", methods=["POST"])
@roles(*MANAGERS)
def rename(theme_id: int) -> Response:
    found = _theme_or_404(theme_id)
    form = RenameForm()
    if not form.validate_on_submit():
        flash(_("A theme name has 1 to 200 characters."), "danger")
        return redirect(url_for("themes.theme", theme_id=theme_id))
    version = form_version(form.version.data)
    with refusal():
        rename_theme(current_user, found, form.label.data or "", version=version)
        flash(_("Theme renamed."), "success")
    return redirect(url_for("themes.theme", theme_id=theme_id))


@bp.route("/themes/<int:theme_id>/merge", methods=["POST"])
@roles(*MANAGERS)
def merge(theme_id: int) -> Response:
    found = _theme_or_404(theme_id)
    keep = _theme_or_404(parse_id(request.form.get("other")) or 0)
    with refusal():
        merge_themes(current_user, keep, found)
        flash(_("Themes merged."), "success")
        return redirect(url_for("themes.theme", theme_id=keep.id))
    return redirect(url_for("themes.theme", theme_id=theme_id))


@bp.route("/themes/<int:theme_id>/move", methods=["POST"])
@roles(*MANAGERS)
def move(theme_id: int) -> Response:
    """Move the checked findings of this theme to the chosen theme of the same run."""
    source = _theme_or_404(theme_id)
    target = _theme_or_404(parse_id(request.form.get("target")) or 0)
    ids = [i for i in map(parse_id, request.form.getlist("findings")) if i is not None]
    version = form_version(request.form.get("version"))
    with refusal():
        count = review_move(current_user, source, target, ids, version=version)
        flash(
            ngettext(
                "%(num)s finding moved to “%(theme)s”.",
                "%(num)s findings moved to “%(theme)s”.",
                count,
                theme=target.label,
            ),
            "success",
        )
    return redirect(url_for("themes.theme", theme_id=theme_id))


@bp.route("/themes/<int:theme_id>/split", methods=["POST"])
@roles(*MANAGERS)
def split(theme_id: int) -> Response:
    found = _theme_or_404(theme_id)
    form = SplitForm()
    if not form.validate_on_submit():
        flash(_("Split into 2 to %(max)s themes.", max=10), "danger")
        return redirect(url_for("themes.theme", theme_id=theme_id))
    with refusal():
        parts = split_theme(current_user, found, form.parts.data or 2)
        flash(
            ngettext(
                "Theme split into %(num)s theme.", "Theme split into %(num)s themes.", len(parts)
            ),
            "success",
        )
        return redirect(url_for("themes.run", run_id=found.run_id))
    return redirect(url_for("themes.theme", theme_id=theme_id))
