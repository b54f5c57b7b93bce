"""The browser side of server-side sessions: the session key in the signed cookie.

Flask-Login keeps the user id in the cookie; ``SESSION_KEY`` holds the key of this
session's row in ``user_sessions``. The user loader accepts the cookie only while that row
is live, so sign-out, a password change, an admin reset or a revocation ends it everywhere.
"""

from __future__ import annotations

from datetime import timedelta

from flask import current_app, g, request, session
from flask_login import login_user, logout_user

from app.security import is_untracked_request
from app.services.sessions import Timeouts, end_session, live_session, start_session
from models import User

SESSION_KEY = "sid"


def session_timeouts() -> Timeouts:
    return Timeouts(
        idle=timedelta(minutes=current_app.config["SESSION_IDLE_MINUTES"]),
        absolute=timedelta(hours=current_app.config["SESSION_MAX_HOURS"]),
    )


def sign_in(user: User) -> None:
    """Start a new session for ``user`` in a fresh cookie.

    Everything the cookie held before is dropped, the CSRF token with it: a token (or any
    value) planted before sign-in does not survive into the signed-in session."""
    session.clear()
    g.pop("csrf_token", None)  # Flask-WTF's per-request cache of the session's token
    key = start_session(
        user,
        user_agent=request.user_agent.string,
        address=request.remote_addr or "",
        timeouts=session_timeouts(),
    )
    login_user(user)
    session[SESSION_KEY] = key
    session["locale"] = user.locale


def sign_out() -> None:
    """End this session on the server and forget it in the cookie."""
    key = session.get(SESSION_KEY)
    if isinstance(key, str):
        end_session(key)
    logout_user()
    session.pop(SESSION_KEY, None)


def current_session_id() -> int | None:
    """The ``user_sessions`` id of the request's session, once the user is loaded."""
    return g.get("user_session_id")


def load_session_user(user_id: str) -> User | None:
    """Flask-Login's user loader: the user of a live session matching the cookie."""
    key = session.get(SESSION_KEY)
    if not user_id.isdigit() or not isinstance(key, str):
        return None
    row = live_session(key, session_timeouts(), touch=not is_untracked_request())
    if row is None or row.user_id != int(user_id) or not row.user.active:
        return None
    g.user_session_id = row.id
    return row.user
