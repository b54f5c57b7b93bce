"""Satisfaction surveys: the PMO's questions, anonymous answers, invitations and the mean
that feeds the ``satisfaction`` KPI.

Privacy: an answer (``SatisfactionResponse`` and its ``SatisfactionAnswer`` rows) records the
survey, the business line and the answers, never a user, a time or an invitation. An
invitation records an e-mail address, the hash of its one-time token and whether it was
used. The invitation is marked in the same transaction the answer is stored, and nothing
ties one row to the other.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from flask_babel import gettext as _
from sqlalchemy import func, select

from app.extensions import db
from app.services.audit import record_change
from app.services.errors import ServiceError
from app.services.findings.records import MAX_TEXT
from app.services.outcomes.kpis import record_kpi_value
from app.services.tokens import hash_token
from assessments.satisfaction import (
    LineMean,
    is_likert,
    line_mean,
    response_rate,
    satisfaction_means_by_line,
)
from models import (
    BusinessLine,
    Finding,
    FindingSource,
    QuestionKind,
    SatisfactionAnswer,
    SatisfactionResponse,
    Survey,
    SurveyInvitation,
    SurveyKind,
    SurveyQuestion,
    User,
)

MAX_QUESTIONS = 30
MAX_OPTIONS = 12
MAX_OPTION = 200
MAX_QUESTION = 500
MAX_INVITATIONS = 2000
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


# --------------------------------------------------------------------------- questions


def _satisfaction(survey: Survey) -> None:
    if survey.kind is not SurveyKind.SATISFACTION:
        raise ServiceError(_("Only a satisfaction survey has its own questions."))


def questions_of(survey: Survey) -> list[SurveyQuestion]:
    return list(
        db.session.scalars(
            select(SurveyQuestion)
            .where(SurveyQuestion.survey_id == survey.id)
            .order_by(SurveyQuestion.position, SurveyQuestion.id)
        )
    )


def response_count(survey: Survey) -> int:
    return (
        db.session.scalar(
            select(func.count(SatisfactionResponse.id)).where(
                SatisfactionResponse.survey_id == survey.id
            )
        )
        or 0
    )


def _unanswered(survey: Survey) -> None:
    if response_count(survey):
        raise ServiceError(
            _("The survey has answers: its questions can no longer change."), "question"
        )


def add_question(
    actor: User,
    survey: Survey,
    *,
    kind: QuestionKind,
    text: str,
    options: Sequence[str] = (),
    required: bool = True,
) -> SurveyQuestion:
    """Append a Likert (1–5), single-choice or free-text question; only before answers."""
    _satisfaction(survey)
    _unanswered(survey)
    text = text.strip()
    if not text or len(text) > MAX_QUESTION:
        raise ServiceError(
            _("Write the question (at most %(max)s characters).", max=MAX_QUESTION), "text"
        )
    existing = questions_of(survey)
    if len(existing) >= MAX_QUESTIONS:
        raise ServiceError(_("At most %(num)s questions.", num=MAX_QUESTIONS), "text")
    choices = [o.strip() for o in options if o.strip()] if kind is QuestionKind.CHOICE else []
    choices = list(dict.fromkeys(choices))
    if kind is QuestionKind.CHOICE and not 2 <= len(choices) <= MAX_OPTIONS:
        raise ServiceError(
            _("Give from 2 to %(max)s options, one per line.", max=MAX_OPTIONS), "options"
        )
    if any(len(o) > MAX_OPTION for o in choices):
        raise ServiceError(
            _("At most %(max)s characters, please shorten it.", max=MAX_OPTION), "options"
        )
    question = SurveyQuestion(
        survey_id=survey.id,
        position=(max((q.position for q in existing), default=0) + 1),
        kind=kind,
        text=text,
        options=choices,
        required=required,
    )
    db.session.add(question)
    db.session.flush()
    record_change(
        actor, "update", survey, new={"question": text, "kind": kind.value}, label=survey.title
    )
    return question


def delete_question(actor: User, survey: Survey, question: SurveyQuestion) -> None:
    _unanswered(survey)
    record_change(actor, "update", survey, old={"question": question.text}, label=survey.title)
    db.session.delete(question)
    db.session.flush()


# ------------------------------------------------------------------------- invitations


def parse_emails(raw: str) -> list[str]:
    """Addresses separated by new lines, commas, semicolons or spaces; lower-cased,
    repeats dropped, order kept."""
    parts = re.split(r"[\s,;，；]+", raw)
    return list(dict.fromkeys(p.strip().lower() for p in parts if p.strip()))


def invite(actor: User, survey: Survey, emails: Sequence[str]) -> list[tuple[str, str]]:
    """One invitation per new address; returns ``(email, token)`` pairs to send. Ladder
    keeps only each token's hash, so the links are shown once. Addresses already invited
    are skipped."""
    _satisfaction(survey)
    bad = [e for e in emails if len(e) > 254 or not EMAIL.match(e)]
    if bad:
        raise ServiceError(_("Not an e-mail address: %(value)s", value=bad[0][:80]), "emails")
    if not emails:
        raise ServiceError(_("Enter at least one e-mail address."), "emails")
    known = set(
        db.session.scalars(
            select(SurveyInvitation.email).where(SurveyInvitation.survey_id == survey.id)
        )
    )
    new = [e for e in emails if e not in known]
    if len(known) + len(new) > MAX_INVITATIONS:
        raise ServiceError(
            _("At most %(num)s invitations per survey.", num=MAX_INVITATIONS), "emails"
        )
    sent: list[tuple[str, str]] = []
    for email in new:
        token = secrets.token_urlsafe(24)
        db.session.add(
            SurveyInvitation(survey_id=survey.id, email=email, token_hash=hash_token(token))
        )
        sent.append((email, token))
    db.session.flush()
    record_change(actor, "update", survey, new={"invited": len(sent)}, label=survey.title)
    return sent


def find_invitation(survey: Survey, token: str) -> SurveyInvitation | None:
    if not token or len(token) > 64:
        return None
    return db.session.scalar(
        select(SurveyInvitation).where(
            SurveyInvitation.survey_id == survey.id,
            SurveyInvitation.token_hash == hash_token(token),
        )
    )


@dataclass(frozen=True)
class Participation:
    invited: int
    answered: int
    responses: int

    @property
    def rate(self) -> float | None:
        return response_rate(self.invited, self.answered)


def participation(survey: Survey) -> Participation:
    """Invitations sent and used, and all responses (invited or by the public link)."""
    invited, answered = db.session.execute(
        select(
            func.count(SurveyInvitation.id),
            func.count(SurveyInvitation.id).filter(SurveyInvitation.answered.is_(True)),
        ).where(SurveyInvitation.survey_id == survey.id)
    ).one()
    return Participation(invited or 0, answered or 0, response_count(survey))


# ------------------------------------------------------------------------------ answers


def _parse(question: SurveyQuestion, raw: str) -> tuple[int | None, str | None, str | None]:
    """(rating, choice, text) of one answer; a ServiceError on the question's field."""
    field = f"q{question.id}"
    value = raw.strip()
    if not value:
        if question.required:
            raise ServiceError(_("Please answer this question."), field)
        return None, None, None
    if question.kind is QuestionKind.LIKERT:
        rating = int(value) if value.isascii() and value.isdigit() and len(value) < 3 else None
        if not is_likert(rating):
            raise ServiceError(_("Choose a rating from 1 to 5."), field)
        return rating, None, None
    if question.kind is QuestionKind.CHOICE:
        if value not in question.options:
            raise ServiceError(_("Choose one of the options."), field)
        return None, value, None
    if len(value) > MAX_TEXT:
        raise ServiceError(_("At most %(max)s characters, please shorten it.", max=MAX_TEXT), field)
    return None, None, value


