"""Double submits: a form posted twice creates once, and two people racing for a unique
rule get one success and one clear message — never a 500 (issue 17, item 12).

The racing tests are real concurrent requests: threads against the real app, on SQLite and
on PostgreSQL, where the second insert waits on the first transaction's unique key.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import date, timedelta
from typing import Any

import pytest
from sqlalchemy import func, select

from app.extensions import db
from models import (
    ActionItem,
    ApiToken,
    BusinessLine,
    Cycle,
    Finding,
    FindingSource,
    FormSubmission,
    ImprovementItem,
    Kpi,
    KpiMeasurement,
    QuickWinProject,
    Review,
    Role,
    Survey,
    User,
)
from tests.assessment_support import stored_model
from tests.backlog_helpers import make_item
from tests.conftest import PASSWORD

TODAY = date.today()
CHARTER = {
    "goal": "缩短评审周期",
    "scope": "",
    "owner_id": "0",
    "start": (TODAY - timedelta(days=10)).isoformat(),
    "end": (TODAY + timedelta(days=50)).isoformat(),
    "team": "",
}
KPI = {"name": "评审周期", "unit": "天", "direction": "lower", "baseline": "10", "target": "5"}


def signed_in(app, email: str) -> Any:
    client = app.test_client()
    assert client.post("/login", data={"email": email, "password": PASSWORD}).status_code == 302
    return client


def token_of(page: str, name: str = "submission") -> str:
    found = re.search(rf'name="{name}" type="hidden" value="([^"]+)"', page)
    assert found, "the form carries no submission token"
    return found.group(1)


def count(app, model: Any) -> int:
    with app.app_context():
        db.session.remove()
        return db.session.scalar(select(func.count()).select_from(model)) or 0


def at_once(*posts: Callable[[], Any]) -> list[Any]:
    """Run the posts in threads released together; their responses, in order."""
    start = threading.Barrier(len(posts))

    def run(post: Callable[[], Any]) -> Any:
        start.wait()
        return post()

    with ThreadPoolExecutor(len(posts)) as pool:
        return list(pool.map(run, posts))


@pytest.fixture
def scene(app, make_user, make_business_line) -> dict[str, Any]:
    pmo = make_user(Role.PMO, email="pmo@example.com")
    make_user(Role.PMO, email="pmo2@example.com")
    line = make_business_line("RDC", "研发中心")
    item_id = make_item(
        app,
        "评审提速",
        impact=5,
        urgency=4,
        effort=2,
        business_line_id=line.id,
        actor_id=pmo.id,
        actions=("approve",),
    )
    return {"line": line.id, "item": item_id}


@pytest.fixture
def project_id(app, scene) -> int:
    client = signed_in(app, "pmo@example.com")
    response = client.post(f"/quick-wins/promote/{scene['item']}", data=CHARTER)
    assert response.status_code == 302
    with app.app_context():
        return db.session.scalar(select(QuickWinProject.id))


# ------------------------------------------------------------------ unique rules, racing


def test_two_promotions_of_one_item_at_once_give_one_project_and_one_message(app, scene):
    clients = [signed_in(app, "pmo@example.com"), signed_in(app, "pmo2@example.com")]
    url = f"/quick-wins/promote/{scene['item']}"
    responses = at_once(*(lambda c=c: c.post(url, data=CHARTER) for c in clients))
    assert sorted(r.status_code for r in responses) == [302, 422]
    refused = next(r for r in responses if r.status_code == 422)
    assert "该条目已是快赢项目" in refused.text
    assert count(app, QuickWinProject) == 1


def test_two_kpis_of_one_name_at_once_give_one_kpi_and_one_message(app, project_id):
    clients = [signed_in(app, "pmo@example.com"), signed_in(app, "pmo2@example.com")]
    url = f"/quick-wins/{project_id}/kpis"
    responses = at_once(*(lambda c=c: c.post(url, data=KPI) for c in clients))
    assert sorted(r.status_code for r in responses) == [302, 422]
    refused = next(r for r in responses if r.status_code == 422)
    assert "本项目已有名为 评审周期 的 KPI" in refused.text
    assert count(app, Kpi) == 1


def test_promoting_a_promoted_item_says_so(app, scene, project_id):
    client = signed_in(app, "pmo2@example.com")
    response = client.post(f"/quick-wins/promote/{scene['item']}", data=CHARTER)
    assert response.status_code == 422
    assert "该条目已是快赢项目" in response.text
    assert count(app, QuickWinProject) == 1


# ------------------------------------------------- one form instance creates once


def _finding_form(app, scene) -> tuple[str, dict[str, str]]:
    page = signed_in(app, "pmo@example.com").get("/findings/new").text
    data = {"text": "评审总是拖延", "business_line": str(scene["line"]), "severity": "3"}
    return "/findings/new", {**data, "cycle": "0", "submission": token_of(page)}


def _item_form(app, scene) -> tuple[str, dict[str, str]]:
    page = signed_in(app, "pmo@example.com").get("/backlog/new").text
    data = {"title": "统一评审模板", "business_line_id": str(scene["line"]), "owner_id": "0"}
    data |= {"impact": "3", "urgency": "3", "effort": "3", "submission": token_of(page)}
    return "/backlog/new", data


def _promote_form(app, scene) -> tuple[str, dict[str, str]]:
    url = f"/quick-wins/promote/{scene['item']}"
    page = signed_in(app, "pmo@example.com").get(url).text
    return url, {**CHARTER, "submission": token_of(page)}


def _business_line_form(app, scene) -> tuple[str, dict[str, str]]:
    page = signed_in(app, "pmo@example.com").get("/business-lines/new").text
    data = {"code": "SCM", "name": "供应链", "description": "", "active": "y"}
    return "/business-lines/new", {**data, "submission": token_of(page)}


def _user_form(app, scene) -> tuple[str, dict[str, str]]:
    page = signed_in(app, "pmo@example.com").get("/users/new").text
    data = {"email": "new@example.com", "display_name": "新人", "role": "director"}
    data |= {"locale": "zh_CN", "active": "y", "password": "初始密码-2026"}
    data["business_lines"] = str(scene["line"])
    return "/users/new", {**data, "submission": token_of(page)}


def _cycle_form(app, scene) -> tuple[str, Any]:
    page = signed_in(app, "pmo@example.com").get("/cycles/new").text
    with app.app_context():
        model_id = stored_model().id
    line = scene["line"]
    data = {"name": "2026 H1", "model": str(model_id), "start": "2026-01-01"}
    data |= {"end": "2026-06-30", "lines": [str(line)], f"target-{line}": "3"}
    return "/cycles/new", {**data, "scope": [f"{model_id}:STD"], "submission": token_of(page)}


def _review_form(app, scene) -> tuple[str, dict[str, str]]:
    page = signed_in(app, "pmo@example.com").get("/reviews/").text
    data = {"kind": "monthly", "held_on": TODAY.isoformat(), "attendees": "", "notes": ""}
    return "/reviews/", {**data, "submission": token_of(page)}


def _survey_form(app, scene) -> tuple[str, Any]:
    page = signed_in(app, "pmo@example.com").get("/surveys/new").text
    data = {"title": "供应链痛点", "introduction": "", "cycle": "0", "closes_on": "2099-01-31"}
    data |= {"business_lines": [str(scene["line"])], "anonymous": "y", "categories": ""}
    return "/surveys/new", {**data, "submission": token_of(page)}


FORMS = {
    "new finding": (_finding_form, Finding),
    "new backlog item": (_item_form, ImprovementItem),
    "promotion": (_promote_form, QuickWinProject),
    "new business line": (_business_line_form, BusinessLine),
    "new user": (_user_form, User),
    "new cycle": (_cycle_form, Cycle),
    "new review": (_review_form, Review),
    "new survey": (_survey_form, Survey),
}
#: Two tabs of one person posting the same form at once (the rest: sequentially only).
RACED = ["new finding", "new backlog item", "promotion", "new user", "new cycle"]


@pytest.mark.parametrize("form", list(FORMS))
def test_the_same_form_posted_twice_creates_once(app, scene, form):
    make_form, model = FORMS[form]
    url, data = make_form(app, scene)
    before = count(app, model)
    client = signed_in(app, "pmo@example.com")
    first = client.post(url, data=data)
    second = client.post(url, data=data)
    assert first.status_code == 302, first.text[:300]
    assert second.status_code == 302, second.text[:300]
    assert second.headers["Location"] == first.headers["Location"]
    assert "表单已经提交过" in client.get(second.headers["Location"]).text
    assert count(app, model) == before + 1


@pytest.mark.parametrize("form", RACED)
def test_the_same_form_posted_twice_at_once_creates_once(app, scene, form):
    make_form, model = FORMS[form]
    url, data = make_form(app, scene)
    before = count(app, model)
    clients = [signed_in(app, "pmo@example.com") for _ in range(2)]  # two tabs, one person
    responses = at_once(*(lambda c=c: c.post(url, data=data) for c in clients))
    assert [r.status_code for r in responses] == [302, 302], [r.text[:300] for r in responses]
    assert responses[0].headers["Location"] == responses[1].headers["Location"]
    assert count(app, model) == before + 1


def test_a_new_form_instance_creates_again(app, scene):
    for _ in range(2):
        url, data = _finding_form(app, scene)
        assert signed_in(app, "pmo@example.com").post(url, data=data).status_code == 302
    assert count(app, Finding) == 2


def test_the_kpi_and_measurement_forms_create_once(app, project_id):
    client = signed_in(app, "pmo@example.com")
    page = client.get(f"/quick-wins/{project_id}").text
    kpi = {**KPI, "submission": token_of(page)}
    for _ in range(2):
        assert client.post(f"/quick-wins/{project_id}/kpis", data=kpi).status_code == 302
    assert count(app, Kpi) == 1
    page = client.get(f"/quick-wins/{project_id}").text
    with app.app_context():
        kpi_id = db.session.scalar(select(Kpi.id))
    measurement = {
        "kpi_id": str(kpi_id),
        "measured_on": TODAY.isoformat(),
        "value": "8",
        "note": "",
        "submission": token_of(page),
    }
    posts = [lambda: client.post(f"/quick-wins/{project_id}/measurements", data=measurement)]
    assert [post().status_code for post in posts * 2] == [302, 302]
    assert count(app, KpiMeasurement) == 1


def test_the_review_action_form_creates_once(app, scene):
    client = signed_in(app, "pmo@example.com")
    url, data = _review_form(app, scene)
    review_page = client.post(url, data=data).headers["Location"]
    page = client.get(review_page).text
    action = {"title": "整理评审清单", "owner_id": "0", "due_on": TODAY.isoformat()}
    action["submission"] = token_of(page)
    posted = [client.post(f"{review_page}/actions", data=action) for _ in range(2)]
    assert [r.status_code for r in posted] == [302, 302]
    assert posted[1].headers["Location"] == posted[0].headers["Location"]
    assert count(app, ActionItem) == 1


def test_the_token_form_creates_once_and_never_shows_the_secret_again(app, scene):
    client = signed_in(app, "pmo@example.com")
    data = {"name": "Power BI", "submission": token_of(client.get("/profile/tokens").text)}
    first = client.post("/profile/tokens", data=data)
    second = client.post("/profile/tokens", data=data)
    assert first.status_code == 201
    assert second.status_code == 302
    page = client.get(second.headers["Location"]).text
    assert "表单已经提交过" in page
    assert "Power BI" in page
    secret = re.search(r'value="([^"]+)" size="60" id="new-token"', first.text)
    assert secret, "the first answer shows the new token"
    assert secret.group(1) not in page
    assert count(app, ApiToken) == 1


def test_another_users_token_creates_nothing(app, scene):
    url, data = _finding_form(app, scene)
    assert signed_in(app, "pmo@example.com").post(url, data=data).status_code == 302
    replay = signed_in(app, "pmo2@example.com").post(url, data=data)
    assert replay.status_code == 409
    assert "此表单已被使用" in replay.text
    assert count(app, Finding) == 1
    assert count(app, FormSubmission) == 1


# ------------------------------------------------------------------ from a gap finding


@pytest.fixture
def gap(app, scene) -> int:
    with app.app_context():
        finding = Finding(
            source=FindingSource.GAP, text="需求基线未建立", business_line_id=scene["line"]
        )
        finding.severity = 4
        db.session.add(finding)
        db.session.commit()
        return finding.id


def test_an_item_from_a_finding_is_made_once_when_clicked_twice(app, gap):
    client = signed_in(app, "pmo@example.com")
    before = count(app, ImprovementItem)
    first = client.post(f"/backlog/from-finding/{gap}")
    second = client.post(f"/backlog/from-finding/{gap}")
    assert first.status_code == second.status_code == 302
    assert count(app, ImprovementItem) == before + 1
    with app.app_context():
        item_id = db.session.scalar(select(func.max(ImprovementItem.id)))
    assert second.headers["Location"].endswith(f"/backlog/{item_id}")
    assert "该发现已有改进项" in client.get(second.headers["Location"]).text


def test_an_item_from_a_finding_is_made_once_when_posted_at_once(app, gap):
    clients = [signed_in(app, "pmo@example.com"), signed_in(app, "pmo2@example.com")]
    before = count(app, ImprovementItem)
    url = f"/backlog/from-finding/{gap}"
    responses = at_once(*(lambda c=c: c.post(url) for c in clients))
    assert [r.status_code for r in responses] == [302, 302]
    assert count(app, ImprovementItem) == before + 1


@pytest.fixture
def theme(app, scene) -> int:
    from tests.test_themes import make_theme

    return make_theme(app, ["需求变更频繁", "需求没人评审"], [scene["line"]], label="需求变更")


def _theme_item_form(client, theme: int, line: int) -> tuple[str, dict[str, str]]:
    """The theme's "create a backlog item" button opens a pre-filled form; it saves on 保存."""
    opened = client.post(f"/backlog/from-theme/{theme}")
    assert opened.status_code == 302
    url = opened.headers["Location"]
    data = {"title": "统一需求变更流程", "business_line_id": str(line), "owner_id": "0"}
    data |= {"impact": "4", "urgency": "3", "effort": "2"}
    return url, {**data, "submission": token_of(client.get(url).text)}


