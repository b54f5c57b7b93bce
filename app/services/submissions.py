"""Creation forms that create once per form instance (see models/submission.py).

A view calls :func:`claim` with the form's token before it creates anything, and
:func:`complete` with the page it redirects to. A second post of the same form instance
raises :class:`AlreadySubmitted`, carrying that page, whether it comes after the first or
while the first is still running (PostgreSQL makes it wait on the unique token).
"""

from __future__ import annotations

import secrets
from datetime import timedelta

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError

from app.extensions import db
from models import FormSubmission, User
from models.base import utcnow
from models.submission import TOKEN_LENGTH

KEEP = timedelta(days=7)  # a form instance older than this is not recognised any more


class AlreadySubmitted(Exception):
    """This form instance was posted before; ``location`` is where that post led (None when
    it was someone else's, which a genuine form never is)."""

    def __init__(self, location: str | None) -> None:
        super().__init__(location)
        self.location = location


def new_token() -> str:
    return secrets.token_urlsafe(32)


def valid_token(token: str | None) -> bool:
    return bool(token) and len(token or "") == TOKEN_LENGTH


def claim(actor: User | None, token: str | None) -> FormSubmission | None:
    """Record that this form instance is being submitted, or raise :class:`AlreadySubmitted`.
    A post without a valid token (a script, an old page) is not tracked: None."""
    if not valid_token(token):
        return None
    user_id = actor.id if actor is not None else None
    _raise_if_seen(token, user_id)
    row = FormSubmission(token=token, user_id=user_id, location="")
    try:
        with db.session.begin_nested():
            db.session.add(row)
            db.session.flush()  # PostgreSQL: waits here for a concurrent post of the token
    except IntegrityError:
        _raise_if_seen(token, user_id)
        raise
    if user_id is not None:
        db.session.execute(
            delete(FormSubmission).where(
                FormSubmission.user_id == user_id, FormSubmission.created_at < utcnow() - KEEP
            )
        )
    return row


def complete(row: FormSubmission | None, location: str) -> None:
    """Remember where the first post of the form instance led."""
    if row is not None:
        row.location = location[:500]
        db.session.flush()


def _raise_if_seen(token: str | None, user_id: int | None) -> None:
    seen = db.session.execute(
        select(FormSubmission.user_id, FormSubmission.location).where(FormSubmission.token == token)
    ).first()
    if seen is not None:
        raise AlreadySubmitted(seen.location if seen.user_id == user_id else None)
