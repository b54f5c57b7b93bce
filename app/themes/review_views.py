"""Themes: the PMO's bulk review of a theme's findings, and runs started from theme names.

Kept apart from ``routes`` (the runs and the single edits) on the same blueprint.
"""

from __future__ import annotations

from typing import cast

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user
from werkzeug.wrappers import Response

from app.errors import refusal
from app.extensions import db
from app.params import form_version, parse_id
from app.security import roles
from app.services.findings.records import FindingFilter
from app.services.findings.theme_corrections import (
    confirm_findings,
    create_named_run,
)
from app.services.findings.themes import queue_run
from app.services.visibility import MANAGERS
from app.themes import bp
from app.themes.review_forms import NamedRunForm
from app.themes.routes import _lang, _run_form
from assessments.theme_list import MAX_EXAMPLES, MAX_NAME, MAX_THEMES, ThemeListError, parse
from models import Theme


@bp.route("/themes/<int:theme_id>/confirm", methods=["POST"])
@roles(*MANAGERS)
def confirm_selected(theme_id: int) -> Response:
    """Confirm the checked findings in this theme: labelled examples, certainty 1."""
    theme = db.session.get(Theme, theme_id) or abort(404)
    ids = [i for i in map(parse_id, request.form.getlist("findings")) if i is not None]
    version = form_version(request.form.get("version"))
    with refusal():
        count = confirm_findings(current_user, theme, ids, version=version)
        flash(
            ngettext(
                "%(num)s finding confirmed in “%(theme)s”.",
                "%(num)s findings confirmed in “%(theme)s”.",
                count,
                theme=theme.label,
            ),
            "success",
        )
    return redirect(url_for("themes.theme", theme_id=theme_id))


def _list_error(error: ThemeListError) -> str:
    """The parse error of the theme list as a sentence in the user's language."""
    at = {"line": error.line, "name": error.name}
    messages = {
        "empty": lambda: _("Enter at least one theme name."),
        "too_many": lambda: _("At most %(max)s themes.", max=MAX_THEMES),
        "no_name": lambda: _("Line %(line)s: the theme name is missing before the colon.", **at),
        "name_too_long": lambda: _(
            "Line %(line)s: a theme name has at most %(max)s characters.", max=MAX_NAME, **at
        ),
        "duplicate": lambda: _("Line %(line)s: “%(name)s” is listed twice.", **at),
        "too_many_examples": lambda: _(
            "Line %(line)s: at most %(max)s examples per theme.", max=MAX_EXAMPLES, **at
        ),
        "example_too_long": lambda: _(
            "Line %(line)s: an example has at most 2,000 characters.", **at
        ),
    }
    return messages[error.reason]()


@bp.route("/themes/runs/from-names", methods=["GET", "POST"])
@roles(*MANAGERS)
def named_run() -> str | Response | tuple[str, int]:
    """Start a run from the PMO's list of theme names with a few examples each."""
    form = cast(NamedRunForm, _run_form(NamedRunForm))
    if not form.validate_on_submit():
        status = 422 if request.method == "POST" else 200
        return render_template("themes/named_run.html", form=form), status
    try:
        themes = parse(form.themes.data or "")
    except ThemeListError as error:
        form.themes.errors = [_list_error(error)]
        return render_template("themes/named_run.html", form=form), 422
    filters = FindingFilter(
        cycle_id=form.cycle.data or None,
        source=form.source.data or None,
        business_line_ids=tuple(form.business_lines.data or ()),
    )
    with refusal(form):
        run = create_named_run(
            current_user,
            filters,
            themes,
            k=form.k.data,
            lang=_lang(),
            include_gaps=form.include_gaps.data,
        )
        queue_run(current_user, run)
        return redirect(url_for("themes.run", run_id=run.id))
    return render_template("themes/named_run.html", form=form), 422
