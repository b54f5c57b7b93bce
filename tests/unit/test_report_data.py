"""Golden cases of the report arithmetic."""

from __future__ import annotations

import pytest

from assessments.report_data import (
    KpiOutcome,
    ThemeRow,
    achieved_share,
    area_scores,
    fingerprint,
    gap_levels,
    heatmap,
    kpi_outcome,
    monthly_flow,
    top_themes,
)


@pytest.mark.parametrize(
    ("target", "achieved", "gap"),
    [(3, 1, 2), (2, 2, 0), (2, 3, 0), (None, 2, None), (3, None, None)],
)
def test_gap_levels(target, achieved, gap):
    assert gap_levels(target, achieved) == gap


def test_area_scores_of_a_ladder_score_result():
    result = {"process_areas": {"PP": {"score": 66.67}, "PMC": {"score": None}}}
    assert area_scores(result) == {"PP": 66.67, "PMC": None}
    assert area_scores(None) == {}


def test_heatmap_fills_missing_areas_with_none():
    grid = heatmap([("研发", {"PP": 50.0}), ("供应链", {"PP": 10.0, "REQM": 90.0})], ["PP", "REQM"])
    assert grid.rows == ("研发", "供应链")
    assert grid.values == ((50.0, None), (10.0, 90.0))
    assert not grid.empty
    assert heatmap([], ["PP"]).empty


def test_monthly_flow_fills_the_months_between():
    flow = monthly_flow({"2025-11": 2, "2026-02": 1}, {"2025-12": 1}, {"2026-02": 3})
    assert [(m.month, m.created, m.done, m.verified) for m in flow] == [
        ("2025-11", 2, 0, 0),
        ("2025-12", 0, 1, 0),
        ("2026-01", 0, 0, 0),
        ("2026-02", 1, 0, 3),
    ]
    assert monthly_flow({}, {}, {}) == []
    assert [m.month for m in monthly_flow({"2024-01": 1, "2026-12": 1}, {}, {}, 3)] == [
        "2026-10",
        "2026-11",
        "2026-12",
    ]


def test_kpi_outcomes_and_share_achieved():
    lower = kpi_outcome("P", "交付周期", "天", 10, 6, 7)
    higher = kpi_outcome("P", "准时率", "%", 80, 90, 92)
    unmeasured = kpi_outcome("P", "缺陷", "个", 5, 1, None)
    assert lower.progress == 0.75
    assert not lower.achieved
    assert higher.progress == pytest.approx(1.2)
    assert higher.achieved
    assert unmeasured.progress is None
    assert achieved_share([lower, higher, unmeasured]) == 0.5
    assert achieved_share([unmeasured]) is None
    assert kpi_outcome("P", "flat", "", 3, 3, 4).progress is None


def test_top_themes_by_size_then_severity_then_label():
    themes = [
        ThemeRow(1, "b", 3, 2.0, ()),
        ThemeRow(2, "a", 3, 4.0, ()),
        ThemeRow(3, "c", 5, None, ()),
        ThemeRow(4, "d", 3, 4.0, ()),
    ]
    assert [t.theme_id for t in top_themes(themes)] == [3, 2, 4, 1]
    assert [t.theme_id for t in top_themes(themes, 2)] == [3, 2]


def test_fingerprint_is_stable_and_sensitive():
    assert fingerprint(1, "a") == fingerprint(1, "a")
    assert fingerprint(1, "a") != fingerprint(1, "b")
    assert len(fingerprint()) == 24


def test_outcome_is_a_value():
    assert KpiOutcome("P", "k", "", 1, 2, None, None).achieved is False
