from __future__ import annotations

from pathlib import Path

from flask import (
    current_app,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_login import current_user
from sqlalchemy import func, select, text
from werkzeug.wrappers import Response

from app.extensions import db
from app.main import bp
from app.security import any_account, is_safe_redirect, public
from app.services.assessments.access import assessments_to_fill, count_waiting_review
from app.services.assessments.respondents import assignments_of
from app.services.visibility import MANAGERS, visible_business_lines
from models import LOCALES, BusinessLine, Role, User


@bp.route("/")
@any_account
def home() -> str:
    lines = visible_business_lines(current_user).where(BusinessLine.active.is_(True))
    my_lines = list(db.session.scalars(lines.order_by(BusinessLine.code)))
    counts = {
        "business_lines": db.session.scalar(select(func.count()).select_from(BusinessLine)),
        "users": db.session.scalar(select(func.count()).select_from(User)),
        "lines_without_director": db.session.scalar(
            select(func.count()).select_from(BusinessLine).where(~BusinessLine.directors.any())
        ),
    }
    if current_user.role in MANAGERS:
        counts["waiting_review"] = count_waiting_review()
    to_fill = assessments_to_fill(current_user) if current_user.role is Role.DIRECTOR else []
    assigned = (
        assignments_of(current_user)
        if current_user.role in (Role.DIRECTOR, Role.RESPONDENT)
        else []
    )
    return render_template(
        "main/home.html", my_lines=my_lines, counts=counts, to_fill=to_fill, assigned=assigned
    )


@bp.route("/language", methods=["POST"])
@public
def set_language() -> Response:
    locale = request.form.get("locale", "")
    if locale in LOCALES:
        session["locale"] = locale
        if current_user.is_authenticated:
            current_user.locale = locale
    target = request.form.get("next", "")
    return redirect(target if is_safe_redirect(target) else url_for("main.home"))


@bp.route("/favicon.ico")
@public
def favicon() -> Response:
    """Browsers ask for /favicon.ico whatever the page links: the same icon as the pages'."""
    icon = Path(current_app.static_folder or "static") / "favicon.svg"
    response = Response(icon.read_bytes(), mimetype="image/svg+xml")
    response.cache_control.max_age = 86400
    return response


@bp.route("/healthz")
@public
def healthz() -> dict[str, str]:
    return {"status": "ok"}


@bp.route("/readyz")
@public
def readyz() -> tuple[dict[str, str], int]:
    db.session.execute(text("SELECT 1"))
    return {"status": "ready"}, 200
