"""The demo seeds two satisfaction surveys with answers, quick-win benefits and a Chinese
lessons library of at least 20 lessons that the search finds."""

from __future__ import annotations

import re

from sqlalchemy import select

from app.extensions import db
from app.services.findings.satisfaction import participation, survey_satisfaction_means
from app.services.lessons import search
from models import Lesson, LessonKind, QuickWinProject, SatisfactionResponse, Survey, SurveyKind


def test_small_demo_has_satisfaction_surveys_benefits_and_lessons(app):
    result = app.test_cli_runner().invoke(args=["demo"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        surveys = db.session.scalars(
            select(Survey).where(Survey.kind == SurveyKind.SATISFACTION).order_by(Survey.period)
        ).all()
        assert len(surveys) == 2
        for survey in surveys:
            assert re.fullmatch(r"\d{4}-(0[1-9]|1[0-2])", survey.period)
            means = survey_satisfaction_means(survey)
            assert len(means) == 5
            assert all(1 <= m.mean <= 5 for m in means)
            assert len({round(m.mean, 1) for m in means}) > 1  # the lines differ
        assert participation(surveys[1]).invited == 60
        assert 0 < participation(surveys[1]).answered < 60
        assert db.session.query(SatisfactionResponse).count() >= 2 * 5 * 8

        projects = db.session.scalars(select(QuickWinProject)).all()
        assert projects
        assert all(p.benefit_unit is not None and p.benefit_per_month for p in projects)

        lessons = db.session.scalars(select(Lesson)).all()
        assert len(lessons) >= 20
        assert all(re.search(r"[\u4e00-\u9fff]", lesson.text) for lesson in lessons)
        assert {lesson.kind for lesson in lessons} == set(LessonKind)
        assert any(lesson.business_line_id is None for lesson in lessons)
        assert any(lesson.project_id is not None for lesson in lessons)
        found = db.session.scalars(search(select(Lesson), "需求 评审")).all()
        assert found
        later_id = surveys[1].id
    html = app.test_client()
    assert (
        html.post(
            "/login", data={"email": "pmo@demo.ladder", "password": "ladder-demo"}
        ).status_code
        == 302
    )
    assert "满意度" in html.get(f"/surveys/{later_id}").text
    assert "经验库" in html.get("/lessons/").text
    assert (
        "ROI" in html.get("/reports/company").text
        or "投资回报率" in html.get("/reports/company").text
    )
