"""The backlog and quick-win endpoints of the JSON API (DOMAIN.md)."""

from __future__ import annotations

from datetime import date

import pytest

from app.extensions import db
from app.services.backlog.quickwins import add_kpi, add_measurement, promote
from assessments.kpi import Direction
from models import ImprovementItem, Role, User
from tests.api_support import bearer, token_for
from tests.backlog_helpers import make_item


@pytest.fixture
def world(app, make_user, make_business_line):
    pmo = make_user(Role.PMO, email="pmo@example.com")
    d1 = make_user(Role.DIRECTOR, email="d1@example.com")
    d2 = make_user(Role.DIRECTOR, email="d2@example.com")
    scm = make_business_line("SCM", "供应链", directors=(d1.id,))
    rnd = make_business_line("RND", "研发中心", directors=(d2.id,))
    quick = make_item(
        app,
        "需求变更走评审",
        actor_id=pmo.id,
        actions=("approve",),
        business_line_id=scm.id,
        process_area="REQM",
        impact=5,
        urgency=4,
        effort=1,
    )
    slow = make_item(
        app,
        "建设度量平台",
        business_line_id=rnd.id,
        process_area="MA",
        impact=3,
        urgency=2,
        effort=5,
    )
    company = make_item(app, "统一项目模板", impact=4, urgency=3, effort=3)
    with app.app_context():
        actor = db.session.get(User, pmo.id)
        item = db.session.get(ImprovementItem, quick)
        project = promote(
            actor, item, goal="需求变更率下降", start=date(2026, 1, 1), end=date(2026, 2, 15)
        )
        lower = add_kpi(
            actor,
            project,
            name="需求变更率",
            unit="%",
            direction=Direction.LOWER,
            baseline=30,
            target=10,
        )
        higher = add_kpi(
            actor,
            project,
            name="评审覆盖率",
            unit="%",
            direction=Direction.HIGHER,
            baseline=40,
            target=90,
        )
        add_measurement(actor, lower, measured_on=date(2026, 1, 20), value=20)
        add_measurement(actor, higher, measured_on=date(2026, 1, 20), value=90)
        db.session.commit()
    return {
        "items": {"quick": quick, "slow": slow, "company": company},
        "lines": {"SCM": scm.id, "RND": rnd.id},
        "tokens": {
            name: token_for(app, who) for name, who in (("pmo", pmo), ("d1", d1), ("d2", d2))
        },
    }


def get(client, url, token):
    return client.get(url, headers=bearer(token))


def test_backlog_items_have_the_contract_shape_by_priority(client, world):
    response = get(client, "/api/v1/backlog", world["tokens"]["pmo"])
    assert response.status_code == 200
    body = response.json
    assert set(body) == {"items", "page", "per_page", "total"}
    assert body["total"] == 3
    first = body["items"][0]
    assert first == {
        "id": world["items"]["quick"],
        "title": "需求变更走评审",
        "business_line_id": world["lines"]["SCM"],
        "process_area": "REQM",
        "impact": 5,
        "urgency": 4,
        "effort": 1,
        "priority": 9.0,
        "quick_win": True,
        "status": "in_progress",  # its quick-win project is running
    }
    priorities = [item["priority"] for item in body["items"]]
    assert priorities == sorted(priorities, reverse=True)
    assert body["items"][-1]["priority"] == 1.0  # (3 + 2) / 5


def test_backlog_filters_by_status_and_quick_win(client, world):
    token = world["tokens"]["pmo"]
    proposed = get(client, "/api/v1/backlog?status=proposed", token).json["items"]
    assert {i["id"] for i in proposed} == {world["items"]["slow"], world["items"]["company"]}
    quick = get(client, "/api/v1/backlog?quick_win=true", token).json["items"]
    assert [i["id"] for i in quick] == [world["items"]["quick"]]
    not_quick = get(client, "/api/v1/backlog?quick_win=false&status=proposed", token).json
    assert not_quick["total"] == 2


@pytest.mark.parametrize("query", ["status=nope", "quick_win=maybe", "per_page=1000"])
def test_backlog_bad_filters_are_a_400_with_a_message(client, world, query):
    response = get(client, f"/api/v1/backlog?{query}", world["tokens"]["pmo"])
    assert response.status_code == 400
    assert response.json["error"]["message"]


def test_a_directors_token_sees_their_lines_and_company_wide_items(client, world):
    mine = get(client, "/api/v1/backlog", world["tokens"]["d1"]).json["items"]
    assert {i["id"] for i in mine} == {world["items"]["quick"], world["items"]["company"]}
    other = get(client, "/api/v1/quick-wins", world["tokens"]["d2"]).json
    assert other["total"] == 0


def test_quick_wins_carry_kpis_with_progress_for_both_directions(client, world):
    response = get(client, "/api/v1/quick-wins", world["tokens"]["d1"])
    assert response.status_code == 200
    [project] = response.json["items"]
    assert project["title"] == "需求变更走评审"
    kpis = {k["name"]: k for k in project["kpis"]}
    assert kpis["需求变更率"] == {
        "name": "需求变更率",
        "unit": "%",
        "direction": "lower",
        "baseline": 30,
        "target": 10,
        "latest": 20,
        "progress": 0.5,
    }
    assert kpis["评审覆盖率"]["progress"] == 1.0
    assert kpis["评审覆盖率"]["direction"] == "higher"


def test_the_new_endpoints_need_a_token(client, world):
    for url in ("/api/v1/backlog", "/api/v1/quick-wins"):
        response = client.get(url)
        assert response.status_code == 401
        assert response.json["error"]["status"] == 401
