"""The small demo has target profiles with a roadmap and evidence files to look at."""

from __future__ import annotations

from sqlalchemy import func, select

from app.extensions import db
from models import CapabilityPlan, CapabilityTarget, EvidenceFile


def test_small_demo_has_target_profiles_and_evidence_files(app):
    result = app.test_cli_runner().invoke(args=["demo"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        lines = db.session.scalars(select(CapabilityTarget.business_line_id).distinct()).all()
        assert len(lines) == 2
        assert db.session.scalar(select(func.count()).select_from(CapabilityPlan)) > 0
        files = db.session.scalars(select(EvidenceFile)).all()
        assert len(files) == 4
        assert {f.name for f in files} == {"周例会纪要.txt", "项目计划.pdf"}
