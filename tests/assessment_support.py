"""Helpers shared by the assessment tests: a small opened cycle and filled-in ratings."""

from __future__ import annotations

from datetime import date

from flask import Flask

from app.extensions import db
from app.services.assessments import workflow as service
from app.services.assessments.model_store import ensure_builtin_models
from assessments.maturity_model.index import load_builtin_model
from models import Assessment, Cycle, StoredModel, User

PMO_MODEL = "pmo-capability-1.0"
SCOPE = ("STD",)


def stored_model(key: str = PMO_MODEL) -> StoredModel:
    return next(row for row in ensure_builtin_models() if row.key == key)


def scope_practices(model_key: str = PMO_MODEL, scope: tuple[str, ...] = SCOPE) -> list[str]:
    model = load_builtin_model(model_key)
    return [p.id for code in scope for _goal, p in model.area(code).practices()]


def make_cycle(
    app: Flask,
    actor_id: int,
    targets: dict[int, int],
    *,
    name: str = "2026 H1",
    scope: tuple[str, ...] | None = SCOPE,
    opened: bool = True,
) -> int:
    """A cycle of the PMO capability model, opened unless told otherwise; returns its id."""
    with app.app_context():
        actor = db.session.get(User, actor_id)
        cycle = service.create_cycle(
            actor,
            name=name,
            model=stored_model(),
            start=date(2026, 1, 1),
            end=date(2026, 6, 30),
            targets=targets,
            scope=scope,
        )
        if opened:
            service.open_cycle(actor, cycle)
        db.session.commit()
        return cycle.id


def assessment_id_of(app: Flask, cycle_id: int, business_line_id: int) -> int:
    with app.app_context():
        return db.session.scalars(
            db.select(Assessment.id).where(
                Assessment.cycle_id == cycle_id, Assessment.business_line_id == business_line_id
            )
        ).one()


def rate_all(app: Flask, assessment_id: int, actor_id: int, rating: str = "FI") -> None:
    with app.app_context():
        assessment = service.load_assessment(assessment_id)
        assert assessment is not None
        items = [
            service.RatingInput(pid, rating, evidence="制度文件", na_reason="不适用")
            for pid in scope_practices()
        ]
        service.save_ratings(
            db.session.get(User, actor_id), assessment, items, expected_version=None
        )
        db.session.commit()


def cycle_of(app: Flask, cycle_id: int) -> Cycle:
    with app.app_context():
        cycle = db.session.get(Cycle, cycle_id)
        assert cycle is not None
        return cycle
