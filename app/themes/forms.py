from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    HiddenField,
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
)
from wtforms.validators import DataRequired, Length, NumberRange, Optional


class RunForm(FlaskForm):
    cycle = SelectField(_l("Assessment cycle"), coerce=int, default=0)
    business_lines = SelectMultipleField(
        _l("Business lines"), coerce=int, description=_l("None selected means all.")
    )
    source = SelectField(_l("Source"), default="")
    include_gaps = BooleanField(
        _l("Include assessment gaps"),
        description=_l("Gaps are already grouped by process area; cluster them only if needed."),
    )
    k = IntegerField(
        _l("Number of themes"),
        validators=[Optional(), NumberRange(2, 30)],
        description=_l("Leave empty to choose automatically."),
    )


class RenameForm(FlaskForm):
    label = StringField(_l("Theme name"), validators=[DataRequired(), Length(max=200)])
    version = HiddenField()


class MergeForm(FlaskForm):
    other = SelectField(_l("Merge this theme into"), coerce=int)


class MoveForm(FlaskForm):
    findings = SelectMultipleField(coerce=int)
    target = SelectField(_l("Move the selected findings to"), coerce=int)


class SplitForm(FlaskForm):
    parts = IntegerField(
        _l("Split into how many themes"), validators=[DataRequired(), NumberRange(2, 10)], default=2
    )
