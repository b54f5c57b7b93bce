"""Business lines and users: creation and edits, with uniqueness checks and audit."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import func, select

from app.extensions import db
from app.services.audit import record_change, snapshot
from app.services.errors import ServiceError, StaleEdit
from app.services.passwords import check_new_password, hash_password
from app.services.sessions import end_user_sessions
from app.services.tokens import revoke_user_tokens
from models import BusinessLine, Role, User

BUSINESS_LINE_FIELDS = ("code", "name", "description", "active", "director_ids")
USER_FIELDS = ("email", "display_name", "role", "locale", "active", "business_line_ids")


def normalise_email(email: str) -> str:
    return email.strip().lower()


def _bl_state(bl: BusinessLine) -> dict[str, Any]:
    state = snapshot(bl, ("code", "name", "description", "active"))
    state["director_ids"] = sorted(d.id for d in bl.directors)
    return state


def _user_state(user: User) -> dict[str, Any]:
    state = snapshot(user, ("email", "display_name", "role", "locale", "active"))
    state["business_line_ids"] = sorted(bl.id for bl in user.business_lines)
    return state


def _check_version(
    current: int, submitted: int | None, saved: dict[str, Any], yours: dict[str, Any]
) -> None:
    """Refuse a save made from a stale form, naming the fields that now differ."""
    if submitted is not None and submitted != current:
        changes = {
            key: {"saved": value, "yours": yours.get(key)}
            for key, value in saved.items()
            if key in yours and yours.get(key) != value
        }
        raise StaleEdit(
            _(
                "Someone else saved this record after you opened it. Review the current values "
                "below and save again."
            ),
            changes,
        )


def _directors(ids: Iterable[int]) -> list[User]:
    ids = list(ids)
    if not ids:
        return []
    users = list(db.session.scalars(select(User).where(User.id.in_(ids))))
    if any(u.role is not Role.DIRECTOR for u in users) or len(users) != len(set(ids)):
        raise ServiceError(_("Only director accounts can lead a business line."), "directors")
    return users


def save_business_line(
    actor: User | None,
    business_line: BusinessLine | None,
    *,
    code: str,
    name: str,
    description: str = "",
    active: bool = True,
    director_ids: Iterable[int] = (),
    version: int | None = None,
) -> BusinessLine:
    """Create (``business_line`` None) or update a business line."""
    code = code.strip().upper()
    clash = db.session.scalar(select(BusinessLine.id).where(func.upper(BusinessLine.code) == code))
    if clash is not None and (business_line is None or clash != business_line.id):
        raise ServiceError(
            _("A business line with code %(code)s already exists.", code=code), "code"
        )
    creating = business_line is None
    before: dict[str, Any] = {}
    if business_line is None:
        business_line = BusinessLine()
        db.session.add(business_line)
    else:
        before = _bl_state(business_line)
        yours = {
            "code": code,
            "name": name.strip(),
            "description": description.strip(),
            "active": active,
            "director_ids": sorted(set(director_ids)),
        }
        _check_version(business_line.version, version, before, yours)
    business_line.code = code
    business_line.name = name.strip()
    business_line.description = description.strip()
    business_line.active = active
    business_line.directors = _directors(director_ids)
    db.session.flush()
    record_change(
        actor,
        "create" if creating else "update",
        business_line,
        old=before,
        new=_bl_state(business_line),
    )
    return business_line


def save_user(
    actor: User | None,
    user: User | None,
    *,
    email: str,
    display_name: str,
    role: Role,
    locale: str = "zh_CN",
    active: bool = True,
    password: str | None = None,
    business_line_ids: Iterable[int] = (),
    version: int | None = None,
) -> User:
    """Create (``user`` None, password required) or update a user account."""
    email = normalise_email(email)
    clash = db.session.scalar(select(User.id).where(User.email == email))
    if clash is not None and (user is None or clash != user.id):
        raise ServiceError(
            _("An account with email %(email)s already exists.", email=email), "email"
        )
    creating = user is None
    before: dict[str, Any] = {}
    if user is None:
        if not password:
            raise ServiceError(_("A new account needs a password."), "password")
        user = User()
        db.session.add(user)
    else:
        before = _user_state(user)
        yours = {
            "email": email,
            "display_name": display_name.strip(),
            "role": role.value,
            "locale": locale,
            "active": active,
        }
        _check_version(user.version, version, before, yours)
    if password:
        check_new_password(
            password, email=email, display_name=display_name.strip(), field="password"
        )
    if not creating:
        user.version += 1
    role_changed = not creating and user.role is not role
    disabled = not creating and user.active and not active
    user.email = email
    user.display_name = display_name.strip()
    user.role = role
    user.locale = locale
    user.active = active
    if password:
        user.password_hash = hash_password(password)
    if (password and not creating) or disabled:
        end_user_sessions(user)  # a reset or a disabled account signs out every browser
    ids = list(business_line_ids) if role is Role.DIRECTOR else []
    user.business_lines = (
        list(db.session.scalars(select(BusinessLine).where(BusinessLine.id.in_(ids))))
        if ids
        else []
    )
    db.session.flush()
    after = _user_state(user)
    if password and not creating:
        after["password"] = "changed"  # noqa: S105  (a marker, never the password)
    record_change(actor, "create" if creating else "update", user, old=before, new=after)
    if (password and not creating) or role_changed or disabled:
        # tokens were issued for the old password or role: scripts need new ones
        revoke_user_tokens(actor, user)
    return user


def change_password(user: User, new_password: str) -> None:
    """Set a new password (if the policy allows it) and end every session of the user; the
    caller starts a new one for the browser that made the change."""
    check_new_password(
        new_password, email=user.email, display_name=user.display_name, field="new_password"
    )
    user.password_hash = hash_password(new_password)
    end_user_sessions(user)
    user.version += 1
    db.session.flush()
    record_change(user, "password_change", user, new={"password": "changed"})
