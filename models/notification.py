"""Notifications: what happened that a person should know, and its deliveries.

A :class:`Notification` is one event for one recipient, shown in the in-app centre. Its text
is not stored: ``kind`` and ``params`` are, and the page renders them in the reader's
language. Mail and group-bot messages are written to :class:`Delivery` rows (an outbox) in
the same transaction as the change that caused them, and sent later by a job, so a mail
server that is down delays mail but never a page, and a rolled-back change sends nothing.
"""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import Base, utcnow, value_enum
from models.org import BusinessLine
from models.user import User


class NotificationKind(enum.StrEnum):
    ASSESSMENT_OPENED = "assessment_opened"
    ASSESSMENT_SUBMITTED = "assessment_submitted"
    ASSESSMENT_RETURNED = "assessment_returned"
    ASSESSMENT_VALIDATED = "assessment_validated"
    ITEM_ASSIGNED = "item_assigned"
    ITEM_STATUS = "item_status"
    ITEM_OVERDUE = "item_overdue"
    KPI_DUE = "kpi_due"
    REVIEW_SCHEDULED = "review_scheduled"
    MINUTES_READY = "minutes_ready"
    CLUSTERING_DONE = "clustering_done"
    DIGEST = "digest"


class Channel(enum.StrEnum):
    EMAIL = "email"
    WECOM = "wecom"
    DINGTALK = "dingtalk"
    FEISHU = "feishu"


class DeliveryStatus(enum.StrEnum):
    PENDING = "pending"
    SENT = "sent"
    FAILED = "failed"  # gave up after the last attempt


class Notification(Base):
    __tablename__ = "notifications"
    __table_args__ = (Index("ix_notifications_user_unread", "user_id", "read_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    kind: Mapped[NotificationKind] = mapped_column(value_enum(NotificationKind, "notice_kind", 30))
    #: What the text is made of (names, counts, a comment), rendered in the reader's language.
    params: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    #: A path inside Ladder (never an outside address) to the object concerned.
    link: Mapped[str] = mapped_column(String(300), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    read_at: Mapped[datetime | None]

    user: Mapped[User] = relationship()


class NotificationSettings(Base):
    """A person's choice of channels; no row means the defaults (mail on, digest on)."""

    __tablename__ = "notification_settings"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    email: Mapped[bool] = mapped_column(Boolean, default=True)
    digest: Mapped[bool] = mapped_column(Boolean, default=True)


class WebhookChannel(Base):
    """A group bot (WeCom, DingTalk, Feishu) that receives the events of a business line, or
    of every business line when ``business_line_id`` is empty. The secret signs messages
    where the vendor signs (DingTalk, Feishu); it must be readable to sign, so it is kept as
    given and never shown again after saving."""

    __tablename__ = "webhook_channels"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    vendor: Mapped[Channel] = mapped_column(value_enum(Channel, "webhook_vendor", 10))
    url: Mapped[str] = mapped_column(String(500))
    secret: Mapped[str] = mapped_column(String(200), default="")
    business_line_id: Mapped[int | None] = mapped_column(
        ForeignKey("business_lines.id", ondelete="CASCADE"), index=True
    )
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    business_line: Mapped[BusinessLine | None] = relationship()


class Delivery(Base):
    """One message to send on one channel: an e-mail to an address, or a post to a bot."""

    __tablename__ = "notification_deliveries"
    __table_args__ = (Index("ix_notification_deliveries_due", "status", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    channel: Mapped[Channel] = mapped_column(value_enum(Channel, "delivery_channel", 10))
    #: The e-mail address, for mail; empty for a bot (``webhook_id`` says which).
    recipient: Mapped[str] = mapped_column(String(320), default="")
    webhook_id: Mapped[int | None] = mapped_column(
        ForeignKey("webhook_channels.id", ondelete="CASCADE")
    )
    subject: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text)
    status: Mapped[DeliveryStatus] = mapped_column(
        value_enum(DeliveryStatus, "delivery_status", 10), default=DeliveryStatus.PENDING
    )
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(default=utcnow)
    sent_at: Mapped[datetime | None]
    last_error: Mapped[str] = mapped_column(String(500), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    webhook: Mapped[WebhookChannel | None] = relationship()
