"""Managing the group bots (WeCom, DingTalk, Feishu) that hear about business-line events."""

from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import select

from app.extensions import db
from app.services.audit import record_change
from app.services.errors import ServiceError
from app.services.notifications.sending import post_webhook, webhook_url_problem
from models import BusinessLine, Channel, User, WebhookChannel

BOT_VENDORS = (Channel.WECOM, Channel.DINGTALK, Channel.FEISHU)


def bots() -> list[WebhookChannel]:
    return list(db.session.scalars(select(WebhookChannel).order_by(WebhookChannel.id)))


def add_bot(
    actor: User,
    *,
    name: str,
    vendor: str,
    url: str,
    secret: str,
    business_line: BusinessLine | None,
) -> WebhookChannel:
    try:
        channel = Channel(vendor)
    except ValueError:
        channel = Channel.EMAIL
    if channel not in BOT_VENDORS:
        raise ServiceError(_("Choose WeCom, DingTalk or Feishu."), "vendor")
    problem = webhook_url_problem(url)
    if problem:
        raise ServiceError(problem, "url")
    bot = WebhookChannel(
        name=name.strip(),
        vendor=channel,
        url=url.strip(),
        secret=secret.strip(),
        business_line=business_line,
    )
    db.session.add(bot)
    db.session.flush()
    record_change(
        actor,
        "create",
        bot,
        new={
            "name": bot.name,
            "vendor": channel.value,
            "business_line": business_line.code if business_line else None,
        },
        label=bot.name,
    )
    return bot


def remove_bot(actor: User, bot: WebhookChannel) -> None:
    record_change(
        actor, "delete", bot, old={"name": bot.name, "vendor": bot.vendor.value}, label=bot.name
    )
    db.session.delete(bot)
    db.session.flush()


def test_bot(bot: WebhookChannel) -> None:
    """Post a test message now; a failure is a ServiceError with the service's answer."""
    from app.services.notifications.sending import SendError

    try:
        post_webhook(bot, _("Ladder test message"), _("This group will hear about Ladder events."))
    except SendError as error:
        raise ServiceError(
            _("The bot did not accept the message: %(error)s", error=str(error))
        ) from error
