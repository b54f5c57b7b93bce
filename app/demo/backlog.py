"""Demo data of the backlog: about 40 items across the business lines (from gap findings
when the assessments step made some), two running and three finished quick wins with KPI
history, and past improvement reviews. The large size adds 2,000 items in bulk."""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import date, timedelta

from sqlalchemy import insert, select

from app.extensions import db
from app.services.backlog.items import (
    ItemInput,
    change_status,
    create_from_finding,
    current_rule,
    save_item,
)
from app.services.backlog.quickwins import add_kpi, close_project, promote, today
from app.services.backlog.reviews import DecisionInput, add_action, create_review, decide
from assessments.kpi import Direction
from assessments.prioritisation import Action, ItemStatus, is_quick_win, priority
from models import (
    BusinessLine,
    Finding,
    FindingSource,
    ImprovementItem,
    KpiMeasurement,
    ReviewKind,
    Role,
    User,
)

#: (process area, title, impact, urgency, effort)
IDEAS = (
    ("REQM", "建立需求变更评审会机制", 5, 4, 2),
    ("REQM", "需求基线与变更记录模板统一", 4, 3, 2),
    ("RD", "客户需求访谈提纲标准化", 3, 3, 2),
    ("PP", "项目计划模板增加资源与风险章节", 4, 4, 2),
    ("PP", "工作量估算引入三点估算法", 4, 3, 3),
    ("PMC", "周例会跟踪计划偏差并记录纠正措施", 5, 4, 1),
    ("PMC", "建立项目健康度红黄绿看板", 4, 3, 2),
    ("MA", "定义部门级度量指标口径", 4, 3, 3),
    ("MA", "自动采集缺陷与工时数据", 5, 3, 4),
    ("PPQA", "引入过程符合性检查清单", 3, 3, 2),
    ("PPQA", "QA 独立汇报线试点", 3, 2, 4),
    ("CM", "统一配置库目录结构与基线命名", 4, 3, 2),
    ("CM", "发布前配置审计", 3, 3, 2),
    ("SAM", "供应商交付物验收标准", 4, 4, 3),
    ("VER", "代码评审覆盖全部关键模块", 5, 4, 2),
    ("VER", "同行评审记录电子化", 3, 2, 2),
    ("VAL", "用户验收测试用例模板", 3, 3, 2),
    ("RSKM", "项目风险登记册与每周复核", 4, 4, 1),
    ("DAR", "重大技术方案决策分析会", 3, 2, 3),
    ("OPF", "建立过程改进提案通道", 3, 2, 2),
    ("OPD", "组织过程资产库上线", 4, 2, 4),
    ("OT", "新员工过程培训课程", 3, 3, 3),
    ("IPM", "项目裁剪指南", 3, 2, 3),
    ("TS", "设计评审准入准出标准", 4, 3, 3),
    ("PI", "持续集成覆盖主干分支", 5, 4, 3),
)
STATUS_PLAN = (
    (),
    ("approve",),
    ("approve", "start"),
    ("approve", "start", "finish"),
    ("approve", "start", "finish", "verify"),
    ("defer",),
    ("reject",),
    (),
)
#: (KPI name, unit, direction, baseline, target, source)
KPIS = (
    ("需求变更率", "%", Direction.LOWER, 22.0, 12.0, "需求管理系统"),
    ("计划偏差率", "%", Direction.LOWER, 18.0, 8.0, "项目周报"),
    ("缺陷逃逸率", "%", Direction.LOWER, 9.0, 4.0, "缺陷跟踪系统"),
    ("评审覆盖率", "%", Direction.HIGHER, 55.0, 90.0, "评审记录"),
    ("按期交付率", "%", Direction.HIGHER, 70.0, 90.0, "项目台账"),
)
LARGE_ITEMS = 2000


