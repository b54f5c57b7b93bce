"""Building cycles and assessments for the Excel and results tests, through the services."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date

from flask import Flask
from flask.testing import FlaskClient

from app.extensions import db
from app.services.assessments import workflow as service
from app.services.assessments.model_store import ensure_builtin_models, latest_stored
from models import Assessment, User
from tests.conftest import PASSWORD, Person

CMMI = "cmmi-dev-1.3"
#: REQM: SG1 (SP1.1–1.5), GG2 (GP2.1–2.10), GG3 (GP3.1–3.2): 17 practices.
REQM_SPECIFIC = [f"REQM.SP1.{n}" for n in range(1, 6)]
REQM_GG2 = [f"REQM.GP2.{n}" for n in range(1, 11)]
REQM_GG3 = ["REQM.GP3.1", "REQM.GP3.2"]
REQM_ALL = REQM_SPECIFIC + REQM_GG2 + REQM_GG3


def open_assessment(
    app: Flask,
    *,
    pmo_id: int,
    line_id: int,
    name: str = "2026 H1",
    start: date = date(2026, 1, 1),
    scope: Sequence[str] | None = ("REQM",),
    target: int = 2,
) -> int:
    """Create and open a cycle with one business line; the id of its assessment."""
    with app.app_context():
        ensure_builtin_models()
        model = latest_stored(CMMI)
        assert model is not None
        actor = db.session.get(User, pmo_id)
        cycle = service.create_cycle(
            actor,
            name=name,
            model=model,
            start=start,
            end=date(start.year, start.month + 5, 28),
            targets={line_id: target},
            scope=list(scope) if scope else None,
        )
        (assessment,) = service.open_cycle(actor, cycle)
        db.session.commit()
        return assessment.id


def rate(
    app: Flask,
    assessment_id: int,
    user_id: int,
    ratings: Mapping[str, str],
    evidence: Mapping[str, str] | None = None,
) -> None:
    with app.app_context():
        assessment = db.session.get(Assessment, assessment_id)
        items = [
            service.RatingInput(
                practice_id=pid,
                rating=value,
                evidence=(evidence or {}).get(pid, ""),
                na_reason="不适用：该业务线没有此类活动" if value == "NA" else "",
            )
            for pid, value in ratings.items()
        ]
        service.save_ratings(
            db.session.get(User, user_id), assessment, items, expected_version=None
        )
        db.session.commit()


def submit_and_validate(app: Flask, assessment_id: int, director_id: int, pmo_id: int) -> None:
    with app.app_context():
        assessment = db.session.get(Assessment, assessment_id)
        service.submit(db.session.get(User, director_id), assessment)
        service.validate(db.session.get(User, pmo_id), assessment)
        db.session.commit()


def signed_in_client(app: Flask, person: Person) -> FlaskClient:
    """A new test client signed in as ``person``."""
    client = app.test_client()
    response = client.post("/login", data={"email": person.email, "password": PASSWORD})
    assert response.status_code == 302, response.text
    return client
