"""Numbers people enter or import are finite and within range, and a wrong measurement can
be corrected or removed, with an audit trail (issue 17, items 7 and 8)."""

from __future__ import annotations

import io
import json
import re
from datetime import date, timedelta

import pytest
from openpyxl import Workbook
from sqlalchemy import select

from app.extensions import db
from app.services.backlog.quickwins import add_measurement
from app.services.errors import ServiceError
from app.services.tokens import create_token
from models import AuditEvent, Kpi, KpiMeasurement, Role, User
from tests.test_quickwins import _kpi, _project

TODAY = date.today()
HOSTILE = ["inf", "-inf", "nan", "NaN", "1e309", "-1e309", "1e308", "-1e308", "1000000001"]


@pytest.fixture
def project(app, client, login_as):
    pmo = login_as(Role.PMO, locale="en")
    project_id = _project(app, client, pmo)
    assert _kpi(client, project_id).status_code == 302
    with app.app_context():
        kpi_id = db.session.scalar(select(Kpi.id))
    return {"id": project_id, "kpi": kpi_id, "pmo": pmo}


def _counts(app) -> tuple[int, int]:
    with app.app_context():
        db.session.remove()
        return (
            db.session.scalar(select(db.func.count(Kpi.id))),
            db.session.scalar(select(db.func.count(KpiMeasurement.id))),
        )


@pytest.mark.parametrize("value", HOSTILE)
@pytest.mark.parametrize("field", ["baseline", "target"])
def test_kpi_numbers_must_be_finite_and_in_range(app, client, project, field, value):
    before = _counts(app)
    response = _kpi(client, project["id"], name="第二个指标", **{field: value})
    assert response.status_code == 422
    label = field.capitalize()
    assert f"{label} must be a number from -1,000,000,000 to 1,000,000,000." in response.text
    assert _counts(app) == before
    edit = client.post(
        f"/quick-wins/{project['id']}/kpis/{project['kpi']}",
        data={"name": "需求变更率", "direction": "lower", "baseline": "20", "target": "10"}
        | {field: value},
    )
    assert edit.status_code == 422
    assert f"{label} must be a number from" in edit.text


@pytest.mark.parametrize("value", HOSTILE)
def test_measurements_must_be_finite_and_in_range(app, client, project, value):
    response = client.post(
        f"/quick-wins/{project['id']}/measurements",
        data={"kpi_id": project["kpi"], "measured_on": TODAY.isoformat(), "value": value},
    )
    assert response.status_code == 422
    assert "Value must be a number from -1,000,000,000 to 1,000,000,000." in response.text
    assert _counts(app)[1] == 0
    assert client.get(f"/quick-wins/{project['id']}").status_code == 200


def test_the_extremes_of_the_range_are_accepted_and_every_page_still_works(app, client, project):
    extreme = _kpi(
        client, project["id"], name="极值", direction="higher", baseline="-1e9", target="1e9"
    )
    assert extreme.status_code == 302
    with app.app_context():
        kpi_id = db.session.scalar(select(Kpi.id).where(Kpi.name == "极值"))
    measured = client.post(
        f"/quick-wins/{project['id']}/measurements",
        data={"kpi_id": kpi_id, "measured_on": TODAY.isoformat(), "value": "1000000000"},
    )
    assert measured.status_code == 302
    for url in (f"/quick-wins/{project['id']}", f"/quick-wins/{project['id']}/chart.svg"):
        assert client.get(url).status_code == 200, url


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


