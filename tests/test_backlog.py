"""The improvement backlog: list, edits with a version check, status changes by role,
items from gap findings, the matrix, the board, the quick-win rule and director visibility."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import event

from app.extensions import db
from models import AuditEvent, Finding, FindingSource, ImprovementItem, Role
from tests.backlog_helpers import load_item, make_item


def test_pmo_creates_an_item_and_sees_priority_and_quick_win_badge(app, client, login_as):
    login_as(Role.PMO)
    response = client.post(
        "/backlog/new",
        data={
            "title": "建立需求变更评审机制",
            "business_line_id": "0",
            "process_area": "reqm",
            "impact": "5",
            "urgency": "4",
            "effort": "2",
            "owner_id": "0",
        },
    )
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).text
    assert "建立需求变更评审机制" in page
    assert "4.5" in page  # (5 + 4) / 2
    assert "快赢" in page
    assert "全公司" in page
    listing = client.get("/backlog/").text
    assert "REQM" in listing
    assert 'class="badge quick-win"' in listing
    with app.app_context():
        event_ = db.session.query(AuditEvent).filter_by(object_type="ImprovementItem").one()
        assert event_.action == "create"
        assert event_.changes["priority"]["new"] == 4.5


def test_bad_values_are_refused_next_to_the_field(client, login_as):
    login_as(Role.PMO)
    response = client.post(
        "/backlog/new",
        data={
            "title": "",
            "business_line_id": "0",
            "impact": "3",
            "urgency": "3",
            "effort": "3",
            "owner_id": "0",
            "planned_start": "2026-03-01",
            "planned_end": "2026-02-01",
        },
    )
    assert response.status_code == 200
    assert 'class="error"' in response.text
    end_first = client.post(
        "/backlog/new",
        data={
            "title": "计划",
            "business_line_id": "0",
            "impact": "3",
            "urgency": "3",
            "effort": "3",
            "owner_id": "0",
            "planned_start": "2026-03-01",
            "planned_end": "2026-02-01",
        },
    )
    assert end_first.status_code == 422
    assert "计划结束日期不能早于计划开始日期" in end_first.text


def test_a_stale_edit_is_refused_with_what_changed(app, client, login_as):
    login_as(Role.PMO)
    item_id = make_item(app, "缩短评审周期", impact=3, urgency=3, effort=3)
    form = {
        "title": "缩短评审周期",
        "business_line_id": "0",
        "impact": "4",
        "urgency": "3",
        "effort": "3",
        "owner_id": "0",
        "version": "1",
    }
    assert client.post(f"/backlog/{item_id}/edit", data=form).status_code == 302
    stale = client.post(f"/backlog/{item_id}/edit", data={**form, "impact": "2"})
    assert stale.status_code == 409
    assert "在您打开之后，其他人已保存了这条记录" in stale.text
    assert "impact" in stale.text
    assert load_item(app, item_id).impact == 4


ROLES = [Role.ADMIN, Role.PMO, Role.LEADERSHIP, Role.DIRECTOR]
# (status reached first, action, who acts: a role, or "owner"; expected HTTP status)
STATUS_CASES = [
    ((), "approve", Role.PMO, 302),
    ((), "approve", Role.ADMIN, 302),
    ((), "approve", Role.LEADERSHIP, 403),
    ((), "approve", "owner", 403),
    (("approve",), "start", "owner", 302),
    (("approve",), "start", Role.PMO, 403),
    (("approve",), "start", Role.ADMIN, 302),
    (("approve", "start"), "finish", "owner", 302),
    (("approve", "start"), "finish", Role.LEADERSHIP, 403),
    (("approve", "start", "finish"), "verify", Role.PMO, 302),
    (("approve", "start", "finish"), "verify", "owner", 403),
    ((), "start", "owner", 409),  # not approved yet
    (("approve", "start", "finish", "verify"), "reject", Role.PMO, 409),
]


@pytest.mark.parametrize(
    ("before", "action", "who", "expected"),
    STATUS_CASES,
    ids=[
        f"{'-'.join(b) or 'proposed'}:{a}:{getattr(w, 'value', w)}" for b, a, w, _ in STATUS_CASES
    ],
)
def test_status_changes_by_role(app, client, make_user, auth, before, action, who, expected):
    admin = make_user(Role.ADMIN)
    owner = make_user(Role.DIRECTOR)
    item_id = make_item(
        app, "推行周例会", owner_id=owner.id, actor_id=admin.id, actions=before, effort=2
    )
    person = owner if who == "owner" else make_user(who)
    auth.login(person)
    response = client.post(f"/backlog/{item_id}/status", data={"action": action, "reason": "理由"})
    assert response.status_code == expected
    if expected == 409:
        assert "不能这样变更" in response.text


def test_reject_and_defer_need_a_reason(app, client, login_as):
    login_as(Role.PMO)
    item_id = make_item(app, "引入代码评审")
    refused = client.post(f"/backlog/{item_id}/status", data={"action": "defer", "reason": " "})
    assert refused.status_code == 409
    assert "请填写推迟的理由" in refused.text
    done = client.post(f"/backlog/{item_id}/status", data={"action": "defer", "reason": "预算不足"})
    assert done.status_code == 302
    page = client.get(f"/backlog/{item_id}").text
    assert "已推迟" in page
    assert "预算不足" in page
    with app.app_context():
        actions = [e.action for e in db.session.query(AuditEvent).order_by(AuditEvent.id)]
        assert actions[-1] == "defer"


def test_buttons_show_only_what_the_user_may_do(app, client, make_user, auth):
    pmo = make_user(Role.PMO)
    owner = make_user(Role.DIRECTOR)
    item_id = make_item(app, "建立度量库", owner_id=owner.id, actor_id=pmo.id, actions=("approve",))
    auth.login(owner)
    page = client.get(f"/backlog/{item_id}").text
    assert 'data-action="start"' in page
    assert 'data-action="reject"' not in page
    auth.logout()
    auth.login(pmo)
    page = client.get(f"/backlog/{item_id}").text
    assert 'data-action="start"' not in page
    assert 'data-action="reject"' in page
    assert 'data-action="defer"' in page


def test_item_from_a_gap_finding_in_one_step(app, client, login_as, make_business_line):
    line = make_business_line("RDC", "研发中心")
    with app.app_context():
        finding = Finding(
            source=FindingSource.GAP,
            business_line_id=line.id,
            process_area="PP",
            goal_id="PP.SG2",
            severity=4,
            text="PP 项目策划：PP.SG2 制定项目计划 未满足 / Develop a project plan not satisfied",
        )
        db.session.add(finding)
        db.session.commit()
        finding_id = finding.id
    login_as(Role.PMO)
    gaps = client.get("/backlog/gaps").text
    assert f'data-finding="{finding_id}"' in gaps
    response = client.post(f"/backlog/from-finding/{finding_id}")
    assert response.status_code == 302
    item_id = int(re.search(r"/backlog/(\d+)/edit", response.headers["Location"]).group(1))
    item = load_item(app, item_id)
    assert item.business_line_id == line.id
    assert item.process_area == "PP"
    assert item.impact == 4
    page = client.get(f"/backlog/{item_id}").text
    assert "制定项目计划" in page
    assert "研发中心" in page
    assert f'data-finding="{finding_id}"' not in client.get("/backlog/gaps").text


def test_directors_see_their_lines_and_company_wide_items_only(
    app, client, make_user, make_business_line, auth
):
    director = make_user(Role.DIRECTOR)
    mine = make_business_line("SCM", "供应链", directors=(director.id,))
    other = make_business_line("LEAN", "工厂精益运营")
    own_id = make_item(app, "供应商评估标准化", business_line_id=mine.id)
    other_id = make_item(app, "精益看板推广", business_line_id=other.id)
    wide_id = make_item(app, "全公司评审模板")
    auth.login(director)
    listing = client.get("/backlog/").text
    assert "供应商评估标准化" in listing
    assert "全公司评审模板" in listing
    assert "精益看板推广" not in listing
    assert "精益看板推广" not in client.get("/backlog/matrix").text
    assert "精益看板推广" not in client.get("/backlog/board").text
    assert client.get(f"/backlog/{other_id}").status_code == 404
    assert client.get(f"/backlog/{own_id}").status_code == 200
    # seeing is not editing: only the PMO, admins and the owner edit
    assert client.get(f"/backlog/{wide_id}/edit").status_code == 403
    assert (
        client.post(f"/backlog/{own_id}/place", data={"impact": "5", "effort": "1"}).status_code
        == 403
    )


def test_owner_edits_their_item(app, client, make_user, auth):
    owner = make_user(Role.DIRECTOR)
    item_id = make_item(app, "需求基线管理", owner_id=owner.id)
    auth.login(owner)
    assert client.get(f"/backlog/{item_id}/edit").status_code == 200


def test_list_filters_sorts_searches_and_paginates(app, client, login_as, make_business_line):
    line = make_business_line("DF", "数字化工厂")
    make_item(app, "低优先级整理", impact=1, urgency=1, effort=5)
    make_item(app, "高优先级快赢", impact=5, urgency=5, effort=1, business_line_id=line.id)
    make_item(app, "中优先级工作", impact=3, urgency=3, effort=3, process_area="PMC")
    login_as(Role.PMO)
    page = client.get("/backlog/").text
    assert page.index("高优先级快赢") < page.index("中优先级工作") < page.index("低优先级整理")
    reversed_ = client.get("/backlog/?sort=-priority").text
    assert reversed_.index("低优先级整理") < reversed_.index("高优先级快赢")
    only_qw = client.get("/backlog/?quick_win=1").text
    assert "高优先级快赢" in only_qw
    assert "中优先级工作" not in only_qw
    assert "中优先级工作" in client.get("/backlog/?process_area=pmc").text
    assert "高优先级快赢" not in client.get("/backlog/?process_area=pmc").text
    assert "高优先级快赢" in client.get(f"/backlog/?business_line={line.id}").text
    assert "高优先级快赢" not in client.get("/backlog/?business_line=none").text
    assert "低优先级" in client.get("/backlog/?q=整理").text
    assert "中优先级工作" not in client.get("/backlog/?q=整理").text
    second = client.get("/backlog/?per_page=2&page=2").text
    assert "低优先级整理" in second
    assert "高优先级快赢" not in second
    assert "没有符合条件的条目" in client.get("/backlog/?q=不存在").text


def test_matrix_places_items_and_moving_edits_impact_and_effort(app, client, login_as):
    login_as(Role.PMO)
    item_id = make_item(app, "统一缺陷分级", impact=2, urgency=3, effort=4)
    page = client.get("/backlog/matrix").text
    thankless = page.split('data-quadrant="thankless"')[1]
    assert "统一缺陷分级" in thankless
    moved = client.post(
        f"/backlog/{item_id}/place", data={"impact": "5", "effort": "1", "version": "1"}
    )
    assert moved.status_code == 302
    page = client.get("/backlog/matrix").text
    quick = page.split('data-quadrant="quick"')[1].split('data-quadrant="major"')[0]
    assert "统一缺陷分级" in quick
    item = load_item(app, item_id)
    assert (item.impact, item.effort, item.quick_win, item.priority) == (5, 1, True, 8.0)


def test_board_groups_items_by_status(app, client, make_user, login_as):
    pmo = login_as(Role.PMO)
    make_item(app, "待批准条目")
    make_item(app, "已批准条目", actor_id=pmo.id, actions=("approve",))
    page = client.get("/backlog/board").text
    approved = page.split('data-column="approved"')[1].split("data-column=")[0]
    assert "已批准条目" in approved
    assert "待批准条目" not in approved


def test_edited_rule_remarks_every_item(app, client, login_as):
    login_as(Role.PMO)
    item_id = make_item(app, "评审清单", impact=4, urgency=2, effort=2)
    assert load_item(app, item_id).quick_win
    response = client.post(
        "/backlog/rule",
        data={"min_impact": "5", "max_effort": "2", "max_weeks": "8", "version": "1"},
    )
    assert response.status_code == 302
    assert not load_item(app, item_id).quick_win
    assert "快赢" not in client.get(f"/backlog/{item_id}").text.split("<h1>")[1].split("</h1>")[0]
    other = make_item(app, "五分影响", impact=5, urgency=2, effort=2)
    assert load_item(app, other).quick_win


@pytest.mark.parametrize("url", ["/backlog/", "/backlog/matrix", "/backlog/board"])
def test_pages_run_a_constant_number_of_queries(app, client, make_user, login_as, url):
    login_as(Role.PMO)
    owner = make_user(Role.DIRECTOR)

    def count() -> int:
        statements: list[str] = []
        with app.app_context():
            engine = db.engine

            def before(*args):
                statements.append(args[2])

            event.listen(engine, "before_cursor_execute", before)
            try:
                assert client.get(url).status_code == 200
            finally:
                event.remove(engine, "before_cursor_execute", before)
        return len(statements)

    make_item(app, "条目一", owner_id=owner.id)
    few = count()
    for n in range(12):
        make_item(app, f"条目 {n}", owner_id=owner.id, impact=1 + n % 5, effort=1 + n % 4)
    assert count() == few


def test_pmo_turns_a_theme_into_an_item_that_links_back(app, client, login_as, make_business_line):
    from tests.test_themes import make_theme

    login_as(Role.PMO)
    one = make_business_line("RDC", "研发中心").id
    two = make_business_line("SCM", "供应链").id
    single = make_theme(
        app, ["需求变更频繁", "需求没人评审"], [one], label="需求变更", areas=("REQM", "PP")
    )
    theme_page = client.get(f"/themes/{single}").text
    assert 'data-action="to-backlog"' in theme_page
    response = client.post(f"/backlog/from-theme/{single}")
    assert response.status_code == 302
    assert response.headers["Location"] == f"/backlog/new?theme={single}"
    with app.app_context():  # nothing is saved before 保存: 取消 leaves no item
        assert db.session.query(ImprovementItem).count() == 0
    draft = client.get(response.headers["Location"]).text
    assert 'value="需求变更"' in draft
    assert "“需求变更频繁”" in draft  # the description quotes the findings, not keywords
    assert 'list="process-areas"' in draft
    assert f'href="/themes/{single}">取消' in draft
    saved = client.post(
        f"/backlog/new?theme={single}",
        data={
            "title": "需求变更",
            "description": "“需求变更频繁”",
            "business_line_id": str(one),
            "process_area": "REQM",
            "impact": "4",
            "urgency": "3",
            "effort": "3",
            "owner_id": "0",
        },
    )
    assert saved.status_code == 302, saved.text
    item_id = int(saved.headers["Location"].split("/")[-1])
    item = load_item(app, item_id)
    assert (item.title, item.process_area, item.business_line_id) == ("需求变更", "REQM", one)
    assert item.theme_id == single
    with app.app_context():
        linked = db.session.scalars(
            db.select(Finding.text)
            .join(ImprovementItem.findings)
            .where(ImprovementItem.id == item_id)
        ).all()
        assert sorted(linked) == sorted(["需求变更频繁", "需求没人评审"])
        assert (
            db.session.query(AuditEvent).filter_by(object_id=str(item_id), action="create").count()
        )
    page = client.get(f"/backlog/{item_id}").text
    assert f'href="/themes/{single}"' in page
    again = client.post(f"/backlog/from-theme/{single}")
    assert again.headers["Location"] == f"/backlog/{item_id}"
    wide = make_theme(app, ["进度失控", "计划没人更新"], [one, two], label="进度", areas=())
    wide_draft = client.get(f"/backlog/new?theme={wide}").text
    assert 'name="process_area" type="text" value=""' in wide_draft
    assert re.search(r'<option selected value="0">', wide_draft)  # company-wide
    assert client.get("/backlog/new?theme=999999").status_code == 404
    assert client.post("/backlog/from-theme/999999").status_code == 404


def test_the_item_page_shows_the_area_score_change_after_approval(
    app, client, login_as, make_business_line
):
    from datetime import date, datetime

    from models import Assessment
    from tests.assessment_support import make_cycle

    pmo = login_as(Role.PMO)
    line = make_business_line("RDC", "研发中心").id
    item_id = make_item(
        app,
        "改进策划",
        actor_id=pmo.id,
        business_line_id=line,
        process_area="STD",
        actions=("approve",),
    )
    assert load_item(app, item_id).approved_on == date(2026, 1, 5)
    waiting = client.get(f"/backlog/{item_id}").text
    assert "data-outcome" not in waiting
    assert "该业务线在批准后有评估通过审核时显示" in waiting
    for name, validated, score in (
        ("2025 H2", datetime(2025, 12, 20), 40.0),
        ("2026 H1", datetime(2026, 6, 30), 66.7),
    ):
        cycle_id = make_cycle(app, pmo.id, {line: 2}, name=name)
        with app.app_context():
            assessment = db.session.scalars(
                db.select(Assessment).where(Assessment.cycle_id == cycle_id)
            ).one()
            assessment.validated_at = validated
            assessment.result_snapshot = {"process_areas": {"STD": {"score": score}}}
            db.session.commit()
    page = client.get(f"/backlog/{item_id}").text
    outcome = re.search(r"data-outcome>([^<]*)<", page).group(1)
    assert outcome == "40 → 66.7 (+26.7)"