def _users() -> tuple[User, User, dict[int, User]]:
    admin = db.session.scalar(select(User).where(User.role == Role.ADMIN).order_by(User.id))
    pmo = db.session.scalar(select(User).where(User.role == Role.PMO).order_by(User.id))
    if admin is None or pmo is None:
        raise RuntimeError("seed the organisation first")
    directors = {
        line.id: line.directors[0]
        for line in db.session.scalars(select(BusinessLine))
        if line.directors
    }
    return admin, pmo, directors


def seed(size: str, progress: Callable[[int], None] = lambda _n: None) -> None:
    rng = random.Random(20260101)  # noqa: S311  (demo data, not security)
    admin, pmo, directors = _users()
    lines = list(db.session.scalars(select(BusinessLine).order_by(BusinessLine.id)))[:5]
    start_day = today() - timedelta(days=180)
    items = _seed_items(rng, pmo, admin, lines, directors, start_day)
    progress(40)
    _seed_quick_wins(rng, pmo, items)
    progress(20)
    _seed_reviews(pmo, items, directors)
    progress(10)
    if size == "large":
        _bulk_items(rng, list(db.session.scalars(select(BusinessLine))), directors, progress)
    progress(30)


def _seed_items(
    rng: random.Random,
    pmo: User,
    admin: User,
    lines: list[BusinessLine],
    directors: dict[int, User],
    start_day: date,
) -> list[ImprovementItem]:
    items: list[ImprovementItem] = []
    gaps = list(
        db.session.scalars(
            select(Finding).where(Finding.source == FindingSource.GAP).order_by(Finding.id)
        )
    )[:8]
    for finding in gaps:
        items.append(create_from_finding(pmo, finding))
    n = 0
    while len(items) < 40:
        area, title, impact, urgency, effort = IDEAS[n % len(IDEAS)]
        line = lines[n % len(lines)] if lines and n % 6 != 5 else None
        owner = directors.get(line.id) if line is not None else pmo
        begin = start_day + timedelta(days=rng.randint(0, 120))
        weeks = 6 if effort <= 2 else rng.choice((10, 12, 16))
        prefix = f"{line.name}：" if line is not None else "全公司："
        items.append(
            save_item(
                pmo,
                None,
                ItemInput(
                    title=f"{prefix}{title}",
                    description=f"针对 {area} 过程域的改进：{title}。",
                    business_line_id=line.id if line else None,
                    process_area=area,
                    impact=impact,
                    urgency=urgency,
                    effort=effort,
                    owner_id=owner.id if owner else None,
                    planned_start=begin,
                    planned_end=begin + timedelta(weeks=weeks),
                ),
            )
        )
        n += 1
    for index, item in enumerate(items):
        plan = STATUS_PLAN[index % len(STATUS_PLAN)]
        if item.owner_id is None:
            item.owner_id = pmo.id
        for action in plan:
            actor = admin if action in ("start", "finish") else pmo
            reason = "等待下季度预算" if action == "defer" else "与现有条目重复"
            change_status(
                actor, item, Action(action), reason if action in ("defer", "reject") else ""
            )
    return items


