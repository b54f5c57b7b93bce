"""The words of each kind of notification, rendered in the reader's language.

A notification stores its kind and parameters; these functions turn them into a subject and
a body when the notification is shown or sent, so a person who switches language reads their
old notifications in the new one.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from flask_babel import gettext as _
from flask_babel import ngettext

from assessments.prioritisation import ItemStatus
from models import NotificationKind

Params = Mapping[str, Any]


def _area_summary(params: Params) -> str:
    areas = params.get("areas") or {}
    if not areas:
        return ""
    parts = [
        ngettext("%(area)s: %(num)s comment", "%(area)s: %(num)s comments", n, area=code)
        for code, n in sorted(areas.items())
    ]
    return "; ".join(parts)


def _status_label(value: str) -> str:
    from app.services.backlog.items import STATUS_LABELS

    try:
        return str(STATUS_LABELS[ItemStatus(value)])
    except ValueError:
        return value


def _returned(params: Params) -> tuple[str, str]:
    subject = _("%(assessment)s was returned for changes", assessment=params["assessment"])
    lines = [params.get("comment") or "", _area_summary(params)]
    return subject, "\n".join(line for line in lines if line)


def _digest(params: Params) -> tuple[str, str]:
    count = int(params.get("count", 0))
    subject = ngettext(
        "%(num)s thing waits for you in Ladder", "%(num)s things wait for you in Ladder", count
    )
    return subject, "\n".join(f"• {line}" for line in params.get("lines", []))


def _clustering(params: Params) -> tuple[str, str]:
    if params.get("failed"):
        return _("The clustering run failed"), params.get("error", "")
    k = int(params.get("k") or 0)
    return ngettext(
        "The clustering run is done: %(num)s theme",
        "The clustering run is done: %(num)s themes",
        k,
    ), ""


_RENDER: dict[NotificationKind, Callable[[Params], tuple[str, str]]] = {
    NotificationKind.ASSESSMENT_OPENED: lambda p: (
        _("The assessment %(assessment)s is open for your ratings", assessment=p["assessment"]),
        _("Rate the practices and submit it to the PMO before %(due)s.", due=p.get("due", "")),
    ),
    NotificationKind.ASSESSMENT_SUBMITTED: lambda p: (
        _(
            "%(actor)s submitted %(assessment)s for review",
            actor=p.get("actor", ""),
            assessment=p["assessment"],
        ),
        "",
    ),
    NotificationKind.ASSESSMENT_RETURNED: _returned,
    NotificationKind.ASSESSMENT_VALIDATED: lambda p: (
        _(
            "%(assessment)s was validated: maturity level ML%(level)s",
            assessment=p["assessment"],
            level=p.get("level", 1),
        ),
        "",
    ),
    NotificationKind.ITEM_ASSIGNED: lambda p: (
        _("You own the backlog item “%(title)s”", title=p["title"]),
        "",
    ),
    NotificationKind.ITEM_STATUS: lambda p: (
        _(
            "The backlog item “%(title)s” is now %(status)s",
            title=p["title"],
            status=_status_label(p["status"]),
        ),
        p.get("reason", ""),
    ),
    NotificationKind.ITEM_OVERDUE: lambda p: (
        _("The backlog item “%(title)s” was due on %(due)s", title=p["title"], due=p["due"]),
        "",
    ),
    NotificationKind.KPI_DUE: lambda p: (
        _(
            "A measurement of %(kpi)s is due for the quick win “%(project)s”",
            kpi=p["kpi"],
            project=p["project"],
        ),
        "",
    ),
    NotificationKind.REVIEW_SCHEDULED: lambda p: (
        _("An improvement review is scheduled for %(date)s", date=p["date"]),
        p.get("attendees", ""),
    ),
    NotificationKind.MINUTES_READY: lambda p: (
        _("The minutes of the improvement review of %(date)s are ready", date=p["date"]),
        "",
    ),
    NotificationKind.CLUSTERING_DONE: _clustering,
    NotificationKind.DIGEST: _digest,
}


def render(kind: NotificationKind, params: Params) -> tuple[str, str]:
    """Subject and body of a notification, in the current request's or forced locale."""
    return _RENDER[kind](params)


def kind_labels() -> dict[NotificationKind, str]:
    """A short name of each kind, for the settings page."""
    return {
        NotificationKind.ASSESSMENT_OPENED: _("Assessment opened"),
        NotificationKind.ASSESSMENT_SUBMITTED: _("Assessment submitted"),
        NotificationKind.ASSESSMENT_RETURNED: _("Assessment returned"),
        NotificationKind.ASSESSMENT_VALIDATED: _("Assessment validated"),
        NotificationKind.ITEM_ASSIGNED: _("Backlog item assigned"),
        NotificationKind.ITEM_STATUS: _("Backlog item status changed"),
        NotificationKind.ITEM_OVERDUE: _("Backlog item overdue"),
        NotificationKind.KPI_DUE: _("KPI measurement due"),
        NotificationKind.REVIEW_SCHEDULED: _("Review scheduled"),
        NotificationKind.MINUTES_READY: _("Minutes ready"),
        NotificationKind.CLUSTERING_DONE: _("Clustering run done"),
        NotificationKind.DIGEST: _("Daily digest"),
    }
