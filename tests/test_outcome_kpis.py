"""Business-line outcome KPIs: the write API (all or nothing, scopes), reading a line's KPIs,
replacement on rewrite, the form, the import, and the scorecard per role."""

from __future__ import annotations

import io

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.services.outcomes.kpis import record_kpi_value
from app.services.tokens import create_token
from models import AuditEvent, BusinessLine, ImprovementItem, OutcomeKpiValue, Role, User
from tests.api_support import bearer, token_for

POST = "/api/v1/kpi-values"


@pytest.fixture
def org(make_user, make_business_line):
    director = make_user(Role.DIRECTOR)
    other = make_user(Role.DIRECTOR)
    scm = make_business_line("SCM", "供应链", directors=(director.id,))
    rnd = make_business_line("RND", "研发中心", directors=(other.id,))
    pmo = make_user(Role.PMO)
    return {"director": director, "other": other, "scm": scm, "rnd": rnd, "pmo": pmo}


def writer_token(app, person) -> str:
    with app.app_context():
        _row, token = create_token(None, db.session.get(User, person.id), "jira", ["kpi:write"])
        db.session.commit()
        return token


def stored(app) -> dict[tuple[str, str, str], float]:
    with app.app_context():
        rows = db.session.execute(
            select(
                OutcomeKpiValue.kpi_key,
                BusinessLine.code,
                OutcomeKpiValue.period,
                OutcomeKpiValue.value,
            ).join(BusinessLine)
        )
        return {(k, c, p): v for k, c, p, v in rows}


def item(kpi="on_time_rate", line="SCM", period="2026-03", value=92.5):
    return {"kpi": kpi, "business_line": line, "period": period, "value": value}


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


# ------------------------------------------------------------------------------ pages


def test_a_director_enters_values_for_their_own_lines_only(app, client, org, auth):
    auth.login(org["director"])
    page = client.get("/kpis/values").text
    assert "供应链" in page
    assert "研发中心" not in page
    saved = client.post(
        "/kpis/values",
        data={"kpi": "satisfaction", "business_line": "SCM", "period": "2026-06", "value": "4.2"},
    )
    assert saved.status_code == 302
    refused = client.post(
        "/kpis/values",
        data={"kpi": "satisfaction", "business_line": "SCM", "period": "2026-Q2", "value": "4"},
    )
    assert refused.status_code == 422
    assert stored(app) == {("satisfaction", "SCM", "2026-06"): 4.2}


def _csv(text: str, encoding: str = "utf-8") -> tuple[io.BytesIO, str]:
    return io.BytesIO(text.encode(encoding)), "kpis.csv"


def test_an_import_with_one_bad_row_imports_nothing_and_names_row_and_column(
    app, client, org, login_as
):
    login_as(Role.PMO)
    bad = client.post(
        "/kpis/import",
        data={
            "file": _csv(
                "KPI,Business line,Period,Value\n"
                "on_time_rate,SCM,2026-01,91\n"
                "on_time_rate,SCM,2026-02,101\n"
                "satisfaction,XXX,2026-02,4\n"
            )
        },
    )
    assert bad.status_code == 422
    assert "<td>3</td><td>Value</td>" in bad.text
    assert "<td>4</td><td>Business line</td>" in bad.text
    assert stored(app) == {}
    good = client.post(
        "/kpis/import",
        data={
            "file": _csv(
                "指标,业务线,期间,值\non_time_rate,SCM,2026-01,91\nsatisfaction,RND,2026-02,4.6\n",
                "gb18030",
            )
        },
    )
    assert good.status_code == 302
    assert stored(app) == {
        ("on_time_rate", "SCM", "2026-01"): 91.0,
        ("satisfaction", "RND", "2026-02"): 4.6,
    }


def test_an_excel_import_reads_a_month_excel_turned_into_a_date(app, client, org, login_as):
    from datetime import date

    from openpyxl import Workbook

    login_as(Role.PMO)
    book = Workbook()
    sheet = book.active
    sheet.append(["KPI", "Business line", "Period", "Value"])
    sheet.append(["on_time_rate", "SCM", date(2026, 3, 1), 93])
    buffer = io.BytesIO()
    book.save(buffer)
    buffer.seek(0)
    response = client.post("/kpis/import", data={"file": (buffer, "kpis.xlsx")})
    assert response.status_code == 302
    assert stored(app) == {("on_time_rate", "SCM", "2026-03"): 93.0}


@pytest.mark.parametrize(
    ("role", "status"),
    [
        (Role.ADMIN, 200),
        (Role.PMO, 200),
        (Role.LEADERSHIP, 200),
        (Role.DIRECTOR, 200),
    ],
)
def test_who_opens_the_scorecard(client, org, login_as, role, status):
    login_as(role)
    assert client.get("/kpis/").status_code == status


def test_the_scorecard_shows_each_line_with_status_and_a_director_only_their_own(
    app, client, org, auth
):
    with app.app_context():
        scm = db.session.get(BusinessLine, org["scm"].id)
        rnd = db.session.get(BusinessLine, org["rnd"].id)
        for month, value in (("2026-01", 80), ("2026-02", 85), ("2026-03", 88)):
            record_kpi_value("on_time_rate", scm, month, value, source="test")
        record_kpi_value("on_time_rate", rnd, "2026-03", 96, source="test")
        db.session.commit()
    auth.login(org["pmo"])
    page = client.get("/kpis/").text
    assert 'data-line="SCM"' in page
    assert 'data-line="RND"' in page
    assert page.count('data-status="missed"') == 1
    assert page.count('data-status="met"') == 1
    assert "<polyline" in page
    assert "/kpis/missed/" in page
    auth.logout()
    auth.login(org["director"])
    mine = client.get("/kpis/").text
    assert 'data-line="SCM"' in mine
    assert 'data-line="RND"' not in mine
    assert "/kpis/missed/" not in mine  # only the PMO turns a missed KPI into an item
    assert client.get(f"/kpis/business-lines/{org['rnd'].id}").status_code == 404
    assert client.get(f"/kpis/business-lines/{org['scm'].id}").status_code == 200


def test_a_missed_kpi_is_on_the_review_agenda_and_becomes_a_backlog_item_in_one_step(
    app, client, org, auth
):
    with app.app_context():
        scm = db.session.get(BusinessLine, org["scm"].id)
        record_kpi_value("budget_deviation", scm, "2026-01", 9.5, source="test")
        db.session.commit()
    auth.login(org["pmo"])
    review = client.post("/reviews/", data={"kind": "quarterly", "held_on": "2026-03-31"})
    agenda = client.get(review.headers["Location"]).text
    assert "data-missed-kpis" in agenda
    assert "项目预算执行偏差" in agenda
    url = f"/kpis/missed/{org['scm'].id}/budget_deviation/item"
    made = client.post(url)
    assert made.status_code == 302
    assert client.post(url).headers["Location"] == made.headers["Location"]  # not twice
    with app.app_context():
        (found,) = db.session.scalars(select(ImprovementItem)).all()
        assert found.business_line_id == org["scm"].id
        assert "项目预算执行偏差" in found.title
    met = client.post(f"/kpis/missed/{org['scm'].id}/on_time_rate/item")
    assert met.status_code == 302
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(ImprovementItem)) == 1
