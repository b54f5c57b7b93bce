"""Quick-win projects: promotion, KPIs, measurements by form and Excel, progress, the chart,
the closing review and the showcase."""

from __future__ import annotations

import io
import re
from datetime import date, timedelta

from openpyxl import Workbook

from app.extensions import db
from models import AuditEvent, KpiMeasurement, Role
from tests.backlog_helpers import make_item

TODAY = date.today()


def _project(app, client, pmo, owner_id=None, business_line_id=None) -> int:
    item_id = make_item(
        app,
        "需求变更统一评审",
        impact=5,
        urgency=4,
        effort=2,
        owner_id=owner_id,
        business_line_id=business_line_id,
        actor_id=pmo.id,
        actions=("approve",),
    )
    response = client.post(
        f"/quick-wins/promote/{item_id}",
        data={
            "goal": "需求变更率降到 10% 以下",
            "scope": "研发中心全部项目",
            "owner_id": "0",
            "start": (TODAY - timedelta(days=30)).isoformat(),
            "end": (TODAY + timedelta(days=30)).isoformat(),
            "team": "张伟、李芳",
        },
    )
    assert response.status_code == 302, response.text
    return int(re.search(r"/quick-wins/(\d+)", response.headers["Location"]).group(1))


def _kpi(client, project_id, **overrides) -> object:
    data = {
        "name": "需求变更率",
        "unit": "%",
        "direction": "lower",
        "baseline": "20",
        "target": "10",
        "source": "需求管理系统",
        **overrides,
    }
    return client.post(f"/quick-wins/{project_id}/kpis", data=data)


def test_promote_add_kpis_measure_and_see_progress(app, client, login_as):
    pmo = login_as(Role.PMO)
    project_id = _project(app, client, pmo)
    assert _kpi(client, project_id).status_code == 302
    assert (
        _kpi(client, project_id, name="评审覆盖率", direction="higher", baseline="60", target="90")
    ).status_code == 302
    page = client.get(f"/quick-wins/{project_id}").text
    assert "尚未测量" in page
    kpi_ids = re.findall(r'<option value="(\d+)"', page.split('name="kpi_id"')[1])
    measure = client.post(
        f"/quick-wins/{project_id}/measurements",
        data={"kpi_id": kpi_ids[0], "measured_on": TODAY.isoformat(), "value": "14", "note": ""},
    )
    assert measure.status_code == 302
    client.post(
        f"/quick-wins/{project_id}/measurements",
        data={"kpi_id": kpi_ids[1], "measured_on": TODAY.isoformat(), "value": "93"},
    )
    page = client.get(f"/quick-wins/{project_id}").text
    lower = page.split('data-kpi="需求变更率"')[1].split("</tr>")[0]
    assert "60%" in lower  # (14 − 20) ÷ (10 − 20)
    assert 'data-status="on_track"' in lower  # half the time elapsed, 60 % of the way
    higher = page.split('data-kpi="评审覆盖率"')[1].split("</tr>")[0]
    assert "110%" in higher
    assert 'data-status="achieved"' in higher
    chart = client.get(f"/quick-wins/{project_id}/chart.svg")
    assert chart.status_code == 200
    assert chart.mimetype == "image/svg+xml"
    assert chart.text.startswith("<svg")
    with app.app_context():
        actions = {e.action for e in db.session.query(AuditEvent).filter_by(object_type="Kpi")}
        assert actions == {"create", "measure"}


def test_kpi_with_target_equal_to_baseline_is_refused(app, client, login_as):
    pmo = login_as(Role.PMO)
    project_id = _project(app, client, pmo)
    same = _kpi(client, project_id, baseline="15", target="15")
    assert same.status_code == 422
    assert "目标值必须不同于基线值" in same.text
    wrong_side = _kpi(client, project_id, direction="lower", baseline="10", target="15")
    assert wrong_side.status_code == 422
    assert "目标值应位于基线值的另一侧" in wrong_side.text


def test_only_an_approved_quick_win_can_be_promoted(app, client, login_as):
    pmo = login_as(Role.PMO)
    big = make_item(app, "全面重构流程", impact=5, effort=5, actor_id=pmo.id, actions=("approve",))
    proposed = make_item(app, "小改进", impact=5, effort=1)
    data = {"goal": "g", "owner_id": "0", "start": "2026-01-01", "end": "2026-02-01"}
    assert "只有快赢候选条目" in client.post(f"/quick-wins/promote/{big}", data=data).text
    assert "请先批准该条目" in client.post(f"/quick-wins/promote/{proposed}", data=data).text


