from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    HiddenField,
    RadioField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from app.once import OncePerInstance
from app.services.findings.labels import FREQUENCY_LABELS, TOO_LONG
from app.services.findings.records import MAX_TEXT

SEVERITY_LABELS = {
    1: _l("1 · minor"),
    2: _l("2"),
    3: _l("3 · noticeable"),
    4: _l("4"),
    5: _l("5 · blocks work"),
}


def optional_int(value: object) -> int | None:
    """A select's value as an id; the empty placeholder ("choose …") as None."""
    if value in (None, ""):
        return None
    try:
        return int(str(value))
    except ValueError:
        return None


KIND_LABELS = {
    "pain_points": _l("Pain points (the standard questions)"),
    "satisfaction": _l("Satisfaction (your own questions: 1–5 ratings, single choice, free text)"),
}

QUESTION_KIND_LABELS = {
    "likert": _l("Rating from 1 to 5"),
    "choice": _l("Single choice"),
    "text": _l("Free text"),
}


class SurveyForm(OncePerInstance, FlaskForm):
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=200)])
    kind = RadioField(
        _l("Kind of survey"),
        choices=[SelectChoice(k, v) for k, v in KIND_LABELS.items()],
        default="pain_points",
    )
    period = StringField(
        _l("Month measured (satisfaction surveys)"),
        validators=[Optional(), Length(max=7)],
        description=_l("YYYY-MM: the month of the satisfaction KPI the answers feed."),
    )
    introduction = TextAreaField(
        _l("Introduction"),
        validators=[Optional(), Length(max=MAX_TEXT, message=TOO_LONG)],
        description=_l("Shown above the questions: why you ask and what happens next."),
    )
    cycle = SelectField(_l("Assessment cycle"), coerce=int, default=0)
    business_lines = SelectMultipleField(_l("Business lines"), coerce=int)
    closes_on = DateField(_l("Closing date"), validators=[Optional()])
    anonymous = BooleanField(_l("Anonymous (anyone with the link may answer)"), default=True)
    categories = TextAreaField(
        _l("Categories"),
        validators=[Optional(), Length(max=1000)],
        description=_l("One per line. Leave empty for the standard list."),
    )
    version = HiddenField()


class AnswerForm(FlaskForm):
    text = TextAreaField(
        _l("What gets in the way of your work?"),
        validators=[DataRequired(), Length(max=MAX_TEXT, message=TOO_LONG)],
        description=_l("One pain point, in your own words."),
    )
    business_line = SelectField(_l("Your business line"), coerce=optional_int)
    category = SelectField(_l("Category"), default="")
    severity = RadioField(
        _l("How much does it hurt?"),
        coerce=int,
        choices=[SelectChoice(k, v) for k, v in SEVERITY_LABELS.items()],
        validators=[InputRequired()],
    )
    frequency = RadioField(
        _l("How often does it happen?"),
        choices=[SelectChoice(k, v) for k, v in FREQUENCY_LABELS.items()],
        validators=[InputRequired()],
    )
    process_area = SelectField(_l("Affected process area (optional)"), default="")
    suggestion = TextAreaField(
        _l("Your suggestion (optional)"),
        validators=[Optional(), Length(max=MAX_TEXT, message=TOO_LONG)],
    )


class SatisfactionAnswerForm(FlaskForm):
    """The business line of a satisfaction answer; the questions are read from the post."""

    business_line = SelectField(_l("Your business line"), coerce=optional_int)


class QuestionForm(FlaskForm):
    kind = SelectField(
        _l("Type of question"),
        choices=[SelectChoice(k, v) for k, v in QUESTION_KIND_LABELS.items()],
    )
    text = StringField(_l("Question"), validators=[DataRequired(), Length(max=500)])
    options = TextAreaField(
        _l("Options (single choice)"),
        validators=[Optional(), Length(max=3000)],
        description=_l("One per line."),
    )
    required = BooleanField(_l("An answer is required"), default=True)


class InvitationForm(FlaskForm):
    emails = TextAreaField(
        _l("E-mail addresses"),
        validators=[DataRequired(), Length(max=100_000)],
        description=_l("One per line (or separated by commas). Each gets a one-time link."),
    )
