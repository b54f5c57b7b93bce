from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    BooleanField,
    DateField,
    FloatField,
    HiddenField,
    RadioField,
    SelectChoice,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from app.numbers import FiniteNumber
from app.once import OncePerInstance


class CharterForm(OncePerInstance, FlaskForm):
    goal = TextAreaField(_l("Goal"), validators=[DataRequired(), Length(max=2000)])
    scope = TextAreaField(_l("Scope"), validators=[Optional(), Length(max=2000)])
    owner_id = SelectField(_l("Owner"), coerce=int)
    start = DateField(_l("Start"), validators=[DataRequired()])
    end = DateField(_l("End"), validators=[DataRequired()])
    team = TextAreaField(_l("Team"), validators=[Optional(), Length(max=2000)])


class KpiForm(OncePerInstance, FlaskForm):
    name = StringField(_l("KPI name"), validators=[DataRequired(), Length(max=100)])
    unit = StringField(_l("Unit"), validators=[Optional(), Length(max=20)])
    direction = SelectField(
        _l("Better when"),
        choices=[SelectChoice("higher", _l("higher")), SelectChoice("lower", _l("lower"))],
    )
    baseline = FloatField(
        _l("Baseline"), validators=[InputRequired(message=_l("Enter a number.")), FiniteNumber()]
    )
    target = FloatField(
        _l("Target"), validators=[InputRequired(message=_l("Enter a number.")), FiniteNumber()]
    )
    source = StringField(_l("Data source"), validators=[Optional(), Length(max=200)])


class MeasurementEditForm(FlaskForm):
    measured_on = DateField(_l("Date"), validators=[DataRequired()])
    value = FloatField(
        lazy_pgettext("KPI measurement", "Value"),
        validators=[InputRequired(message=_l("Enter a number.")), FiniteNumber()],
    )
    note = StringField(_l("Note"), validators=[Optional(), Length(max=500)])


class MeasurementForm(OncePerInstance, MeasurementEditForm):
    kpi_id = SelectField(_l("KPI"), coerce=int)


class DeleteForm(FlaskForm):
    """A button that removes something (CSRF-protected, no fields)."""


class ImportForm(FlaskForm):
    file = FileField(_l("Excel or CSV file (.xlsx, .csv, .tsv)"), validators=[FileRequired()])


class CloseForm(FlaskForm):
    achieved = BooleanField(_l("The targets were achieved"))
    benefit_text = TextAreaField(_l("Benefit"), validators=[DataRequired(), Length(max=2000)])
    benefit_numbers = TextAreaField(
        _l("Benefit in numbers"), validators=[Optional(), Length(max=2000)]
    )
    lessons_learned = TextAreaField(
        _l("Lessons learned"), validators=[Optional(), Length(max=4000)]
    )
    version = HiddenField()


class BenefitForm(FlaskForm):
    unit = RadioField(
        _l("Saves"),
        choices=[
            SelectChoice("money", _l("money (yuan)")),
            SelectChoice("hours", _l("hours of work")),
        ],
        validators=[InputRequired()],
        default="money",
    )
    saved_per_month = FloatField(
        _l("Saved per month"),
        validators=[InputRequired(message=_l("Enter a number.")), FiniteNumber()],
    )
    hourly_cost = FloatField(
        _l("Cost of an hour (yuan)"),
        validators=[Optional(), FiniteNumber()],
        description=_l("Values the hours saved, for the payback and ROI."),
    )
    one_off_cost = FloatField(
        _l("One-off cost (yuan)"),
        validators=[InputRequired(message=_l("Enter a number.")), FiniteNumber()],
    )
