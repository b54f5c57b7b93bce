"""The demo's outcome KPIs: 24 months of the three built-in KPIs for every business line of
the small demo, some of them missed."""

from __future__ import annotations

from sqlalchemy import func, select

from app.demo import outcomes as demo_outcomes
from app.demo.organisation import seed_organisation
from app.extensions import db
from app.services.backlog.quickwins import today
from app.services.outcomes.scorecard import missed_kpis
from models import OutcomeKpiValue


def test_demo_outcomes_small(app):
    with app.app_context():
        seed_organisation("small")
        demo_outcomes.seed("small")
        db.session.commit()
        assert db.session.scalar(select(func.count()).select_from(OutcomeKpiValue)) == 5 * 3 * 24
        periods = db.session.scalars(select(OutcomeKpiValue.period).distinct()).all()
        assert len(periods) == 24
        assert max(periods) < f"{today().year:04d}-{today().month:02d}"
        missed = missed_kpis(today())
        assert 0 < len(missed) < 15
        assert {cell.kpi.key for cell in missed} == {
            "on_time_rate",
            "budget_deviation",
            "satisfaction",
        }
