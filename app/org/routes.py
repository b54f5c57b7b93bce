from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import Select, or_, select
from sqlalchemy.orm import selectinload
from werkzeug.wrappers import Response
from wtforms import SelectChoice

from app.errors import Refusal, refusal
from app.extensions import db
from app.org import bp
from app.org.forms import BusinessLineForm, UserForm
from app.pagination import paginate
from app.params import form_version
from app.security import roles, signed_in
from app.services.org import line_ids_of, save_business_line, save_user
from app.services.permissions import can_manage_user
from app.services.submissions import claim, complete
from app.services.tabular_export import MAX_EXPORT_ROWS, table_response
from app.services.visibility import (
    MANAGERS,
    get_visible_business_line_or_404,
    visible_business_lines,
)
from models import BusinessLine, Role, User


def _refused_save(
    form: BusinessLineForm | UserForm, obj: BusinessLine | User | None, refused: Refusal
) -> dict[str, dict[str, object]] | None:
    """After a stale save, keep what was typed and arm the form with the current version,
    so saving again is a deliberate overwrite of the changes shown."""
    if refused.stale is not None and obj is not None:
        form.version.data = str(obj.version)
    return refused.stale


def _business_lines_statement(q: str) -> Select[BusinessLine]:
    stmt = visible_business_lines(current_user).options(selectinload(BusinessLine.directors))
    if q:
        stmt = stmt.where(
            or_(
                BusinessLine.code.icontains(q, autoescape=True),
                BusinessLine.name.icontains(q, autoescape=True),
            )
        )
    return stmt.order_by(BusinessLine.code)


@bp.route("/business-lines")
@signed_in
def business_lines() -> str:
    q = request.args.get("q", "").strip()[:100]
    page = paginate(_business_lines_statement(q))
    return render_template("org/business_lines.html", page=page, q=q)


@bp.route("/business-lines/export")
@signed_in
def export_business_lines() -> Response:
    stmt = _business_lines_statement(request.args.get("q", "").strip()[:100])
    headers = [_("Code"), _("Name"), _("Directors"), _("Status")]
    rows = (
        [
            line.code,
            line.name,
            ", ".join(d.display_name for d in line.directors),
            _("Active") if line.active else _("Inactive"),
        ]
        for line in db.session.scalars(stmt.limit(MAX_EXPORT_ROWS))
    )
    return table_response("business-lines", headers, rows, request.args.get("format", ""))


@bp.route("/business-lines/<int:business_line_id>")
@signed_in
def business_line(business_line_id: int) -> str:
    line = get_visible_business_line_or_404(current_user, business_line_id)
    return render_template("org/business_line.html", line=line)


def _director_choices() -> list[SelectChoice]:
    directors = db.session.scalars(
        select(User).where(User.role == Role.DIRECTOR).order_by(User.display_name)
    )
    return [SelectChoice(u.id, f"{u.display_name} <{u.email}>") for u in directors]


@bp.route("/business-lines/new", methods=["GET", "POST"], endpoint="new_business_line")
@bp.route("/business-lines/<int:business_line_id>/edit", methods=["GET", "POST"])
@roles(*MANAGERS)
def edit_business_line(business_line_id: int | None = None) -> str | Response | tuple[str, int]:
    line = db.session.get(BusinessLine, business_line_id) if business_line_id else None
    if business_line_id and line is None:
        abort(404)
    form = BusinessLineForm(obj=line)
    form.directors.choices = _director_choices()
    if line is not None and request.method == "GET":
        form.directors.data = [d.id for d in line.directors]
    if not form.validate_on_submit():
        return render_template("org/business_line_form.html", form=form, line=line, stale=None)
    with refusal(form, stale_notice=True) as refused:
        claimed = claim(current_user, form.submission.data) if line is None else None
        saved = save_business_line(
            current_user,
            line,
            code=form.code.data or "",
            name=form.name.data or "",
            description=form.description.data or "",
            active=form.active.data,
            director_ids=form.directors.data or [],
            version=form_version(form.version.data),
        )
        location = url_for("org.business_line", business_line_id=saved.id)
        complete(claimed, location)
        flash(_("Business line %(code)s saved.", code=saved.code), "success")
        return redirect(location)
    stale = _refused_save(form, line, refused)
    return render_template(
        "org/business_line_form.html", form=form, line=line, stale=stale
    ), refused.status


