"""``ladder remind`` (the daily digest) and ``ladder notifications send`` (the outbox)."""

from __future__ import annotations

import click
from flask.cli import with_appcontext


@click.command("remind")
@with_appcontext
def remind_command() -> None:
    """Write today's reminders and each person's digest of what is due (assessments to fill
    or review, overdue backlog items, KPI measurements), then send the mail. Safe to run more
    than once a day: a person gets one digest a day."""
    from zoneinfo import ZoneInfo

    from flask import current_app

    from app.extensions import db
    from app.services.notifications.digest import remind
    from app.services.notifications.sending import send_due
    from models.base import utcnow

    report = remind(utcnow(), ZoneInfo(current_app.config["BABEL_DEFAULT_TIMEZONE"]))
    db.session.commit()
    sent, failed = send_due()
    click.echo(
        f"{report.people} people with something due: {report.digests} digests, "
        f"{report.notices} reminders; {sent} messages sent, {failed} failed (retried later)"
    )


@click.group("notifications")
def notifications_group() -> None:
    """The outbox of e-mail and group-bot messages."""


@notifications_group.command("send")
@with_appcontext
def send_command() -> None:
    """Send the e-mail and group-bot messages that are due now (failed ones are retried with
    a growing pause, up to 6 attempts)."""
    from app.services.notifications.sending import send_due

    sent, failed = send_due(limit=10_000)
    click.echo(f"{sent} sent, {failed} failed (retried later)")
