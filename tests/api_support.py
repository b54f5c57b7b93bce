"""Helpers for the API and token tests: tokens, and cycles with rated assessments built
through the real services."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta

from flask import Flask

from app.extensions import db
from app.services.assessments.model_store import ensure_builtin_models
from app.services.assessments.workflow import (
    RatingInput,
    areas_in_scope,
    create_cycle,
    open_cycle,
    save_ratings,
    submit,
    validate,
)
from app.services.tokens import create_token
from models import Role, User
from tests.conftest import Person

SCOPE = ("PP", "REQM")  # 43 practices: small enough to rate in every test


def token_for(app: Flask, person: Person, name: str = "test") -> str:
    with app.app_context():
        _row, token = create_token(None, db.session.get(User, person.id), name)
        db.session.commit()
        return token


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


@dataclass(frozen=True)
class BuiltCycle:
    id: int
    name: str
    assessments: dict[int, int]  # business-line id -> assessment id


def build_cycle(
    app: Flask,
    *,
    name: str,
    start: date,
    targets: Mapping[int, int],
    ratings: Mapping[int, str] | None = None,
    validated: tuple[int, ...] = (),
) -> BuiltCycle:
    """Create and open a cycle over SCOPE; rate each line's practices all ``ratings[line]``
    (FI, LI, PI or NI); submit and validate the lines in ``validated``."""
    with app.app_context():
        pmo = db.session.scalar(db.select(User).where(User.role == Role.PMO))
        if pmo is None:
            pmo = User(
                email=f"pmo-{name}@example.com".replace(" ", "-"),
                display_name="PMO",
                password_hash="x",
                role=Role.PMO,
            )
            db.session.add(pmo)
            db.session.flush()
        model = next(m for m in ensure_builtin_models() if m.key == "cmmi-dev-1.3")
        cycle = create_cycle(
            pmo,
            name=name,
            model=model,
            start=start,
            end=start + timedelta(days=180),
            targets=targets,
            scope=list(SCOPE),
        )
        open_cycle(pmo, cycle)
        by_line = {a.business_line_id: a for a in cycle.assessments}
        for line_id, value in (ratings or {}).items():
            assessment = by_line[line_id]
            items = [
                RatingInput(practice.id, value)
                for area in areas_in_scope(assessment)
                for _goal, practice in area.practices()
            ]
            save_ratings(pmo, assessment, items, expected_version=None)
        for line_id in validated:
            submit(pmo, by_line[line_id])
            validate(pmo, by_line[line_id])
        db.session.commit()
        return BuiltCycle(cycle.id, cycle.name, {k: a.id for k, a in by_line.items()})