def test_imported_measurements_must_be_finite_naming_row_and_column(app, client, project):
    day = TODAY - timedelta(days=1)
    rows = [["需求变更率", day, v, ""] for v in ("inf", "nan", "1e309", 1e308, -1e308)]
    response = client.post(
        f"/quick-wins/{project['id']}/import",
        data={"file": (_xlsx([*rows, ["需求变更率", day, 12, ""]]), "m.xlsx")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 422
    problems = response.text.split("import-problems")[1].split("</table>")[0]
    for row in range(2, 7):
        assert re.search(rf"<td>{row}</td><td>Value</td><td>Value must be a number from", problems)
    assert "<td>7</td>" not in problems
    assert _counts(app)[1] == 0


def test_services_refuse_non_finite_numbers_whoever_calls_them(app, project):
    with app.app_context():
        actor = db.session.get(User, project["pmo"].id)
        kpi = db.session.get(Kpi, project["kpi"])
        for value in (float("inf"), float("nan"), 10**400, 2e9):
            with pytest.raises(ServiceError) as refused:
                add_measurement(actor, kpi, measured_on=TODAY, value=value)
            assert refused.value.field == "value"


def test_json_answers_never_hold_infinity_or_nan(app, client, project):
    """Defence in depth: a non-finite number that got in before the rule (or by SQL) makes
    the API fail loudly instead of sending ``Infinity``, which is not JSON."""
    with app.app_context():
        _row, token = create_token(None, db.session.get(User, project["pmo"].id), "bi")
        db.session.commit()
    headers = {"Authorization": f"Bearer {token}"}
    answer = client.get("/api/v1/quick-wins", headers=headers)
    assert answer.status_code == 200
    json.loads(answer.text, parse_constant=pytest.fail)  # no Infinity/NaN literals
    with app.app_context():  # a value stored before the rule, or by hand in SQL
        db.session.add(KpiMeasurement(kpi_id=project["kpi"], measured_on=TODAY, value=float("inf")))
        db.session.commit()
    with pytest.raises(ValueError, match="not JSON compliant"):
        client.get("/api/v1/quick-wins", headers=headers)


# --------------------------------------------------------- correcting and removing


def _events(app, object_type: str) -> list[tuple[str, dict]]:
    with app.app_context():
        db.session.remove()
        rows = db.session.scalars(
            select(AuditEvent).where(AuditEvent.object_type == object_type).order_by(AuditEvent.id)
        )
        return [(e.action, e.changes) for e in rows]


def test_a_wrong_measurement_is_corrected_then_removed_with_audit(app, client, project):
    client.post(
        f"/quick-wins/{project['id']}/measurements",
        data={"kpi_id": project["kpi"], "measured_on": TODAY.isoformat(), "value": "140"},
    )
    with app.app_context():
        measurement_id = db.session.scalar(select(KpiMeasurement.id))
    page = client.get(f"/quick-wins/{project['id']}/kpis/{project['kpi']}")
    assert page.status_code == 200
    assert f"/quick-wins/{project['id']}/measurements/{measurement_id}" in page.text
    url = f"/quick-wins/{project['id']}/measurements/{measurement_id}"
    wrong = client.post(url, data={"measured_on": TODAY.isoformat(), "value": "inf"})
    assert wrong.status_code == 422
    fixed = client.post(url, data={"measured_on": TODAY.isoformat(), "value": "14", "note": "笔误"})
    assert fixed.status_code == 302
    assert "60%" in client.get(f"/quick-wins/{project['id']}").text  # (14 − 20) ÷ (10 − 20)
    assert client.post(f"{url}/delete").status_code == 302
    assert _counts(app)[1] == 0
    events = _events(app, "KpiMeasurement")
    assert [action for action, _changes in events] == ["update", "delete"]
    assert events[0][1]["value"] == {"old": 140.0, "new": 14.0}
    assert events[1][1]["value"] == {"old": 14.0, "new": None}


def test_the_owner_edits_and_deletes_a_kpi_with_audit(app, client, login_as, make_user, auth):
    pmo = login_as(Role.PMO)
    owner = make_user(Role.DIRECTOR)
    project_id = _project(app, client, pmo, owner_id=owner.id)
    auth.logout()
    auth.login(owner)
    assert _kpi(client, project_id, name="On-time $\\x$ rate").status_code == 302
    with app.app_context():
        kpi_id = db.session.scalar(select(Kpi.id))
    url = f"/quick-wins/{project_id}/kpis/{kpi_id}"
    assert "On-time $\\x$ rate" in client.get(url).text
    edited = client.post(
        url,
        data={
            "name": "准时率",
            "unit": "%",
            "direction": "higher",
            "baseline": "80",
            "target": "95",
        },
    )
    assert edited.status_code == 302
    assert "准时率" in client.get(f"/quick-wins/{project_id}").text
    assert client.get(f"/quick-wins/{project_id}/chart.svg").status_code == 200
    assert client.post(f"{url}/delete").status_code == 302
    assert _counts(app)[0] == 0
    events = _events(app, "Kpi")
    assert [action for action, _changes in events] == ["create", "update", "delete"]
    assert events[1][1]["name"] == {"old": "On-time $\\x$ rate", "new": "准时率"}
    assert events[2][1]["target"] == {"old": 95.0, "new": None}


def test_someone_who_does_not_manage_the_project_cannot_edit_or_delete(
    app, client, project, make_user, auth
):
    other = make_user(Role.DIRECTOR)
    auth.logout()
    auth.login(other)
    url = f"/quick-wins/{project['id']}/kpis/{project['kpi']}"
    assert client.post(f"{url}/delete").status_code in (403, 404)
    assert _counts(app)[0] == 1
