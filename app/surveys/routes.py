"""The PMO's surveys, and the public page that answers them."""

from __future__ import annotations

from datetime import date

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_limiter.util import get_remote_address
from flask_login import current_user
from sqlalchemy import Row, func, select
from werkzeug.wrappers import Response
from wtforms import SelectChoice

from app.errors import refusal
from app.extensions import db, limiter, login_manager
from app.i18n import current_locale_code
from app.params import form_version
from app.security import public, roles, untracked
from app.services.findings.labels import CATEGORY_LABELS
from app.services.findings.records import area_names, reference_model
from app.services.findings.surveys import (
    Answer,
    answer_survey,
    parse_categories,
    save_survey,
    set_status,
    survey_by_token,
)
from app.services.submissions import claim, complete
from app.services.tabular_export import table_response
from app.services.visibility import MANAGERS
from app.surveys import bp
from app.surveys.forms import AnswerForm, SurveyForm
from models import BusinessLine, Cycle, Survey, SurveyResponse, SurveyStatus


def _today() -> date:
    return date.today()


def _survey_rows() -> list[Row[Survey, int]]:
    answers = (
        select(func.count(SurveyResponse.id))
        .where(SurveyResponse.survey_id == Survey.id)
        .scalar_subquery()
    )
    return list(db.session.execute(select(Survey, answers).order_by(Survey.id.desc())).all())


@bp.route("/surveys/")
@roles(*MANAGERS)
def surveys() -> str:
    return render_template("surveys/list.html", rows=_survey_rows(), today=_today())


@bp.route("/surveys/export")
@roles(*MANAGERS)
def export_surveys() -> Response:
    today = _today()
    headers = [
        _("Title"), _("Assessment cycle"), _("Business lines"), _("Closing date"),
        _("Status"), _("Answers"),
    ]  # fmt: skip
    rows = (
        [
            survey.title,
            survey.cycle.name if survey.cycle else "",
            ", ".join(bl.name for bl in survey.business_lines),
            survey.closes_on.isoformat() if survey.closes_on else "",
            _("Open") if survey.accepts_answers(today) else _("Closed"),
            answers,
        ]
        for survey, answers in _survey_rows()
    )
    return table_response("surveys", headers, rows, request.args.get("format", ""))


def _survey_form(survey: Survey | None) -> SurveyForm:
    form = SurveyForm(obj=survey)
    form.cycle.choices = [SelectChoice(0, _("(none)"))] + [
        SelectChoice(c.id, c.name) for c in db.session.scalars(select(Cycle).order_by(Cycle.start))
    ]
    form.business_lines.choices = [
        SelectChoice(bl.id, f"{bl.code} {bl.name}")
        for bl in db.session.scalars(select(BusinessLine).order_by(BusinessLine.code))
    ]
    if survey is not None and request.method == "GET":
        form.cycle.data = survey.cycle_id or 0
        form.business_lines.data = [bl.id for bl in survey.business_lines]
        form.categories.data = "\n".join(survey.categories)
    return form


@bp.route("/surveys/new", methods=["GET", "POST"], endpoint="new_survey")
@bp.route("/surveys/<int:survey_id>/edit", methods=["GET", "POST"])
@roles(*MANAGERS)
def edit_survey(survey_id: int | None = None) -> str | Response | tuple[str, int]:
    survey = db.session.get(Survey, survey_id) if survey_id else None
    if survey_id and survey is None:
        abort(404)
    form = _survey_form(survey)
    if not form.validate_on_submit():
        return render_template("surveys/form.html", form=form, survey=survey)
    with refusal(form) as refused:
        claimed = claim(current_user, form.submission.data) if survey is None else None
        saved = save_survey(
            current_user,
            survey,
            title=form.title.data or "",
            introduction=form.introduction.data or "",
            title_en=form.title_en.data or "",
            introduction_en=form.introduction_en.data or "",
            cycle_id=form.cycle.data or None,
            business_line_ids=form.business_lines.data or [],
            closes_on=form.closes_on.data,
            anonymous=form.anonymous.data,
            categories=parse_categories(form.categories.data or ""),
            version=form_version(form.version.data),
        )
        location = url_for("surveys.survey", survey_id=saved.id)
        complete(claimed, location)
        flash(_("Survey saved."), "success")
        return redirect(location)
    return render_template("surveys/form.html", form=form, survey=survey), refused.status


