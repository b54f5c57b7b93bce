"""Each role signs in through the real browser, sees its own navigation, and switches
language."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from models import Role

pytestmark = pytest.mark.browser

NAV = {
    Role.ADMIN: [
        "main.home",
        "org.business_lines",
        "cycles.index",
        "surveys.surveys",
        "findings.findings",
        "themes.themes",
        "backlog.items",
        "quickwins.showcase",
        "reviews.reviews",
        "outcomes.index",
        "lessons.lessons",
        "reports.dashboard",
        "org.users",
        "audit.events",
        "cycles.models",
    ],
    Role.PMO: [
        "main.home",
        "org.business_lines",
        "cycles.index",
        "surveys.surveys",
        "findings.findings",
        "themes.themes",
        "backlog.items",
        "quickwins.showcase",
        "reviews.reviews",
        "outcomes.index",
        "lessons.lessons",
        "reports.dashboard",
        "org.users",
    ],
    Role.LEADERSHIP: [
        "main.home",
        "org.business_lines",
        "cycles.index",
        "findings.findings",
        "themes.themes",
        "backlog.items",
        "quickwins.showcase",
        "outcomes.index",
        "lessons.lessons",
        "reports.dashboard",
    ],
    Role.DIRECTOR: [
        "main.home",
        "org.business_lines",
        "cycles.my_assessments",
        "cycles.assigned",
        "findings.findings",
        "backlog.items",
        "quickwins.showcase",
        "outcomes.index",
        "lessons.lessons",
    ],
    Role.RESPONDENT: ["main.home", "cycles.assigned"],
}


def sign_in(page: Page, base: str, email: str, password: str) -> None:
    page.goto(f"{base}/login")
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", password)
    page.click("button[type=submit].primary")


@pytest.mark.parametrize("role", list(Role), ids=lambda r: r.value)
def test_role_signs_in_sees_its_navigation_and_switches_language(
    page: Page, live_server: str, make_user, make_business_line, role: Role
):
    person = make_user(role, name="测试用户")
    if role is Role.DIRECTOR:
        make_business_line("RDC", "研发中心", directors=(person.id,))
    sign_in(page, live_server, person.email, person.password)

    expect(page.locator("h1")).to_contain_text("欢迎")
    nav = page.locator("nav.mainnav a")
    assert nav.evaluate_all("links => links.map(a => a.dataset.nav)") == NAV[role]
    expect(page.locator("nav.mainnav")).to_contain_text("首页")
    if role is Role.DIRECTOR:
        expect(page.locator(".next-steps")).to_contain_text("研发中心")

    page.click("button[data-locale=en]")
    expect(page.locator("nav.mainnav")).to_contain_text("Home")
    expect(page.locator("h1")).to_contain_text("Welcome")
    expect(page.locator("html")).to_have_attribute("lang", "en")

    page.click("button[data-action=logout]")
    expect(page).to_have_url(f"{live_server}/login")
    expect(page.locator(".flash")).to_contain_text("You have signed out")


def test_wrong_password_shows_a_message_in_the_browser(page: Page, live_server: str, make_user):
    person = make_user(Role.PMO)
    sign_in(page, live_server, person.email, "wrong-password")
    expect(page.locator(".error")).to_contain_text("邮箱或密码错误")


def test_pmo_creates_a_business_line_through_the_form(page: Page, live_server: str, make_user):
    director = make_user(Role.DIRECTOR, name="钱总监")
    person = make_user(Role.PMO)
    sign_in(page, live_server, person.email, person.password)
    page.click("a[data-nav='org.business_lines']")
    expect(page.locator(".empty")).to_contain_text("还没有业务线")
    page.click(".empty a.button")
    page.fill("input[name=code]", "SCM")
    page.fill("input[name=name]", "供应链")
    page.select_option("select[name=directors]", str(director.id))
    page.click("button[type=submit].primary")
    expect(page.locator(".flash-success")).to_contain_text("业务线 SCM 已保存")
    expect(page.locator(".facts")).to_contain_text("钱总监")
