"""Many people at once: no lost update, every refused save told to its user, no lost answer."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

from sqlalchemy import func, select

from app.extensions import db
from models import Assessment, Finding, FindingSource, PracticeRating, Role
from tests.assessment_support import SCOPE, assessment_id_of, make_cycle, scope_practices
from tests.test_surveys import make_survey  # noqa: F401  (a fixture)

WRITERS = 8


def test_directors_saving_the_same_page_at_once_lose_no_update(app, make_user, make_business_line):
    pmo = make_user(Role.PMO)
    directors = [make_user(Role.DIRECTOR) for _ in range(WRITERS)]
    line = make_business_line("RDC", "研发中心", directors=tuple(d.id for d in directors))
    assessment_id = assessment_id_of(app, make_cycle(app, pmo.id, {line.id: 3}), line.id)
    area = SCOPE[0]
    practices = [p for p in scope_practices() if p.startswith(f"{area}.")]
    url = f"/cycles/assessments/{assessment_id}/areas/{area}"

    clients = []
    for director in directors:
        client = app.test_client()
        client.post("/login", data={"email": director.email, "password": director.password})
        clients.append(client)
    start = threading.Barrier(WRITERS)

    def save(index: int) -> tuple[int, int, str]:
        data = {"version": "1"}
        rating = ("FI", "LI", "PI", "NI")[index % 4]
        for practice in practices:
            data[f"rating-{practice}"] = rating
            data[f"evidence-{practice}"] = f"第 {index} 位总监的证据"
        start.wait()
        response = clients[index].post(url, data=data)
        return index, response.status_code, response.text

    with ThreadPoolExecutor(WRITERS) as pool:
        results = list(pool.map(save, range(WRITERS)))

    accepted = [r for r in results if r[1] in (200, 302) and "其他人" not in r[2]]
    refused = [r for r in results if r[1] == 409]
    assert len(accepted) == 1, [r[1] for r in results]
    assert len(refused) == WRITERS - 1
    for _index, _status, page in refused:  # each refused writer is told, and keeps their input
        assert "其他人" in page or "someone else" in page.lower()
    winner = accepted[0][0]
    with app.app_context():
        assessment = db.session.get(Assessment, assessment_id)
        assert assessment.version == 2
        saved = db.session.scalars(
            select(PracticeRating).where(PracticeRating.assessment_id == assessment_id)
        ).all()
        assert {r.practice_id for r in saved} == set(practices)
        assert {r.evidence for r in saved} == {f"第 {winner} 位总监的证据"}


def test_survey_answers_arriving_together_are_all_kept(make_app, make_survey):  # noqa: F811
    token, _lines = make_survey()
    application = make_app(SURVEY_RATE_LIMIT="1000 per minute")
    start = threading.Barrier(WRITERS)

    def respond(index: int) -> int:
        client = application.test_client()
        start.wait()
        return client.post(
            f"/s/{token}",
            data={
                "text": f"并发提交的痛点 {index}",
                "category": "process",
                "severity": "3",
                "frequency": "weekly",
                "process_area": "",
                "suggestion": "",
            },
        ).status_code

    with ThreadPoolExecutor(WRITERS) as pool:
        statuses = list(pool.map(respond, range(WRITERS)))
    assert statuses == [302] * WRITERS
    with application.app_context():
        texts = db.session.scalars(
            select(Finding.text).where(Finding.source == FindingSource.SURVEY)
        ).all()
        assert sorted(texts) == sorted(f"并发提交的痛点 {i}" for i in range(WRITERS))
        assert db.session.scalar(select(func.count()).select_from(Finding)) == WRITERS
