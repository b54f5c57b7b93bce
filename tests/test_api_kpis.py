"""The outcome KPI API: writes all or nothing with the kpi:write scope, a line's KPIs read
with its latest value and status, 404 for a line the token may not see."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from app.extensions import db
from app.services.outcomes.kpis import record_kpi_value
from models import AuditEvent, BusinessLine, Role
from tests.api_support import bearer, token_for
from tests.outcome_support import POST, build_org, item, stored, writer_token


@pytest.fixture
def org(make_user, make_business_line):
    return build_org(make_user, make_business_line)


# ------------------------------------------------------------------------------ API writes


def test_a_pm_tool_writes_values_and_a_later_write_replaces_them(app, client, org):
    token = writer_token(app, org["pmo"])
    first = client.post(
        POST,
        json={"items": [item(), item("satisfaction", "RND", "2026-03", 4)]},
        headers=bearer(token),
    )
    assert first.status_code == 201, first.text
    assert first.json == {"written": 2}
    again = client.post(POST, json={"items": [item(value=88)]}, headers=bearer(token))
    assert again.status_code == 201
    assert stored(app) == {
        ("on_time_rate", "SCM", "2026-03"): 88.0,
        ("satisfaction", "RND", "2026-03"): 4.0,
    }
    with app.app_context():
        events = db.session.scalars(
            select(AuditEvent).where(AuditEvent.action == "kpi_values").order_by(AuditEvent.id)
        ).all()
        assert events[-1].changes == {"on_time_rate 2026-03": {"old": 92.5, "new": 88.0}}


def test_one_bad_item_writes_nothing_and_names_index_field_and_message(app, client, org):
    token = writer_token(app, org["pmo"])
    response = client.post(
        POST,
        json={
            "items": [
                item(),
                item(period="2026-Q1"),
                item("budget_deviation", value=-1),
                item("nonsense"),
                item(line="NOPE"),
                item("satisfaction", value=5.5),
                item(value="abc"),
                item(period="2026-13"),
            ]
        },
        headers=bearer(token),
    )
    assert response.status_code == 422
    errors = response.json["errors"]
    assert [(e["index"], e["field"]) for e in errors] == [
        (1, "period"),
        (2, "value"),
        (3, "kpi"),
        (4, "business_line"),
        (5, "value"),
        (6, "value"),
        (7, "period"),
    ]
    assert all(e["message"] for e in errors)
    assert stored(app) == {}


def test_the_same_key_twice_in_one_batch_is_an_error(app, client, org):
    token = writer_token(app, org["pmo"])
    response = client.post(POST, json={"items": [item(), item(value=50)]}, headers=bearer(token))
    assert response.status_code == 422
    assert [(e["index"], e["field"]) for e in response.json["errors"]] == [(1, "period")]
    assert stored(app) == {}


def test_a_quarterly_pmo_kpi_takes_quarters_and_any_value_within_a_billion(
    app, client, org, login_as
):
    login_as(Role.PMO)
    created = client.post(
        "/kpis/definitions",
        data={
            "key": "defect_density",
            "name_zh": "缺陷密度",
            "name_en": "Defect density",
            "unit": "/KLOC",
            "direction": "lower",
            "target": "0.5",
            "frequency": "quarterly",
        },
    )
    assert created.status_code == 302, created.text
    token = writer_token(app, org["pmo"])
    bad = client.post(
        POST,
        json={
            "items": [
                item("defect_density", period="2026-03", value=1),
                item("defect_density", period="2026-Q2", value=1e9 + 1),
            ]
        },
        headers=bearer(token),
    )
    assert [(e["index"], e["field"]) for e in bad.json["errors"]] == [(0, "period"), (1, "value")]
    good = client.post(
        POST,
        json={"items": [item("defect_density", period="2026-Q2", value=-1e9)]},
        headers=bearer(token),
    )
    assert good.status_code == 201


def test_writing_needs_the_kpi_write_scope(app, client, org):
    read_only = token_for(app, org["pmo"])
    response = client.post(POST, json={"items": [item()]}, headers=bearer(read_only))
    assert response.status_code == 403
    assert "kpi:write" in response.json["error"]["message"]
    director = client.post(
        POST, json={"items": [item()]}, headers=bearer(token_for(app, org["director"]))
    )
    assert director.status_code == 403
    assert stored(app) == {}


def test_a_body_without_items_is_a_400(app, client, org):
    token = writer_token(app, org["pmo"])
    for body in ({}, {"items": []}, {"items": "x"}):
        assert client.post(POST, json=body, headers=bearer(token)).status_code == 400
    not_object = client.post(POST, json={"items": [1]}, headers=bearer(token))
    assert not_object.status_code == 422
    assert not_object.json["errors"][0]["field"] == "items"


# ------------------------------------------------------------------------------ API reads


def test_a_lines_kpis_show_the_latest_value_and_status(app, client, org):
    with app.app_context():
        line = db.session.get(BusinessLine, org["scm"].id)
        record_kpi_value("on_time_rate", line, "2026-05", 95, source="test")
        record_kpi_value("on_time_rate", line, "2026-04", 70, source="test")
        record_kpi_value("budget_deviation", line, "2026-05", 5.5, source="test")
        db.session.commit()
    token = token_for(app, org["director"])
    response = client.get(f"/api/v1/kpis?business_line={org['scm'].id}", headers=bearer(token))
    assert response.status_code == 200
    body = response.json
    assert body["total"] == 3
    by_key = {i["key"]: i for i in body["items"]}
    assert by_key["on_time_rate"] == {
        "key": "on_time_rate",
        "name": {"zh": "项目交付准时率", "en": "On-time delivery rate"},
        "unit": "%",
        "direction": "higher",
        "target": 90.0,
        "latest": {"period": "2026-05", "value": 95.0},
        "status": "met",
    }
    assert by_key["budget_deviation"]["status"] == "missed"
    assert by_key["satisfaction"]["latest"] is None
    assert by_key["satisfaction"]["status"] is None


def test_a_directors_token_gets_404_for_another_lines_kpis(app, client, org):
    token = token_for(app, org["director"])
    assert (
        client.get(f"/api/v1/kpis?business_line={org['rnd'].id}", headers=bearer(token)).status_code
        == 404
    )
    assert client.get("/api/v1/kpis?business_line=4242", headers=bearer(token)).status_code == 404
    missing = client.get("/api/v1/kpis", headers=bearer(token))
    assert missing.status_code == 400
    assert "business_line" in missing.json["error"]["message"]
    assert client.get("/api/v1/kpis?business_line=x", headers=bearer(token)).status_code == 400
