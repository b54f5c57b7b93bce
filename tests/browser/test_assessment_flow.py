"""A cycle from start to finish in the browser: the PMO creates and opens it, the director
fills and submits, the PMO returns it with a comment, the director fixes it, the PMO
validates it and it becomes read-only."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from models import Role
from tests.assessment_support import scope_practices
from tests.browser.test_sign_in_roles import sign_in

pytestmark = pytest.mark.browser


def _sign_out(page: Page) -> None:
    page.click("button[data-action=logout]")


def test_pmo_and_director_take_an_assessment_through_review(
    page: Page, live_server: str, make_user, make_business_line
):
    director = make_user(Role.DIRECTOR, name="钱总监")
    pmo = make_user(Role.PMO, name="周经理")
    make_business_line("SCM", "供应链", directors=(director.id,))
    practices = scope_practices()

    sign_in(page, live_server, pmo.email, pmo.password)
    page.goto(f"{live_server}/cycles/new")
    page.fill("input[name=name]", "2026 H1")
    page.select_option("select[name=model]", label="pmo-capability-1.0 v1.0 — PMO 能力模型 v1.0")
    page.fill("input[name=start]", "2026-01-01")
    page.fill("input[name=end]", "2026-06-30")
    page.locator("select[name=scope] option", has_text="STD ").first.click()
    page.click("button[type=submit].primary")
    expect(page.locator(".flash-success")).to_contain_text("2026 H1")
    page.click("button[data-action=open-cycle]")
    expect(page.locator("#cycle-assessments")).to_contain_text("供应链")
    _sign_out(page)

    sign_in(page, live_server, director.email, director.password)
    page.click("#to-fill ~ ul a")
    expect(page.locator("#remaining")).to_contain_text(f"{len(practices)} 项实践尚未评级")
    page.click("tr[data-area=STD] a")
    page.select_option(f"select[name='rating-{practices[0]}']", "LI")
    page.fill(f"textarea[name='evidence-{practices[0]}']", "PMO 模板库已发布")
    page.click("button[data-action=save]")
    expect(page.locator(".flash-success")).to_contain_text("草稿已保存")
    page.reload()
    expect(page.locator(f"textarea[name='evidence-{practices[0]}']")).to_have_value(
        "PMO 模板库已发布"
    )
    for pid in practices[1:]:
        page.select_option(f"select[name='rating-{pid}']", "FI")
    page.click("button[data-action=save]")
    page.click(".sticky-actions a")
    page.click("button[data-action=submit]")
    page.click("#confirm-dialog [data-confirm-ok]")
    expect(page.locator("#submitted-notice")).to_be_visible()
    assessment_url = page.url
    _sign_out(page)

    sign_in(page, live_server, pmo.email, pmo.password)
    expect(page.locator("#waiting-review")).to_contain_text("1 份评估等待您审核")
    page.goto(assessment_url)
    page.click("a[data-action=review]")
    page.fill(f"textarea[name='review-{practices[0]}']", "请附上模板评审记录")
    page.click("button[data-action=return]")
    expect(page.locator(".flash-success")).to_contain_text("退回")
    _sign_out(page)

    sign_in(page, live_server, director.email, director.password)
    page.goto(assessment_url)
    expect(page.locator("[data-status=returned]")).to_be_visible()
    page.click("tr[data-area=STD] a")
    expect(page.locator(f"[data-review='{practices[0]}']")).to_contain_text("请附上模板评审记录")
    page.fill(f"textarea[name='links-{practices[0]}']", "https://wiki.example.com/review")
    page.click("button[data-action=save]")
    expect(page.locator(".flash-success")).to_be_visible()
    page.goto(assessment_url)
    page.click("button[data-action=submit]")
    page.click("#confirm-dialog [data-confirm-ok]")
    expect(page.locator("#submitted-notice")).to_be_visible()
    _sign_out(page)

    sign_in(page, live_server, pmo.email, pmo.password)
    page.goto(assessment_url)
    page.click("a[data-action=review]")
    page.click("button[data-action=validate]")
    page.click("#confirm-dialog [data-confirm-ok]")
    expect(page.locator("#frozen-notice")).to_be_visible()
    expect(page.locator("[data-status=validated]")).to_be_visible()
    page.click("tr[data-area=STD] a")
    expect(page.locator("#read-only")).to_be_visible()
    expect(page.locator("button[data-action=save]")).to_have_count(0)
