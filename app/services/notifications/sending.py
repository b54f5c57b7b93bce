"""Sending the outbox: e-mail over SMTP and posts to WeCom, DingTalk and Feishu group bots.

:func:`send_due` takes the deliveries that are due, sends each and records the outcome; a
failure is retried later with a growing pause, up to :data:`MAX_ATTEMPTS`, and never blocks
anything else. It runs as a background job after a transaction that wrote to the outbox
commits (:func:`init_sending`), from ``ladder worker``'s schedule, and from
``ladder notifications send``.

Group bots are addressed by the vendors' published formats: WeCom (企业微信) takes a markdown
message and signs nothing (the key is in the URL); DingTalk (钉钉) signs ``timestamp + "\\n" +
secret`` with HMAC-SHA256 keyed by the secret, base64, URL-encoded into ``&timestamp=&sign=``;
Feishu (飞书) signs with HMAC-SHA256 keyed by ``timestamp + "\\n" + secret`` over an empty
message, base64, sent as ``timestamp`` and ``sign`` in the JSON body.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import logging
import smtplib
import ssl
import threading
import time
import urllib.request
from dataclasses import dataclass
from datetime import timedelta
from email.message import EmailMessage
from email.utils import formataddr, make_msgid
from ipaddress import ip_address
from typing import Any
from urllib.parse import parse_qs, quote_plus, unquote, urlsplit

from flask import Flask, current_app
from flask_babel import gettext as _
from sqlalchemy import event, select

from app.extensions import db
from app.services.notifications.center import OUTBOX_FLAG
from models import Channel, Delivery, DeliveryStatus, WebhookChannel
from models.base import utcnow

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 6
#: Pause before attempt 2, 3, …: a mail server down for a few hours loses nothing.
BACKOFF = (
    timedelta(minutes=1),
    timedelta(minutes=5),
    timedelta(minutes=30),
    timedelta(hours=2),
    timedelta(hours=6),
)
BATCH = 50
TIMEOUT_SECONDS = 10
VENDOR_HOSTS = ("qyapi.weixin.qq.com", "oapi.dingtalk.com", "open.feishu.cn", "open.larksuite.com")


class SendError(Exception):
    """A message could not be sent; the text says why (kept on the delivery)."""


# ---------------------------------------------------------------------------------- SMTP


@dataclass(frozen=True)
class SmtpSettings:
    host: str
    port: int
    username: str
    password: str
    tls: str  # "", "starttls" or "ssl"

    @classmethod
    def from_url(cls, url: str) -> SmtpSettings:
        """``smtp://[user:password@]host[:port][?starttls=1]`` or ``smtps://…`` (TLS from the
        start, port 465 by default)."""
        parts = urlsplit(url)
        if parts.scheme not in ("smtp", "smtps") or not parts.hostname:
            raise ValueError(
                "LADDER_SMTP_URL must look like smtp://user:password@host:587?starttls=1"
            )
        starttls = parse_qs(parts.query).get("starttls", ["0"])[0] in ("1", "true", "yes")
        tls = "ssl" if parts.scheme == "smtps" else ("starttls" if starttls else "")
        return cls(
            host=parts.hostname,
            port=parts.port or (465 if tls == "ssl" else 25),
            username=unquote(parts.username or ""),
            password=unquote(parts.password or ""),
            tls=tls,
        )


def send_mail(settings: SmtpSettings, sender: str, to: str, subject: str, body: str) -> None:
    message = EmailMessage()
    message["From"] = sender
    message["To"] = to
    message["Subject"] = subject
    message["Message-ID"] = make_msgid(domain="ladder")
    message.set_content(body or subject)
    context = ssl.create_default_context()
    try:
        if settings.tls == "ssl":
            client: smtplib.SMTP = smtplib.SMTP_SSL(
                settings.host, settings.port, timeout=TIMEOUT_SECONDS, context=context
            )
        else:
            client = smtplib.SMTP(settings.host, settings.port, timeout=TIMEOUT_SECONDS)
        with client:
            if settings.tls == "starttls":
                client.starttls(context=context)
            if settings.username:
                client.login(settings.username, settings.password)
            client.send_message(message)
    except (OSError, smtplib.SMTPException) as error:
        raise SendError(f"SMTP {settings.host}:{settings.port}: {error}") from error


# ------------------------------------------------------------------------------ webhooks


def allowed_hosts() -> tuple[str, ...]:
    configured = current_app.config.get("LADDER_WEBHOOK_HOSTS") or ""
    extra = tuple(h.strip().lower() for h in configured.split(",") if h.strip())
    return VENDOR_HOSTS + extra


def webhook_url_problem(url: str) -> str | None:
    """Why Ladder will not post to ``url``, or None. Only the vendors' hosts (and hosts an
    operator lists in ``LADDER_WEBHOOK_HOSTS``) are reached, over HTTPS; plain HTTP only to a
    loopback address — so a webhook cannot be used to probe the internal network."""
    parts = urlsplit(url.strip())
    host = (parts.hostname or "").lower()
    if parts.scheme not in ("https", "http") or not host:
        return _("The address must start with https://.")
    if host not in allowed_hosts():
        return _(
            "Ladder posts only to the group-bot hosts %(hosts)s; an operator can add others "
            "with LADDER_WEBHOOK_HOSTS.",
            hosts=", ".join(allowed_hosts()),
        )
    if parts.scheme == "http":
        try:
            loopback = ip_address(host).is_loopback
        except ValueError:
            loopback = host == "localhost"
        if not loopback:
            return _("The address must start with https://.")
    return None


def dingtalk_signature(secret: str, timestamp_ms: int) -> str:
    digest = hmac.new(
        secret.encode(), f"{timestamp_ms}\n{secret}".encode(), hashlib.sha256
    ).digest()
    return base64.b64encode(digest).decode()


def feishu_signature(secret: str, timestamp_s: int) -> str:
    digest = hmac.new(f"{timestamp_s}\n{secret}".encode(), b"", hashlib.sha256).digest()
    return base64.b64encode(digest).decode()


def webhook_request(channel: WebhookChannel, subject: str, body: str) -> tuple[str, dict[str, Any]]:
    """The URL and JSON body of a post to ``channel`` in its vendor's format."""
    url = channel.url
    text = f"{subject}\n{body}".strip()
    if channel.vendor is Channel.WECOM:
        content = f"**{subject}**\n{body}".strip()
        return url, {"msgtype": "markdown", "markdown": {"content": content}}
    if channel.vendor is Channel.DINGTALK:
        payload: dict[str, Any] = {
            "msgtype": "markdown",
            "markdown": {"title": subject, "text": f"#### {subject}\n\n{body}".strip()},
        }
        if channel.secret:
            stamp = int(time.time() * 1000)
            sign = quote_plus(dingtalk_signature(channel.secret, stamp))
            url += ("&" if "?" in url else "?") + f"timestamp={stamp}&sign={sign}"
        return url, payload
    payload = {"msg_type": "text", "content": {"text": text}}
    if channel.secret:
        stamp = int(time.time())
        payload = {
            "timestamp": str(stamp),
            "sign": feishu_signature(channel.secret, stamp),
            **payload,
        }
    return url, payload


