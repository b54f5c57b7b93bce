"""The numbers of the reports, checked against values computed by hand (see
tests/report_support.py for the fixture and its arithmetic)."""

from __future__ import annotations

import pytest

from app.extensions import db
from app.services.reports.build import ReportFilters, build_report, data_fingerprint
from models import Role, User
from tests.report_support import build_all


@pytest.fixture
def org(app, make_user, make_business_line):
    pmo = make_user(Role.PMO)
    director = make_user(Role.DIRECTOR)
    leader = make_user(Role.LEADERSHIP)
    line_a = make_business_line("A", "研发中心", directors=(director.id,))
    line_b = make_business_line("B", "供应链")
    fixture = build_all(app, pmo.id, line_a.id, line_b.id)
    return {"pmo": pmo, "director": director, "leader": leader, "fixture": fixture}


def report_for(app, person, **filters):
    with app.app_context():
        user = db.session.get_one(User, person.id)
        return build_report(user, ReportFilters(**filters))


def test_latest_cycle_levels_scores_and_gaps(app, org):
    report = report_for(app, org["leader"])
    assert report.cycle.name == "2026 H1"
    rows = {line.code: line for line in report.lines}
    assert (rows["A"].maturity_level, rows["A"].score, rows["A"].gap) == (1, 50.0, 1)
    assert rows["A"].validated
    assert (rows["B"].maturity_level, rows["B"].score, rows["B"].target_level) == (2, 66.67, 3)
    assert rows["B"].gap == 1
    assert not rows["B"].validated
    assert rows["B"].status == "submitted"


def test_a_chosen_cycle_and_the_trend_over_cycles(app, org):
    fixture = org["fixture"]
    report = report_for(app, org["pmo"], cycle_id=fixture.cycle_1)
    assert {line.code: (line.maturity_level, line.score) for line in report.lines} == {
        "A": (2, 100.0),
        "B": (1, 33.33),
    }
    latest = report_for(app, org["pmo"])
    trend = {
        line.code: [(p.cycle, p.score, p.validated) for p in points]
        for line, points in latest.trend
    }
    assert trend == {
        "A": [("2025 H2", 100.0, True), ("2026 H1", 50.0, True)],
        "B": [("2025 H2", 33.33, True)],  # a trend shows validated results only
    }
    # Looking back at cycle 1, the later cycle's unvalidated state is not history.
    earlier = report_for(app, org["pmo"], cycle_id=fixture.cycle_1)
    assert [
        (p.cycle, p.validated) for p in {line.code: pts for line, pts in earlier.trend}["B"]
    ] == [("2025 H2", True)]


def test_heatmap_from_snapshot_and_from_current_ratings(app, org):
    report = report_for(app, org["leader"])
    assert report.heatmap.columns == ("STD", "SCH")
    assert report.heatmap.rows == ("研发中心", "供应链（未确认）")  # B is a draft
    assert report.heatmap.values == ((100.0, 0.0), (66.67, 66.67))


def test_top_themes_by_size_and_severity(app, org):
    company = report_for(app, org["leader"])
    assert [(t.label, t.size, t.mean_severity) for t in company.themes] == [
        ("模板不统一", 3, 3.0),
        ("排期冲突", 2, 4.0),
    ]
    line_a = report_for(app, org["leader"], business_line_id=org["fixture"].line_a)
    assert [(t.label, t.size, t.mean_severity) for t in line_a.themes] == [
        ("模板不统一", 3, 3.0),
        ("排期冲突", 1, 3.0),
    ]


def test_backlog_flow_per_month(app, org):
    report = report_for(app, org["leader"])
    assert [(m.month, m.created, m.done, m.verified) for m in report.flow] == [
        ("2026-01", 2, 0, 0),
        ("2026-02", 1, 1, 0),
        ("2026-03", 1, 0, 1),
    ]
    line_b = report_for(app, org["leader"], business_line_id=org["fixture"].line_b)
    assert [(m.month, m.created, m.done, m.verified) for m in line_b.flow] == [("2026-02", 1, 0, 0)]


def test_quick_win_outcomes(app, org):
    outcomes = report_for(app, org["leader"]).quick_wins
    assert [(o.name, o.baseline, o.latest, o.progress, o.achieved) for o in outcomes.outcomes] == [
        ("交付周期", 10, 7, 0.75, False),
        ("准时率", 80, 92, pytest.approx(1.2), True),
    ]
    assert outcomes.achieved_share == 0.5
    assert outcomes.projects == 1
    assert (
        report_for(app, org["leader"], business_line_id=org["fixture"].line_b).quick_wins.outcomes
        == ()
    )


def test_a_director_sees_only_their_lines(app, org):
    report = report_for(app, org["director"])
    assert [line.code for line in report.business_lines] == ["A"]
    assert [line.code for line in report.lines] == ["A"]
    assert report.heatmap.rows == ("研发中心",)
    assert [(t.label, t.size) for t in report.themes] == [("模板不统一", 3), ("排期冲突", 1)]
    # Asking for another line gives nothing of it.
    other = report_for(app, org["director"], business_line_id=org["fixture"].line_b)
    assert other.lines == ()
    assert other.trend == ()
    assert other.themes == ()


def test_the_model_filter_and_an_empty_database(app, make_user):
    leader = make_user(Role.LEADERSHIP)
    report = report_for(app, leader, model_key="cmmi-dev-1.3")
    assert report.cycle is None
    assert report.lines == ()
    assert not report.has_results


def test_the_fingerprint_changes_with_the_data(app, org):
    with app.app_context():
        user = db.session.get_one(User, org["leader"].id)
        before = data_fingerprint(user, ReportFilters())
        assert data_fingerprint(user, ReportFilters()) == before
        assert data_fingerprint(user, ReportFilters(cycle_id=1)) != before
    from tests.report_support import build_themes

    build_themes(app, org["fixture"].line_a, org["fixture"].line_b)
    with app.app_context():
        user = db.session.get_one(User, org["leader"].id)
        assert data_fingerprint(user, ReportFilters()) != before
