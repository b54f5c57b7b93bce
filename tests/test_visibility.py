"""Who sees what: directors see their own business lines' rows (and company-wide ones) in
every list, and the menu offers exactly the pages a role may open."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest

from app.extensions import db
from app.services.backlog.quickwins import promote
from models import ImprovementItem, Role, User
from tests.api_support import bearer, token_for
from tests.assessment_support import make_cycle
from tests.backlog_helpers import make_item


@pytest.fixture
def lines(app, make_user, make_business_line):
    """Two directors with a line each; a cycle and a quick-win project per line, and a
    company-wide project."""
    pmo = make_user(Role.PMO)
    first, second = make_user(Role.DIRECTOR), make_user(Role.DIRECTOR)
    line_a = make_business_line("LA", "业务线甲", directors=(first.id,))
    line_b = make_business_line("LB", "业务线乙", directors=(second.id,))
    make_cycle(app, pmo.id, {line_a.id: 2}, name="Cycle of A")
    make_cycle(app, pmo.id, {line_b.id: 2}, name="Cycle of B")
    for title, line_id in (("Project A", line_a.id), ("Project B", line_b.id), ("Shared", None)):
        item_id = make_item(
            app, title, impact=5, urgency=4, effort=2, business_line_id=line_id,
            actor_id=pmo.id, actions=("approve",),
        )  # fmt: skip
        with app.app_context():
            promote(
                db.session.get(User, pmo.id),
                db.session.get(ImprovementItem, item_id),
                goal=title,
                start=date.today(),
                end=date.today() + timedelta(days=30),
            )
            db.session.commit()
    return {"pmo": pmo, "first": first}


def test_a_director_lists_only_their_lines_quick_wins_and_company_wide_ones(client, auth, lines):
    auth.login(lines["first"])
    export = client.get("/quick-wins/export?format=csv").text
    assert "Project A" in export
    assert "Shared" in export
    assert "Project B" not in export
    auth.logout()
    auth.login(lines["pmo"])
    assert "Project B" in client.get("/quick-wins/export?format=csv").text


def test_a_directors_token_lists_only_cycles_and_projects_of_their_lines(app, client, lines):
    director = bearer(token_for(app, lines["first"]))
    pmo = bearer(token_for(app, lines["pmo"]))
    cycles = [c["name"] for c in client.get("/api/v1/cycles", headers=director).json["items"]]
    assert cycles == ["Cycle of A"]
    every = [c["name"] for c in client.get("/api/v1/cycles", headers=pmo).json["items"]]
    assert sorted(every) == ["Cycle of A", "Cycle of B"]
    projects = client.get("/api/v1/quick-wins", headers=director).json["items"]
    assert sorted(p["title"] for p in projects) == ["Project A", "Shared"]


# The menu of each role, in order: what it may open and nothing else.
MENUS = {
    Role.ADMIN: [
        "main.home", "org.business_lines", "cycles.index", "surveys.surveys",
        "findings.findings", "themes.themes", "backlog.items", "quickwins.showcase",
        "reviews.reviews", "outcomes.index", "lessons.lessons", "reports.dashboard", "org.users",
        "audit.events", "cycles.models",
    ],
    Role.PMO: [
        "main.home", "org.business_lines", "cycles.index", "surveys.surveys",
        "findings.findings", "themes.themes", "backlog.items", "quickwins.showcase",
        "reviews.reviews", "outcomes.index", "lessons.lessons", "reports.dashboard", "org.users",
    ],
    Role.LEADERSHIP: [
        "main.home", "org.business_lines", "cycles.index", "findings.findings",
        "themes.themes", "backlog.items", "quickwins.showcase", "outcomes.index",
        "lessons.lessons", "reports.dashboard",
    ],
    Role.DIRECTOR: [
        "main.home", "org.business_lines", "cycles.my_assessments", "cycles.assigned",
        "findings.findings", "backlog.items", "quickwins.showcase", "outcomes.index",
        "lessons.lessons",
    ],
    Role.RESPONDENT: ["main.home", "cycles.assigned"],
}  # fmt: skip


@pytest.mark.parametrize("role", list(MENUS))
def test_the_menu_shows_exactly_the_pages_the_role_may_open(app, client, login_as, role):
    login_as(role)
    menu = re.search(r'<nav class="mainnav".*?</nav>', client.get("/").text, re.S)
    assert menu is not None
    shown = re.findall(r'data-nav="([^"]+)"', menu.group(0))
    assert shown == MENUS[role]
    every_entry = {e for menu in MENUS.values() for e in menu}
    with app.test_request_context():
        from flask import url_for

        urls = {endpoint: url_for(endpoint) for endpoint in every_entry}
    for endpoint, url in urls.items():
        status = client.get(url).status_code
        assert (status == 403) is (endpoint not in shown), (endpoint, status)
