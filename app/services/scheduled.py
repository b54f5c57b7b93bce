"""Ladder's own periodic tasks, which ``ladder worker`` registers when it starts.

- ``notifications-send`` (every minute): the outbox, so that mail held back while the mail
  server was down, and retries, go out without waiting for the next change;
- ``remind`` (daily at 08:00 in ``LADDER_TIMEZONE``): the reminders and the daily digest, as
  ``ladder remind`` does (a second run on the same day writes no second digest).

More tasks: ``app.services.periodic.register_periodic`` (see its module).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from flask import Flask, current_app

from app.extensions import db
from app.services.periodic import PERIODIC, register_periodic
from models.base import utcnow

REMIND_AT = timedelta(hours=8)


def send_outbox() -> None:
    from app.services.notifications.sending import send_due

    send_due()


def daily_remind() -> None:
    from app.services.notifications.digest import remind
    from app.services.notifications.sending import send_due

    zone = ZoneInfo(current_app.config["BABEL_DEFAULT_TIMEZONE"])
    remind(utcnow(), zone)
    db.session.commit()
    send_due()


def register_builtin_tasks(app: Flask) -> None:
    """Register the tasks above unless a task of the same name is registered already."""
    zone = ZoneInfo(app.config["BABEL_DEFAULT_TIMEZONE"])
    local_offset = datetime.now(zone).utcoffset() or timedelta(0)
    if "notifications-send" not in PERIODIC:
        register_periodic("notifications-send", send_outbox, every=timedelta(minutes=1))
    if "remind" not in PERIODIC:
        offset = (REMIND_AT - local_offset) % timedelta(days=1)
        register_periodic("remind", daily_remind, every=timedelta(days=1), offset=offset)
