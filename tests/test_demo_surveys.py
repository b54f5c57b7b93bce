"""The demo seeds surveys with realistic pain points and clusters them into themes."""

from __future__ import annotations

import re

from app.demo.pain_points import pain_points
from app.extensions import db
from models import ClusteringRun, Finding, FindingSource, RunStatus, Survey, SurveyResponse


def test_demo_pain_points_are_deterministic_varied_and_mostly_chinese():
    codes = ["SCM", "LEAN", "DF", "RDC", "SALES"]
    first = list(pain_points(300, codes))
    assert first == list(pain_points(300, codes))
    texts = [p.text for _, p in first]
    assert len(set(texts)) > 150
    assert {p.theme for _, p in first} >= {"requirements", "schedule", "supplier", "testing"}
    english = [t for t in texts if not re.search(r"[\u4e00-\u9fff]", t)]
    assert 0 < len(english) < len(texts) // 4


def test_small_demo_has_a_survey_300_pain_points_and_themes(app):
    result = app.test_cli_runner().invoke(args=["demo"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        assert db.session.query(Survey).count() >= 1
        # pain points: the survey findings with a pain-point answer (satisfaction surveys'
        # free-text answers are survey findings too)
        findings = (
            db.session.query(Finding)
            .filter_by(source=FindingSource.SURVEY)
            .join(SurveyResponse, SurveyResponse.finding_id == Finding.id)
            .all()
        )
        assert len(findings) == 300
        assert len({f.business_line_id for f in findings}) == 5
        assert db.session.query(SurveyResponse).count() == 300
        run = db.session.query(ClusteringRun).one()
        assert run.status is RunStatus.DONE
        assert len(run.themes) >= 5
        assert sum(t.size for t in run.themes) == 300
