from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, RadioField, SelectChoice, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from app.once import OncePerInstance

KIND_LABELS = {"best_practice": _l("Best practice"), "failure": _l("Failure")}


class LessonForm(OncePerInstance, FlaskForm):
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=200)])
    text = TextAreaField(
        _l("What was learned"),
        validators=[DataRequired(), Length(max=10_000)],
        description=_l("What happened, what worked or failed, and what to do next time."),
    )
    kind = RadioField(
        _l("Kind"),
        choices=[SelectChoice(k, v) for k, v in KIND_LABELS.items()],
        validators=[InputRequired()],
    )
    business_line = SelectField(_l("Business line"), coerce=int, default=0)
    process_area = SelectField(_l("Process area"), default="")
    tags = StringField(
        _l("Tags"),
        validators=[Optional(), Length(max=1000)],
        description=_l("Separated by commas, e.g. 需求变更, 评审"),
    )
    link = StringField(
        _l("Source link"),
        validators=[Optional(), Length(max=500)],
        description=_l("Optional: where the lesson was learned (a document, a ticket)."),
    )
    project_id = HiddenField()
    review_id = HiddenField()
    version = HiddenField()
