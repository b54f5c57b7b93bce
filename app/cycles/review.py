"""The PMO's review of a submitted assessment: validate it, or return it with comments."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user
from werkzeug.wrappers import Response

from app.cycles import bp
from app.cycles.forms import ReviewForm, rating_labels
from app.errors import refusal
from app.i18n import current_locale_code
from app.security import roles
from app.services.assessments import workflow as service
from app.services.assessments.access import can_review_assessment, get_visible_assessment_or_404
from app.services.visibility import MANAGERS
from models import Assessment


def _render(item: Assessment, form: ReviewForm, comments: dict[str, str]) -> str:
    return render_template(
        "cycles/review.html",
        assessment=item,
        areas=service.areas_in_scope(item),
        saved=service.ratings_by_practice(item),
        comments=comments,
        form=form,
        can_review=can_review_assessment(current_user, item),
        rating_labels=rating_labels(),
        language=current_locale_code(),
    )


@bp.route("/assessments/<int:assessment_id>/review", methods=["GET", "POST"])
@roles(*MANAGERS)
def review(assessment_id: int) -> str | Response | tuple[str, int]:
    item = get_visible_assessment_or_404(current_user, assessment_id)
    form = ReviewForm()
    if request.method == "GET":
        form.comment.data = item.review_comment
        comments = {pid: r.review_comment for pid, r in service.ratings_by_practice(item).items()}
        return _render(item, form, comments)
    practice_ids = [p.id for area in service.areas_in_scope(item) for _g, p in area.practices()]
    comments = {pid: request.form.get(f"review-{pid}", "").strip() for pid in practice_ids}
    if not form.validate_on_submit():
        return _render(item, form, comments), 422
    action = request.form.get("action")
    if action not in ("validate", "return"):
        flash(_("Choose to validate or to return the assessment."), "danger")
        return _render(item, form, comments), 422
    with refusal(form):
        if action == "validate":
            findings = service.validate(current_user, item)
            message = ngettext(
                "Assessment validated: it is frozen now; %(num)s gap finding recorded.",
                "Assessment validated: it is frozen now; %(num)s gap findings recorded.",
                len(findings),
            )
        else:
            service.return_for_changes(current_user, item, form.comment.data or "", comments)
            message = _("Assessment returned to the director with your comments.")
        flash(message, "success")
        return redirect(url_for("cycles.assessment", assessment_id=assessment_id))
    return _render(item, form, comments), 422
