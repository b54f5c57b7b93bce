"""Server-side records of signed-in browser sessions: start, find, list and end them.

The cookie carries a random key; the table keeps its SHA-256 (see ``models.user_session``).
A session is live while its row exists, it was seen within the idle timeout, and it is
younger than the absolute timeout. Ending a session deletes its row, so a replayed cookie
finds nothing, in whichever process it arrives.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, delete, or_, select
from sqlalchemy.orm import joinedload

from app.extensions import db
from app.services.audit import record_change
from app.services.tokens import hash_token
from models import User, UserSession
from models.base import as_utc, utcnow
from models.user_session import MAX_ADDRESS, MAX_USER_AGENT

#: ``last_seen_at`` is written at most this often, so browsing does not write on every page.
LAST_SEEN_RESOLUTION = timedelta(minutes=1)


@dataclass(frozen=True)
class Timeouts:
    """How long a session may stay unused (idle) and live at all (absolute)."""

    idle: timedelta
    absolute: timedelta


def _expired(timeouts: Timeouts, now: datetime) -> ColumnElement[bool]:
    return or_(
        UserSession.last_seen_at < now - timeouts.idle,
        UserSession.created_at < now - timeouts.absolute,
    )


def start_session(user: User, *, user_agent: str, address: str, timeouts: Timeouts) -> str:
    """Record a new session of ``user`` and return its key (for the cookie only).

    Sessions past their timeouts, of anybody, are cleared on the way: sign-ins are rare
    enough for that one DELETE, and the table stays the size of the live sessions."""
    now = utcnow()
    db.session.execute(delete(UserSession).where(_expired(timeouts, now)))
    key = secrets.token_urlsafe(32)
    db.session.add(
        UserSession(
            user=user,
            key_hash=hash_token(key),
            created_at=now,
            last_seen_at=now,
            user_agent=user_agent[:MAX_USER_AGENT],
            address=address[:MAX_ADDRESS],
        )
    )
    db.session.flush()
    return key


def live_session(key: str, timeouts: Timeouts, *, touch: bool = True) -> UserSession | None:
    """The live session holding ``key`` (its user loaded), or None.

    An expired session is deleted here. ``touch`` notes the visit in ``last_seen_at``; pass
    False where a visit must leave no trace (anonymous survey pages)."""
    if not key or len(key) > 100:
        return None
    row = db.session.scalar(
        select(UserSession)
        .where(UserSession.key_hash == hash_token(key))
        .options(joinedload(UserSession.user))
    )
    if row is None:
        return None
    now = utcnow()
    last_seen = as_utc(row.last_seen_at)
    if now - last_seen > timeouts.idle or now - as_utc(row.created_at) > timeouts.absolute:
        db.session.delete(row)
        db.session.flush()
        return None
    if touch and now - last_seen >= LAST_SEEN_RESOLUTION:
        row.last_seen_at = now
    return row


def end_session(key: str) -> None:
    """End the session holding ``key`` (sign-out); nothing happens when there is none."""
    db.session.execute(delete(UserSession).where(UserSession.key_hash == hash_token(key)))


def end_user_sessions(user: User, *, keep_id: int | None = None) -> int:
    """End every session of ``user`` except ``keep_id``; returns how many ended."""
    stmt = delete(UserSession).where(UserSession.user_id == user.id)
    if keep_id is not None:
        stmt = stmt.where(UserSession.id != keep_id)
    result = db.session.execute(stmt)
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


def end_other_sessions(user: User, current_id: int | None) -> int:
    """``user`` ends every session but the one in use; audited when any ended."""
    ended = end_user_sessions(user, keep_id=current_id)
    if ended:
        record_change(user, "revoke_sessions", user, new={"sessions": ended})
    return ended


def user_sessions(user: User, timeouts: Timeouts) -> list[UserSession]:
    """The live sessions of ``user``, the most recently used first."""
    now = utcnow()
    return list(
        db.session.scalars(
            select(UserSession)
            .where(UserSession.user_id == user.id)
            .where(~_expired(timeouts, now))
            .order_by(UserSession.last_seen_at.desc(), UserSession.id.desc())
        )
    )


def revoke_session(actor: User, row: UserSession) -> None:
    """End one session from the profile page, with an audit event."""
    record_change(
        actor,
        "revoke",
        row,
        old={"address": row.address, "user_agent": row.user_agent},
        label=f"{row.user.email} / {row.address}",
    )
    db.session.delete(row)
    db.session.flush()
