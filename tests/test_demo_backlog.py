"""The demo backlog: items across the business lines, running and finished quick wins with
KPI history, and past reviews."""

from __future__ import annotations

from sqlalchemy import func, select

from app.demo import backlog as demo_backlog
from app.demo.organisation import seed_organisation
from app.extensions import db
from models import ImprovementItem, KpiMeasurement, QuickWinProject, Review


def test_demo_backlog_small(app):
    with app.app_context():
        seed_organisation("small")
        demo_backlog.seed("small")
        db.session.commit()
        assert db.session.scalar(select(func.count()).select_from(ImprovementItem)) == 40
        lines = db.session.scalars(select(ImprovementItem.business_line_id).distinct()).all()
        assert len([line for line in lines if line is not None]) == 5
        projects = db.session.scalars(select(QuickWinProject)).all()
        assert sorted(p.closed_on is not None for p in projects) == [False, False, True, True, True]
        assert db.session.scalar(select(func.count()).select_from(KpiMeasurement)) > 40
        assert db.session.scalar(select(func.count()).select_from(Review)) == 3
        names = {k.name for p in projects for k in p.kpis}
        assert {"需求变更率", "评审覆盖率"} <= names
