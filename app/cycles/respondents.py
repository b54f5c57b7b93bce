"""Several respondents: invitations, "assigned to me", rating one's assignments, consolidation."""

from __future__ import annotations

import io
from typing import Any

from flask import abort, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user
from sqlalchemy import select
from werkzeug.wrappers import Response

from app.cycles import bp
from app.cycles.filling import area_or_404
from app.cycles.forms import RATING_CHOICES, InviteForm, OwnWorkbookForm, rating_labels
from app.errors import refusal
from app.extensions import db
from app.i18n import current_locale_code
from app.params import form_version
from app.security import roles
from app.services.assessments import excel, workflow
from app.services.assessments import respondents as service
from app.services.assessments.access import get_visible_assessment_or_404
from assessments.maturity_model.model import ProcessArea
from models import Assessment, RespondentLine, Role, User

OWN_FIELDS = ("rating", "evidence", "comment", "na_reason")


@bp.route("/assigned")
@roles(Role.RESPONDENT, Role.DIRECTOR)
def assigned() -> str:
    """The "assigned to me" list: what the user is asked to rate, with due dates."""
    return render_template("cycles/assigned.html", assignments=service.assignments_of(current_user))


def _manageable_or_404(assessment_id: int) -> Assessment:
    item = get_visible_assessment_or_404(current_user, assessment_id)
    if not service.can_read_consolidation(current_user, item):
        abort(404)
    return item


def _people_of_line(item: Assessment) -> list[User]:
    return list(
        db.session.scalars(
            select(User)
            .join(RespondentLine, RespondentLine.user_id == User.id)
            .where(
                User.role == Role.RESPONDENT,
                RespondentLine.business_line_id == item.business_line_id,
                User.active.is_(True),
            )
            .order_by(User.display_name)
        )
    ) + list(item.business_line.directors)


@bp.route("/assessments/<int:assessment_id>/respondents", methods=["GET", "POST"])
@roles(Role.ADMIN, Role.PMO, Role.DIRECTOR)
def respondents(assessment_id: int) -> str | Response | tuple[str, int]:
    """Who rates what, how far each has come; invite people of the line."""
    item = _manageable_or_404(assessment_id)
    form = InviteForm()
    form.user_id.choices = [(0, _("A new respondent account"))] + [
        (u.id, f"{u.display_name} <{u.email}>") for u in _people_of_line(item)
    ]
    status = 200
    if form.validate_on_submit():
        with refusal(form) as refused:
            service.invite(
                current_user,
                item,
                assignments=(form.assignments.data or "").replace(",", " ").split(),
                due=form.due.data,
                user_id=form.user_id.data or None,
                email=form.email.data or "",
                display_name=form.display_name.data or "",
                password=form.password.data or "",
            )
            flash(_("Invitation saved."), "success")
            return redirect(url_for("cycles.respondents", assessment_id=item.id))
        status = refused.status
    elif request.method == "POST":
        status = 422
    areas = workflow.areas_in_scope(item)
    people = service.respondents_of(item)
    opened = item.consolidation_opened_at is not None
    return render_template(
        "cycles/respondents.html",
        assessment=item,
        rows=[(r, service.progress_of(r, areas)) for r in people],
        areas=areas if opened else (),
        disagreements=service.disagreement_counts(item, areas, people) if opened else {},
        language=current_locale_code(),
        form=form,
        can_manage=service.can_manage_respondents(current_user, item),
        can_consolidate=service.can_consolidate(current_user, item),
    ), status


def _typed_own(practice_ids: list[str]) -> dict[str, dict[str, Any]]:
    return {
        pid: {
            name: request.form.get(f"{name}-{pid}", "") or (None if name == "rating" else "")
            for name in OWN_FIELDS
        }
        for pid in practice_ids
    }


@bp.route("/assessments/<int:assessment_id>/respond/<code>", methods=["GET", "POST"])
@roles(Role.RESPONDENT, Role.DIRECTOR)
def respond(assessment_id: int, code: str) -> str | Response | tuple[str, int]:
    """A respondent rates the practices of ``code`` assigned to them; nobody else's shown."""
    respondent = service.get_own_respondent_or_404(current_user, assessment_id)
    item = respondent.assessment
    areas = workflow.areas_in_scope(item)
    assigned = service.assigned_practices(areas, respondent.assignments)
    if code not in assigned:
        abort(404)
    practices = assigned[code]
    ids = [p.id for p in practices]
    problems: dict[str, str] = {}
    status = 200
    if request.method == "POST":
        values = _typed_own(ids)
        inputs = [workflow.RatingInput(practice_id=pid, **v) for pid, v in values.items()]
        with refusal(show=False) as refused:
            service.save_own_ratings(current_user, respondent, inputs)
            flash(_("Your ratings of %(area)s are saved.", area=code), "success")
            return redirect(url_for("cycles.respond", assessment_id=item.id, code=code))
        problems = {refused.field: refused.message} if refused.field else {}
        if not problems:
            flash(refused.message, "danger")
        status = refused.status
    else:
        saved = service.own_states(respondent)
        values = {pid: saved.get(pid) or dict.fromkeys(OWN_FIELDS, "") for pid in ids}
    area = next(a for a in areas if a.code == code)
    return render_template(
        "cycles/respond.html",
        assessment=item,
        respondent=respondent,
        area=area,
        practices=practices,
        codes=list(assigned),
        values=values,
        problems=problems,
        progress=service.progress_of(respondent, areas),
        editable=item.status.value in ("draft", "returned") and item.cycle.status.value == "open",
        rating_choices=RATING_CHOICES,
        rating_labels=rating_labels(),
        language=current_locale_code(),
    ), status


