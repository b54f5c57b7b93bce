from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import Select, select
from werkzeug.wrappers import Response
from wtforms import SelectChoice

from app.errors import refusal
from app.extensions import db
from app.notifications import bp
from app.notifications.forms import MarkReadForm, SettingsForm, WebhookForm
from app.pagination import paginate
from app.params import parse_id
from app.security import roles, signed_in
from app.services.notifications.bots import BOT_VENDORS, add_bot, bots, remove_bot, test_bot
from app.services.notifications.center import (
    mark_read,
    notifications_of,
    save_settings,
    settings_of,
)
from app.services.notifications.messages import render
from app.services.submissions import claim, complete
from app.services.visibility import MANAGERS
from models import BusinessLine, Notification, WebhookChannel

VENDOR_NAMES = {"wecom": "企业微信 WeCom", "dingtalk": "钉钉 DingTalk", "feishu": "飞书 Feishu"}


def _safe_link(link: str) -> str:
    """Notification links are Ladder paths; anything else goes to the list."""
    if link.startswith("/") and not link.startswith("//") and "\\" not in link:
        return link
    return url_for("notifications.index")


@bp.route("/")
@signed_in
def index() -> str:
    page = paginate(notifications_of(current_user))
    rows = [(n, *render(n.kind, n.params)) for n in page.items]
    return render_template("notifications/index.html", page=page, rows=rows, form=MarkReadForm())


@bp.route("/<int:notification_id>")
@signed_in
def open_notification(notification_id: int) -> Response:
    """Mark one notification read and go to what it is about."""
    row = db.session.get(Notification, notification_id)
    if row is None or row.user_id != current_user.id:
        abort(404)
    mark_read(current_user, [row.id])
    return redirect(_safe_link(row.link))


@bp.route("/read", methods=["POST"])
@signed_in
def read() -> Response:
    """Mark the chosen notifications read (``ids``), or all of them without a choice."""
    if not MarkReadForm().validate_on_submit():
        abort(400)
    ids = [parse_id(value) for value in request.form.getlist("ids")]
    changed = mark_read(current_user, [i for i in ids if i is not None] if ids else None)
    flash(_("Marked %(num)s as read.", num=changed), "success")
    return redirect(url_for("notifications.index"))


@bp.route("/settings", methods=["GET", "POST"])
@signed_in
def settings() -> str | Response:
    current = settings_of(current_user)
    form = SettingsForm(data={"email": current.email, "digest": current.digest})
    if form.validate_on_submit():
        save_settings(current_user, email=form.email.data, digest=form.digest.data)
        flash(_("Your notification settings are saved."), "success")
        return redirect(url_for("notifications.settings"))
    return render_template("notifications/settings.html", form=form)


def _webhook_form() -> WebhookForm:
    form = WebhookForm()
    form.vendor.choices = [SelectChoice(v.value, VENDOR_NAMES[v.value]) for v in BOT_VENDORS]
    lines = db.session.scalars(select_lines())
    form.business_line.choices = [SelectChoice("", _("Every business line"))] + [
        SelectChoice(str(line.id), f"{line.code} {line.name}") for line in lines
    ]
    return form


def select_lines() -> Select[BusinessLine]:
    return select(BusinessLine).order_by(BusinessLine.code)


@bp.route("/bots", methods=["GET", "POST"])
@roles(*MANAGERS)
def webhooks() -> tuple[str, int] | Response:
    form = _webhook_form()
    if form.validate_on_submit():
        with refusal(form):
            claimed = claim(current_user, form.submission.data)
            line_id = parse_id(form.business_line.data or "")
            add_bot(
                current_user,
                name=form.name.data or "",
                vendor=form.vendor.data or "",
                url=form.url.data or "",
                secret=form.secret.data or "",
                business_line=db.session.get(BusinessLine, line_id) if line_id else None,
            )
            complete(claimed, url_for("notifications.webhooks"))
            flash(_("The group bot is added."), "success")
            return redirect(url_for("notifications.webhooks"))
    page = render_template(
        "notifications/bots.html",
        form=form,
        bots=bots(),
        vendors=VENDOR_NAMES,
        action=MarkReadForm(),
    )
    return page, 422 if form.is_submitted() else 200


def _bot_or_404(bot_id: int) -> WebhookChannel:
    bot = db.session.get(WebhookChannel, bot_id)
    if bot is None:
        abort(404)
    if not MarkReadForm().validate_on_submit():
        abort(400)
    return bot


@bp.route("/bots/<int:bot_id>/delete", methods=["POST"])
@roles(*MANAGERS)
def delete_webhook(bot_id: int) -> Response:
    bot = _bot_or_404(bot_id)
    remove_bot(current_user, bot)
    flash(_("The group bot is removed."), "success")
    return redirect(url_for("notifications.webhooks"))


@bp.route("/bots/<int:bot_id>/test", methods=["POST"])
@roles(*MANAGERS)
def test_webhook(bot_id: int) -> Response:
    bot = _bot_or_404(bot_id)
    with refusal():
        test_bot(bot)
        flash(_("The bot accepted the test message."), "success")
    return redirect(url_for("notifications.webhooks"))
