"""The one list of findings: filters, search, pagination, export, import, directors' scope."""

from __future__ import annotations

import io

import pytest
from openpyxl import Workbook, load_workbook

from app.extensions import db
from models import Finding, FindingSource, Role


@pytest.fixture
def seed_findings(app, make_business_line):
    def seed(rows):
        with app.app_context():
            for row in rows:
                db.session.add(Finding(**{"source": FindingSource.MANUAL, "severity": 3, **row}))
            db.session.commit()

    return seed


def test_filters_search_and_pagination(client, login_as, make_business_line, seed_findings):
    rdc = make_business_line("RDC", "研发中心")
    scm = make_business_line("SCM", "供应链")
    seed_findings(
        [
            {"text": "需求变更频繁_100%", "business_line_id": rdc.id, "process_area": "REQM"},
            {"text": "供应商交期延误", "business_line_id": scm.id, "severity": 5},
            {"text": "测试环境不足", "business_line_id": rdc.id, "source": FindingSource.SURVEY},
        ]
        + [{"text": f"会议太多 第{n}次", "business_line_id": scm.id} for n in range(25)]
    )
    login_as(Role.PMO)
    assert "需求变更频繁" in client.get("/findings/?q=变更").text
    assert "供应商交期" not in client.get("/findings/?q=变更").text
    assert "需求变更频繁" in client.get("/findings/?q=_100%").text
    by_line = client.get(f"/findings/?business_line={rdc.id}").text
    assert "测试环境不足" in by_line
    assert "供应商交期" not in by_line
    assert "供应商交期" in client.get("/findings/?severity=5").text
    assert "测试环境不足" in client.get("/findings/?source=survey").text
    assert "需求变更频繁" not in client.get("/findings/?source=survey").text
    assert "需求变更频繁" in client.get("/findings/?process_area=REQM").text
    first, second = client.get("/findings/").text, client.get("/findings/?page=2").text
    assert "第 1 页，共 2 页" in first or "1 / 2" in first or 'rel="next"' in first
    assert first.count("data-finding=") == 20
    assert second.count("data-finding=") == 8
    assert "没有符合条件" in client.get("/findings/?q=不存在的词").text


def test_search_escapes_like_wildcards(client, login_as, make_business_line, seed_findings):
    line = make_business_line("RDC")
    seed_findings(
        [{"text": "进度完成 50% 就上线", "business_line_id": line.id},
         {"text": "进度完成一半", "business_line_id": line.id}]
    )  # fmt: skip
    login_as(Role.PMO)
    page = client.get("/findings/?q=50%").text
    assert "50% 就上线" in page
    assert "进度完成一半" not in page
    assert client.get("/findings/?q=%").text.count("data-finding=") == 1


def test_export_reads_back_and_defuses_formulas(
    client, login_as, make_business_line, seed_findings
):
    line = make_business_line("RDC", "研发中心")
    seed_findings(
        [
            {"text": "=cmd|' /C calc'!A0", "business_line_id": line.id, "severity": 4},
            {"text": "+1+1", "business_line_id": line.id},
            {"text": "普通痛点", "business_line_id": line.id, "category": "@SUM(A1)"},
            {"text": "不在导出范围", "business_line_id": line.id, "severity": 1},
        ]
    )
    login_as(Role.PMO)
    response = client.get("/findings/export.xlsx?severity=4")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.data)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "编号"
    assert len(rows) == 2
    assert rows[1][9] == "'=cmd|' /C calc'!A0"
    assert rows[1][3] == "研发中心"
    everything = load_workbook(io.BytesIO(client.get("/findings/export.xlsx").data)).active
    cells = [c for row in everything.iter_rows(values_only=True) for c in row if isinstance(c, str)]
    assert "'+1+1" in cells
    assert "'@SUM(A1)" in cells
    assert not any(c.startswith(("=", "+", "@")) for c in cells)


