"""Forms of the PMO's review of themes and of runs started from theme names."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import TextAreaField
from wtforms.validators import DataRequired, Length

from app.themes.forms import RunForm

#: Enough for 30 themes with a few long examples each.
MAX_THEME_LIST = 20_000


class NamedRunForm(RunForm):
    """A run over the same findings as :class:`RunForm`, seeded with the PMO's themes."""

    themes = TextAreaField(
        _l("Themes, one per line"),
        validators=[DataRequired(), Length(max=MAX_THEME_LIST)],
        description=_l(
            "Write each theme's name, then a colon and a few example findings separated by "
            "“|”, e.g. “需求变更频繁: 需求老是变 | 客户开发到一半改主意”. "
            "A name alone is its own example."
        ),
    )
