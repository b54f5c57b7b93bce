"""Outcome KPI pages: the form, the import, KPI definitions, the scorecard per role, and a
missed KPI on the review agenda, turned into a backlog item in one step."""

from __future__ import annotations

import io

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.services.outcomes.beside import area_kpi_association
from app.services.outcomes.kpis import record_kpi_value
from assessments.outcome_kpis import BUILT_IN
from models import AuditEvent, BusinessLine, ImprovementItem, Role
from tests.outcome_support import build_org, stored
from tests.pdf_text import pdf_text
from tests.report_support import build_assessments


@pytest.fixture
def org(make_user, make_business_line):
    return build_org(make_user, make_business_line)


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


def test_pmo_kpi_definitions_keep_their_key_rules_and_changes_are_audited(app, client, login_as):
    login_as(Role.PMO)
    form = {
        "key": "on_time_rate",
        "name_zh": "准时",
        "name_en": "On time",
        "unit": "%",
        "direction": "higher",
        "target": "80",
        "frequency": "monthly",
    }
    assert client.post("/kpis/definitions", data=form).status_code == 422  # a built-in key
    assert client.post("/kpis/definitions", data={**form, "key": "Bad Key"}).status_code == 422
    assert client.post("/kpis/definitions", data={**form, "key": "rework"}).status_code == 302
    assert client.post("/kpis/definitions", data={**form, "key": "rework"}).status_code == 422
    changed = client.post("/kpis/definitions/rework", data={**form, "target": "85"})
    assert changed.status_code == 302
    page = client.get("/kpis/definitions").text
    assert 'data-kpi="rework"' in page
    with app.app_context():
        events = db.session.scalars(
            select(AuditEvent).where(AuditEvent.object_type == "OutcomeKpi").order_by(AuditEvent.id)
        ).all()
        assert [e.action for e in events] == ["create", "update"]
        assert events[1].changes == {"target": {"old": 80.0, "new": 85.0}}
    assert client.get("/kpis/definitions/on_time_rate").status_code == 404


def test_reports_show_maturity_beside_outcomes_for_each_cycle(
    app, client, login_as, make_user, make_business_line
):
    pmo = make_user(Role.PMO)
    line_a = make_business_line("A", "研发中心")
    line_b = make_business_line("B", "供应链")
    build_assessments(app, pmo.id, line_a.id, line_b.id)  # 2025 H2 runs July to December
    with app.app_context():
        line = db.session.get(BusinessLine, line_a.id)
        record_kpi_value("on_time_rate", line, "2025-08", 80, source="test")
        record_kpi_value("on_time_rate", line, "2025-10", 90, source="test")
        record_kpi_value("on_time_rate", line, "2026-09", 10, source="test")  # after both
        db.session.commit()
    login_as(Role.LEADERSHIP, locale="en")
    company = client.get("/reports/").text.split('id="section-outcomes"')[1]
    assert "2026 H1" in company.split("</section>")[0]  # the company: the chosen cycle
    assert "2025 H2" not in company.split("</section>")[0]
    page = client.get(f"/reports/business-lines/{line_a.id}").text  # a line: every cycle
    section = page.split('id="section-outcomes"')[1].split("</section>")[0]
    assert "Maturity beside outcomes" in section
    row = next(r for r in section.split("<tr>") if "2025 H2" in r and "研发中心" in r)
    assert "<td>85</td>" in row
    _pages, text = pdf_text(client.get("/reports/company.pdf").data)
    assert "Maturity beside outcomes" in text.replace("\n", "")


def test_association_of_area_scores_with_kpis_needs_three_lines():
    definitions = [d for d in BUILT_IN if d.key == "on_time_rate"]
    values = {
        (1, "on_time_rate"): [("2026-01", 70.0)],
        (2, "on_time_rate"): [("2026-01", 80.0)],
        (3, "on_time_rate"): [("2026-01", 95.0)],
    }
    scores = {1: {"PP": 40.0, "REQM": 90.0}, 2: {"PP": 60.0, "REQM": None}, 3: {"PP": 90.0}}
    found = area_kpi_association(scores, ["PP", "REQM"], definitions, values)
    assert dict(found.rows)["PP"] == (1.0,)  # on a straight line
    assert dict(found.rows)["REQM"] == (None,)  # only one line has a REQM score


def test_the_scorecard_costs_the_same_queries_for_two_or_eight_lines(
    app, client, login_as, make_business_line
):
    from sqlalchemy import event

    login_as(Role.PMO)

    def queries() -> int:
        statements: list[str] = []

        def record(_conn, _cursor, statement, *_args) -> None:
            statements.append(statement)

        with app.app_context():
            engine = db.engine
        event.listen(engine, "before_cursor_execute", record)
        try:
            assert client.get("/kpis/").status_code == 200
        finally:
            event.remove(engine, "before_cursor_execute", record)
        return len(statements)

    def add_lines(codes: str) -> None:
        for code in codes:
            made = make_business_line(code)
            with app.app_context():
                line = db.session.get(BusinessLine, made.id)
                record_kpi_value("on_time_rate", line, "2026-01", 80, source="test")
                record_kpi_value("satisfaction", line, "2026-02", 4.8, source="test")
                db.session.commit()

    add_lines("AB")
    few = queries()
    add_lines("CDEFGH")
    assert queries() == few