def test_an_item_from_a_theme_is_made_once_when_clicked_twice(app, scene, theme):
    client = signed_in(app, "pmo@example.com")
    before = count(app, ImprovementItem)
    url, data = _theme_item_form(client, theme, scene["line"])
    assert count(app, ImprovementItem) == before  # opening the form saves nothing
    first = client.post(url, data=data)
    second = client.post(url, data=data)
    assert first.status_code == second.status_code == 302
    assert count(app, ImprovementItem) == before + 1
    with app.app_context():
        item_id = db.session.scalar(
            select(ImprovementItem.id).where(ImprovementItem.theme_id == theme)
        )
    assert second.headers["Location"].endswith(f"/backlog/{item_id}")
    again = client.post(f"/backlog/from-theme/{theme}")  # the button, once an item exists
    assert again.headers["Location"].endswith(f"/backlog/{item_id}")
    assert "该主题已有改进项" in client.get(again.headers["Location"]).text


def test_an_item_from_a_theme_is_made_once_when_posted_at_once(app, scene, theme):
    clients = [signed_in(app, "pmo@example.com"), signed_in(app, "pmo2@example.com")]
    before = count(app, ImprovementItem)
    forms = [_theme_item_form(c, theme, scene["line"]) for c in clients]
    responses = at_once(
        *(lambda c=c, f=f: c.post(f[0], data=f[1]) for c, f in zip(clients, forms, strict=True))
    )
    assert sorted(r.status_code for r in responses) == [302, 422]
    assert count(app, ImprovementItem) == before + 1
    refused = next(r for r in responses if r.status_code == 422)
    assert "该主题已有改进项" in refused.text
