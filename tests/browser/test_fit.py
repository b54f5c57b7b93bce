"""Fit and finish in the browser (issue 15), at 1366 px and on a 375 px phone: no sideways
scrolling, a compact phone header, 44 px touch targets, a refused form that takes the user
to its first error, and a confirmation before closing a project. Screenshots go to
``LADDER_SHOTS`` (default: ladder-shots in the temporary folder) for a look."""

from __future__ import annotations

import os
import tempfile
from datetime import date
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select

from app.extensions import db
from app.services.findings.surveys import save_survey
from models import QuickWinProject, Role, Survey, User
from tests.browser.test_sign_in_roles import sign_in
from tests.report_support import build_all

pytestmark = pytest.mark.browser

SHOTS = Path(os.environ.get("LADDER_SHOTS") or Path(tempfile.gettempdir()) / "ladder-shots")
DESKTOP = {"width": 1366, "height": 768}
PHONE = {"width": 375, "height": 812}
PAGES = {
    "home": "/",
    "findings": "/findings/",
    "backlog": "/backlog/",
    "matrix": "/backlog/matrix",
    "cycles": "/cycles/",
    "reports": "/reports/",
    "quick-wins": "/quick-wins/",
    "surveys": "/surveys/",
    "reviews": "/reviews/",
}


@pytest.fixture
def world(app, make_user, make_business_line) -> dict[str, object]:
    pmo = make_user(Role.PMO, name="周经理")
    line_a = make_business_line("A", "研发中心")
    line_b = make_business_line("B", "供应链")
    build_all(app, pmo.id, line_a.id, line_b.id)
    with app.app_context():
        save_survey(
            db.session.get_one(User, pmo.id),
            None,
            title="2026 研发痛点调研",
            introduction="匿名填写。",
            cycle_id=None,
            business_line_ids=[line_a.id, line_b.id],
            closes_on=None,
            anonymous=True,
            categories=[],
        )
        project_id = db.session.scalars(select(QuickWinProject.id)).one()
        db.session.commit()
        token = db.session.scalars(select(Survey.token)).one()
    return {"pmo": pmo, "survey": token, "project": project_id}


def _shot(page: Page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=False)


def _sideways(page: Page) -> int:
    """How many pixels the page is wider than the window (0: no horizontal scroll)."""
    return page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")


def _small_targets(page: Page, selector: str) -> list[str]:
    return page.eval_on_selector_all(
        selector,
        """els => els.filter(el => el.offsetParent !== null)
            .map(el => [el, el.getBoundingClientRect()])
            .filter(([el, r]) => r.height < 44 || r.width < 44)
            .map(([el, r]) => `${el.outerHTML.slice(0, 80)} ${r.width}x${r.height}`)""",
    )


@pytest.mark.parametrize("size", [DESKTOP, PHONE], ids=["1366", "375"])
def test_main_pages_fit_the_screen(page: Page, live_server: str, world, size):
    page.set_viewport_size(size)
    pmo = world["pmo"]
    sign_in(page, live_server, pmo.email, pmo.password)
    PAGES["project"] = f"/quick-wins/{world['project']}"
    for name, path in PAGES.items():
        page.goto(f"{live_server}{path}")
        page.wait_for_load_state("load")
        assert _sideways(page) <= 0, f"{name} scrolls sideways at {size['width']} px"
        _shot(page, f"{size['width']}-{name}")
    header = page.locator("header.topbar").bounding_box()
    assert header is not None
    if size is PHONE:
        assert header["height"] <= 0.15 * size["height"]
        expect(page.locator("#mainnav")).to_be_hidden()
        page.click("[data-menu-toggle]")
        expect(page.locator("#mainnav")).to_be_visible()
        expect(page.locator("[data-menu-toggle]")).to_have_attribute("aria-expanded", "true")
        _shot(page, "375-menu-open")
        page.goto(f"{live_server}/backlog/")
        links = page.locator("nav.views a")
        heights = links.evaluate_all("els => els.map(el => el.getBoundingClientRect().height)")
        assert max(heights) < 50  # one line each, not one character per line
        label = page.locator("table[data-testid=backlog] td").first.get_attribute("data-label")
        assert label == "标题"
        assert not _small_targets(page, "main button, main select, main input:not([type=hidden])")
    else:
        expect(page.locator("[data-menu-toggle]")).to_be_hidden()
        expect(page.locator("#mainnav")).to_be_visible()
        page.click("button[data-locale=en]")
        for name in ("reports", "findings", "matrix"):
            page.goto(f"{live_server}{PAGES[name]}")
            assert _sideways(page) <= 0
            _shot(page, f"{size['width']}-en-{name}")
        expect(page.locator("[data-legend=severity]")).to_have_count(0)  # matrix: none
        page.goto(f"{live_server}{PAGES['findings']}")
        expect(page.locator("[data-legend=severity]")).to_contain_text("blocks work")


def test_survey_choices_are_large_touch_targets_on_a_phone(page: Page, live_server: str, world):
    page.set_viewport_size(PHONE)
    page.goto(f"{live_server}/s/{world['survey']}")
    expect(page.locator("h1")).to_contain_text("2026 研发痛点调研")
    assert _sideways(page) <= 0
    labels = page.locator("#severity label, #frequency label")
    assert labels.count() >= 8
    assert not _small_targets(page, "#severity label, #frequency label")
    assert not _small_targets(page, "main button, main select")
    page.click("label[for=severity-3]")
    expect(page.locator("#severity-3")).to_be_checked()
    _shot(page, "375-survey")


@pytest.mark.parametrize("size", [DESKTOP, PHONE], ids=["1366", "375"])
def test_a_refused_form_takes_the_user_to_its_first_error(
    page: Page, live_server: str, world, size
):
    page.set_viewport_size(size)
    pmo = world["pmo"]
    sign_in(page, live_server, pmo.email, pmo.password)
    page.goto(f"{live_server}/quick-wins/{world['project']}")
    page.fill("input[name=measured_on]", date(2026, 1, 15).isoformat())  # before the start
    page.fill("input[name=value]", "8")
    page.click("text=保存测量值")
    expect(page.locator("#form-problems")).to_be_visible()
    expect(page.locator("#form-problems")).to_contain_text("测量日期不能早于项目开始日期")
    focused = page.evaluate("() => document.activeElement.name")
    assert focused == "measured_on"
    box = page.locator("input[name=measured_on]").bounding_box()
    assert box is not None
    assert box["y"] >= 0
    assert box["y"] + box["height"] <= size["height"]
    _shot(page, f"{size['width']}-refused-measurement")


def test_closing_a_project_asks_first(page: Page, live_server: str, world, app):
    pmo = world["pmo"]
    sign_in(page, live_server, pmo.email, pmo.password)
    page.goto(f"{live_server}/quick-wins/{world['project']}")
    page.fill("textarea[name=benefit_text]", "交付周期缩短")
    page.click("button[data-action=close-project]")
    dialog = page.locator("#confirm-dialog")
    expect(dialog).to_be_visible()
    expect(dialog).to_contain_text("关闭本项目？")
    _shot(page, "1280-confirm-close")
    page.click("#confirm-dialog [data-confirm-cancel]")
    expect(dialog).to_be_hidden()
    with app.app_context():
        assert db.session.get_one(QuickWinProject, world["project"]).closed_on is None
    page.click("button[data-action=close-project]")
    page.click("#confirm-dialog [data-confirm-ok]")
    expect(page.locator(".flash-success")).to_be_visible()
    with app.app_context():
        assert db.session.get_one(QuickWinProject, world["project"]).closed_on is not None
