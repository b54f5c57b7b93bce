"""PMO improvement reviews: the agenda, decisions on several items at once, action items,
the minutes, and what waits for each user on the home page."""

from __future__ import annotations

import io
from datetime import date, timedelta

from openpyxl import load_workbook
from sqlalchemy import event

from app.extensions import db
from assessments.prioritisation import ItemStatus
from models import ActionItem, Review, ReviewDecision, ReviewKind, Role
from tests.backlog_helpers import load_item, make_item
from tests.pdf_text import pdf_text

TODAY = date.today()


def _review(app, client) -> int:
    response = client.post(
        "/reviews/",
        data={"kind": "monthly", "held_on": TODAY.isoformat(), "attendees": "PMO 孙经理、王总监"},
    )
    assert response.status_code == 302
    with app.app_context():
        return db.session.query(Review).one().id


def test_a_review_decides_several_items_at_once(app, client, login_as):
    pmo = login_as(Role.PMO)
    approve_id = make_item(app, "建立需求基线")
    reject_id = make_item(app, "重复的提议")
    reprioritise_id = make_item(app, "优化周报模板", impact=2, urgency=2, effort=3)
    overdue_id = make_item(
        app,
        "推行站会",
        planned_start=TODAY - timedelta(days=60),
        planned_end=TODAY - timedelta(days=1),
        actor_id=pmo.id,
        actions=("approve",),
    )
    review_id = _review(app, client)
    page = client.get(f"/reviews/{review_id}").text
    waiting = page.split("待决策")[1].split("逾期条目")[0]
    for title in ("建立需求基线", "重复的提议", "优化周报模板"):
        assert title in waiting
    assert "推行站会" in page.split("逾期条目")[1]
    response = client.post(
        f"/reviews/{review_id}/decisions",
        data={
            f"decision-{approve_id}": "approve",
            f"rationale-{approve_id}": "与 REQM 差距直接相关",
            f"decision-{reject_id}": "reject",
            f"rationale-{reject_id}": "与已有条目重复",
            f"decision-{reprioritise_id}": "reprioritise",
            f"rationale-{reprioritise_id}": "客户投诉增加",
            f"impact-{reprioritise_id}": "5",
            f"urgency-{reprioritise_id}": "5",
        },
    )
    assert response.status_code == 302
    assert load_item(app, approve_id).status is ItemStatus.APPROVED
    rejected = load_item(app, reject_id)
    assert rejected.status is ItemStatus.REJECTED
    assert rejected.status_reason == "与已有条目重复"
    bumped = load_item(app, reprioritise_id)
    assert (bumped.impact, bumped.urgency, bumped.priority) == (5, 5, 3.33)
    assert load_item(app, overdue_id).status is ItemStatus.APPROVED
    page = client.get(f"/reviews/{review_id}").text
    assert "与 REQM 差距直接相关" in page.split("已作出的决策")[1]
    with app.app_context():
        assert db.session.query(ReviewDecision).count() == 3


def test_one_refused_decision_applies_none(app, client, login_as):
    login_as(Role.PMO)
    good = make_item(app, "条目甲")
    bad = make_item(app, "条目乙")
    review_id = _review(app, client)
    response = client.post(
        f"/reviews/{review_id}/decisions",
        data={
            f"decision-{good}": "approve",
            f"rationale-{good}": "好",
            f"decision-{bad}": "defer",
            f"rationale-{bad}": "",
        },
    )
    assert response.status_code == 422
    assert "未应用任何决策" in response.text
    assert "条目乙" in response.text
    assert load_item(app, good).status is ItemStatus.PROPOSED
    with app.app_context():
        assert db.session.query(ReviewDecision).count() == 0


def test_action_items_minutes_and_home_page(app, client, make_user, login_as, auth):
    owner = make_user(Role.DIRECTOR, name="赵总监")
    pmo = login_as(Role.PMO)
    make_item(app, "推广评审清单", owner_id=owner.id, actor_id=pmo.id, actions=("approve",))
    review_id = _review(app, client)
    response = client.post(
        f"/reviews/{review_id}/actions",
        data={
            "title": "整理缺陷数据口径",
            "owner_id": str(owner.id),
            "due_on": (TODAY - timedelta(days=3)).isoformat(),
        },
    )
    assert response.status_code == 302
    minutes = client.get(f"/reviews/{review_id}/minutes.xlsx")
    assert minutes.status_code == 200
    book = load_workbook(io.BytesIO(minutes.data))
    assert book.sheetnames == ["会议信息", "逾期条目", "偏离目标的 KPI", "新主题", "决策", "行动项"]
    assert book["行动项"]["A2"].value == "整理缺陷数据口径"
    assert book.worksheets[0]["B3"].value == "PMO 孙经理、王总监"
    pdf = client.get(f"/reviews/{review_id}/minutes.pdf")
    assert pdf.status_code == 200
    assert pdf.mimetype == "application/pdf"
    pages, text = pdf_text(pdf.data)
    assert pages >= 1
    assert "改进评审会纪要" in text
    assert "整理缺陷数据口径" in text
    assert "PMO 孙经理、王总监" in text
    assert "第 1 页" in text
    auth.logout()
    auth.login(owner)
    home = client.get("/").text
    assert "启动“推广评审清单”" in home
    assert "整理缺陷数据口径" in home
    with app.app_context():
        assert db.session.query(ActionItem).one().owner_id == owner.id


