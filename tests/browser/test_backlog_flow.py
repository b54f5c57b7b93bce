"""From a gap of a validated assessment to a backlog item, a quick-win project and a
measured outcome on the showcase, through the real browser."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from playwright.sync_api import Page, expect

from models import Role
from tests.assessment_helpers import REQM_ALL, open_assessment, rate, submit_and_validate
from tests.browser.test_sign_in_roles import sign_in

pytestmark = pytest.mark.browser


def test_gap_to_item_to_quick_win_to_measured_outcome(
    app, page: Page, live_server: str, make_user, make_business_line
):
    pmo = make_user(Role.PMO, name="孙经理")
    director = make_user(Role.DIRECTOR, name="陈总监")
    line = make_business_line("RDC", "研发中心", directors=(director.id,))
    assessment_id = open_assessment(app, pmo_id=pmo.id, line_id=line.id)
    rate(app, assessment_id, director.id, dict.fromkeys(REQM_ALL, "PI"))
    submit_and_validate(app, assessment_id, director.id, pmo.id)

    sign_in(page, live_server, pmo.email, pmo.password)
    page.click("a[data-nav='backlog.items']")
    expect(page.locator(".empty")).to_contain_text("待办为空")
    page.click(".empty a.button")
    first_gap = page.locator("tr[data-finding]").first
    expect(first_gap).to_contain_text("REQM")
    first_gap.locator("button[data-action=create-item]").click()

    expect(page.locator(".flash-success")).to_contain_text("已根据发现项创建条目")
    today = date.today()
    page.select_option("select[name=impact]", "5")
    page.select_option("select[name=effort]", "1")
    page.select_option("select[name=owner_id]", str(director.id))
    page.fill("input[name=planned_start]", today.isoformat())
    page.fill("input[name=planned_end]", (today + timedelta(weeks=4)).isoformat())
    page.click("button[type=submit].primary")
    expect(page.locator("h1 .badge.quick-win")).to_contain_text("快赢")
    expect(page.locator(".facts")).to_contain_text("研发中心")
    expect(page.locator("[data-finding]")).to_contain_text("REQM")

    page.click("button[data-action=approve]")
    expect(page.locator(".facts [data-status]")).to_have_text("已批准")
    page.click("text=升级为快赢项目")
    page.fill("textarea[name=goal]", "需求变更率降到 10%")
    page.click("button[type=submit].primary")
    expect(page.locator(".flash-success")).to_contain_text("快赢项目已启动")

    page.fill("input[name=name]", "需求变更率")
    page.fill("input[name=unit]", "%")
    page.select_option("select[name=direction]", "lower")
    page.fill("input[name=baseline]", "20")
    page.fill("input[name=target]", "10")
    page.click("text=添加 KPI >> nth=-1")
    expect(page.locator("tr[data-kpi]")).to_contain_text("尚未测量")

    page.fill("input[name=measured_on]", today.isoformat())
    page.fill("input[name=value]", "12")
    page.click("text=保存测量值")
    row = page.locator("tr[data-kpi='需求变更率']")
    expect(row.locator(".progress")).to_have_text("80%")
    expect(row.locator("[data-status]")).to_have_text("进展正常")
    expect(page.locator(".chart img")).to_be_visible()

    page.check("input[name=achieved]")
    page.fill("textarea[name=benefit_text]", "需求变更率从 20% 降到 12%")
    page.click("button[data-action=close-project]")
    page.click("#confirm-dialog [data-confirm-ok]")
    page.click("a[data-nav='quickwins.showcase']")
    card = page.locator("article[data-project]")
    expect(card).to_contain_text("需求变更率从 20% 降到 12%")
    expect(card.locator(".progress")).to_have_text("80%")
