from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, SelectChoice, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from app.once import OncePerInstance
from models import ReviewKind

KIND_LABELS = {
    ReviewKind.WEEKLY: _l("Weekly"),
    ReviewKind.MONTHLY: _l("Monthly"),
    ReviewKind.QUARTERLY: _l("Quarterly"),
}


class ReviewForm(OncePerInstance, FlaskForm):
    kind = SelectField(
        _l("Kind"), choices=[SelectChoice(k.value, label) for k, label in KIND_LABELS.items()]
    )
    held_on = DateField(_l("Date"), validators=[DataRequired()])
    attendees = TextAreaField(_l("Attendees"), validators=[Optional(), Length(max=2000)])
    notes = TextAreaField(_l("Notes"), validators=[Optional(), Length(max=10000)])


class ActionItemForm(OncePerInstance, FlaskForm):
    title = StringField(_l("Action"), validators=[DataRequired(), Length(max=300)])
    owner_id = SelectField(_l("Owner"), coerce=int)
    due_on = DateField(_l("Due"), validators=[DataRequired()])
