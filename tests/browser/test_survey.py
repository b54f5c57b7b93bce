"""A pain-point survey answered in the browser, without an account, with CSRF on."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from playwright.sync_api import Page, expect

from app.extensions import db
from app.services.findings.surveys import save_survey
from models import Finding, Role, Survey, SurveyResponse, User

pytestmark = pytest.mark.browser


def make_survey(app, make_user, make_business_line, closes_on=None):
    pmo = make_user(Role.PMO)
    lines = [make_business_line("RDC", "研发中心").id, make_business_line("SCM", "供应链").id]
    with app.app_context():
        survey = save_survey(
            db.session.get(User, pmo.id),
            None,
            title="2026 研发痛点调研",
            introduction="匿名填写，帮助我们找到改进方向。",
            cycle_id=None,
            business_line_ids=lines,
            closes_on=closes_on,
            anonymous=True,
            categories=[],
        )
        db.session.commit()
        return survey.token, lines


def test_a_visitor_answers_without_an_account(
    page: Page, live_server: str, app, make_user, make_business_line
):
    token, lines = make_survey(app, make_user, make_business_line)
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_server}/s/{token}")
    expect(page.locator("h1")).to_contain_text("2026 研发痛点调研")
    expect(page.locator(".hint").first).to_contain_text("匿名")
    page.fill("textarea[name=text]", "需求变更太频繁，开发一直返工")
    page.select_option("select[name=business_line]", str(lines[1]))
    page.select_option("select[name=category]", "process")
    page.check("input[name=severity][value='4']")
    page.check("input[name=frequency][value=weekly]")
    page.select_option("select[name=process_area]", "REQM")
    page.fill("textarea[name=suggestion]", "建立变更评审")
    page.click("button[type=submit].primary")
    expect(page.locator("[data-survey-thanks]")).to_contain_text("已收到您的回答")
    assert page.url == f"{live_server}/s/{token}/thanks"
    with app.app_context():
        finding = db.session.query(Finding).one()
        assert (finding.business_line_id, finding.severity) == (lines[1], 4)
        assert db.session.query(SurveyResponse).one().respondent_id is None

    page.click("button[data-locale=en]")
    expect(page.locator("h1")).to_contain_text("Thank you")


def test_a_missing_answer_is_named_and_a_closed_link_says_closed(
    page: Page, live_server: str, app, make_user, make_business_line
):
    token, _ = make_survey(app, make_user, make_business_line)
    page.goto(f"{live_server}/s/{token}")
    page.click("button[type=submit].primary")
    expect(page.locator(".field.has-error").first).to_be_visible()
    with app.app_context():
        assert db.session.query(SurveyResponse).count() == 0
        db.session.query(Survey).one().closes_on = date.today() - timedelta(days=1)
        db.session.commit()
    page.goto(f"{live_server}/s/{token}")
    expect(page.locator("[data-survey-closed]")).to_contain_text("已关闭")
