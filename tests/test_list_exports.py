"""Every list page exports what it shows to Excel or CSV, with the page's filters and
permissions, in the user's language, and safe to open (no formula runs)."""

from __future__ import annotations

import csv
import io
from datetime import date

import pytest
from openpyxl import load_workbook

from app.extensions import db
from app.services.findings.surveys import save_survey
from models import AuditEvent, ClusteringRun, Role, RunStatus, Theme, User
from models.base import utcnow
from tests.assessment_helpers import open_assessment
from tests.backlog_helpers import make_item


def xlsx_rows(response) -> list[list]:
    assert response.status_code == 200, response.text
    assert response.mimetype.endswith("spreadsheetml.sheet")
    sheet = load_workbook(io.BytesIO(response.data), read_only=True).worksheets[0]
    return [["" if v is None else v for v in row] for row in sheet.iter_rows(values_only=True)]


def csv_rows(response) -> list[list[str]]:
    assert response.status_code == 200, response.text
    assert response.mimetype == "text/csv"
    assert response.data.startswith("\ufeff".encode())  # Excel reads it as UTF-8
    return list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"))))


@pytest.fixture
def lines(app, make_user, make_business_line):
    director = make_user(Role.DIRECTOR, locale="en", name="Dana")
    own = make_business_line("SUP", "供应链", directors=(director.id,))
    other = make_business_line("RDC", "=1+1")
    return director, own, other


def test_business_lines_export_as_excel_and_csv_with_formulas_neutralised(client, login_as, lines):
    login_as(Role.PMO, locale="en")
    rows = xlsx_rows(client.get("/business-lines/export?format=xlsx"))
    assert rows[0] == ["Code", "Name", "Directors", "Status"]
    assert rows[1:] == [["RDC", "'=1+1", "", "Active"], ["SUP", "供应链", "Dana", "Active"]]
    rows = csv_rows(client.get("/business-lines/export?format=csv&q=供应"))
    assert rows == [["Code", "Name", "Directors", "Status"], ["SUP", "供应链", "Dana", "Active"]]


def test_a_directors_export_holds_only_their_lines_in_their_language(
    client, auth, make_user, lines
):
    director, own, _other = lines
    auth.login(director)
    assert csv_rows(client.get("/business-lines/export?format=csv"))[1:] == [
        ["SUP", "供应链", "Dana", "Active"]
    ]
    chinese = make_user(Role.DIRECTOR, business_lines=(own.id,))
    auth.logout()
    auth.login(chinese)
    assert xlsx_rows(client.get("/business-lines/export"))[0][0] == "编码"


def test_list_pages_link_to_their_export_with_the_current_filters(client, login_as, lines):
    login_as(Role.ADMIN, locale="en")
    page = client.get("/business-lines?q=SUP&page=2").text
    assert "Export to Excel" in page
    assert "Export to CSV" in page
    assert "/business-lines/export?format=csv&amp;q=SUP" in page
    assert "page=2" not in page.split("export-links")[1].split("</p>")[0]
    for url, export in [
        ("/users?role=pmo", "/users/export?format=xlsx&amp;role=pmo"),
        ("/audit/?q=SUP", "/audit/export?format=xlsx&amp;q=SUP"),
        ("/cycles/?status=open", "/cycles/export?format=xlsx&amp;status=open"),
        ("/backlog/", "/backlog/export?format=xlsx"),
        ("/quick-wins/", "/quick-wins/export?format=xlsx"),
        ("/surveys/", "/surveys/export?format=xlsx"),
    ]:
        response = client.get(url)
        assert export in response.text, url


def test_users_export_honours_search_and_role(client, login_as, make_user):
    login_as(Role.ADMIN, locale="en", email="boss@example.com", name="Boss")
    make_user(Role.DIRECTOR, email="dir@example.com", name="=cmd|' /C calc'!A0")
    rows = xlsx_rows(client.get("/users/export?role=director"))
    assert rows == [
        ["Email", "Name", "Role", "Business lines", "Status"],
        ["dir@example.com", "'=cmd|' /C calc'!A0", "Director", "", "Active"],
    ]
    rows = csv_rows(client.get("/users/export?format=csv&q=boss"))
    assert rows[1:] == [["boss@example.com", "Boss", "Administrator", "", "Active"]]