def _xlsx(rows) -> io.BytesIO:
    book = Workbook()
    sheet = book.active
    sheet.append(["KPI", "Date", "Value", "Note"])
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    buffer.seek(0)
    return buffer


def test_measurement_import_is_all_or_nothing_with_row_errors(app, client, login_as):
    pmo = login_as(Role.PMO)
    project_id = _project(app, client, pmo)
    _kpi(client, project_id)
    broken = _xlsx(
        [
            ["需求变更率", TODAY - timedelta(days=20), 18, "第一周"],
            ["不存在的指标", TODAY - timedelta(days=10), 16, ""],
            ["需求变更率", "上周", "很多", ""],
            ["需求变更率", (TODAY - timedelta(days=5)).isoformat(), "15.5", ""],
        ]
    )
    response = client.post(
        f"/quick-wins/{project_id}/import",
        data={"file": (broken, "measurements.xlsx")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 422
    problems = response.text.split('class="table compact import-problems"')[1].split("</table>")[0]
    assert re.search(r"<td>3</td><td>KPI</td><td>未知的 KPI“不存在的指标”", problems)
    assert re.search(r"<td>4</td><td>Date</td>", problems)
    assert re.search(r"<td>4</td><td>Value</td><td>[^<]*不是数字", problems)
    with app.app_context():
        assert db.session.query(KpiMeasurement).count() == 0
    good = _xlsx(
        [
            ["需求变更率", TODAY - timedelta(days=20), 18, "第一周"],
            ["需求变更率", (TODAY - timedelta(days=5)).isoformat(), "15.5", ""],
        ]
    )
    response = client.post(
        f"/quick-wins/{project_id}/import",
        data={"file": (good, "measurements.xlsx")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    with app.app_context():
        assert db.session.query(KpiMeasurement).count() == 2
    assert "15.5" in client.get(f"/quick-wins/{project_id}").text


def test_not_a_workbook_is_refused(app, client, login_as):
    pmo = login_as(Role.PMO)
    project_id = _project(app, client, pmo)
    _kpi(client, project_id)
    response = client.post(
        f"/quick-wins/{project_id}/import",
        data={"file": (io.BytesIO(b"KPI,Date\n"), "m.xlsx")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 422
    assert "不是可读取的 Excel 文件" in response.text
    response = client.post(  # a CSV is read, and its header checked
        f"/quick-wins/{project_id}/import",
        data={"file": (io.BytesIO(b"KPI,Date\n"), "m.csv")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 422
    assert "KPI, Date, Value, Note" in response.text


def test_closing_review_puts_the_project_on_the_showcase_for_everyone(
    app, client, login_as, make_user, make_business_line, auth
):
    pmo = login_as(Role.PMO)
    line = make_business_line("RDC", "研发中心")
    project_id = _project(app, client, pmo, business_line_id=line.id)
    _kpi(client, project_id)
    assert "尚无已完成的快赢" in client.get("/quick-wins/showcase").text
    refused = client.post(f"/quick-wins/{project_id}/close", data={"benefit_text": ""})
    assert refused.status_code == 422
    closed = client.post(
        f"/quick-wins/{project_id}/close",
        data={
            "achieved": "y",
            "benefit_text": "需求变更减少，返工明显下降",
            "benefit_numbers": "返工工时 -30%",
            "lessons_learned": "尽早让客户参与评审",
        },
    )
    assert closed.status_code == 302
    auth.logout()
    auth.login(make_user(Role.DIRECTOR))  # a director of another line still sees the showcase
    showcase = client.get("/quick-wins/showcase").text
    assert "需求变更统一评审" in showcase
    assert "返工工时 -30%" in showcase
    assert client.get(f"/quick-wins/{project_id}").status_code == 404


def test_others_may_not_change_a_project(app, client, login_as, make_user, auth):
    pmo = login_as(Role.PMO)
    project_id = _project(app, client, pmo)
    auth.logout()
    auth.login(make_user(Role.LEADERSHIP))
    assert client.get(f"/quick-wins/{project_id}").status_code == 200
    assert _kpi(client, project_id).status_code == 403
