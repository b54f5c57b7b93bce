"""Personal access tokens: create, revoke, and find the user behind a bearer token.

A token is ``ldr_`` followed by 43 random URL-safe characters (256 bits). Only its SHA-256
is stored, so a token can be shown once and never again; lookups hash what the client sent.

Every token reads. A PMO or admin account may also give a token the write scopes
``kpi:write`` (push KPI values) and ``themes:run`` (start clustering runs); a token has only
the scopes it was created with, so a leaked BI token cannot write.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Iterable
from datetime import timedelta

from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from app.extensions import db
from app.services.audit import record_change
from app.services.errors import ServiceError
from models import ApiToken, Role, User
from models.base import as_utc, utcnow

TOKEN_PREFIX = "ldr_"  # noqa: S105  (a public marker, not a secret)
PREFIX_LENGTH = 12  # "ldr_" and 8 random characters: enough to tell tokens apart
MAX_NAME = 100
MAX_ACTIVE_TOKENS = 20
#: ``last_used_at`` is refreshed at most this often, so a busy script does not write on
#: every request.
LAST_USED_RESOLUTION = timedelta(minutes=1)

READ_SCOPE = "read"
#: Scopes beyond reading, and who may hold them.
WRITE_SCOPES = ("kpi:write", "themes:run")
SCOPES = (READ_SCOPE, *WRITE_SCOPES)
WRITE_SCOPE_ROLES = frozenset({Role.PMO, Role.ADMIN})


def checked_scopes(user: User, requested: Iterable[str]) -> list[str]:
    """The scopes a new token of ``user`` gets: ``read`` plus the write scopes asked for, in a
    fixed order. An unknown scope, or a write scope for an account that may not write, is
    refused."""
    wanted = {scope.strip() for scope in requested if scope.strip()}
    unknown = sorted(wanted - set(SCOPES))
    if unknown:
        raise ServiceError(
            _(
                "Unknown scope %(scope)s; the scopes are %(scopes)s.",
                scope=unknown[0],
                scopes=", ".join(SCOPES),
            ),
            "scopes",
        )
    if wanted & set(WRITE_SCOPES) and user.role not in WRITE_SCOPE_ROLES:
        raise ServiceError(
            _(
                "Only PMO and admin accounts may have tokens that write (%(scopes)s).",
                scopes=", ".join(WRITE_SCOPES),
            ),
            "scopes",
        )
    return [scope for scope in SCOPES if scope == READ_SCOPE or scope in wanted]


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create_token(
    actor: User | None, user: User, name: str, scopes: Iterable[str] = ()
) -> tuple[ApiToken, str]:
    """A new token for ``user`` with ``read`` and the write ``scopes`` asked for; returns the
    row and the token, which is not kept anywhere."""
    name = name.strip()
    if not name:
        raise ServiceError(_("Give the token a name, e.g. the tool that will use it."), "name")
    if len(name) > MAX_NAME:
        raise ServiceError(_("The name is longer than %(max)s characters.", max=MAX_NAME), "name")
    if not user.active:
        raise ServiceError(_("The account %(email)s is disabled.", email=user.email))
    granted = checked_scopes(user, scopes)
    active = db.session.scalar(
        select(func.count())
        .select_from(ApiToken)
        .where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None))
    )
    if (active or 0) >= MAX_ACTIVE_TOKENS:
        raise ServiceError(
            ngettext(
                "You already have %(num)s active token. Revoke it first if you no longer use it.",
                "You already have %(num)s active tokens. Revoke one you no longer use first.",
                MAX_ACTIVE_TOKENS,
            ),
            "name",
        )
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    row = ApiToken(
        user=user,
        name=name,
        token_hash=hash_token(token),
        prefix=token[:PREFIX_LENGTH],
        scopes=" ".join(granted),
    )
    db.session.add(row)
    db.session.flush()
    record_change(
        actor,
        "create",
        row,
        new={"name": name, "prefix": row.prefix, "user": user.email, "scopes": row.scopes},
        label=f"{user.email} / {name}",
    )
    return row, token


def revoke_token(actor: User, row: ApiToken) -> bool:
    """Revoke ``row``; False when it was already revoked (nothing changes then)."""
    return _revoke(actor, row)


def _revoke(actor: User | None, row: ApiToken) -> bool:
    if row.revoked_at is not None:
        return False
    row.revoked_at = utcnow()
    db.session.flush()
    record_change(
        actor,
        "revoke",
        row,
        old={"revoked_at": None},
        new={"revoked_at": row.revoked_at.isoformat()},
        label=f"{row.user.email} / {row.name}",
    )
    return True


def revoke_user_tokens(actor: User | None, user: User) -> int:
    """Revoke every active token of ``user`` (password reset, role change, disabled account);
    returns how many were revoked."""
    rows = db.session.scalars(
        select(ApiToken).where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None))
    )
    return sum(_revoke(actor, row) for row in list(rows))


def token_for_request(token: str) -> ApiToken | None:
    """The unrevoked token row of an active user for ``token``, or None. Notes when it was
    used."""
    if not token.startswith(TOKEN_PREFIX) or len(token) > 200:
        return None
    row = db.session.scalar(
        select(ApiToken)
        .where(ApiToken.token_hash == hash_token(token))
        .options(joinedload(ApiToken.user))
    )
    if row is None or row.revoked_at is not None or not row.user.active:
        return None
    now = utcnow()
    if row.last_used_at is None or now - as_utc(row.last_used_at) >= LAST_USED_RESOLUTION:
        row.last_used_at = now
    return row