def test_audit_trail_export_honours_its_filters(app, client, login_as, lines):
    login_as(Role.ADMIN, locale="en")
    rows = csv_rows(client.get("/audit/export?format=csv&q=SUP"))
    assert rows[0] == ["When", "Who", "Action", "Object", "Object name", "Changes"]
    assert [row[2:5] for row in rows[1:]] == [["create", f"BusinessLine #{lines[1].id}", "SUP"]]
    assert "name: ∅ → 供应链" in rows[1][5]
    with app.app_context():
        total = db.session.query(AuditEvent).count()
    assert len(csv_rows(client.get("/audit/export?format=csv"))) == total + 1


def test_cycles_export_honours_search_and_status(app, client, login_as, lines):
    pmo = login_as(Role.PMO, locale="en")
    open_assessment(app, pmo_id=pmo.id, line_id=lines[1].id, name="2026 H1")
    rows = xlsx_rows(client.get("/cycles/export?q=2026&status=open"))
    assert rows[0] == ["Name", "Maturity model", "Start", "End", "Business lines", "Status"]
    assert rows[1][0] == "2026 H1"
    assert rows[1][2:] == ["2026-01-01", "2026-06-28", 1, "Open"]
    assert len(xlsx_rows(client.get("/cycles/export?status=closed"))) == 1


def test_backlog_export_keeps_the_filters_and_the_directors_scope(
    app, client, auth, login_as, lines
):
    director, own, other = lines
    make_item(app, "=HYPERLINK(1)", business_line_id=own.id, impact=5, urgency=5, effort=1)
    make_item(app, "别人的改进", business_line_id=other.id)
    auth.login(director)
    rows = xlsx_rows(client.get("/backlog/export"))
    assert rows[0][:3] == ["Title", "Business line", "Process area"]
    assert [row[:2] for row in rows[1:]] == [["'=HYPERLINK(1)", "供应链"]]
    assert rows[1][3:9] == [5, 5, 1, 10, "Yes", "Proposed"]
    auth.logout()
    login_as(Role.PMO, locale="en")
    rows = csv_rows(client.get(f"/backlog/export?format=csv&business_line={other.id}"))
    assert [row[0] for row in rows[1:]] == ["别人的改进"]


def test_quick_wins_export_has_the_projects_header(client, login_as):
    login_as(Role.LEADERSHIP, locale="en")
    assert csv_rows(client.get("/quick-wins/export?format=csv")) == [
        ["Project", "Business line", "Owner", "Start", "End", "State"]
    ]


def test_surveys_export_lists_each_survey_with_its_answers(app, client, login_as, lines):
    pmo = login_as(Role.PMO, locale="en")
    with app.app_context():
        save_survey(
            db.session.get(User, pmo.id),
            None,
            title="+研发痛点",
            introduction="",
            cycle_id=None,
            business_line_ids=[lines[1].id],
            closes_on=date(2099, 1, 31),
            anonymous=True,
            categories=[],
        )
        db.session.commit()
    rows = csv_rows(client.get("/surveys/export?format=csv"))
    assert rows == [
        ["Title", "Assessment cycle", "Business lines", "Closing date", "Status", "Answers"],
        ["'+研发痛点", "", "供应链", "2099-01-31", "Open", "0"],
    ]


def test_themes_of_a_run_export_for_readers_only(app, client, auth, login_as, make_user, lines):
    with app.app_context():
        run = ClusteringRun(status=RunStatus.DONE, k=1, parameters={}, published_at=utcnow())
        db.session.add(
            Theme(
                run=run,
                label="需求变更",
                terms=["需求", "变更"],
                size=3,
                cluster_ids=[0],
                process_areas=["REQM"],
                business_line_ids=[lines[1].id],
            )
        )
        db.session.commit()
        run_id = run.id
    login_as(Role.LEADERSHIP, locale="en")
    assert f"/themes/runs/{run_id}/export?format=csv" in client.get(f"/themes/runs/{run_id}").text
    rows = csv_rows(client.get(f"/themes/runs/{run_id}/export?format=csv"))
    assert rows[0] == ["Theme", "Terms", "Size", "Mean severity", "Process areas", "Business lines"]
    assert rows[1][0:3] == ["需求变更", "需求 · 变更", "3"]
    assert rows[1][5] == "供应链"
    assert client.get("/themes/runs/999999/export").status_code == 404
    auth.logout()
    auth.login(lines[0])
    assert client.get(f"/themes/runs/{run_id}/export").status_code == 403
