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


class SurveyForm(OncePerInstance, FlaskForm):
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=200)])
    introduction = TextAreaField(
        _l("Introduction"),
        validators=[Optional(), Length(max=MAX_TEXT, message=TOO_LONG)],
        description=_l("Shown above the questions: why you ask and what happens next."),
    )
    title_en = StringField(
        _l("Title in English"),
        validators=[Optional(), Length(max=200)],
        description=_l("Shown to respondents who read English; leave empty to show the title."),
    )
    introduction_en = TextAreaField(
        _l("Introduction in English"),
        validators=[Optional(), Length(max=MAX_TEXT, message=TOO_LONG)],
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
    business_line = SelectField(_l("Your business line"), coerce=int)
    category = SelectField(_l("Category"))
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
