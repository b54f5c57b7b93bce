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
from app.services.findings import satisfaction
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
from app.surveys.forms import (
    AnswerForm,
    InvitationForm,
    QuestionForm,
    SatisfactionAnswerForm,
    SurveyForm,
)
from models import (
    BusinessLine,
    Cycle,
    QuestionKind,
    SatisfactionResponse,
    Survey,
    SurveyKind,
    SurveyQuestion,
    SurveyResponse,
    SurveyStatus,
)


def _today() -> date:
    return date.today()


def _survey_rows() -> list[Row[Survey, int]]:
    pain_points = (
        select(func.count(SurveyResponse.id))
        .where(SurveyResponse.survey_id == Survey.id)
        .scalar_subquery()
    )
    questionnaires = (
        select(func.count(SatisfactionResponse.id))
        .where(SatisfactionResponse.survey_id == Survey.id)
        .scalar_subquery()
    )
    answers = (pain_points + questionnaires).label("answers")
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
        form.kind.data = survey.kind.value
        form.period.data = survey.period or ""
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
            cycle_id=form.cycle.data or None,
            business_line_ids=form.business_lines.data or [],
            closes_on=form.closes_on.data,
            anonymous=form.anonymous.data,
            categories=parse_categories(form.categories.data or ""),
            version=form_version(form.version.data),
            kind=SurveyKind(form.kind.data or SurveyKind.PAIN_POINTS.value),
            period=form.period.data,
        )
        location = url_for("surveys.survey", survey_id=saved.id)
        complete(claimed, location)
        flash(_("Survey saved."), "success")
        return redirect(location)
    return render_template("surveys/form.html", form=form, survey=survey), refused.status


@bp.route("/surveys/<int:survey_id>")
@roles(*MANAGERS)
def survey(survey_id: int) -> str | tuple[str, int]:
    return _render_survey(db.session.get(Survey, survey_id) or abort(404))


def _render_survey(found: Survey, code: int = 200, **forms: object) -> tuple[str, int]:
    link = url_for("surveys.answer", token=found.token, _external=True)
    context: dict[str, object] = {"survey": found, "link": link, "today": _today()}
    if found.kind is SurveyKind.SATISFACTION:
        context.update(
            answers=satisfaction.response_count(found),
            results=satisfaction.question_results(found),
            participation=satisfaction.participation(found),
            means=satisfaction.survey_satisfaction_means(found),
            lines={bl.id: bl.name for bl in found.business_lines},
            question_form=forms.get("question_form") or QuestionForm(formdata=None),
            invitation_form=forms.get("invitation_form") or InvitationForm(formdata=None),
            invited=forms.get("invited"),
        )
    else:
        context["answers"] = db.session.scalar(
            select(func.count(SurveyResponse.id)).where(SurveyResponse.survey_id == found.id)
        )
    return render_template("surveys/detail.html", **context), code


def _satisfaction_survey_or_404(survey_id: int) -> Survey:
    found = db.session.get(Survey, survey_id)
    if found is None or found.kind is not SurveyKind.SATISFACTION:
        abort(404)
    return found


@bp.route("/surveys/<int:survey_id>/questions", methods=["POST"])
@roles(*MANAGERS)
def add_question(survey_id: int) -> Response | tuple[str, int]:
    found = _satisfaction_survey_or_404(survey_id)
    form = QuestionForm()
    if form.validate_on_submit():
        with refusal(form):
            satisfaction.add_question(
                current_user,
                found,
                kind=QuestionKind(form.kind.data),
                text=form.text.data or "",
                options=(form.options.data or "").splitlines(),
                required=form.required.data,
            )
            flash(_("Question added."), "success")
            return redirect(url_for("surveys.survey", survey_id=found.id))
    return _render_survey(found, 422, question_form=form)


@bp.route("/surveys/<int:survey_id>/questions/<int:question_id>/delete", methods=["POST"])
@roles(*MANAGERS)
def delete_question(survey_id: int, question_id: int) -> Response:
    found = _satisfaction_survey_or_404(survey_id)
    question = db.session.get(SurveyQuestion, question_id)
    if question is None or question.survey_id != found.id:
        abort(404)
    with refusal():
        satisfaction.delete_question(current_user, found, question)
        flash(_("Question removed."), "success")
    return redirect(url_for("surveys.survey", survey_id=found.id))


