from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import FloatField, SelectChoice, SelectField, StringField
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from app.numbers import FiniteNumber


class ValueForm(FlaskForm):
    kpi = SelectField(_l("KPI"))
    business_line = SelectField(_l("Business line"))
    period = StringField(
        _l("Period"),
        validators=[DataRequired(), Length(max=7)],
        description=_l("A month YYYY-MM, or a quarter YYYY-Qn for a quarterly KPI."),
    )
    value = FloatField(
        lazy_pgettext("KPI measurement", "Value"),
        validators=[InputRequired(message=_l("Enter a number.")), FiniteNumber()],
    )


class ImportForm(FlaskForm):
    file = FileField(_l("Excel or CSV file (.xlsx, .csv, .tsv)"), validators=[FileRequired()])


class DefinitionForm(FlaskForm):
    key = StringField(
        _l("Key"),
        validators=[DataRequired(), Length(max=40)],
        description=_l("Lower-case letters, digits and _, as PM tools send it; fixed later."),
    )
    name_zh = StringField(_l("Name (Chinese)"), validators=[DataRequired(), Length(max=100)])
    name_en = StringField(_l("Name (English)"), validators=[DataRequired(), Length(max=100)])
    unit = StringField(_l("Unit"), validators=[Optional(), Length(max=20)])
    direction = SelectField(
        _l("Better when"),
        choices=[SelectChoice("higher", _l("higher")), SelectChoice("lower", _l("lower"))],
    )
    target = FloatField(
        _l("Target"), validators=[InputRequired(message=_l("Enter a number.")), FiniteNumber()]
    )
    frequency = SelectField(
        _l("Measured"),
        choices=[
            SelectChoice("monthly", _l("monthly")),
            SelectChoice("quarterly", _l("quarterly")),
        ],
    )


class MissedKpiForm(FlaskForm):
    """A button: turn a missed KPI into a backlog item (CSRF-protected, no fields)."""
