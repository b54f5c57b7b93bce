from __future__ import annotations

import hashlib
import secrets

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_limiter.util import get_remote_address
from flask_login import current_user
from sqlalchemy import select
from werkzeug.wrappers import Response

from app.auth import bp
from app.auth.forms import ChangePasswordForm, LoginForm
from app.errors import refusal
from app.extensions import db, limiter
from app.security import is_safe_redirect, public, signed_in
from app.services.org import change_password, normalise_email
from app.services.passwords import hash_password, needs_rehash, verify_password
from app.sessions import sign_in, sign_out
from models import User
from models.base import utcnow

#: A hash of a random password per hashing method, so an unknown email costs exactly as
#: much time as a wrong password: the response and its timing say nothing about accounts.
_dummy_hashes: dict[str, str] = {}


def _dummy_hash() -> str:
    method = str(current_app.config["PASSWORD_HASH_METHOD"])
    if method not in _dummy_hashes:
        _dummy_hashes[method] = hash_password(secrets.token_urlsafe(16))
    return _dummy_hashes[method]


def _login_limit() -> str:
    return str(current_app.config["LOGIN_RATE_LIMIT"])


def _account_limit() -> str:
    return str(current_app.config["LOGIN_ACCOUNT_RATE_LIMIT"])


def _submitted_account() -> str:
    """The rate-limit key of the account a sign-in names, whether or not it exists (so a
    refusal reveals nothing), hashed so the limiter's storage holds no email address."""
    email = normalise_email(request.form.get("email", ""))[:254]
    return "login-account:" + hashlib.sha256(email.encode()).hexdigest()


def _failed(response: Response) -> bool:
    """Only failed sign-ins count: a success answers a redirect."""
    return response.status_code != 302


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(_login_limit, key_func=get_remote_address, methods=["POST"], deduct_when=_failed)
@limiter.limit(_account_limit, key_func=_submitted_account, methods=["POST"], deduct_when=_failed)
@public
def login() -> str | Response:
    if current_user.is_authenticated:
        return redirect(url_for("main.home"))
    form = LoginForm(next=request.args.get("next", ""))
    if form.validate_on_submit():
        user = db.session.scalar(select(User).where(User.email == normalise_email(form.email.data)))
        password = form.password.data or ""
        password_ok = verify_password(user.password_hash if user else _dummy_hash(), password)
        if user is None or not password_ok:
            form.password.errors.append(_("Wrong email or password."))
        elif not user.active:
            form.email.errors.append(_("This account is disabled. Ask an administrator."))
        else:
            if needs_rehash(user.password_hash):
                # an earlier scheme or parameters: store the current one while we know the
                # password (not an edit of the account, so its version stays)
                user.password_hash = hash_password(password)
            sign_in(user)
            user.last_login_at = utcnow()
            target = form.next.data
            return redirect(target if is_safe_redirect(target) else url_for("main.home"))
    return render_template("auth/login.html", form=form)


@bp.route("/logout", methods=["POST"])
@signed_in
def logout() -> Response:
    sign_out()
    flash(_("You have signed out."), "info")
    return redirect(url_for("auth.login"))


@bp.route("/password", methods=["GET", "POST"])
@signed_in
def password() -> str | Response | tuple[str, int]:
    form = ChangePasswordForm()
    if form.validate_on_submit():
        user = current_user._get_current_object()
        if not verify_password(user.password_hash, form.current_password.data or ""):
            form.current_password.errors.append(_("The current password is wrong."))
            return render_template("auth/password.html", form=form)
        with refusal(form) as refused:
            # ends every session of the user, this one included ...
            change_password(user, form.new_password.data or "")
            sign_in(user)  # ... and this browser goes on in a new one
            flash(_("Your password has been changed."), "success")
            return redirect(url_for("main.home"))
        return render_template("auth/password.html", form=form), refused.status
    return render_template("auth/password.html", form=form)
