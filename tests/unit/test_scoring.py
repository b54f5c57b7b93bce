"""Scoring: practice ratings → goals, process areas, capability and maturity levels, gap.

The scenarios use a four-area model (two ML2 areas, one ML3, one ML4) with GG2 (two generic
practices) and GG3 (one), so that every rule of "Ratings and scores" can be shown small.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping

import pytest

from assessments.maturity_model.index import MODEL_FILES_DIR
from assessments.maturity_model.model import MaturityModel
from assessments.maturity_model.validator import load_model_text
from assessments.scoring import (
    RATING_POINTS,
    AssessmentResult,
    Rating,
    result_to_dict,
    score_assessment,
    validate_ratings,
)

MINI_YAML = """\
key: mini
version: "1"
name: {zh: 迷你模型, en: Mini model}
description: {zh: 评分测试用, en: For scoring tests}
rating_scale: [FI, LI, PI, NI, NA]
maturity_levels: [2, 3, 4]
categories:
  - {code: Management, name: {zh: 管理, en: Management}}
generic_goals:
  - id: GG2
    level: 2
    name: {zh: 受管理过程, en: Managed process}
    practices:
      - {id: GP2.1, text: {zh: 方针, en: Policy}}
      - {id: GP2.2, text: {zh: 策划过程, en: Plan the process}}
  - id: GG3
    level: 3
    name: {zh: 已定义过程, en: Defined process}
    practices:
      - {id: GP3.1, text: {zh: 建立已定义过程, en: Establish a defined process}}
process_areas:
  - code: PP
    name: {zh: 项目策划, en: Project Planning}
    category: Management
    maturity_level: 2
    purpose: {zh: 策划, en: Plan}
    keywords: {zh: [计划], en: [plan]}
    goals:
      - id: PP.SG1
        name: {zh: 建立估算, en: Establish estimates}
        practices:
          - {id: PP.SP1.1, text: {zh: 估算范围, en: Estimate scope}}
          - {id: PP.SP1.2, text: {zh: 估算属性, en: Estimate attributes}}
      - id: PP.SG2
        name: {zh: 制定计划, en: Develop a plan}
        practices:
          - {id: PP.SP2.1, text: {zh: 确定预算, en: Establish the budget}}
  - code: SAM
    name: {zh: 供应商协议管理, en: Supplier Agreement Management}
    category: Management
    maturity_level: 2
    purpose: {zh: 管理供应商, en: Manage suppliers}
    keywords: {zh: [供应商], en: [supplier]}
    goals:
      - id: SAM.SG1
        name: {zh: 建立协议, en: Establish agreements}
        practices:
          - {id: SAM.SP1.1, text: {zh: 确定采购类型, en: Determine acquisition type}}
  - code: VER
    name: {zh: 验证, en: Verification}
    category: Management
    maturity_level: 3
    purpose: {zh: 验证, en: Verify}
    keywords: {zh: [评审], en: [review]}
    goals:
      - id: VER.SG1
        name: {zh: 准备验证, en: Prepare for verification}
        practices:
          - {id: VER.SP1.1, text: {zh: 选择对象, en: Select work products}}
  - code: OPP
    name: {zh: 组织过程绩效, en: Organizational Process Performance}
    category: Management
    maturity_level: 4
    purpose: {zh: 量化, en: Quantify}
    keywords: {zh: [基线], en: [baseline]}
    goals:
      - id: OPP.SG1
        name: {zh: 建立基线, en: Establish baselines}
        practices:
          - {id: OPP.SP1.1, text: {zh: 建立目标, en: Establish objectives}}