@bp.route("/surveys/<int:survey_id>")
@roles(*MANAGERS)
def survey(survey_id: int) -> str:
    found = db.session.get(Survey, survey_id) or abort(404)
    answers = db.session.scalar(
        select(func.count(SurveyResponse.id)).where(SurveyResponse.survey_id == found.id)
    )
    link = url_for("surveys.answer", token=found.token, _external=True)
    return render_template(
        "surveys/detail.html", survey=found, answers=answers, link=link, today=_today()
    )


@bp.route("/surveys/<int:survey_id>/status", methods=["POST"])
@roles(*MANAGERS)
def change_status(survey_id: int) -> Response:
    found = db.session.get(Survey, survey_id) or abort(404)
    wanted = request.form.get("status", "")
    if wanted not in {s.value for s in SurveyStatus}:
        abort(400)
    set_status(current_user, found, SurveyStatus(wanted))
    flash(_("Survey closed.") if wanted == "closed" else _("Survey open again."), "success")
    return redirect(url_for("surveys.survey", survey_id=found.id))


# ------------------------------------------------------------------------ public page


def _answer_limit() -> str:
    return str(current_app.config.get("SURVEY_RATE_LIMIT", "10 per hour"))


def _link_and_address() -> str:
    token = (request.view_args or {}).get("token", "")
    return f"survey:{token}:{get_remote_address()}"


def _answer_form(found: Survey) -> AnswerForm:
    form = AnswerForm()
    lang = current_locale_code()
    form.business_line.choices = [SelectChoice(bl.id, bl.name) for bl in found.business_lines]
    form.category.choices = [
        SelectChoice(c, str(CATEGORY_LABELS.get(c, c))) for c in found.categories
    ]
    names = area_names(reference_model(found.cycle), lang)
    form.process_area.choices = [SelectChoice("", _("I don't know"))] + [
        SelectChoice(code, name) for code, name in sorted(names.items(), key=lambda i: i[1])
    ]
    return form


@bp.route("/s/<token>", methods=["GET", "POST"])
@limiter.limit(_answer_limit, key_func=_link_and_address, methods=["POST"])
@public
@untracked
def answer(token: str) -> str | Response | tuple[str, int]:
    found = survey_by_token(token) or abort(404)
    if not found.anonymous and not current_user.is_authenticated:
        return login_manager.unauthorized()
    if not found.accepts_answers(_today()):
        return render_template("surveys/closed.html", survey=found)
    form = _answer_form(found)
    if len(found.business_lines) == 1:
        form.business_line.data = found.business_lines[0].id
    if not form.validate_on_submit():
        status = 422 if form.errors else 200
        return render_template("surveys/answer.html", survey=found, form=form), status
    with refusal(form):
        answer_survey(
            found,
            Answer(
                text=form.text.data or "",
                business_line_id=form.business_line.data,
                severity=form.severity.data or 0,
                frequency=form.frequency.data or "",
                category=form.category.data or "",
                process_area=form.process_area.data or None,
                suggestion=form.suggestion.data or "",
            ),
            respondent=current_user if current_user.is_authenticated else None,
            today=_today(),
        )
        return redirect(url_for("surveys.thanks", token=found.token))
    return render_template("surveys/answer.html", survey=found, form=form), 422


@bp.route("/s/<token>/thanks")
@public
@untracked
def thanks(token: str) -> str:
    found = survey_by_token(token) or abort(404)
    return render_template("surveys/thanks.html", survey=found)
