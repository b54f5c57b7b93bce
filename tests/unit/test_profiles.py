"""The target-profile gap rule and the side-by-side rows, on hand-made cases."""

from __future__ import annotations

from datetime import date

import pytest

from assessments.maturity_model.index import load_builtin_model
from assessments.profiles import PlanStep, profile_gap, profile_rows
from assessments.scoring import result_to_dict, score_assessment

CMMI = load_builtin_model("cmmi-dev-1.3")
SCOPE = ("REQM", "PP", "CM")


def practices(code: str, prefix: str = "") -> list[str]:
    return [p.id for _g, p in CMMI.area(code).practices() if p.id.startswith(f"{code}.{prefix}")]


def result(ratings: dict[str, str]) -> dict:
    return result_to_dict(score_assessment(CMMI, ratings, 2, SCOPE))


def test_areas_below_their_target_are_the_gap_with_the_goals_the_target_needs():
    ratings = dict.fromkeys(practices("REQM", "SP"), "FI")  # REQM: CL1
    ratings |= dict.fromkeys(practices("PP"), "LI")  # PP: CL3
    ratings |= dict.fromkeys(practices("CM"), "NA")  # CM: not applicable
    gap = profile_gap(CMMI, result(ratings), {"REQM": 2, "PP": 3, "CM": 3, "SAM": 2})
    (reqm,) = gap
    assert (reqm.code, reqm.capability_level, reqm.target_level) == ("REQM", 1, 2)
    assert reqm.unsatisfied_goals == ("REQM.GG2",)  # GG3 is not needed by a CL2 target
    assert reqm.score == pytest.approx(5 * 3 / (17 * 3) * 100, abs=0.01)


def test_a_met_target_a_zero_target_and_no_target_make_no_gap():
    scored = result(dict.fromkeys(practices("REQM"), "FI"))
    assert profile_gap(CMMI, scored, {"REQM": 3}) == ()
    assert profile_gap(CMMI, scored, {"PP": 0}) == ()
    assert profile_gap(CMMI, scored, {}) == ()


def test_an_unrated_area_is_cl0_and_lists_its_specific_goals():
    (pp,) = profile_gap(CMMI, result({}), {"PP": 1})
    assert pp.capability_level == 0
    assert pp.unsatisfied_goals == ("PP.SG1", "PP.SG2", "PP.SG3")


def test_levels_outside_0_to_3_are_refused():
    with pytest.raises(ValueError, match="0 to 3"):
        profile_gap(CMMI, result({}), {"PP": 4})


def test_rows_put_actual_target_and_planned_side_by_side():
    scored = result(dict.fromkeys(practices("REQM", "SP"), "FI"))
    plans = [
        PlanStep("REQM", date(2027, 12, 31), 3),
        PlanStep("REQM", date(2027, 6, 30), 2),
        PlanStep("REQM", date(2026, 1, 31), 1),  # before the cycle ended: history
    ]
    rows = profile_rows(CMMI, scored, {"REQM": 2}, plans, after=date(2026, 6, 30))
    assert [row.code for row in rows] == ["CM", "PP", "REQM"]  # model order
    reqm = rows[2]
    assert (reqm.capability_level, reqm.target_level) == (1, 2)
    assert reqm.planned == ((date(2027, 6, 30), 2), (date(2027, 12, 31), 3))
    assert reqm.gap is not None
    assert rows[0].gap is None
