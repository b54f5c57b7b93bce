"""Results-page numbers and the radar chart, from values (no app)."""

from __future__ import annotations

import pytest

from assessments.charts import OKABE_ITO, RadarChart, RadarSeries, cjk_font_family, radar_svg
from assessments.maturity_model.index import load_builtin_model
from assessments.results import (
    TARGET_REFERENCE_SCORE,
    evidence_coverage,
    radar_chart,
    summarise,
)
from assessments.scoring import result_to_dict, score_assessment

MODEL = load_builtin_model("cmmi-dev-1.3")
REQM = [p.id for _g, p in MODEL.area("REQM").practices()]


def test_evidence_coverage_counts_rated_applicable_practices_only():
    ratings = {
        "a": ("FI", True),
        "b": ("NI", False),
        "c": ("NA", True),
        "d": (None, True),
        "e": ("PI", True),
    }
    assert evidence_coverage(["a", "b", "c", "d", "e", "f"], ratings) == pytest.approx(2 / 3)
    assert evidence_coverage(["c", "d"], ratings) is None


def summary_of(ratings, previous=None, target=2):
    result = result_to_dict(score_assessment(MODEL, ratings, target, ["REQM", "PP"]))
    flags = {pid: (value, pid.endswith("1.1")) for pid, value in ratings.items()}
    return summarise(MODEL, result, flags, "zh", previous)


def test_summary_rows_follow_model_order_with_names_and_goals():
    summary = summary_of(dict.fromkeys(REQM, "FI"))
    assert [row.code for row in summary.areas] == ["PP", "REQM"]
    pp, reqm = summary.areas
    assert reqm.name == "需求管理"
    assert reqm.score == 100
    assert reqm.capability_level == 3
    assert pp.score == 0
    assert ("PP.SG1", "建立估算") in pp.unsatisfied_goals
    assert summary.maturity_level == 1
    assert summary.gap_areas == ("PP",)
    assert pp.needed
    assert summary.previous_maturity_level is None
    assert summary.maturity_delta is None


def test_change_since_previous_result():
    previous = {"maturity_level": 1, "score": 20.0, "process_areas": {"REQM": {"score": 50.0}}}
    summary = summary_of(dict.fromkeys(REQM, "FI"), previous)
    reqm = summary.areas[1]
    assert reqm.previous_score == 50.0
    assert reqm.score_delta == 50.0
    assert summary.areas[0].score_delta is None  # PP was not assessed before
    assert summary.maturity_delta == 0
    assert summary.score_delta == pytest.approx(summary.score - 20.0, abs=0.01)


def test_radar_series_target_only_where_needed_and_previous_when_known():
    previous = {"maturity_level": 1, "score": 20.0, "process_areas": {"REQM": {"score": 50.0}}}
    summary = summary_of(dict.fromkeys(REQM, "FI"), previous)
    chart = radar_chart(
        summary, title="t", current_label="now", target_label="target", previous_label="before"
    )
    assert chart.axes == ("PP", "REQM")
    now, target, before = chart.series
    assert now.values == (0, 100)
    assert target.values == (TARGET_REFERENCE_SCORE, TARGET_REFERENCE_SCORE)
    assert before.values == (None, 50.0)
    alone = radar_chart(
        summary_of({}), title="t", current_label="now", target_label="x", previous_label=None
    )
    assert [s.label for s in alone.series] == ["now", "x"]


def test_radar_svg_keeps_chinese_as_text_and_uses_the_safe_palette():
    chart = RadarChart(
        "过程域得分",
        ("PP", "REQM", "PMC"),
        (RadarSeries("本周期", (10, None, 90), filled=True), RadarSeries("目标", (66.7,) * 3)),
        "描述",
    )
    svg = radar_svg(chart)
    assert svg.startswith("<?xml")
    assert "过程域得分" in svg
    assert "本周期" in svg
    assert OKABE_ITO[0].lower() in svg.lower()
    assert radar_svg(chart) == svg  # deterministic: cacheable by content


def test_a_cjk_font_is_found_on_this_machine():
    assert cjk_font_family() is not None
