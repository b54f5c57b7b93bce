"""A quick-win project's benefit in numbers: entered by its manager, shown with its payback
and ROI, audited, and summed in the company report."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from app.extensions import db
from app.services.reports.documents import clear_caches
from models import AuditEvent, QuickWinProject, Role
from tests.test_quickwins import _project


@pytest.fixture(autouse=True)
def _fresh_reports() -> Iterator[None]:
    clear_caches()
    yield
    clear_caches()


def test_the_benefit_gives_payback_and_roi_on_the_project_page(app, client, login_as):
    pmo = login_as(Role.PMO, locale="en")
    project_id = _project(app, client, pmo)
    page = client.get(f"/quick-wins/{project_id}").text
    assert "No benefit in numbers yet." in page
    response = client.post(
        f"/quick-wins/{project_id}/benefit",
        data={"unit": "hours", "saved_per_month": "120", "hourly_cost": "150",
              "one_off_cost": "36000"},
    )  # fmt: skip
    assert response.status_code == 302, response.text
    page = client.get(f"/quick-wins/{project_id}").text
    payback = page.split("data-payback>")[1].split("</dd>")[0]
    assert payback == "2 months"
    roi = page.split("data-roi>")[1].split("</dd>")[0]
    assert roi == "500%"
    with app.app_context():
        project = db.session.get(QuickWinProject, project_id)
        assert (project.benefit_per_month, project.benefit_one_off_cost) == (120, 36_000)
        event = db.session.scalar(
            db.select(AuditEvent)
            .where(AuditEvent.action == "update")
            .order_by(AuditEvent.id.desc())
        )
        assert "benefit_per_month" in str(event.changes)


@pytest.mark.parametrize(
    ("field", "value"),
    [("saved_per_month", "-5"), ("one_off_cost", "-1"), ("one_off_cost", "1e12")],
)
def test_negative_or_huge_figures_are_refused(app, client, login_as, field, value):
    pmo = login_as(Role.PMO)
    project_id = _project(app, client, pmo)
    data = {"unit": "money", "saved_per_month": "1000", "one_off_cost": "5000", field: value}
    assert client.post(f"/quick-wins/{project_id}/benefit", data=data).status_code == 422
    with app.app_context():
        assert db.session.get(QuickWinProject, project_id).benefit_unit is None


def test_a_director_who_does_not_own_the_project_may_not_enter_a_benefit(
    app, client, login_as, auth, make_user
):
    pmo = login_as(Role.PMO)
    project_id = _project(app, client, pmo)
    auth.logout()
    auth.login(make_user(Role.LEADERSHIP))
    data = {"unit": "money", "saved_per_month": "1000", "one_off_cost": "5000"}
    assert client.post(f"/quick-wins/{project_id}/benefit", data=data).status_code == 403


def test_the_company_report_sums_the_benefits(app, client, login_as):
    pmo = login_as(Role.PMO, locale="en")
    first = _project(app, client, pmo)
    client.post(
        f"/quick-wins/{first}/benefit",
        data={"unit": "money", "saved_per_month": "10000", "one_off_cost": "30000"},
    )
    html = client.get("/reports/company").text
    assert "10,000 yuan and 0 hours saved per month" in html
    assert "one-off cost of 30,000 yuan" in html
    assert "Payback: 3 months." in html
    assert "ROI over 12 months: 300%." in html