@bp.route("/assessments/<int:assessment_id>/consolidation/open", methods=["POST"])
@roles(Role.ADMIN, Role.PMO, Role.DIRECTOR)
def open_consolidation(assessment_id: int) -> Response:
    item = _manageable_or_404(assessment_id)
    with refusal():
        service.open_consolidation(current_user, item)
        flash(_("Consolidation is open: every respondent's ratings are shown."), "success")
    return redirect(url_for("cycles.respondents", assessment_id=item.id))


def _consensus_inputs(area: ProcessArea) -> list[service.ConsensusInput]:
    return [
        service.ConsensusInput(
            practice_id=p.id,
            rating=request.form.get(f"consensus-{p.id}") or None,
            reason=request.form.get(f"reason-{p.id}", ""),
        )
        for _goal, p in area.practices()
        if f"consensus-{p.id}" in request.form
    ]


@bp.route("/assessments/<int:assessment_id>/consolidation/<code>", methods=["GET", "POST"])
@roles(Role.ADMIN, Role.PMO, Role.DIRECTOR)
def consolidation(assessment_id: int, code: str) -> str | Response | tuple[str, int]:
    """Every practice's ratings by respondent, disagreements first; the consensus is set here."""
    item = _manageable_or_404(assessment_id)
    area = area_or_404(item, code)
    if item.consolidation_opened_at is None:
        flash(_("Open the consolidation to see the respondents' ratings."), "warning")
        return redirect(url_for("cycles.respondents", assessment_id=item.id))
    typed: dict[str, dict[str, str]] = {}
    problems: dict[str, str] = {}
    stale = None
    status = 200
    version = item.version
    if request.method == "POST":
        inputs = _consensus_inputs(area)
        typed = {i.practice_id: {"rating": i.rating or "", "reason": i.reason} for i in inputs}
        version = form_version(request.form.get("version", "")) or item.version
        with refusal(show=False) as refused:
            service.set_consensus(current_user, item, area, inputs, expected_version=version)
            flash(_("Consensus saved for %(area)s.", area=area.code), "success")
            return redirect(url_for("cycles.consolidation", assessment_id=item.id, code=code))
        problems = {refused.field: refused.message} if refused.field else {}
        if not problems:
            flash(refused.message, "warning" if refused.stale is not None else "danger")
        stale, status, version = refused.stale, refused.status, item.version
    people = service.respondents_of(item, [p.id for _goal, p in area.practices()])
    return render_template(
        "cycles/consolidation.html",
        assessment=item,
        area=area,
        areas=workflow.areas_in_scope(item),
        people=people,
        rows=service.consolidation_rows(item, area, people),
        typed=typed,
        problems=problems,
        stale=stale,
        version=version,
        editable=service.can_consolidate(current_user, item),
        rating_choices=RATING_CHOICES,
        language=current_locale_code(),
    ), status


@bp.route("/assessments/<int:assessment_id>/consolidation/finding", methods=["POST"])
@roles(Role.ADMIN, Role.PMO, Role.DIRECTOR)
def disagreement_finding(assessment_id: int) -> Response:
    """Record a disagreement as a finding (认识不一致) in one step."""
    item = _manageable_or_404(assessment_id)
    practice_id = request.form.get("practice_id", "")
    code = practice_id.split(".")[0]
    with refusal():
        service.disagreement_finding(current_user, item, practice_id)
        flash(_("The disagreement on %(id)s is now a finding.", id=practice_id), "success")
    return redirect(url_for("cycles.consolidation", assessment_id=item.id, code=code))


@bp.route("/assessments/<int:assessment_id>/respond.xlsx")
@roles(Role.RESPONDENT, Role.DIRECTOR)
def respond_export(assessment_id: int) -> Response:
    """A respondent's workbook: their assignments only, with their own ratings."""
    respondent = service.get_own_respondent_or_404(current_user, assessment_id)
    response = send_file(
        io.BytesIO(excel.export_own(respondent, current_locale_code())),
        mimetype=excel.XLSX_MIMETYPE,
        as_attachment=True,
        download_name=excel.export_filename(respondent.assessment).replace(".xlsx", "-mine.xlsx"),
    )
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.route("/assessments/<int:assessment_id>/respond/import", methods=["POST"])
@roles(Role.RESPONDENT, Role.DIRECTOR)
def respond_import(assessment_id: int) -> Response | tuple[str, int]:
    """Import a respondent's filled workbook: every row or none."""
    respondent = service.get_own_respondent_or_404(current_user, assessment_id)
    form = OwnWorkbookForm()
    if form.validate_on_submit():
        data = form.file.data.read(excel.import_limits().max_bytes + 1)
        with refusal(show=False) as refused:
            outcome = excel.import_own(current_user, respondent, data)
            flash(
                ngettext("%(num)s practice changed", "%(num)s practices changed", outcome.changed),
                "success",
            )
            return redirect(url_for("cycles.assigned"))
        problems = getattr(refused.error, "problems", [refused.message])
        flash(refused.message, "danger")
    else:
        problems = [e for errors in form.errors.values() for e in errors]
    return render_template(
        "cycles/assigned.html",
        assignments=service.assignments_of(current_user),
        problems=problems,
    ), 422