def answer_satisfaction(
    survey: Survey,
    *,
    business_line_id: int | None,
    answers: Mapping[int, str],
    today: date,
    invitation_token: str | None = None,
) -> SatisfactionResponse:
    """Store one questionnaire anonymously; each free-text answer becomes a finding of the
    chosen business line. With an invitation token, the invitation is marked used (a used
    or unknown one is refused) and is not linked to the answer."""
    _satisfaction(survey)
    if not survey.accepts_answers(today):
        raise ServiceError(_("This survey is closed and no longer takes answers."))
    invitation = None
    if invitation_token is not None:
        invitation = find_invitation(survey, invitation_token)
        if invitation is None or invitation.answered:
            raise ServiceError(_("This invitation link was already used or is not valid."))
    line_ids = [bl.id for bl in survey.business_lines]
    if business_line_id not in line_ids:
        raise ServiceError(_("Choose your business line."), "business_line")
    questions = questions_of(survey)
    if not questions:
        raise ServiceError(_("This survey has no questions yet."))
    parsed = [(q, *_parse(q, answers.get(q.id, ""))) for q in questions]
    response = SatisfactionResponse(survey_id=survey.id, business_line_id=business_line_id)
    db.session.add(response)
    for question, rating, choice, text in parsed:
        if rating is None and choice is None and text is None:
            continue
        finding = None
        if text is not None:
            finding = Finding(
                source=FindingSource.SURVEY,
                business_line_id=business_line_id,
                cycle_id=survey.cycle_id,
                text=text,
                category="satisfaction",
            )
            db.session.add(finding)
            db.session.flush()
        response.answers.append(
            SatisfactionAnswer(
                question_id=question.id,
                rating=rating,
                choice=choice,
                text=text,
                finding_id=finding.id if finding else None,
            )
        )
    if invitation is not None:
        invitation.answered = True
    db.session.flush()
    feed_satisfaction_kpi(survey, business_line_id)
    return response


