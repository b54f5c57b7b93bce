"""Template globals: the navigation each role sees, and small formatting helpers."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import Flask, request, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from models import Role


@dataclass(frozen=True)
class NavItem:
    endpoint: str
    label: object
    roles: frozenset[Role]


NAVIGATION = (
    NavItem("main.home", _l("Home"), frozenset(Role)),
    NavItem("org.business_lines", _l("Business lines"), frozenset(Role)),
    NavItem(
        "cycles.index", _l("Assessment cycles"), frozenset({Role.ADMIN, Role.PMO, Role.LEADERSHIP})
    ),
    NavItem("cycles.my_assessments", _l("My assessments"), frozenset({Role.DIRECTOR})),
    NavItem("surveys.surveys", _l("Surveys"), frozenset({Role.ADMIN, Role.PMO})),
    NavItem("findings.findings", _l("Findings"), frozenset(Role)),
    NavItem("themes.themes", _l("Themes"), frozenset({Role.ADMIN, Role.PMO, Role.LEADERSHIP})),
    NavItem("backlog.items", _l("Backlog"), frozenset(Role)),
    NavItem("quickwins.showcase", _l("Quick wins"), frozenset(Role)),
    NavItem("reviews.reviews", _l("Reviews"), frozenset({Role.ADMIN, Role.PMO})),
    NavItem("reports.dashboard", _l("Reports"), frozenset({Role.ADMIN, Role.PMO, Role.LEADERSHIP})),
    NavItem("org.users", _l("Users"), frozenset({Role.ADMIN, Role.PMO})),
    NavItem("audit.events", _l("Audit trail"), frozenset({Role.ADMIN})),
    NavItem("cycles.models", _l("Maturity models"), frozenset({Role.ADMIN})),
)


def navigation_for(role: Role) -> list[NavItem]:
    return [item for item in NAVIGATION if role in item.roles]


def page_url(page: int) -> str:
    """The current URL with ``page`` replaced, keeping search and filters."""
    args: dict[str, Any] = request.args.to_dict()
    args["page"] = str(page)
    return url_for(request.endpoint or "main.home", **(request.view_args or {}), **args)


def init_templating(app: Flask) -> None:
    @app.context_processor
    def inject_navigation() -> dict[str, object]:
        items = navigation_for(current_user.role) if current_user.is_authenticated else []
        return {"nav_items": items, "Role": Role}

    app.jinja_env.globals["page_url"] = page_url
