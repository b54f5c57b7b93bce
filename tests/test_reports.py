"""The report pages, their charts and their exports, as each role sees them."""

from __future__ import annotations

import io
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date

import pytest
from openpyxl import load_workbook
from sqlalchemy import event

from app.extensions import db
from app.services.reports import charts as report_charts
from app.services.reports.documents import clear_caches
from app.services.reports.exports import ReportTable, safe_cell, table_csv
from models import Role, User
from tests.conftest import empty_all_tables
from tests.pdf_text import pdf_text
from tests.report_support import add_cycle, all_rated, build_all, build_assessments, build_themes

pytestmark = pytest.mark.usefixtures("_fresh_chart_cache")


@pytest.fixture
def _fresh_chart_cache() -> Iterator[None]:
    clear_caches()
    yield
    clear_caches()


@pytest.fixture
def org(app, make_user, make_business_line):
    pmo = make_user(Role.PMO)
    director = make_user(Role.DIRECTOR)
    line_a = make_business_line("A", "研发中心", directors=(director.id,))
    line_b = make_business_line("B", "供应链")
    fixture = build_all(app, pmo.id, line_a.id, line_b.id)
    return {"pmo": pmo, "director": director, "fixture": fixture}


@pytest.fixture
def count_queries(app):
    """``with count_queries() as counted:`` … ``len(counted)`` SQL statements ran."""

    @contextmanager
    def counting() -> Iterator[list[str]]:
        statements: list[str] = []

        def record(_conn, _cursor, statement, *_args) -> None:
            statements.append(statement)

        with app.app_context():
            engine = db.engine
        event.listen(engine, "before_cursor_execute", record)
        try:
            yield statements
        finally:
            event.remove(engine, "before_cursor_execute", record)

    return counting


# ------------------------------------------------------------------------- pages


def test_leadership_reads_the_dashboard_with_numbers_and_charts(client, login_as, org):
    login_as(Role.LEADERSHIP, locale="en")
    page = client.get("/reports/")
    assert page.status_code == 200
    html = page.text
    assert "Leadership dashboard" in html
    assert "2026 H1" in html
    for name in ("levels", "trend", "heatmap", "themes", "flow", "quickwins"):
        assert f'data-chart="{name}"' in html
    assert "模板不统一" in html
    assert "66.7" in html  # one decimal on pages; the API keeps 66.67
    assert "66.67" not in html
    assert "50%" in html  # quick-win KPIs achieved


def test_dashboard_in_chinese_and_filters(client, login_as, org):
    login_as(Role.PMO)
    fixture = org["fixture"]
    html = client.get(f"/reports/?cycle={fixture.cycle_1}&business_line={fixture.line_b}").text
    assert "领导驾驶舱" in html
    levels = html[html.index('data-table="levels"') :]
    levels = levels[: levels.index("</table>")]
    assert "供应链" in levels
    assert "研发中心" not in levels
    assert "33.3" in levels
    assert "33.33" not in levels


def test_the_company_report_has_summary_and_exports(client, login_as, org):
    login_as(Role.ADMIN, locale="en")
    html = client.get("/reports/company").text
    assert "Company maturity report" in html
    assert "2 business lines in cycle 2026 H1; 1 of 2 with results meet their target" not in html
    assert "meet their target level" in html
    assert 'data-export="pdf"' in html
    assert 'data-export="xlsx"' in html


def test_a_director_reads_their_line_and_gets_404_for_others(client, login_as, org):
    fixture = org["fixture"]
    client.post("/login", data={"email": org["director"].email, "password": "correct-horse-7"})
    own = client.get(f"/reports/business-lines/{fixture.line_a}")
    assert own.status_code == 200
    assert "研发中心" in own.text
    for url in (
        f"/reports/business-lines/{fixture.line_b}",
        f"/reports/business-lines/{fixture.line_b}.pdf",
        f"/reports/business-lines/{fixture.line_b}.xlsx",
        f"/reports/charts/levels.svg?business_line={fixture.line_b}",
        f"/reports/tables/levels.csv?business_line={fixture.line_b}",
    ):
        assert client.get(url).status_code == 404, url
    assert client.get("/reports/").status_code == 403
    assert client.get("/reports/company").status_code == 403
    # Without a filter a director's chart and table cover only their own lines.
    csv_text = client.get("/reports/tables/levels.csv").data.decode("utf-8-sig")
    assert "研发中心" in csv_text
    assert "供应链" not in csv_text