# --------------------------------------------------------------------------- KPI feed


def survey_satisfaction_means(survey: Survey) -> list[LineMean]:
    """The mean Likert rating of each business line in ``survey``, for its period (the
    value of the ``satisfaction`` KPI, 1–5). Empty for a survey without a period."""
    if survey.kind is not SurveyKind.SATISFACTION or not survey.period:
        return []
    rows = db.session.execute(
        select(SatisfactionResponse.business_line_id, SatisfactionAnswer.rating)
        .join(SatisfactionAnswer.response)
        .join(SurveyQuestion, SurveyQuestion.id == SatisfactionAnswer.question_id)
        .where(
            SatisfactionResponse.survey_id == survey.id,
            SurveyQuestion.kind == QuestionKind.LIKERT,
            SatisfactionAnswer.rating.is_not(None),
        )
    ).all()
    return satisfaction_means_by_line(
        ((line_id, rating) for line_id, rating in rows if rating is not None), survey.period
    )


def line_satisfaction_mean(survey: Survey, business_line_id: int) -> LineMean | None:
    """:func:`survey_satisfaction_means` of one business line, summed by the database: an
    answer reads neither the other lines' answers nor its own line's one by one (the
    ratings are 1–5 by a check constraint). None without a period or a rating."""
    if survey.kind is not SurveyKind.SATISFACTION or not survey.period:
        return None
    total, count = db.session.execute(
        select(func.sum(SatisfactionAnswer.rating), func.count(SatisfactionAnswer.rating))
        .join(SatisfactionAnswer.response)
        .join(SurveyQuestion, SurveyQuestion.id == SatisfactionAnswer.question_id)
        .where(
            SatisfactionResponse.survey_id == survey.id,
            SatisfactionResponse.business_line_id == business_line_id,
            SurveyQuestion.kind == QuestionKind.LIKERT,
        )
    ).one()
    if not count or total is None:
        return None
    return line_mean(business_line_id, survey.period, total, count)


def feed_satisfaction_kpi(survey: Survey, business_line_id: int) -> LineMean | None:
    """Record the ``satisfaction`` KPI of one business line for the survey's period after an
    answer: the mean of every Likert answer of the line in this survey (a value written
    again for the period replaces the old one, audited)."""
    mean = line_satisfaction_mean(survey, business_line_id)
    line = db.session.get(BusinessLine, business_line_id)
    if mean is not None and line is not None:
        record_kpi_value(
            "satisfaction", line, mean.period, round(mean.mean, 2), source=f"survey {survey.id}"
        )
    return mean


@dataclass(frozen=True)
class QuestionResult:
    question: SurveyQuestion
    answers: int
    mean: float | None
    counts: dict[str, int]


def question_results(survey: Survey) -> list[QuestionResult]:
    """Per question: how many answered, the Likert mean, and the count of each rating or
    option (free text is read as findings)."""
    rows = db.session.execute(
        select(SatisfactionAnswer.question_id, SatisfactionAnswer.rating, SatisfactionAnswer.choice)
        .join(SatisfactionAnswer.response)
        .where(SatisfactionResponse.survey_id == survey.id)
    ).all()
    results = []
    for question in questions_of(survey):
        mine = [(r, c) for q, r, c in rows if q == question.id]
        ratings = [r for r, _c in mine if r is not None]
        counts: dict[str, int] = {}
        if question.kind is QuestionKind.LIKERT:
            counts = {str(n): ratings.count(n) for n in range(1, 6)}
        elif question.kind is QuestionKind.CHOICE:
            counts = {o: sum(1 for _r, c in mine if c == o) for o in question.options}
        mean = round(sum(ratings) / len(ratings), 2) if ratings else None
        results.append(QuestionResult(question, len(mine), mean, counts))
    return results
