"""``ladder demo`` seeds three cycles of assessments for the small organisation."""

from __future__ import annotations

from sqlalchemy import select

from app.extensions import db
from models import (
    Assessment,
    AssessmentStatus,
    Cycle,
    CycleStatus,
    Finding,
    FindingSource,
    PracticeRating,
)


def test_small_demo_has_three_cycles_of_improving_assessments(app):
    result = app.test_cli_runner().invoke(args=["demo"])
    assert result.exit_code == 0, result.output

    with app.app_context():
        cycles = db.session.scalars(select(Cycle).order_by(Cycle.start)).all()
        assert [c.name for c in cycles] == ["2025 H1", "2025 H2", "2026 H1"]
        assert [c.status for c in cycles] == [
            CycleStatus.CLOSED,
            CycleStatus.CLOSED,
            CycleStatus.OPEN,
        ]
        by_cycle = {c.name: {a.business_line.code: a for a in c.assessments} for c in cycles}
        assert all(len(items) == 5 for items in by_cycle.values())
        for name in ("2025 H1", "2025 H2"):
            for assessment in by_cycle[name].values():
                assert assessment.status is AssessmentStatus.VALIDATED
                assert assessment.result_snapshot["score"] == round(assessment.score, 2)
        latest = {a.status for a in by_cycle["2026 H1"].values()}
        assert latest == {AssessmentStatus.DRAFT, AssessmentStatus.SUBMITTED}
        assert any(not a.complete for a in by_cycle["2026 H1"].values())

        for code, first in by_cycle["2025 H1"].items():
            assert by_cycle["2025 H2"][code].score > first.score, code

        gaps = db.session.scalars(select(Finding).where(Finding.source == FindingSource.GAP)).all()
        assert gaps
        assert {f.cycle_id for f in gaps} <= {cycles[0].id, cycles[1].id}

        evidence = db.session.scalars(
            select(PracticeRating.evidence).where(PracticeRating.evidence != "").limit(50)
        ).all()
        assert any("项目" in text for text in evidence)
        na = db.session.scalars(
            select(PracticeRating).where(PracticeRating.rating == "NA").limit(5)
        ).all()
        assert na
        assert all(row.na_reason for row in na)
        assert db.session.scalar(select(Assessment.id).where(Assessment.score.is_(None))) is None