def test_a_director_is_pointed_to_their_report_from_home(client, org):
    client.post("/login", data={"email": org["director"].email, "password": "correct-horse-7"})
    html = client.get("/").text
    assert f"/reports/business-lines/{org['fixture'].line_a}" in html


@pytest.mark.parametrize("role", [Role.PMO, Role.LEADERSHIP, Role.ADMIN])
def test_empty_states_say_what_to_do_next(client, login_as, role):
    login_as(role, locale="en")
    html = client.get("/reports/").text
    assert "No assessment cycle yet" in html
    assert "No published themes yet" in html
    assert "<img" not in html


def test_no_validated_assessment_yet(app, client, login_as, make_user, make_business_line):
    pmo = make_user(Role.PMO)
    line = make_business_line("A")
    from tests.assessment_support import make_cycle

    make_cycle(app, pmo.id, {line.id: 2})
    login_as(Role.LEADERSHIP, locale="en")
    html = client.get("/reports/").text
    assert "No validated assessment yet: validate one in a cycle" in html


# ------------------------------------------------------------------------ charts


@pytest.mark.parametrize("name", report_charts.CHART_NAMES)
def test_charts_as_svg_and_png(client, login_as, org, name):
    login_as(Role.LEADERSHIP)
    svg = client.get(f"/reports/charts/{name}.svg")
    assert svg.status_code == 200
    assert svg.mimetype == "image/svg+xml"
    assert b"<svg" in svg.data
    png = client.get(f"/reports/charts/{name}.png")
    assert png.mimetype == "image/png"
    assert png.data.startswith(b"\x89PNG")
    again = client.get(f"/reports/charts/{name}.svg", headers={"If-None-Match": svg.get_etag()[0]})
    assert again.status_code == 304


def test_unknown_charts_and_tables_are_404(client, login_as, org):
    login_as(Role.PMO)
    assert client.get("/reports/charts/pie.svg").status_code == 404
    assert client.get("/reports/charts/levels.gif").status_code == 404
    assert client.get("/reports/tables/secrets.csv").status_code == 404


def test_charts_are_drawn_once_until_the_data_changes(app, client, login_as, org, monkeypatch):
    login_as(Role.LEADERSHIP)
    drawn = []
    real_render = report_charts.render

    def counting_render(name, report, fmt):
        drawn.append(name)
        return real_render(name, report, fmt)

    monkeypatch.setattr("app.services.reports.documents.render", counting_render)
    first = client.get("/reports/charts/themes.png").data
    assert client.get("/reports/charts/themes.png").data == first
    assert drawn == ["themes"]
    build_themes(app, org["fixture"].line_a, org["fixture"].line_b)
    client.get("/reports/charts/themes.png")
    assert drawn == ["themes", "themes"]
    client.post("/language", data={"locale": "en"})
    client.get("/reports/charts/themes.png")
    assert len(drawn) == 3


# ----------------------------------------------------------------------- exports


def test_company_pdf_has_pages_chinese_text_charts_and_page_numbers(client, login_as, org):
    login_as(Role.LEADERSHIP)
    response = client.get("/reports/company.pdf")
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    assert "attachment" in response.headers["Content-Disposition"]
    data = response.data
    assert data.startswith(b"%PDF-")
    pages, text = pdf_text(data)
    assert pages >= 2
    assert "公司成熟度报告" in text
    assert "研发中心" in text
    assert "模板不统一" in text
    assert "周期 2026 H1" in text
    flat = text.replace("\n", "")
    for page in range(1, pages + 1):
        assert f"第 {page} 页，共 {pages} 页" in flat
    assert text.count("周期 2026 H1 · ") == pages  # the header of every page
    assert data.count(b"/Subtype /Image") >= 6
    assert b"/FontFile" in data


def test_pdfs_made_one_after_another_share_the_loaded_font_not_its_glyphs(client, login_as, org):
    """The font is read once per process; each PDF embeds its own subset, so a later PDF
    with other characters still reads back, and the same PDF again is the cached one."""
    fixture = org["fixture"]
    client.post("/login", data={"email": org["director"].email, "password": "correct-horse-7"})
    first = client.get(f"/reports/business-lines/{fixture.line_a}.pdf").data
    clear_caches()  # the PDF, not the loaded font
    client.post("/logout")
    login_as(Role.LEADERSHIP)
    company = client.get("/reports/company.pdf").data
    _pages, text = pdf_text(company)
    assert "公司成熟度报告" in text
    assert "供应链" in text
    assert "模板不统一" in text
    assert "研发中心" in pdf_text(first)[1]
    assert client.get("/reports/company.pdf").data == company


