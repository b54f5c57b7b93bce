"""Writing notifications and reading the centre: unread count, list, mark read, settings."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from flask import current_app
from flask_babel import force_locale
from sqlalchemy import func, select, update

from app.extensions import db
from app.services.notifications.messages import render
from app.services.visibility import can_view_line_of
from models import (
    Channel,
    Delivery,
    Notification,
    NotificationKind,
    NotificationSettings,
    Role,
    User,
    WebhookChannel,
)
from models.base import utcnow

#: The session flag that tells the after-commit hook there is mail or a bot post to send.
OUTBOX_FLAG = "ladder_outbox_written"


def settings_of(user: User) -> NotificationSettings:
    """The user's channel choices (the defaults when they never chose)."""
    row = db.session.get(NotificationSettings, user.id)
    return row or NotificationSettings(user_id=user.id, email=True, digest=True)


def save_settings(user: User, *, email: bool, digest: bool) -> None:
    row = db.session.get(NotificationSettings, user.id)
    if row is None:
        row = NotificationSettings(user_id=user.id)
        db.session.add(row)
    row.email, row.digest = email, digest
    db.session.flush()


def absolute_link(link: str) -> str:
    """A link in a mail or bot message: the path prefixed with ``LADDER_BASE_URL`` if set."""
    base = (current_app.config.get("LADDER_BASE_URL") or "").rstrip("/")
    return f"{base}{link}" if base else link


def _text_for(
    user_locale: str, kind: NotificationKind, params: Mapping[str, Any]
) -> tuple[str, str]:
    with force_locale(user_locale):
        return render(kind, params)


def notify(
    kind: NotificationKind,
    recipients: Iterable[User],
    params: Mapping[str, Any],
    link: str = "",
    *,
    business_line_id: int | None = None,
    company_wide: bool = False,
    actor: User | None = None,
    bots: bool = True,
) -> list[Notification]:
    """Tell ``recipients`` (each at most once, never the ``actor`` themself, and only those
    who may see the business line) that something of ``kind`` happened; queue mail for those
    who want it and a post for each group bot of the business line (or every line)."""
    seen: set[int] = set()
    written = []
    for user in recipients:
        if user.id in seen or not user.active or (actor is not None and user.id == actor.id):
            continue
        seen.add(user.id)
        if not can_view_line_of(user, business_line_id, company_wide=company_wide):
            continue
        row = Notification(user_id=user.id, kind=kind, params=dict(params), link=link)
        db.session.add(row)
        written.append(row)
        if kind is not NotificationKind.DIGEST and settings_of(user).email:
            _queue_mail(user, kind, params, link)
    if bots:
        _queue_bot_posts(kind, params, link, business_line_id)
    db.session.flush()
    return written


def queue_mail(user: User, kind: NotificationKind, params: Mapping[str, Any], link: str) -> None:
    """Queue one e-mail (the digest uses it directly)."""
    _queue_mail(user, kind, params, link)


def _queue_mail(user: User, kind: NotificationKind, params: Mapping[str, Any], link: str) -> None:
    subject, body = _text_for(user.locale, kind, params)
    if link:
        body = f"{body}\n\n{absolute_link(link)}".strip()
    db.session.add(
        Delivery(channel=Channel.EMAIL, recipient=user.email, subject=subject[:300], body=body)
    )
    db.session.info[OUTBOX_FLAG] = True


def _queue_bot_posts(
    kind: NotificationKind, params: Mapping[str, Any], link: str, business_line_id: int | None
) -> None:
    """Group bots hear about events of their business line, or of all lines; never the
    digest, which is personal."""
    if kind is NotificationKind.DIGEST:
        return
    stmt = select(WebhookChannel).where(WebhookChannel.active.is_(True))
    if business_line_id is None:
        stmt = stmt.where(WebhookChannel.business_line_id.is_(None))
    else:
        stmt = stmt.where(
            (WebhookChannel.business_line_id.is_(None))
            | (WebhookChannel.business_line_id == business_line_id)
        )
    channels = db.session.scalars(stmt).all()
    if not channels:
        return
    # Group bots read the app's default language; the text is the same for every bot.
    subject, body = _text_for(current_app.config.get("BABEL_DEFAULT_LOCALE", "zh_CN"), kind, params)
    if link:
        body = f"{body}\n{absolute_link(link)}".strip()
    for channel in channels:
        db.session.add(
            Delivery(channel=channel.vendor, webhook=channel, subject=subject[:300], body=body)
        )
        db.session.info[OUTBOX_FLAG] = True


def unread_count(user: User) -> int:
    return (
        db.session.scalar(
            select(func.count())
            .select_from(Notification)
            .where(Notification.user_id == user.id, Notification.read_at.is_(None))
        )
        or 0
    )


def notifications_of(user: User) -> Any:
    return (
        select(Notification)
        .where(Notification.user_id == user.id)
        .order_by(
            Notification.read_at.is_not(None),
            Notification.created_at.desc(),
            Notification.id.desc(),
        )
    )


def mark_read(user: User, notification_ids: Iterable[int] | None = None) -> int:
    """Mark the user's notifications read (all of them when ``notification_ids`` is None);
    returns how many changed. Another user's ids are ignored."""
    stmt = update(Notification).where(
        Notification.user_id == user.id, Notification.read_at.is_(None)
    )
    if notification_ids is not None:
        stmt = stmt.where(Notification.id.in_(list(notification_ids)))
    result = db.session.execute(stmt.values(read_at=utcnow()))
    return int(getattr(result, "rowcount", 0) or 0)


def active_users(*roles: Role) -> list[User]:
    return list(db.session.scalars(select(User).where(User.role.in_(roles), User.active.is_(True))))