def _users_statement(q: str, role: str) -> Select[User]:
    stmt = select(User).options(selectinload(User.business_lines))
    if q:
        stmt = stmt.where(
            or_(
                User.email.icontains(q, autoescape=True),
                User.display_name.icontains(q, autoescape=True),
            )
        )
    if role in {r.value for r in Role}:
        stmt = stmt.where(User.role == Role(role))
    return stmt.order_by(User.email)


@bp.route("/users")
@roles(*MANAGERS)
def users() -> str:
    q = request.args.get("q", "").strip()[:100]
    role = request.args.get("role", "")
    page = paginate(_users_statement(q, role))
    return render_template("org/users.html", page=page, q=q, role=role)


def role_label(role: Role) -> str:
    return {
        Role.ADMIN: _("Administrator"),
        Role.PMO: _("PMO"),
        Role.LEADERSHIP: _("Leadership"),
    }.get(role, _("Director"))


@bp.route("/users/export")
@roles(*MANAGERS)
def export_users() -> Response:
    q = request.args.get("q", "").strip()[:100]
    stmt = _users_statement(q, request.args.get("role", ""))
    headers = [_("Email"), _("Name"), _("Role"), _("Business lines"), _("Status")]
    rows = (
        [
            user.email,
            user.display_name,
            role_label(user.role),
            ", ".join(bl.name for bl in user.business_lines),
            _("Active") if user.active else _("Inactive"),
        ]
        for user in db.session.scalars(stmt.limit(MAX_EXPORT_ROWS))
    )
    return table_response("users", headers, rows, request.args.get("format", ""))


@bp.route("/users/new", methods=["GET", "POST"], endpoint="new_user")
@bp.route("/users/<int:user_id>/edit", methods=["GET", "POST"])
@roles(*MANAGERS)
def edit_user(user_id: int | None = None) -> str | Response | tuple[str, int]:
    user = db.session.get(User, user_id) if user_id else None
    if (user_id and user is None) or not can_manage_user(current_user, user):
        abort(404 if user is None and user_id else 403)
    form = UserForm(obj=user)
    if current_user.role is not Role.ADMIN:
        form.role.choices = [c for c in form.role.choices if c.value != Role.ADMIN.value]
    form.business_lines.choices = [
        SelectChoice(bl.id, f"{bl.code} {bl.name}")
        for bl in db.session.scalars(select(BusinessLine).order_by(BusinessLine.code))
    ]
    if user is not None and request.method == "GET":
        form.role.data = user.role.value
        form.business_lines.data = line_ids_of(user)
    if not form.validate_on_submit():
        return render_template("org/user_form.html", form=form, user=user, stale=None)
    with refusal(form, stale_notice=True) as refused:
        claimed = claim(current_user, form.submission.data) if user is None else None
        saved = save_user(
            current_user,
            user,
            email=form.email.data or "",
            display_name=form.display_name.data or "",
            role=Role(form.role.data),
            locale=form.locale.data or "zh_CN",
            active=form.active.data,
            password=form.password.data or None,
            business_line_ids=form.business_lines.data or [],
            version=form_version(form.version.data),
        )
        location = url_for("org.users")
        complete(claimed, location)
        flash(_("Account %(email)s saved.", email=saved.email), "success")
        return redirect(location)
    stale = _refused_save(form, user, refused)
    return render_template("org/user_form.html", form=form, user=user, stale=stale), refused.status
