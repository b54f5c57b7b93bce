"""Template globals: the navigation each role sees, and small formatting helpers."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import Flask, get_template_attribute, request, url_for
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from markupsafe import Markup, escape

from app.caching import RecentCache
from app.numbers import shown_number
from app.security import role_may_open
from app.services.jobs import job_label, job_state_label
from app.services.visibility import MANAGERS
from assessments.progress import Progress
from models import Role


@dataclass(frozen=True)
class NavItem:
    endpoint: str
    label: object


#: The menu, in order. Who sees an entry is who may open it: its route's declared audience.
NAVIGATION = (
    NavItem("main.home", _l("Home")),
    NavItem("org.business_lines", _l("Business lines")),
    NavItem("cycles.index", _l("Assessment cycles")),
    NavItem("cycles.my_assessments", _l("My assessments")),
    NavItem("cycles.assigned", _l("Assigned to me")),
    NavItem("surveys.surveys", _l("Surveys")),
    NavItem("findings.findings", _l("Findings")),
    NavItem("themes.themes", _l("Themes")),
    NavItem("backlog.items", _l("Backlog")),
    NavItem("quickwins.showcase", _l("Quick wins")),
    NavItem("reviews.reviews", _l("Reviews")),
    NavItem("outcomes.index", _l("Scorecard")),
    NavItem("lessons.lessons", _l("Lessons")),
    NavItem("reports.dashboard", _l("Reports")),
    NavItem("org.users", _l("Users")),
    NavItem("audit.events", _l("Audit trail")),
    NavItem("cycles.models", _l("Maturity models")),
)


def may_open(endpoint: str) -> bool:
    """Whether the signed-in user passes the route's declared audience (``app.security``),
    so that a page links only where it may go."""
    return current_user.is_authenticated and role_may_open(current_user.role, endpoint)


def unread_notifications() -> int:
    """The count in the header's bell (one query, only for a signed-in user)."""
    from app.services.notifications.center import unread_count

    return unread_count(current_user) if current_user.is_authenticated else 0


def navigation_for(role: Role) -> list[NavItem]:
    return [item for item in NAVIGATION if role_may_open(role, item.endpoint)]


#: The menu of each role in each language, its labels translated: every signed-in page shows
#: one, and a lazy label is translated again on every use. Routes and translations are fixed
#: for the life of a process.
_menus: RecentCache[tuple[Role, str], list[NavItem]] = RecentCache(64)


def translated_navigation(role: Role) -> list[NavItem]:
    locale = str(get_locale() or "en")
    return _menus.get(
        (role, locale),
        lambda: [NavItem(item.endpoint, str(item.label)) for item in navigation_for(role)],
    )


def page_url(page: int) -> str:
    """The current URL with ``page`` replaced, keeping search and filters."""
    args: dict[str, Any] = request.args.to_dict()
    args["page"] = str(page)
    return url_for(request.endpoint or "main.home", **(request.view_args or {}), **args)


_NO_VALUE = '<td><span class="muted">–</span></td>'


#: Table bodies already shown, by language and rows: reports keep their tables until the data
#: changes, so the same rows come back with every request.
_bodies: RecentCache[tuple[str, tuple[tuple[object, ...], ...]], Markup] = RecentCache(64)


def table_rows(rows: tuple[tuple[object, ...], ...]) -> Markup:
    """The ``<tr>`` rows of a table body: numbers in the reader's locale (``shown_number``:
    digits and separators, nothing to escape), none as a muted dash, anything else as escaped
    text. One call per table, not a macro per cell (report tables have a thousand cells), and
    made once per language for the same rows."""
    locale = str(get_locale() or "en")
    try:
        return _bodies.get((locale, rows), lambda: _table_rows(rows, locale))
    except TypeError:  # a value that cannot be a key (a list): made each time
        return _table_rows(rows, locale)


def _table_rows(rows: tuple[tuple[object, ...], ...], locale: str) -> Markup:
    html = []
    for values in rows:
        html.append("<tr>")
        for value in values:
            if value is None:
                html.append(_NO_VALUE)
            elif isinstance(value, float):  # one decimal, as format_decimal('#,##0.0')
                html.append(f"<td>{shown_number(value, locale, places=1)}</td>")
            elif isinstance(value, int):
                html.append(f"<td>{shown_number(value, locale)}</td>")
            else:
                html.append(f"<td>{escape(value)}</td>")
        html.append("</tr>")
    return Markup("".join(html))  # noqa: S704 (every value above is escaped or a number)


#: Progress bars already drawn, by language and counts (a few hundred at most).
_bars: RecentCache[tuple[str, int, int], Markup] = RecentCache(1024)


def progress_bar(progress: Progress) -> Markup:
    """The ``drawn_progress_bar`` macro of ``cycles/_macros.html`` for ``progress``, drawn
    once per language and counts: an assessment's overview shows one per process area, and
    each formats its percentage twice through Babel (which parses its pattern every time)."""
    locale = str(get_locale() or "en")
    return _bars.get((locale, progress.rated, progress.total), lambda: _draw(progress))


def _draw(progress: Progress) -> Markup:
    macro = get_template_attribute("cycles/_macros.html", "drawn_progress_bar")
    drawn: Markup = macro(progress)  # a macro of an autoescaped template returns Markup
    return drawn


def number(value: float | int) -> str:
    """``value`` as ``format_decimal(value, '#,##0.##')`` shows it in the reader's locale, for
    pages that show many numbers (Babel parses its pattern on every call)."""
    return shown_number(value, str(get_locale() or "en"))


def init_templating(app: Flask) -> None:
    @app.context_processor
    def inject_navigation() -> dict[str, object]:
        items = translated_navigation(current_user.role) if current_user.is_authenticated else []
        return {"nav_items": items, "Role": Role, "MANAGERS": MANAGERS}

    app.jinja_env.globals["page_url"] = page_url
    app.jinja_env.globals["may_open"] = may_open
    app.jinja_env.globals["job_label"] = job_label
    app.jinja_env.globals["job_state_label"] = job_state_label
    app.jinja_env.globals["unread_notifications"] = unread_notifications
    app.jinja_env.globals["table_rows"] = table_rows
    app.jinja_env.globals["cached_progress_bar"] = progress_bar
    app.jinja_env.filters["number"] = number
