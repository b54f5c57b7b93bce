from __future__ import annotations

from flask import current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user
from sqlalchemy import select
from werkzeug.security import check_password_hash
from werkzeug.wrappers import Response

from app.auth import bp
from app.auth.forms import ChangePasswordForm, LoginForm
from app.extensions import db, limiter
from app.security import is_safe_redirect, public, signed_in
from app.services.org import change_password, normalise_email
from models import User
from models.base import utcnow

# A real hash, so an unknown email costs as much time as a wrong password.
_DUMMY_HASH = "scrypt:32768:8:1$dummysaltdummysa$" + "0" * 128


def _login_limit() -> str:
    return str(current_app.config["LOGIN_RATE_LIMIT"])


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"])
@public
def login() -> str | Response:
    if current_user.is_authenticated:
        return redirect(url_for("main.home"))
    form = LoginForm(next=request.args.get("next", ""))
    if form.validate_on_submit():
        user = db.session.scalar(select(User).where(User.email == normalise_email(form.email.data)))
        password_ok = check_password_hash(
            user.password_hash if user else _DUMMY_HASH, form.password.data or ""
        )
        if user is None or not password_ok:
            form.password.errors.append(_("Wrong email or password."))
        elif not user.active:
            form.email.errors.append(_("This account is disabled. Ask an administrator."))
        else:
            login_user(user)
            user.last_login_at = utcnow()
            session["locale"] = user.locale
            target = form.next.data
            return redirect(target if is_safe_redirect(target) else url_for("main.home"))
    return render_template("auth/login.html", form=form)


@bp.route("/logout", methods=["POST"])
@signed_in
def logout() -> Response:
    logout_user()
    flash(_("You have signed out."), "info")
    return redirect(url_for("auth.login"))


@bp.route("/password", methods=["GET", "POST"])
@signed_in
def password() -> str | Response:
    form = ChangePasswordForm()
    if form.validate_on_submit():
        if not check_password_hash(current_user.password_hash, form.current_password.data or ""):
            form.current_password.errors.append(_("The current password is wrong."))
        else:
            change_password(current_user, form.new_password.data or "")
            # keep this session (with the new token); the others end with the old one
            login_user(current_user._get_current_object())
            flash(_("Your password has been changed."), "success")
            return redirect(url_for("main.home"))
    return render_template("auth/password.html", form=form)