@bp.route("/surveys/<int:survey_id>/invitations", methods=["POST"])
@roles(*MANAGERS)
def invite(survey_id: int) -> tuple[str, int]:
    """Create one-time links; they are shown on this answer only (Ladder keeps hashes)."""
    found = _satisfaction_survey_or_404(survey_id)
    form = InvitationForm()
    if form.validate_on_submit():
        with refusal(form):
            sent = satisfaction.invite(
                current_user, found, satisfaction.parse_emails(form.emails.data or "")
            )
            invited = [
                (
                    email,
                    url_for("surveys.answer", token=found.token, invitation=token, _external=True),
                )
                for email, token in sent
            ]
            return _render_survey(
                found, invitation_form=InvitationForm(formdata=None), invited=invited
            )
    return _render_survey(found, 422, invitation_form=form)


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


def _line_choices(found: Survey) -> list[SelectChoice]:
    """The survey's business lines after an empty "choose" entry: nothing is preselected."""
    return [SelectChoice("", _("Choose …"))] + [
        SelectChoice(bl.id, bl.name) for bl in found.business_lines
    ]


def _answer_form(found: Survey) -> AnswerForm:
    form = AnswerForm()
    lang = current_locale_code()
    form.business_line.choices = _line_choices(found)
    form.category.choices = [SelectChoice("", _("Choose …"))] + [
        SelectChoice(c, str(CATEGORY_LABELS.get(c, c))) for c in found.categories
    ]
    names = area_names(reference_model(found.cycle), lang)
    form.process_area.choices = [SelectChoice("", _("I don't know"))] + [
        SelectChoice(code, name) for code, name in sorted(names.items(), key=lambda i: i[1])
    ]
    return form


@bp.route("/s/<token>", methods=["GET", "POST"])
@bp.route("/s/<token>/i/<invitation>", methods=["GET", "POST"])
@limiter.limit(_answer_limit, key_func=_link_and_address, methods=["POST"])
@public
@untracked
def answer(token: str, invitation: str | None = None) -> str | Response | tuple[str, int]:
    found = survey_by_token(token) or abort(404)
    if not found.anonymous and not current_user.is_authenticated:
        return login_manager.unauthorized()
    if not found.accepts_answers(_today()):
        return render_template("surveys/closed.html", survey=found)
    if found.kind is SurveyKind.SATISFACTION:
        return _answer_satisfaction(found, invitation)
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


def _answer_satisfaction(found: Survey, invitation: str | None) -> str | Response | tuple[str, int]:
    """The PMO's questions; the answer is stored without anything that names the sender."""
    if invitation is not None:
        used = satisfaction.find_invitation(found, invitation)
        if used is None or used.answered:
            return render_template("surveys/invitation_used.html", survey=found), 410
    form = SatisfactionAnswerForm()
    form.business_line.choices = _line_choices(found)
    if len(found.business_lines) == 1:
        form.business_line.data = found.business_lines[0].id
    questions = satisfaction.questions_of(found)
    posted = {q.id: request.form.get(f"q{q.id}", "") for q in questions}
    context = {"survey": found, "form": form, "questions": questions, "posted": posted}
    if not form.validate_on_submit():
        status = 422 if form.errors else 200
        return render_template("surveys/satisfaction_answer.html", **context), status
    with refusal(form, show=False) as refused:
        satisfaction.answer_satisfaction(
            found,
            business_line_id=form.business_line.data,
            answers=posted,
            today=_today(),
            invitation_token=invitation,
        )
        return redirect(url_for("surveys.thanks", token=found.token))
    page = render_template("surveys/satisfaction_answer.html", error=refused.error, **context)
    return page, 422


@bp.route("/s/<token>/thanks")
@public
@untracked
def thanks(token: str) -> str:
    found = survey_by_token(token) or abort(404)
    return render_template("surveys/thanks.html", survey=found)
