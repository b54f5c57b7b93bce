"""A small organisation for the report tests, built through the services.

Two business lines (A 研发中心, B 供应链) and two cycles of the PMO capability model with
STD and SCH in scope (17 practices each, 34 in all):

- cycle 1 "2025 H2": A all FI (score 100, ML2), B all PI (33.33, ML1); both validated;
- cycle 2 "2026 H1": A STD FI and SCH NI (50.0, ML1, target 2, gap 1), validated;
  B all LI (66.67, ML2, target 3, gap 1), submitted, not validated;
- backlog: 3 items of A created in 2026-01, 2026-01 and 2026-03, one of B in 2026-02;
  an A item finished in 2026-02 and verified in 2026-03;
- a quick win of A with two KPIs: lead time 10 → 6 days measured 7 (progress 0.75) and
  on-time rate 80 → 90 % measured 92 (progress 1.2, achieved): share achieved 1/2;
- a finished clustering run: theme "模板不统一" with 3 findings of A (severity 4, 4, 1 →
  mean 3.0) and theme "排期冲突" with 1 finding of B (severity 5) and 1 of A (severity 3).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime

from flask import Flask
from sqlalchemy import select

from app.extensions import db
from app.services.assessments import workflow as service
from app.services.assessments.model_store import ensure_builtin_models
from app.services.backlog import items as backlog
from app.services.backlog import quickwins
from assessments.kpi import Direction
from assessments.maturity_model.index import load_builtin_model
from assessments.prioritisation import Action
from models import (
    AuditEvent,
    ClusteringRun,
    Finding,
    FindingSource,
    ImprovementItem,
    RunStatus,
    Theme,
    ThemeFinding,
    User,
)

MODEL = "pmo-capability-1.0"
SCOPE = ("STD", "SCH")


@dataclass(frozen=True)
class ReportFixture:
    line_a: int
    line_b: int
    cycle_1: int
    cycle_2: int


def practices(code: str) -> list[str]:
    model = load_builtin_model(MODEL)
    return [p.id for _goal, p in model.area(code).practices()]


def _rate(actor: User, assessment, ratings: dict[str, str]) -> None:
    items = [service.RatingInput(pid, value, evidence="记录") for pid, value in ratings.items()]
    service.save_ratings(actor, assessment, items, expected_version=None)


def add_cycle(actor: User, name: str, start: date, targets: dict[int, int], ratings, validate):
    stored = next(row for row in ensure_builtin_models() if row.key == MODEL)
    cycle = service.create_cycle(
        actor,
        name=name,
        model=stored,
        start=start,
        end=date(start.year, start.month + 5, 28),
        targets=targets,
        scope=SCOPE,
    )
    assessments = {a.business_line_id: a for a in service.open_cycle(actor, cycle)}
    for line_id, line_ratings in ratings.items():
        assessment = assessments[line_id]
        _rate(actor, assessment, line_ratings)
        service.submit(actor, assessment)
        if line_id in validate:
            service.validate(actor, assessment)
    return cycle


def all_rated(value: str) -> dict[str, str]:
    return {pid: value for code in SCOPE for pid in practices(code)}


def build_assessments(app: Flask, pmo_id: int, line_a: int, line_b: int) -> tuple[int, int]:
    with app.app_context():
        actor = db.session.get_one(User, pmo_id)
        first = add_cycle(
            actor,
            "2025 H2",
            date(2025, 7, 1),
            {line_a: 2, line_b: 2},
            {line_a: all_rated("FI"), line_b: all_rated("PI")},
            validate={line_a, line_b},
        )
        mixed = dict.fromkeys(practices("STD"), "FI") | dict.fromkeys(practices("SCH"), "NI")
        second = add_cycle(
            actor,
            "2026 H1",
            date(2026, 1, 1),
            {line_a: 2, line_b: 3},
            {line_a: mixed, line_b: all_rated("LI")},
            validate={line_a},
        )
        db.session.commit()
        return first.id, second.id


def _at(year: int, month: int, day: int = 10) -> datetime:
    return datetime(year, month, day, 9, 0, tzinfo=UTC)


def build_backlog(app: Flask, pmo_id: int, line_a: int, line_b: int) -> None:
    with app.app_context():
        actor = db.session.get_one(User, pmo_id)
        created = [(line_a, _at(2026, 1)), (line_a, _at(2026, 1, 20)), (line_a, _at(2026, 3))]
        created.append((line_b, _at(2026, 2)))
        items = []
        for n, (line_id, when) in enumerate(created, start=1):
            item = backlog.save_item(
                actor,
                None,
                backlog.ItemInput(
                    title=f"改进项 {n}",
                    business_line_id=line_id,
                    impact=5,
                    urgency=4,
                    effort=1,
                    owner_id=pmo_id,
                ),
            )
            item.created_at = when
            items.append(item)
        first = items[0]
        for action in (Action.APPROVE, Action.START, Action.FINISH, Action.VERIFY):
            backlog.change_status(actor, first, action)
        db.session.flush()
        events = db.session.scalars(
            select(AuditEvent).where(
                AuditEvent.object_type == "ImprovementItem",
                AuditEvent.object_id == str(first.id),
                AuditEvent.action.in_(("finish", "verify")),
            )
        )
        for event in events:
            event.at = _at(2026, 2) if event.action == "finish" else _at(2026, 3)
        second = items[1]
        backlog.change_status(actor, second, Action.APPROVE)
        project = quickwins.promote(
            actor,
            second,
            goal="缩短交付周期",
            start=date(2026, 2, 1),
            end=date(2026, 3, 31),
        )
        lead = quickwins.add_kpi(
            actor,
            project,
            name="交付周期",
            unit="天",
            direction=Direction.LOWER,
            baseline=10,
            target=6,
        )
        on_time = quickwins.add_kpi(
            actor,
            project,
            name="准时率",
            unit="%",
            direction=Direction.HIGHER,
            baseline=80,
            target=90,
        )
        quickwins.add_measurement(actor, lead, measured_on=date(2026, 2, 15), value=9)
        quickwins.add_measurement(actor, lead, measured_on=date(2026, 3, 15), value=7)
        quickwins.add_measurement(actor, on_time, measured_on=date(2026, 3, 15), value=92)
        db.session.commit()


def build_themes(app: Flask, line_a: int, line_b: int) -> None:
    with app.app_context():
        run = ClusteringRun(
            status=RunStatus.DONE, k=2, finding_count=5, published_at=datetime.now(UTC)
        )
        db.session.add(run)
        db.session.flush()
        templates = Theme(run_id=run.id, label="模板不统一", position=0, process_areas=["STD"])
        schedule = Theme(run_id=run.id, label="排期冲突", position=1, process_areas=["SCH"])
        db.session.add_all([templates, schedule])
        db.session.flush()
        rows = [
            (templates, line_a, 4),
            (templates, line_a, 4),
            (templates, line_a, 1),
            (schedule, line_b, 5),
            (schedule, line_a, 3),
        ]
        for theme, line_id, severity in rows:
            finding = Finding(
                source=FindingSource.SURVEY,
                business_line_id=line_id,
                severity=severity,
                text=f"{theme.label} 的痛点",
            )
            db.session.add(finding)
            db.session.flush()
            db.session.add(ThemeFinding(run_id=run.id, theme_id=theme.id, finding_id=finding.id))
        db.session.commit()


def build_all(app: Flask, pmo_id: int, line_a: int, line_b: int) -> ReportFixture:
    cycle_1, cycle_2 = build_assessments(app, pmo_id, line_a, line_b)
    build_backlog(app, pmo_id, line_a, line_b)
    build_themes(app, line_a, line_b)
    return ReportFixture(line_a, line_b, cycle_1, cycle_2)


def item_count(app: Flask) -> int:
    with app.app_context():
        return len(db.session.scalars(select(ImprovementItem.id)).all())
