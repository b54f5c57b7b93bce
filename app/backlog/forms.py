from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    DateField,
    HiddenField,
    IntegerField,
    SelectChoice,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, NumberRange, Optional, Regexp

from app.once import OncePerInstance

SCALE_CHOICES = [SelectChoice(n, str(n)) for n in range(1, 6)]


class ItemForm(OncePerInstance, FlaskForm):
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=200)])
    description = TextAreaField(_l("Description"), validators=[Optional(), Length(max=5000)])
    business_line_id = SelectField(_l("Business line"), coerce=int)
    process_area = StringField(
        _l("Process area"),
        validators=[
            Optional(),
            Length(max=16),
            Regexp(r"^[A-Za-z0-9]+$", message=_l("Use the code of a process area, e.g. PP.")),
        ],
    )
    impact = SelectField(_l("Impact"), coerce=int, choices=SCALE_CHOICES, default=3)
    urgency = SelectField(_l("Urgency"), coerce=int, choices=SCALE_CHOICES, default=3)
    effort = SelectField(_l("Effort"), coerce=int, choices=SCALE_CHOICES, default=3)
    owner_id = SelectField(_l("Owner"), coerce=int)
    planned_start = DateField(_l("Planned start"), validators=[Optional()])
    planned_end = DateField(_l("Planned end"), validators=[Optional()])
    version = HiddenField()


class StatusForm(FlaskForm):
    action = HiddenField(validators=[DataRequired()])
    reason = TextAreaField(_l("Reason"), validators=[Optional(), Length(max=2000)])
    version = HiddenField()


class PlaceForm(FlaskForm):
    impact = SelectField(_l("Impact"), coerce=int, choices=SCALE_CHOICES)
    effort = SelectField(_l("Effort"), coerce=int, choices=SCALE_CHOICES)
    version = HiddenField()


class RuleForm(FlaskForm):
    min_impact = IntegerField(_l("Minimum impact"), validators=[NumberRange(1, 5)])
    max_effort = IntegerField(_l("Maximum effort"), validators=[NumberRange(1, 5)])
    max_weeks = IntegerField(_l("Maximum planned weeks"), validators=[NumberRange(1, 104)])
    version = HiddenField()
