from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import StringField
from wtforms.validators import DataRequired, Length

from app.once import OncePerInstance
from app.services.tokens import MAX_NAME


class NewTokenForm(OncePerInstance, FlaskForm):
    name = StringField(
        _l("Name"),
        validators=[DataRequired(), Length(max=MAX_NAME)],
        description=_l("What will use it, e.g. “Power BI report”."),
    )


class RevokeTokenForm(FlaskForm):
    """No fields: the CSRF token is what it checks (revoking a token or a session)."""