def test_business_line_pdf_and_excel_for_its_director(client, org):
    fixture = org["fixture"]
    client.post("/login", data={"email": org["director"].email, "password": "correct-horse-7"})
    pdf = client.get(f"/reports/business-lines/{fixture.line_a}.pdf")
    assert pdf.status_code == 200
    _pages, text = pdf_text(pdf.data)
    assert "研发中心" in text
    assert "供应链" not in text
    workbook = client.get(f"/reports/business-lines/{fixture.line_a}.xlsx")
    assert workbook.status_code == 200
    book = load_workbook(io.BytesIO(workbook.data))
    levels = book.worksheets[1]
    assert [c.value for c in levels[2]][:4] == ["A", "研发中心", "已确认", "ML1"]


def test_company_excel_one_sheet_per_table_and_charts_as_images(client, login_as, org):
    login_as(Role.PMO, locale="en")
    response = client.get("/reports/company.xlsx")
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.data))
    assert book.sheetnames == [
        "Summary",
        "Maturity by business line",
        "Score trend",
        "Process-area scores",
        "Maturity beside outcomes",
        "Process-area scores and KPIs",
        "Top themes",
        "Backlog flow",
        "Quick-win outcomes",
    ]
    assert len(book["Summary"]._images) == 6
    flow = [[c.value for c in row] for row in book["Backlog flow"].iter_rows()]
    assert flow == [
        ["Month", "New items", "Done", "Verified"],
        ["2026-01", 2, 0, 0],
        ["2026-02", 1, 1, 0],
        ["2026-03", 1, 0, 1],
    ]
    heat = [[c.value for c in row] for row in book["Process-area scores"].iter_rows()]
    assert heat == [
        ["Business line", "STD", "SCH"],
        ["研发中心", 100.0, 0.0],
        ["供应链 (not validated)", 66.7, 66.7],
    ]


def test_csv_export_of_a_table(client, login_as, org):
    login_as(Role.LEADERSHIP, locale="en")
    response = client.get("/reports/tables/quickwins.csv")
    assert response.mimetype == "text/csv"
    lines = response.data.decode("utf-8-sig").splitlines()
    assert lines[0] == "Project,KPI,Unit,Baseline,Latest,Target,Progress (%),Achieved"
    assert lines[1:] == [
        "改进项 2,交付周期,天,10.0,7.0,6.0,75.0,No",
        "改进项 2,准时率,%,80.0,92.0,90.0,120.0,Yes",
    ]


def test_formula_injection_is_neutralised():
    assert safe_cell("=HYPERLINK(1)") == "'=HYPERLINK(1)"
    for text in ("+1", "-2", "@SUM(A1)", "\tx"):
        assert safe_cell(text).startswith("'")
    assert safe_cell("正常文本") == "正常文本"
    assert safe_cell(-2.5) == -2.5
    table = ReportTable("themes", "t", ("Theme",), (("=cmd|' /C calc'!A0",),))
    assert table_csv(table).decode("utf-8-sig").splitlines()[1] == "'=cmd|' /C calc'!A0"


# ------------------------------------------------------------------ query counts


def _lines(app, make_user, make_business_line, count):
    pmo = make_user(Role.PMO)
    ids = [make_business_line(f"L{n}", f"业务线{n}").id for n in range(count)]
    build_assessments(app, pmo.id, ids[0], ids[1])
    with app.app_context():  # a third cycle in which every line takes part
        actor = db.session.get_one(User, pmo.id)
        add_cycle(
            actor,
            "2026 H2",
            date(2026, 7, 1),
            dict.fromkeys(ids, 2),
            {line_id: all_rated("LI") for line_id in ids},
            validate=set(ids[::2]),
        )
        db.session.commit()
    return ids


@pytest.mark.parametrize(
    "url",
    [
        "/reports/",
        "/reports/company",
        "/reports/business-lines/{line}",
        "/reports/charts/trend.svg",
    ],
)
def test_query_count_does_not_grow_with_business_lines(
    app, client, make_user, make_business_line, auth, count_queries, url
):
    leader = make_user(Role.LEADERSHIP)
    auth.login(leader)
    counts = []
    for size in (2, 6):
        ids = _lines(app, make_user, make_business_line, size)
        clear_caches()
        client.get(url.format(line=ids[0]))  # warm the model and parser caches
        clear_caches()
        with count_queries() as statements:
            response = client.get(url.format(line=ids[0]))
        assert response.status_code == 200
        counts.append(len(statements))
        empty_all_tables(app)
        leader = make_user(Role.LEADERSHIP)
        auth.login(leader)
    assert counts[0] == counts[1]