def _seed_quick_wins(rng: random.Random, pmo: User, items: list[ImprovementItem]) -> None:
    candidates = [
        i
        for i in items
        if i.quick_win and i.status in (ItemStatus.APPROVED, ItemStatus.IN_PROGRESS)
    ]
    extra = [i for i in items if i.quick_win and i.status is ItemStatus.PROPOSED]
    for item in extra[: max(0, 5 - len(candidates))]:
        change_status(pmo, item, Action.APPROVE)
        candidates.append(item)
    now = today()
    for index, item in enumerate(candidates[:5]):
        finished = index >= 2
        start = now - timedelta(weeks=20 if finished else 4)
        project = promote(
            pmo,
            item,
            goal=f"{item.title}，并用数据验证效果",
            scope="试点 3 个项目",
            start=start,
            end=start + timedelta(weeks=8),
            team="PMO、质量保证、试点项目经理",
        )
        chosen = [KPIS[index % len(KPIS)], KPIS[(index + 3) % len(KPIS)]]
        for name, unit, direction, baseline, target, source in chosen:
            kpi = add_kpi(
                pmo,
                project,
                name=name,
                unit=unit,
                direction=direction,
                baseline=baseline,
                target=target,
                source=source,
            )
            weeks = 8 if finished else 3
            reach = 1.15 if finished and index != 4 else (0.8 if finished else 0.35)
            for week in range(1, weeks + 1):
                share = reach * week / weeks + rng.uniform(-0.05, 0.05)
                value = round(baseline + (target - baseline) * share, 1)
                kpi.measurements.append(
                    KpiMeasurement(
                        measured_on=start + timedelta(weeks=week), value=value, note="周度统计"
                    )
                )
        db.session.flush()
        if finished:
            close_project(
                pmo,
                project,
                achieved=index != 4,
                benefit_text="试点项目返工明显减少，团队对流程的认同度提升。",
                benefit_numbers="返工工时下降约 30%，评审问题关闭周期缩短 2 天",
                lessons_learned="尽早让一线项目经理参与设计；度量口径先统一再采集。",
            )
            project.closed_on = start + timedelta(weeks=9)


def _seed_reviews(pmo: User, items: list[ImprovementItem], directors: dict[int, User]) -> None:
    now = today()
    proposed = [i for i in items if i.status is ItemStatus.PROPOSED]
    for weeks_ago, kind in (
        (12, ReviewKind.MONTHLY),
        (8, ReviewKind.WEEKLY),
        (4, ReviewKind.MONTHLY),
    ):
        review = create_review(
            pmo,
            kind=kind,
            held_on=now - timedelta(weeks=weeks_ago),
            attendees="PMO 孙经理、各业务线总监、质量经理",
            notes="回顾改进待办与快赢项目进展。",
        )
        batch, proposed = proposed[:2], proposed[2:]
        if batch:
            decide(
                pmo,
                review,
                [
                    DecisionInput(batch[0].id, "approve", "与评估差距直接相关，投入小"),
                    *(
                        [DecisionInput(batch[1].id, "reprioritise", "客户反馈增多", urgency=5)]
                        if len(batch) > 1
                        else []
                    ),
                ],
            )
        owner = next(iter(directors.values()), pmo)
        add_action(
            pmo,
            review,
            title="整理各业务线度量数据口径",
            owner_id=owner.id,
            due_on=review.held_on + timedelta(weeks=2),
        )


def _bulk_items(
    rng: random.Random,
    lines: list[BusinessLine],
    directors: dict[int, User],
    progress: Callable[[int], None],
) -> None:
    """2,000 more items in one bulk insert per 500 rows; no audit events for these."""
    rule = current_rule()
    statuses = list(ItemStatus)
    rows = []
    now = today()
    for n in range(LARGE_ITEMS):
        area, title, _impact, _urgency, _effort = IDEAS[n % len(IDEAS)]
        impact, urgency, effort = rng.randint(1, 5), rng.randint(1, 5), rng.randint(1, 5)
        line = lines[n % len(lines)] if n % 10 else None
        begin = now - timedelta(days=rng.randint(0, 300))
        end = begin + timedelta(weeks=rng.choice((4, 6, 8, 12, 20)))
        owner = directors.get(line.id) if line else None
        rows.append(
            {
                "title": f"{line.name if line else '全公司'}：{title}（{n + 1}）",
                "description": f"批量演示数据：{area}",
                "business_line_id": line.id if line else None,
                "process_area": area,
                "impact": impact,
                "urgency": urgency,
                "effort": effort,
                "priority": priority(impact, urgency, effort),
                "quick_win": is_quick_win(rule, impact, effort, begin, end),
                "owner_id": owner.id if owner else None,
                "planned_start": begin,
                "planned_end": end,
                "status": statuses[n % len(statuses)],
                "status_reason": "",
                "version": 1,
            }
        )
    for start in range(0, len(rows), 500):
        db.session.execute(insert(ImprovementItem), rows[start : start + 500])
    db.session.flush()