"""

MINI: MaturityModel = load_model_text(MINI_YAML, "mini.yaml")
ALL_FI = Rating.FI.value


def rate(
    default: str | None = ALL_FI,
    *,
    areas: Mapping[str, str | None] | None = None,
    goals: Mapping[str, str | None] | None = None,
    practices: Mapping[str, str | None] | None = None,
    model: MaturityModel = MINI,
) -> dict[str, str]:
    """Ratings for every practice: ``default``, overridden per area, goal, then practice.

    None means "leave unrated".
    """
    result: dict[str, str] = {}
    for area, goal, practice in model.practices():
        value = default
        if areas and area.code in areas:
            value = areas[area.code]
        if goals and goal.id in goals:
            value = goals[goal.id]
        if practices and practice.id in practices:
            value = practices[practice.id]
        if value is not None:
            result[practice.id] = value
    return result


def score(
    ratings: Mapping[str, str], target: int | None = None, scope: set[str] | None = None
) -> AssessmentResult:
    return score_assessment(MINI, ratings, target, scope)


# --------------------------------------------------------------------------- the whole picture


def test_everything_fully_implemented_reaches_the_top_level_with_score_100() -> None:
    result = score(rate("FI"), target=4)

    assert result.maturity_level == 4  # the highest level of this model
    assert result.score == 100.0
    assert result.complete
    assert [area.capability_level for area in result.process_areas] == [3, 3, 3, 3]
    assert result.area("PP").unsatisfied_goals == ()
    assert result.area("PP").satisfied_goals == ("PP.SG1", "PP.SG2", "PP.GG2", "PP.GG3")
    assert (result.gap.levels, result.gap.process_areas) == (0, ())


def test_nothing_rated_is_ml1_score_0_and_incomplete() -> None:
    result = score({}, target=2)

    assert result.maturity_level == 1
    assert result.score == 0.0
    assert not result.complete
    assert [area.capability_level for area in result.process_areas] == [0, 0, 0, 0]
    assert result.area("SAM").unsatisfied_goals == ("SAM.SG1", "SAM.GG2", "SAM.GG3")
    assert len(result.unrated_practices) == 6 + 4 + 4 + 4
    assert result.gap.process_areas == ("PP", "SAM")


# --------------------------------------------------------------------------- points and scores


def test_practice_points_are_fi_3_li_2_pi_1_ni_0() -> None:
    assert RATING_POINTS == {Rating.FI: 3, Rating.LI: 2, Rating.PI: 1, Rating.NI: 0}
    assert Rating.NA not in RATING_POINTS


def test_an_area_score_is_its_points_over_three_per_applicable_practice() -> None:
    ratings = rate(
        practices={
            "PP.SP1.1": "FI",
            "PP.SP1.2": "LI",
            "PP.SP2.1": "PI",
            "PP.GP2.1": "NI",
            "PP.GP2.2": "FI",
            "PP.GP3.1": "FI",
        }
    )

    planning = score(ratings).area("PP")

    assert (planning.points, planning.max_points) == (12, 18)
    assert planning.score == pytest.approx(12 / 18 * 100)


def test_the_assessment_score_uses_the_same_formula_over_all_practices() -> None:
    ratings = rate("FI", areas={"OPP": "NI"})  # 14 practices FI, 4 NI

    result = score(ratings)

    assert result.score == pytest.approx(14 * 3 / (18 * 3) * 100)
    assert result_to_dict(result)["score"] == 77.78


def test_na_is_left_out_of_every_count() -> None:
    ratings = rate("FI", practices={"PP.SP1.1": "PI", "PP.SP1.2": "NA"})

    result = score(ratings)
    planning = result.area("PP")

    assert (planning.points, planning.max_points) == (1 + 4 * 3, 5 * 3)
    assert result.score == pytest.approx((17 * 3 - 2) / (17 * 3) * 100)


def test_unrated_practices_count_0_but_stay_in_the_denominator() -> None:
    ratings = rate("FI", practices={"PP.SP2.1": None})

    planning = score(ratings).area("PP")

    assert (planning.points, planning.max_points) == (15, 18)
    assert planning.score == pytest.approx(83.333, abs=0.001)


def test_scores_are_rounded_to_two_decimals_in_the_json() -> None:
    ratings = rate("FI", practices={"VER.SP1.1": "LI"})  # VER: 11 of 12 points

    data = result_to_dict(score(ratings))

    assert data["process_areas"]["VER"]["score"] == 91.67
    assert data["process_areas"]["PP"]["score"] == 100.0
    assert isinstance(data["process_areas"]["PP"]["score"], float)


# --------------------------------------------------------------------------- goals


def test_a_goal_is_satisfied_when_every_applicable_practice_is_fi_or_li() -> None:
    ratings = rate("FI", practices={"PP.SP1.1": "LI", "PP.SP1.2": "LI"})

    assert "PP.SG1" in score(ratings).area("PP").satisfied_goals


@pytest.mark.parametrize("weak", ["PI", "NI"])
def test_one_pi_or_ni_practice_leaves_its_goal_unsatisfied(weak: str) -> None:
    ratings = rate("FI", practices={"PP.SP1.2": weak})

    planning = score(ratings).area("PP")

    assert planning.unsatisfied_goals == ("PP.SG1",)
    assert planning.satisfied_goals == ("PP.SG2", "PP.GG2", "PP.GG3")


def test_na_practices_do_not_count_against_their_goal() -> None:
    ratings = rate("FI", practices={"PP.SP1.2": "NA"})

    assert "PP.SG1" in score(ratings).area("PP").satisfied_goals


def test_a_goal_whose_practices_are_all_na_is_neither_satisfied_nor_unsatisfied() -> None:
    ratings = rate("FI", goals={"PP.SG2": "NA"})

    planning = score(ratings).area("PP")

    assert "PP.SG2" not in planning.satisfied_goals
    assert "PP.SG2" not in planning.unsatisfied_goals
    assert planning.not_applicable_goals == ("PP.SG2",)
    assert planning.capability_level == 3  # a not-applicable goal does not block


def test_an_all_na_generic_goal_does_not_block_capability_or_maturity() -> None:
    ratings = rate("FI", goals={"PP.GG3": "NA"})

    result = score(ratings)

    assert result.area("PP").capability_level == 3
    assert result.maturity_level == 4


def test_an_unrated_practice_leaves_its_goal_unsatisfied_and_the_assessment_incomplete() -> None:
    ratings = rate("FI", practices={"PP.SP2.1": None})

    result = score(ratings)

    assert not result.complete
    assert result.unrated_practices == ("PP.SP2.1",)
    assert result.area("PP").unsatisfied_goals == ("PP.SG2",)
    assert result.area("PP").capability_level == 0
    assert result.maturity_level == 1


def test_an_unrated_practice_next_to_na_ones_still_makes_the_goal_applicable() -> None:
    ratings = rate("FI", practices={"PP.SP1.1": "NA", "PP.SP1.2": None})

    planning = score(ratings).area("PP")

    assert planning.unsatisfied_goals == ("PP.SG1",)
    assert not planning.complete


# --------------------------------------------------------------------------- capability levels


@pytest.mark.parametrize(
    ("weak_goal", "capability_level"),
    [("PP.SG1", 0), ("PP.GG2", 1), ("PP.GG3", 2), (None, 3)],
)
def test_capability_level_climbs_specific_goals_then_gg2_then_gg3(
    weak_goal: str | None, capability_level: int
) -> None:
    ratings = rate("FI", goals={weak_goal: "PI"} if weak_goal else None)

    assert score(ratings).area("PP").capability_level == capability_level


def test_capability_level_needs_the_lower_goals_even_when_higher_ones_are_met() -> None:
    ratings = rate("FI", goals={"PP.GG2": "NI"})  # GG3 is fully implemented

    assert score(ratings).area("PP").capability_level == 1


# --------------------------------------------------------------------------- maturity levels


def test_ml2_needs_every_ml2_area_to_have_its_specific_goals_and_gg2() -> None:
    assert score(rate("FI", goals={"SAM.GG2": "PI"})).maturity_level == 1
    assert score(rate("FI", goals={"SAM.SG1": "NI"})).maturity_level == 1


def test_an_ml2_area_missing_gg3_blocks_ml3() -> None:
    ratings = rate("FI", goals={"SAM.GG3": "PI"})  # the ML3 and ML4 areas are perfect

    result = score(ratings)

    assert result.area("SAM").capability_level == 2
    assert result.maturity_level == 2


def test_levels_are_cumulative_ml3_is_never_granted_without_ml2() -> None:
    ratings = rate("FI", goals={"PP.SG1": "NI"})  # VER (ML3) and OPP (ML4) are perfect

    result = score(ratings)

    assert result.area("VER").capability_level == 3
    assert result.area("OPP").capability_level == 3
    assert result.maturity_level == 1


def test_an_ml3_area_short_of_gg3_stops_at_ml2() -> None:
    assert score(rate("FI", goals={"VER.GG3": "LI"})).maturity_level == 4  # LI satisfies
    assert score(rate("FI", goals={"VER.GG3": "NI"})).maturity_level == 2


def test_an_ml4_area_failing_stops_at_ml3() -> None:
    assert score(rate("FI", goals={"OPP.SG1": "PI"})).maturity_level == 3


def test_an_area_that_is_not_applicable_as_a_whole_is_left_out() -> None:
    ratings = rate("FI", areas={"SAM": "NA"})

    result = score(ratings, target=4)
    supplier = result.area("SAM")

    assert not supplier.applicable
    assert supplier.score is None
    assert supplier.capability_level is None
    assert (supplier.satisfied_goals, supplier.unsatisfied_goals) == ((), ())
    assert result.maturity_level == 4
    assert result.score == 100.0
    assert result.complete
    assert result_to_dict(result)["process_areas"]["SAM"] == {
        "score": None,
        "capability_level": None,
        "satisfied_goals": [],
        "unsatisfied_goals": [],
    }


def test_a_not_applicable_area_does_not_rescue_a_failing_one() -> None:
    ratings = rate("FI", areas={"SAM": "NA"}, goals={"PP.GG2": "PI"})

    assert score(ratings).maturity_level == 1


def test_no_applicable_practice_at_all_gives_no_score() -> None:
    result = score(rate("NA"), target=2)

    assert result.score is None
    assert result.complete
    assert result.maturity_level == 4  # nothing applicable blocks any level
    assert result.gap.process_areas == ()


# --------------------------------------------------------------------------- gap


def test_the_gap_lists_the_areas_the_target_needs_in_model_order() -> None:
    ratings = rate("FI", goals={"SAM.GG3": "PI", "PP.SG2": "NI", "OPP.SG1": "NI"})

    result = score(ratings, target=3)

    assert result.maturity_level == 1
    assert result.gap.levels == 2
    assert result.gap.process_areas == ("PP", "SAM")  # OPP (ML4) is not needed for ML3


def test_a_target_of_ml2_does_not_need_gg3() -> None:
    ratings = rate("FI", goals={"PP.GG3": "NI"})

    result = score(ratings, target=2)

    assert result.maturity_level == 2
    assert (result.gap.levels, result.gap.process_areas) == (0, ())


def test_a_target_already_met_has_no_gap() -> None:
    result = score(rate("FI", goals={"OPP.SG1": "NI"}), target=3)

    assert result.maturity_level == 3
    assert (result.gap.levels, result.gap.process_areas) == (0, ())


def test_the_gap_names_an_area_the_target_needs_even_when_a_lower_one_already_fails() -> None:
    ratings = rate("FI", goals={"PP.GG2": "NI", "VER.SG1": "PI"})

    result = score(ratings, target=4)

    assert result.gap.levels == 3
    assert result.gap.process_areas == ("PP", "VER")


def test_without_a_target_there_is_no_gap() -> None:
    result = score(rate("NI"), target=None)

    assert result.target_level is None
    assert (result.gap.levels, result.gap.process_areas) == (0, ())


def test_a_not_applicable_area_is_never_in_the_gap() -> None:
    result = score(rate("FI", areas={"SAM": "NA", "PP": "PI"}), target=2)

    assert result.gap.process_areas == ("PP",)


# --------------------------------------------------------------------------- scope


def test_a_scope_restricts_the_assessment_to_those_areas() -> None:
    ratings = rate("FI", areas={"SAM": None, "OPP": "NI"})  # both outside the scope

    result = score(ratings, target=3, scope={"VER", "PP"})

    assert [area.code for area in result.process_areas] == ["PP", "VER"]  # model order
    assert result.complete
    assert result.score == 100.0
    assert result.maturity_level == 3
    assert list(result_to_dict(result)["process_areas"]) == ["PP", "VER"]


def test_a_scope_of_ml2_areas_tops_out_at_ml2() -> None:
    result = score(rate("FI"), target=3, scope={"PP", "SAM"})

    assert result.maturity_level == 2
    assert (result.gap.levels, result.gap.process_areas) == (1, ())


def test_an_empty_scope_is_ml1_with_no_score() -> None:
    result = score(rate("FI"), scope=set())

    assert (result.maturity_level, result.score, result.process_areas) == (1, None, ())


def test_an_unknown_area_in_the_scope_is_an_error() -> None:
    with pytest.raises(ValueError, match="unknown process areas in scope: XYZ"):
        score(rate("FI"), scope={"PP", "XYZ"})


# --------------------------------------------------------------------------- bad input


def test_an_unknown_rating_value_cannot_be_scored() -> None:
    with pytest.raises(ValueError, match=re.escape("PP.SP1.1='fi'")):
        score({"PP.SP1.1": "fi"})


@pytest.mark.parametrize("target", [0, 6, -1, True])
def test_a_target_level_outside_1_to_5_is_an_error(target: int) -> None:
    with pytest.raises(ValueError, match="target level"):
        score(rate("FI"), target=target)


def test_ratings_of_practices_the_model_does_not_have_are_ignored_by_scoring() -> None:
    assert score({**rate("FI"), "XX.SP9.9": "NI"}) == score(rate("FI"))


def test_ratings_may_be_given_as_rating_members() -> None:
    ratings = dict.fromkeys(rate("FI"), Rating.LI)

    assert score(ratings).maturity_level == 4


# --------------------------------------------------------------------------- JSON output


def test_result_to_dict_has_exactly_the_ladder_score_shape() -> None:
    ratings = rate("FI", practices={"PP.SP2.1": "PI", "SAM.GP3.1": None})

    data = result_to_dict(score(ratings, target=3, scope={"PP", "SAM"}))

    assert data == {
        "maturity_level": 1,
        "target_level": 3,
        "complete": False,
        "score": 83.33,  # PP 16 of 18 points + SAM 9 of 12 = 25 of 30
        "process_areas": {
            "PP": {
                "score": 88.89,
                "capability_level": 0,
                "satisfied_goals": ["PP.SG1", "PP.GG2", "PP.GG3"],
                "unsatisfied_goals": ["PP.SG2"],
            },
            "SAM": {
                "score": 75.0,
                "capability_level": 2,
                "satisfied_goals": ["SAM.SG1", "SAM.GG2"],
                "unsatisfied_goals": ["SAM.GG3"],
            },
        },
        "gap": {"levels": 2, "process_areas": ["PP", "SAM"]},
    }
    assert json.loads(json.dumps(data)) == data


# --------------------------------------------------------------------------- validating input


def test_valid_ratings_have_no_problems() -> None:
    ratings = rate("FI", practices={"PP.SP1.1": "NA", "PP.SP1.2": None})

    assert validate_ratings(MINI, ratings, {"PP.SP1.1": "No estimates: fixed-price work"}) == []


def test_an_unknown_practice_id_is_a_problem() -> None:
    assert validate_ratings(MINI, {"PP.SP9.1": "FI"}, {}) == [
        "PP.SP9.1: unknown practice id (not in model mini)"
    ]


@pytest.mark.parametrize("value", ["fi", "", "Fully", 3, None])
def test_an_unknown_rating_value_is_a_problem(value: object) -> None:
    problems = validate_ratings(MINI, {"PP.SP1.1": value}, {})

    assert problems == [f"PP.SP1.1: unknown rating {value!r} (expected one of FI, LI, PI, NI, NA)"]


@pytest.mark.parametrize("reasons", [{}, {"PP.SP1.1": ""}, {"PP.SP1.1": "   "}, None])
def test_na_without_a_reason_is_a_problem(reasons: dict[str, str] | None) -> None:
    problems = validate_ratings(MINI, {"PP.SP1.1": "NA"}, reasons)

    assert problems == ["PP.SP1.1: rated NA without a reason (NA needs a reason)"]


def test_every_problem_of_the_input_is_reported_at_once() -> None:
    ratings = {"PP.SP1.1": "NA", "PP.SP1.2": "XX", "ZZ.SP1.1": "FI", "PP.SP2.1": "LI"}

    problems = validate_ratings(MINI, ratings, {"QQ.SP1.1": "why"})

    assert problems == [
        "PP.SP1.1: rated NA without a reason (NA needs a reason)",
        "PP.SP1.2: unknown rating 'XX' (expected one of FI, LI, PI, NI, NA)",
        "ZZ.SP1.1: unknown practice id (not in model mini)",
        "QQ.SP1.1: NA reason for an unknown practice id",
    ]


# --------------------------------------------------------------------------- the CMMI model


CMMI_PATH = MODEL_FILES_DIR / "cmmi-dev-1.3.yaml"
needs_cmmi = pytest.mark.skipif(not CMMI_PATH.exists(), reason="the CMMI model is not there yet")


@needs_cmmi
def test_cmmi_all_fully_implemented_is_ml5_with_score_100() -> None:
    from assessments.maturity_model.index import load_builtin_model

    cmmi = load_builtin_model("cmmi-dev-1.3")

    result = score_assessment(cmmi, rate("FI", model=cmmi), target_level=5)

    assert result.maturity_level == 5
    assert result.score == 100.0
    assert result.complete
    assert len(result.process_areas) == 22
    assert (result.gap.levels, result.gap.process_areas) == (0, ())


@needs_cmmi
def test_cmmi_ml3_with_supplier_management_not_applicable() -> None:
    from assessments.maturity_model.index import load_builtin_model

    cmmi = load_builtin_model("cmmi-dev-1.3")
    high_maturity = {"OPP": "NI", "QPM": "NI", "CAR": "NI", "OPM": "NI"}
    ratings = rate("LI", areas={"SAM": "NA", **high_maturity}, model=cmmi)

    result = score_assessment(cmmi, ratings, target_level=5)

    assert result.maturity_level == 3
    assert result.gap.levels == 2
    assert set(result.gap.process_areas) == {"OPP", "QPM", "CAR", "OPM"}
    assert result.area("SAM").score is None
