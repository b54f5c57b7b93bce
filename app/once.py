"""Creation forms that create once per form instance: the hidden token and the answer to a
second post of the same instance (see app/services/submissions.py)."""

from __future__ import annotations

from flask import abort, flash, redirect
from flask_babel import gettext as _
from werkzeug.wrappers import Response
from wtforms import HiddenField

from app.services.submissions import AlreadySubmitted, new_token


class OncePerInstance:
    """Mixin for a creation form: a token made when the form is rendered."""

    submission = HiddenField(default=new_token)


def already_submitted(seen: AlreadySubmitted) -> Response:
    """Send the second post of a form instance where the first one led."""
    if not seen.location:
        abort(409)
    flash(_("This form was already submitted; here is what it created."), "info")
    return redirect(seen.location)