def post_webhook(channel: WebhookChannel, subject: str, body: str) -> None:
    problem = webhook_url_problem(channel.url)
    if problem:
        raise SendError(problem)
    url, payload = webhook_request(channel, subject, body)
    request = urllib.request.Request(  # noqa: S310  (scheme and host checked above)
        url,
        data=json.dumps(payload, ensure_ascii=False).encode(),
        headers={"Content-Type": "application/json; charset=utf-8"},
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:  # noqa: S310
            answer = response.read(65536)
    except OSError as error:
        raise SendError(f"{channel.vendor.value}: {error}") from error
    try:
        data = json.loads(answer or b"{}")
    except ValueError:
        data = {}
    code = data.get("errcode", data.get("code", data.get("StatusCode", 0)))
    if code not in (0, None):
        raise SendError(f"{channel.vendor.value}: {data.get('errmsg') or data.get('msg') or code}")


# ------------------------------------------------------------------------------ the outbox


def _send(delivery: Delivery) -> None:
    if delivery.channel is Channel.EMAIL:
        url = current_app.config.get("LADDER_SMTP_URL") or ""
        if not url:
            raise SendError("LADDER_SMTP_URL is not set")
        sender = current_app.config.get("LADDER_MAIL_FROM") or formataddr(
            ("Ladder", "ladder@localhost")
        )
        send_mail(
            SmtpSettings.from_url(url), sender, delivery.recipient, delivery.subject, delivery.body
        )
        return
    if delivery.webhook is None:
        raise SendError("the group bot was removed")
    post_webhook(delivery.webhook, delivery.subject, delivery.body)


def send_due(limit: int = BATCH) -> tuple[int, int]:
    """Send the deliveries that are due; returns (sent, failed this time). Each delivery is
    claimed and committed on its own, so two senders never send the same message and one
    failure does not hold back the rest."""
    sent = failed = 0
    for _round in range(limit):
        now = utcnow()
        delivery = db.session.scalar(
            select(Delivery)
            .where(Delivery.status == DeliveryStatus.PENDING, Delivery.next_attempt_at <= now)
            .order_by(Delivery.next_attempt_at, Delivery.id)
            .limit(1)
            .with_for_update(skip_locked=True)
        )
        if delivery is None:
            break
        if delivery.channel is Channel.EMAIL and not current_app.config.get("LADDER_SMTP_URL"):
            # Mail is not configured: leave it for later rather than failing it.
            delivery.next_attempt_at = now + BACKOFF[-1]
            db.session.commit()
            continue
        delivery.attempts += 1
        try:
            _send(delivery)
        except (SendError, ValueError) as error:
            failed += 1
            delivery.last_error = str(error)[:500]
            if delivery.attempts >= MAX_ATTEMPTS:
                delivery.status = DeliveryStatus.FAILED
            else:
                delivery.next_attempt_at = now + BACKOFF[min(delivery.attempts, len(BACKOFF)) - 1]
            log.warning("notification %s not sent: %s", delivery.id, error)
        else:
            sent += 1
            delivery.status = DeliveryStatus.SENT
            delivery.sent_at = utcnow()
            delivery.last_error = ""
        db.session.commit()
    return sent, failed


def _send_in_background(app: Flask) -> None:
    def work() -> None:
        with app.app_context():
            try:
                send_due()
            except Exception:  # a sender must never take a process down
                log.exception("sending notifications failed")
                db.session.rollback()
            finally:
                db.session.remove()

    threading.Thread(target=work, name="ladder-notifications", daemon=True).start()


_listening = False


def init_sending(app: Flask) -> None:
    """After a commit that wrote to the outbox, send it in the background (unless the app's
    ``SEND_AFTER_COMMIT`` is off, as in tests that send explicitly). The listeners are on the
    one shared session registry, so they are registered once for every app."""
    global _listening
    app.config.setdefault("SEND_AFTER_COMMIT", True)
    if _listening:
        return
    _listening = True

    @event.listens_for(db.session, "after_commit")
    def outbox_written(session: Any) -> None:
        if not session.info.pop(OUTBOX_FLAG, False):
            return
        try:
            target = current_app._get_current_object()  # type: ignore[attr-defined]
        except RuntimeError:
            return
        if target.config.get("SEND_AFTER_COMMIT", True):
            _send_in_background(target)

    @event.listens_for(db.session, "after_rollback")
    def outbox_dropped(session: Any) -> None:
        session.info.pop(OUTBOX_FLAG, None)
