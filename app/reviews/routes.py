from __future__ import annotations

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user
from sqlalchemy import select
from werkzeug.wrappers import Response as WerkzeugResponse
from wtforms import SelectChoice

from app.errors import refusal
from app.extensions import db
from app.pagination import paginate
from app.params import parse_id
from app.reviews import bp
from app.reviews.forms import KIND_LABELS, ActionItemForm, ReviewForm
from app.security import roles
from app.services.backlog import reviews as service
from app.services.backlog.items import ACTION_LABELS, STATUS_LABELS, owner_choices
from app.services.backlog.quickwins import today
from app.services.visibility import MANAGERS
from models import ActionItem, Review, ReviewKind


@bp.route("/", methods=["GET", "POST"])
@roles(*MANAGERS)
def reviews() -> str | WerkzeugResponse:
    form = ReviewForm()
    if request.method == "GET":
        form.held_on.data = today()
    if form.validate_on_submit():
        review = service.create_review(
            current_user,
            kind=ReviewKind(form.kind.data),
            held_on=form.held_on.data,
            attendees=form.attendees.data or "",
            notes=form.notes.data or "",
        )
        flash(_("Review created; decide on the agenda below."), "success")
        return redirect(url_for("reviews.review", review_id=review.id))
    page = paginate(select(Review).order_by(Review.held_on.desc(), Review.id.desc()))
    return render_template("reviews/list.html", page=page, form=form, kinds=KIND_LABELS)


def _review_or_404(review_id: int) -> Review:
    review = service.load_review(review_id)
    if review is None:
        abort(404)
    return review


def _render(review: Review, code: int = 200, action_form: ActionItemForm | None = None):
    form = action_form or ActionItemForm(formdata=None)
    form.owner_id.choices = [SelectChoice(0, _("Nobody yet"))] + [
        SelectChoice(u.id, u.display_name) for u in owner_choices()
    ]
    decision_labels = {a.value: label for a, label in ACTION_LABELS.items()}
    decision_labels["reprioritise"] = _("Re-prioritise")
    return render_template(
        "reviews/review.html",
        review=review,
        agenda=service.agenda(review.held_on),
        new_themes=service.new_themes(review),
        kinds=KIND_LABELS,
        action_form=form,
        STATUS_LABELS=STATUS_LABELS,
        decision_labels=decision_labels,
        today=today(),
    ), code


@bp.route("/<int:review_id>")
@roles(*MANAGERS)
def review(review_id: int):
    return _render(_review_or_404(review_id))


def _int(value: str | None) -> int | None:
    number = parse_id(value)
    return number if number is not None and number <= 5 else None


@bp.route("/<int:review_id>/decisions", methods=["POST"])
@roles(*MANAGERS)
def decide(review_id: int):
    found = _review_or_404(review_id)
    decisions = [
        service.DecisionInput(
            item_id=item_id,
            decision=value,
            rationale=request.form.get(f"rationale-{key.removeprefix('decision-')}", ""),
            impact=_int(request.form.get(f"impact-{key.removeprefix('decision-')}")),
            urgency=_int(request.form.get(f"urgency-{key.removeprefix('decision-')}")),
            effort=_int(request.form.get(f"effort-{key.removeprefix('decision-')}")),
        )
        for key, value in request.form.items()
        if key.startswith("decision-")
        and (item_id := parse_id(key.removeprefix("decision-"))) is not None
        and value
    ]
    with refusal(show=False) as refused:
        count = service.decide(current_user, found, decisions)
        flash(ngettext("%(num)s decision applied.", "%(num)s decisions applied.", count), "success")
        return redirect(url_for("reviews.review", review_id=review_id))
    flash(_("No decision was applied. %(error)s", error=refused.message), "danger")
    return _render(found, 422)


@bp.route("/<int:review_id>/actions", methods=["POST"])
@roles(*MANAGERS)
def add_action(review_id: int):
    found = _review_or_404(review_id)
    form = ActionItemForm()
    form.owner_id.choices = [SelectChoice(0, "")] + [
        SelectChoice(u.id, u.display_name) for u in owner_choices()
    ]
    if not form.validate_on_submit():
        return _render(found, 422, form)
    service.add_action(
        current_user,
        found,
        title=form.title.data or "",
        owner_id=form.owner_id.data or None,
        due_on=form.due_on.data,
    )
    flash(_("Action item added."), "success")
    return redirect(url_for("reviews.review", review_id=review_id))


@bp.route("/<int:review_id>/actions/<int:action_id>/done", methods=["POST"])
@roles(*MANAGERS)
def action_done(review_id: int, action_id: int) -> WerkzeugResponse:
    action = db.session.get(ActionItem, action_id)
    if action is None or action.review_id != review_id:
        abort(404)
    if service.mark_action_done(current_user, action):
        flash(_("Action item marked done."), "success")
    return redirect(url_for("reviews.review", review_id=review_id))


MINUTES_FORMATS = {
    "xlsx": (
        service.minutes_xlsx,
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ),
    "pdf": (service.minutes_pdf, "application/pdf"),
}


@bp.route("/<int:review_id>/minutes.xlsx", defaults={"fmt": "xlsx"})
@bp.route("/<int:review_id>/minutes.pdf", defaults={"fmt": "pdf"}, endpoint="minutes_pdf")
@roles(*MANAGERS)
def minutes(review_id: int, fmt: str) -> Response:
    found = _review_or_404(review_id)
    build, mimetype = MINUTES_FORMATS[fmt]
    name = f"review-{found.held_on.isoformat()}.{fmt}"
    return Response(
        build(found, str(KIND_LABELS[found.kind])),
        mimetype=mimetype,
        headers={"Content-Disposition": f"attachment; filename={name}"},
    )
