from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    EmailField,
    HiddenField,
    PasswordField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Email, Length, Optional, Regexp

from app.once import OncePerInstance
from app.services.passwords import MAX_LENGTH, MIN_LENGTH
from models import LOCALES, Role

ROLE_LABELS = {
    Role.ADMIN: _l("Administrator"),
    Role.PMO: _l("PMO"),
    Role.LEADERSHIP: _l("Leadership"),
    Role.DIRECTOR: _l("Director"),
    Role.RESPONDENT: _l("Respondent"),
}


class BusinessLineForm(OncePerInstance, FlaskForm):
    code = StringField(
        _l("Code"),
        validators=[
            DataRequired(),
            Length(max=32),
            Regexp(r"^[A-Za-z0-9_-]+$", message=_l("Use letters, digits, - and _ only.")),
        ],
    )
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=100)])
    description = TextAreaField(_l("Description"), validators=[Optional(), Length(max=500)])
    active = BooleanField(_l("Active"), default=True)
    directors = SelectMultipleField(_l("Directors"), coerce=int, validate_choice=True)
    version = HiddenField()


class UserForm(OncePerInstance, FlaskForm):
    email = EmailField(_l("Email"), validators=[DataRequired(), Email(), Length(max=254)])
    display_name = StringField(_l("Display name"), validators=[DataRequired(), Length(max=100)])
    role = SelectField(
        _l("Role"), choices=[SelectChoice(r.value, label) for r, label in ROLE_LABELS.items()]
    )
    locale = SelectField(
        _l("Language"),
        choices=[SelectChoice("zh_CN", "中文"), SelectChoice("en", "English")],
        default=LOCALES[0],
    )
    active = BooleanField(_l("Active"), default=True)
    password = PasswordField(
        _l("Password"),
        validators=[Optional(), Length(min=MIN_LENGTH, max=MAX_LENGTH)],
        description=_l("Leave empty to keep the current password."),
    )
    business_lines = SelectMultipleField(
        _l("Business lines (those a director leads, the one a respondent belongs to)"), coerce=int
    )
    version = HiddenField()