def test_director_sees_only_findings_of_their_lines(
    client, login_as, make_user, make_business_line, seed_findings
):
    director = make_user(Role.DIRECTOR)
    mine = make_business_line("RDC", "研发中心", directors=(director.id,))
    other = make_business_line("SCM", "供应链")
    seed_findings(
        [
            {"text": "我的痛点", "business_line_id": mine.id},
            {"text": "别人的痛点", "business_line_id": other.id},
        ]
    )
    client.post("/login", data={"email": director.email, "password": director.password})
    page = client.get("/findings/").text
    assert "我的痛点" in page
    assert "别人的痛点" not in page
    assert "别人的痛点" not in client.get(f"/findings/?business_line={other.id}").text
    exported = load_workbook(io.BytesIO(client.get("/findings/export.xlsx").data)).active
    texts = [row[9] for row in exported.iter_rows(min_row=2, values_only=True)]
    assert texts == ["我的痛点"]
    with client.application.app_context():
        other_id = db.session.query(Finding).filter_by(text="别人的痛点").one().id
    assert client.get(f"/findings/{other_id}").status_code == 404
    assert client.get("/findings/new").status_code == 403


def test_pmo_adds_an_interview_note(app, client, login_as, make_business_line):
    line = make_business_line("RDC")
    login_as(Role.PMO)
    response = client.post(
        "/findings/new",
        data={"text": "访谈：评审会太多", "business_line": str(line.id), "severity": "3",
              "cycle": "0", "process_area": "PMC", "frequency": "weekly"},
    )  # fmt: skip
    assert response.status_code == 302
    with app.app_context():
        finding = db.session.query(Finding).one()
        assert finding.source is FindingSource.MANUAL
        assert finding.process_area == "PMC"
    too_long = client.post(
        "/findings/new",
        data={"text": "长" * 2001, "business_line": str(line.id), "severity": "3", "cycle": "0"},
    )
    assert too_long.status_code == 422
    assert "最多 2000 个字符" in too_long.text


def _xlsx(rows):
    workbook = Workbook()
    for row in rows:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_import_with_broken_rows_lists_every_problem_and_imports_nothing(
    app, client, login_as, make_business_line
):
    make_business_line("RDC")
    login_as(Role.PMO)
    data = _xlsx(
        [
            ["text", "business_line", "severity", "category", "process_area"],
            ["需求变更频繁", "RDC", 4, "流程", "REQM"],
            ["", "RDC", 3, "", ""],
            ["交付延误", "NOPE", 9, "", "XYZ"],
        ]
    )
    response = client.post(
        "/findings/import",
        data={"file": (io.BytesIO(data), "pain.xlsx"), "cycle": "0"},
        content_type="multipart/form-data",
    )
    assert response.status_code == 422
    text = response.text
    assert "未导入任何数据" in text
    assert "<td>3</td><td>text</td><td>内容为空。</td>" in text
    assert "<td>4</td><td>business_line</td><td>未知的业务线编码“NOPE”。</td>" in text
    assert "<td>4</td><td>severity</td>" in text
    assert "<td>4</td><td>process_area</td><td>未知的过程域 XYZ。</td>" in text
    with app.app_context():
        assert db.session.query(Finding).count() == 0


def test_csv_import_in_english_names_rows_and_columns(app, client, login_as, make_business_line):
    make_business_line("RDC")
    login_as(Role.PMO, locale="en")
    bad = "text,severity\n需求变更频繁,4\n".encode()
    response = client.post(
        "/findings/import",
        data={"file": (io.BytesIO(bad), "pain.csv"), "cycle": "0"},
        content_type="multipart/form-data",
    )
    assert response.status_code == 422
    assert "The column business_line is missing." in response.text
    good = (
        "\ufefftext,business_line,severity,category\n"
        "需求变更频繁,rdc,4,流程\nSlow builds,RDC,,tools\n"
    )
    response = client.post(
        "/findings/import",
        data={"file": (io.BytesIO(good.encode()), "pain.csv"), "cycle": "0"},
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    with app.app_context():
        rows = db.session.query(Finding).order_by(Finding.id).all()
        assert [(f.text, f.severity, f.source) for f in rows] == [
            ("需求变更频繁", 4, FindingSource.IMPORT),
            ("Slow builds", 3, FindingSource.IMPORT),
        ]
