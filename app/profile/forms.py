from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectChoice, SelectMultipleField, StringField
from wtforms.validators import DataRequired, Length
from wtforms.widgets import CheckboxInput, ListWidget

from app.once import OncePerInstance
from app.services.tokens import MAX_NAME


class NewTokenForm(OncePerInstance, FlaskForm):
    name = StringField(
        _l("Name"),
        validators=[DataRequired(), Length(max=MAX_NAME)],
        description=_l("What will use it, e.g. “Power BI report”."),
    )
    #: Offered to PMO and admin accounts only; the service refuses them for anyone else.
    write_scopes = SelectMultipleField(
        _l("It may also"),
        choices=[
            SelectChoice("kpi:write", _l("push KPI values (kpi:write)")),
            SelectChoice("themes:run", _l("start clustering runs (themes:run)")),
        ],
        widget=ListWidget(prefix_label=False),
        option_widget=CheckboxInput(),
    )


class RevokeTokenForm(FlaskForm):
    """No fields: the CSRF token is what it checks (revoking a token or a session)."""
