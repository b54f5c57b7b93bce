"""Several respondents in the browser: the director invites two people, each rates on their
own, the director opens consolidation, settles the disagreement with a reason, and the score
follows the consensus."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from models import Role
from tests.assessment_support import assessment_id_of, make_cycle, scope_practices
from tests.browser.test_sign_in_roles import sign_in

pytestmark = pytest.mark.browser

RESPONDENT_PASSWORD = "Ladder-respondent-2026"


def _sign_out(page: Page) -> None:
    page.click("button[data-action=logout]")


def _invite(page: Page, email: str, name: str) -> None:
    page.fill("input[name=email]", email)
    page.fill("input[name=display_name]", name)
    page.fill("input[name=password]", RESPONDENT_PASSWORD)
    page.fill("input[name=assignments]", "STD")
    page.fill("input[name=due]", "2026-05-31")
    page.click("button[data-action=invite]")
    expect(page.locator(".flash-success")).to_be_visible()


def _rate(page: Page, base: str, email: str, ratings: dict[str, str]) -> None:
    sign_in(page, base, email, RESPONDENT_PASSWORD)
    expect(page.locator("#assigned-to-me")).to_be_visible()
    page.click("a[data-nav='cycles.assigned']")
    page.click("a[data-assigned=STD]")
    for pid, rating in ratings.items():
        page.select_option(f"select[name='rating-{pid}']", rating)
    page.click("button[data-action=save]")
    expect(page.locator(".flash-success")).to_be_visible()
    _sign_out(page)


def test_invite_rate_consolidate_and_score(
    app, page: Page, live_server: str, make_user, make_business_line
):
    director = make_user(Role.DIRECTOR, name="钱总监")
    pmo = make_user(Role.PMO)
    line = make_business_line("SCM", "供应链", directors=(director.id,))
    assessment_id = assessment_id_of(app, make_cycle(app, pmo.id, {line.id: 2}), line.id)
    practices = scope_practices()
    first, rest = practices[0], practices[1:]

    sign_in(page, live_server, director.email, director.password)
    page.goto(f"{live_server}/cycles/assessments/{assessment_id}")
    page.click("a[data-action=respondents]")
    _invite(page, "pm1@example.com", "赵项目经理")
    _invite(page, "qa1@example.com", "孙质量")
    expect(page.locator("#respondents tbody tr")).to_have_count(2)
    _sign_out(page)

    _rate(page, live_server, "pm1@example.com", dict.fromkeys(practices, "FI"))
    _rate(page, live_server, "qa1@example.com", {first: "PI", **dict.fromkeys(rest, "LI")})

    sign_in(page, live_server, director.email, director.password)
    page.goto(f"{live_server}/cycles/assessments/{assessment_id}/respondents")
    expect(page.locator("#respondents [data-done=yes]")).to_have_count(2)
    page.click("button[data-action=open-consolidation]")
    page.click("#consolidation-areas tr[data-area=STD] a")
    rows = page.locator("#consolidation tbody tr")
    expect(rows.first).to_have_attribute("data-practice", first)
    expect(rows.first).to_have_attribute("data-disagreement", "yes")
    expect(rows.first.locator("[data-proposed]")).to_have_text("PI")
    for pid in rest:  # FI and LI: the lower median, LI, is proposed
        page.select_option(f"select[name='consensus-{pid}']", "LI")
    page.select_option(f"select[name='consensus-{first}']", "LI")
    page.click("button[data-action=save-consensus]")
    expect(page.locator(f"tr[data-practice='{first}'] .error")).to_contain_text("理由")
    page.fill(f"input[name='reason-{first}']", "模板已发布，但 QA 尚未抽查")
    page.click("button[data-action=save-consensus]")
    expect(page.locator(".flash-success")).to_be_visible()

    page.goto(f"{live_server}/cycles/assessments/{assessment_id}")
    expect(page.locator("#overall-progress")).to_contain_text("100")
    expect(page.locator(".facts")).to_contain_text("66.7")  # every practice LI: 2 of 3 points
