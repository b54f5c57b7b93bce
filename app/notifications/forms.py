from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, SelectField, StringField
from wtforms.validators import DataRequired, Length, Optional

from app.once import OncePerInstance


class SettingsForm(FlaskForm):
    email = BooleanField(_l("E-mail me each notification"))
    digest = BooleanField(_l("Send me a daily digest of what is due"))


class MarkReadForm(FlaskForm):
    """No fields: the CSRF token is what it checks."""


class WebhookForm(OncePerInstance, FlaskForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=100)])
    vendor = SelectField(_l("Service"), validators=[DataRequired()])
    url = StringField(
        _l("Webhook address"),
        validators=[DataRequired(), Length(max=500)],
        description=_l("The group bot's address, as the service shows it."),
    )
    secret = StringField(
        _l("Signing secret"),
        validators=[Optional(), Length(max=200)],
        description=_l("DingTalk and Feishu bots with signing on: the secret they show."),
    )
    business_line = SelectField(_l("Business line"), validators=[Optional()])
