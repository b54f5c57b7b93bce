from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from werkzeug.wrappers import Response

from app.errors import refusal
from app.extensions import db
from app.pagination import paginate
from app.profile import bp
from app.profile.forms import NewTokenForm, RevokeTokenForm
from app.security import signed_in
from app.services.sessions import end_other_sessions, revoke_session, user_sessions
from app.services.submissions import claim, complete
from app.services.tokens import WRITE_SCOPE_ROLES, create_token, revoke_token
from app.sessions import current_session_id, session_timeouts, sign_out
from models import ApiToken, UserSession


def _render(form: NewTokenForm, new_token: str | None = None) -> str:
    stmt = (
        select(ApiToken)
        .where(ApiToken.user_id == current_user.id)
        .order_by(ApiToken.revoked_at.is_not(None), ApiToken.created_at.desc(), ApiToken.id.desc())
    )
    return render_template(
        "profile/tokens.html",
        form=form,
        page=paginate(stmt),
        new_token=new_token,
        may_write=current_user.role in WRITE_SCOPE_ROLES,
    )


@bp.route("/tokens", methods=["GET", "POST"])
@signed_in
def tokens() -> str | tuple[str, int]:
    """List the user's tokens; a POST creates one, shown on this answer only."""
    form = NewTokenForm()
    if not form.validate_on_submit():
        return (_render(form), 422) if form.is_submitted() else _render(form)
    with refusal(form):
        claimed = claim(current_user, form.submission.data)
        _row, token = create_token(
            current_user, current_user, form.name.data or "", form.write_scopes.data or ()
        )
        complete(claimed, url_for("profile.tokens"))  # a second post: the list, not the token
        flash(_("Token created. Copy it now: it will not be shown again."), "success")
        return _render(NewTokenForm(formdata=None), new_token=token), 201
    return _render(form), 422


@bp.route("/tokens/<int:token_id>/revoke", methods=["POST"])
@signed_in
def revoke(token_id: int) -> Response:
    row = db.session.get(ApiToken, token_id)
    if row is None or row.user_id != current_user.id:
        abort(404)
    if not RevokeTokenForm().validate_on_submit():
        abort(400)
    if revoke_token(current_user, row):
        flash(_("Token %(name)s revoked: it no longer opens the API.", name=row.name), "success")
    else:
        flash(_("Token %(name)s was already revoked.", name=row.name), "info")
    return redirect(url_for("profile.tokens"))


@bp.route("/sessions")
@signed_in
def sessions() -> str:
    """The user's live sign-in sessions: where and when, and a way to end each."""
    return render_template(
        "profile/sessions.html",
        sessions=user_sessions(current_user, session_timeouts()),
        current_id=current_session_id(),
        form=RevokeTokenForm(),
    )


@bp.route("/sessions/<int:session_id>/revoke", methods=["POST"])
@signed_in
def revoke_session_view(session_id: int) -> Response:
    row = db.session.get(UserSession, session_id)
    if row is None or row.user_id != current_user.id:
        abort(404)
    if not RevokeTokenForm().validate_on_submit():
        abort(400)
    if row.id == current_session_id():
        sign_out()
        flash(_("You have signed out."), "info")
        return redirect(url_for("auth.login"))
    revoke_session(current_user, row)
    flash(_("The session has been ended: that browser must sign in again."), "success")
    return redirect(url_for("profile.sessions"))


@bp.route("/sessions/revoke-others", methods=["POST"])
@signed_in
def revoke_other_sessions() -> Response:
    if not RevokeTokenForm().validate_on_submit():
        abort(400)
    ended = end_other_sessions(current_user, current_session_id())
    flash(_("Other sessions ended: %(n)s.", n=ended), "success")
    return redirect(url_for("profile.sessions"))
