"""The target profile and roadmap page of a business line.

The page's fields are named after their process area (``target-PP``) and roadmap step
(``plan-2027-06-30-PP``; ``new-PP`` with ``new_due`` adds a step), as the rating page does:
their number depends on the model. A blank level leaves the area without a target or step.
"""

from __future__ import annotations

from datetime import date

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf import FlaskForm
from werkzeug.wrappers import Response

from app.errors import refusal
from app.i18n import current_locale_code
from app.profiles import bp
from app.security import signed_in
from app.services.assessments.model_store import parsed
from app.services.assessments.profiles import Profile, profile_model, profile_of, save_profile
from app.services.visibility import MANAGERS, get_visible_business_line_or_404
from assessments.maturity_model.model import MaturityModel
from assessments.profiles import PlanStep

LEVELS = (0, 1, 2, 3)


def _level(raw: str | None, field: str) -> int | None:
    raw = (raw or "").strip()
    if not raw:
        return None
    if raw not in {str(level) for level in LEVELS}:
        abort(400, _("%(field)s: capability levels are 0 to 3.", field=field))
    return int(raw)


def _due(raw: str, field: str) -> date:
    try:
        return date.fromisoformat(raw)
    except ValueError:
        abort(400, _("%(field)s: not a date (YYYY-MM-DD).", field=field))


def _sent(model: MaturityModel, profile: Profile) -> tuple[dict[str, int], list[PlanStep]]:
    """The targets and roadmap steps the form sent."""
    codes = [area.code for area in model.process_areas]
    targets = {
        code: level
        for code in codes
        if (level := _level(request.form.get(f"target-{code}"), code)) is not None
    }
    dues = list(profile.dues)
    new_due = (request.form.get("new_due") or "").strip()
    steps: list[PlanStep] = []
    for due in dues:
        for code in codes:
            level = _level(request.form.get(f"plan-{due.isoformat()}-{code}"), code)
            if level is not None:
                steps.append(PlanStep(code, due, level))
    if new_due:
        due = _due(new_due, "new_due")
        for code in codes:
            level = _level(request.form.get(f"new-{code}"), code)
            if level is not None and not any(
                s.due == due and s.process_area == code for s in steps
            ):
                steps.append(PlanStep(code, due, level))
    return targets, steps


@bp.route("/business-lines/<int:business_line_id>", methods=["GET", "POST"])
@signed_in
def profile(business_line_id: int) -> str | Response | tuple[str, int]:
    line = get_visible_business_line_or_404(current_user, business_line_id)
    stored = profile_model(line)
    if stored is None:
        abort(404)
    model = parsed(stored)
    current = profile_of(line.id)
    editable = current_user.role in MANAGERS
    if request.method == "POST":
        if not editable:
            abort(403)
        form = FlaskForm()
        if not form.validate_on_submit():
            abort(400)
        targets, steps = _sent(model, current)
        with refusal():
            save_profile(current_user, line, model, targets, steps)
            flash(_("Target profile of %(line)s saved.", line=line.name), "success")
            return redirect(url_for("profiles.profile", business_line_id=line.id))
        return _page(line, model, current, editable), 422
    return _page(line, model, current, editable)


def _page(line: object, model: MaturityModel, current: Profile, editable: bool) -> str:
    return render_template(
        "profiles/profile.html",
        line=line,
        model=model,
        profile=current,
        editable=editable,
        levels=LEVELS,
        language=current_locale_code(),
    )
