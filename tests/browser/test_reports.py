"""A leadership user opens the dashboard in both languages and every chart loads."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from app.services.reports import charts as report_charts
from app.services.reports.documents import clear_caches
from models import Role
from tests.browser.test_sign_in_roles import sign_in
from tests.report_support import build_all

pytestmark = pytest.mark.browser


def charts_loaded(page: Page) -> list[tuple[str, int]]:
    images = page.locator("figure.report-chart img")
    for index in range(images.count()):
        images.nth(index).scroll_into_view_if_needed()
    page.wait_for_function(
        "() => [...document.querySelectorAll('figure.report-chart img')].every(img => img.complete)"
    )
    return images.evaluate_all(
        "imgs => imgs.map(img => [img.closest('figure').dataset.chart, img.naturalWidth])"
    )


def test_leadership_sees_the_dashboard_with_its_charts_in_both_languages(
    page: Page, live_server: str, app, make_user, make_business_line
):
    clear_caches()
    pmo = make_user(Role.PMO)
    leader = make_user(Role.LEADERSHIP, name="高总")
    line_a = make_business_line("A", "研发中心")
    line_b = make_business_line("B", "供应链")
    build_all(app, pmo.id, line_a.id, line_b.id)
    sign_in(page, live_server, leader.email, leader.password)

    page.click("a[data-nav='reports.dashboard']")
    expect(page.locator("h1")).to_contain_text("领导驾驶舱")
    expect(page.locator("table[data-table=levels]")).to_contain_text("研发中心")
    loaded = charts_loaded(page)
    assert [name for name, _width in loaded] == list(report_charts.CHART_NAMES)
    assert all(width > 0 for _name, width in loaded)

    page.click("button[data-locale=en]")
    expect(page.locator("h1")).to_contain_text("Leadership dashboard")
    expect(page.locator("#section-flow h2")).to_contain_text("Backlog flow")
    loaded = charts_loaded(page)
    assert len(loaded) == len(report_charts.CHART_NAMES)
    assert all(width > 0 for _name, width in loaded)