def test_home_page_query_count_does_not_grow(app, client, make_user, auth):
    owner = make_user(Role.DIRECTOR)
    admin = make_user(Role.ADMIN)
    auth.login(owner)

    def count() -> int:
        statements: list[str] = []
        with app.app_context():

            def before(*args):
                statements.append(args[2])

            event.listen(db.engine, "before_cursor_execute", before)
            try:
                assert client.get("/").status_code == 200
            finally:
                event.remove(db.engine, "before_cursor_execute", before)
        return len(statements)

    make_item(app, "一", owner_id=owner.id, actor_id=admin.id, actions=("approve",))
    few = count()
    for n in range(6):
        make_item(app, f"条目{n}", owner_id=owner.id, actor_id=admin.id, actions=("approve",))
    assert count() == few


def test_reviews_are_for_the_pmo(app, client, login_as):
    login_as(Role.DIRECTOR)
    with app.app_context():
        review = Review(kind=ReviewKind.WEEKLY, held_on=TODAY)
        db.session.add(review)
        db.session.commit()
        review_id = review.id
    assert client.get(f"/reviews/{review_id}").status_code == 403
    assert client.get(f"/reviews/{review_id}/minutes.xlsx").status_code == 403
    assert client.get(f"/reviews/{review_id}/minutes.pdf").status_code == 403


def test_the_review_lists_themes_created_since_the_previous_review(app, client, login_as):
    from datetime import UTC, datetime, time

    from models import ClusteringRun, RunStatus, Theme

    login_as(Role.PMO)
    last_month = TODAY - timedelta(days=30)
    with app.app_context():
        db.session.add(Review(kind=ReviewKind.MONTHLY, held_on=last_month))
        run = ClusteringRun(
            status=RunStatus.DONE, k=2, parameters={}, published_at=datetime.now(UTC)
        )
        draft = ClusteringRun(status=RunStatus.DONE, k=1, parameters={})
        db.session.add(Theme(run=draft, label="草稿主题", size=3, created_at=datetime.now(UTC)))
        for label, created in (
            ("旧主题：测试不足", last_month),
            ("新主题：供应商交期", TODAY - timedelta(days=3)),
        ):
            db.session.add(
                Theme(
                    run=run,
                    label=label,
                    size=7,
                    process_areas=["SAM"],
                    created_at=datetime.combine(created, time(10), tzinfo=UTC),
                )
            )
        db.session.commit()
    response = client.post(
        "/reviews/", data={"kind": "monthly", "held_on": TODAY.isoformat(), "attendees": ""}
    )
    page = client.get(response.headers["Location"]).text
    section = page.split("data-new-themes", 1)[1].split("</section>", 1)[0]
    assert "新主题：供应商交期" in section
    assert "7 条发现项" in section
    assert "旧主题：测试不足" not in section
    assert "草稿主题" not in section  # a draft run's themes are not on the agenda
    with app.app_context():
        first = db.session.query(Review).filter_by(held_on=last_month).one().id
    earlier = client.get(f"/reviews/{first}").text.split("data-new-themes", 1)[1]
    assert "旧主题：测试不足" in earlier.split("</section>", 1)[0]
    assert "新主题：供应商交期" not in earlier.split("</section>", 1)[0]


def test_an_action_item_is_marked_done_once_and_audited(app, client, login_as):
    from models import AuditEvent

    login_as(Role.PMO)
    review_id = _review(app, client)
    client.post(
        f"/reviews/{review_id}/actions",
        data={"title": "整理缺陷数据口径", "owner_id": "0", "due_on": TODAY.isoformat()},
    )
    with app.app_context():
        action_id = db.session.query(ActionItem).one().id
    page = client.get(f"/reviews/{review_id}").text
    assert 'data-action="done"' in page
    done = client.post(f"/reviews/{review_id}/actions/{action_id}/done", follow_redirects=True)
    assert "已将行动项标记为完成" in done.text
    assert 'data-action="done"' not in done.text
    assert "data-action-done" in done.text
    client.post(f"/reviews/{review_id}/actions/{action_id}/done")
    with app.app_context():
        assert db.session.get(ActionItem, action_id).done is True
        events = db.session.query(AuditEvent).filter_by(object_type="ActionItem", action="update")
        assert events.count() == 1
    assert client.post(f"/reviews/{review_id + 1}/actions/{action_id}/done").status_code == 404


def test_directors_cannot_mark_action_items_done(app, client, login_as):
    login_as(Role.DIRECTOR)
    with app.app_context():
        review = Review(kind=ReviewKind.WEEKLY, held_on=TODAY)
        review.actions.append(ActionItem(title="复盘", due_on=TODAY))
        db.session.add(review)
        db.session.commit()
        ids = (review.id, review.actions[0].id)
    assert client.post(f"/reviews/{ids[0]}/actions/{ids[1]}/done").status_code == 403
    with app.app_context():
        assert db.session.get(ActionItem, ids[1]).done is False
