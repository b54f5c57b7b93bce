"""Forms of cycles, assessments and maturity models.

The per-line targets of a cycle and the per-practice fields of an assessment page are plain
request fields named after their row (``target-<line id>``, ``rating-<practice id>``): their
number depends on the data, and the views parse them into service inputs.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import (
    DateField,
    HiddenField,
    PasswordField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, Optional

from app.once import OncePerInstance

RATING_CHOICES = ("FI", "LI", "PI", "NI", "NA")
RATING_LABELS = {
    "FI": _l("FI — fully implemented"),
    "LI": _l("LI — largely implemented"),
    "PI": _l("PI — partially implemented"),
    "NI": _l("NI — not implemented"),
    "NA": _l("NA — not applicable"),
}
TARGET_LEVELS = (1, 2, 3, 4, 5)
DEFAULT_TARGET = 2


def rating_labels() -> dict[str, str]:
    """``RATING_LABELS`` translated once for a page: a lazy string is translated again on
    every use, and a rating page shows five per practice."""
    return {code: str(label) for code, label in RATING_LABELS.items()}


class CycleForm(OncePerInstance, FlaskForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=100)])
    model = SelectField(_l("Maturity model"), coerce=int, validators=[DataRequired()])
    start = DateField(_l("Start date"), validators=[DataRequired()])
    end = DateField(_l("End date"), validators=[DataRequired()])
    scope = SelectMultipleField(
        _l("Process areas in scope"),
        description=_l(
            "Leave empty to assess the whole model; choose areas of the selected model only."
        ),
        validators=[Optional()],
    )


class RatingPageForm(FlaskForm):
    version = HiddenField()


class ReviewForm(FlaskForm):
    comment = TextAreaField(_l("Overall comment"), validators=[Optional(), Length(max=5000)])


class ModelUploadForm(FlaskForm):
    file = FileField(
        _l("Model file (YAML)"),
        validators=[
            FileRequired(_l("Choose a model file to upload.")),
            FileAllowed(["yaml", "yml"], _l("The model file must be a .yaml or .yml file.")),
        ],
    )


class InviteForm(FlaskForm):
    """Invite a person of the business line, or a new respondent account, and assign them
    process areas or single practices."""

    user_id = SelectField(_l("Person"), coerce=int, validators=[Optional()])
    email = StringField(_l("Email (new account)"), validators=[Optional(), Length(max=254)])
    display_name = StringField(_l("Name (new account)"), validators=[Optional(), Length(max=100)])
    password = PasswordField(
        _l("Initial password (new account)"), validators=[Optional(), Length(max=200)]
    )
    assignments = StringField(
        _l("Assigned process areas or practices"),
        description=_l("Codes separated by spaces, e.g. PP PMC REQM.SP1.1"),
        validators=[DataRequired(), Length(max=5000)],
    )
    due = DateField(_l("Due date"), validators=[Optional()])


class OwnWorkbookForm(FlaskForm):
    file = FileField(_l("Your filled workbook (.xlsx)"), validators=[FileRequired()])
