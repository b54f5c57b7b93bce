from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import IntegerField, SelectChoice, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from app.once import OncePerInstance
from app.services.findings.labels import FREQUENCY_LABELS, TOO_LONG
from app.services.findings.records import MAX_TEXT


class FindingForm(OncePerInstance, FlaskForm):
    text = TextAreaField(
        _l("Finding"),
        validators=[DataRequired(), Length(max=MAX_TEXT, message=TOO_LONG)],
        description=_l("An interview note or an observation, in one or two sentences."),
    )
    business_line = SelectField(_l("Business line"), coerce=int)
    cycle = SelectField(_l("Assessment cycle"), coerce=int, default=0)
    process_area = SelectField(_l("Process area"), default="")
    severity = IntegerField(
        _l("Severity (1–5)"), default=3, validators=[DataRequired(), NumberRange(1, 5)]
    )
    category = StringField(_l("Category"), validators=[Optional(), Length(max=40)])
    frequency = SelectField(
        _l("Frequency"),
        default="",
        choices=[SelectChoice("", "—"), *(SelectChoice(k, v) for k, v in FREQUENCY_LABELS.items())],
    )


class ImportForm(FlaskForm):
    file = FileField(
        _l("CSV or Excel file"),
        validators=[
            FileRequired(),
            FileAllowed(["csv", "tsv", "xlsx"], _l("Upload a .csv, .tsv or .xlsx file.")),
        ],
        description=_l(
            "Columns: text, business_line (code), severity (1–5), category, process_area "
            "(code, optional). The first row holds the column names. CSV in UTF-8 or GB18030; "
            "at most 50,000 rows."
        ),
    )
    cycle = SelectField(_l("Assessment cycle"), coerce=int, default=0)
