"""The maturity-model loader and validator: what a valid file gives, and every kind of problem.

Each problem is reported as PATH:LINE: message, all of them at once, with the line of the
offending YAML node.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from assessments.maturity_model.index import (
    MODEL_FILES_DIR,
    UnknownModelError,
    builtin_model_keys,
    builtin_model_paths,
    load_builtin_model,
)
from assessments.maturity_model.model import MaturityModel, Text, model_to_dict
from assessments.maturity_model.validator import (
    MAX_MODEL_FILE_BYTES,
    ModelError,
    Problem,
    load_model_file,
    load_model_text,
    validate_model_file,
    validate_model_text,
)

TINY = """\
key: tiny
version: "1.0"
name: {zh: 微型模型, en: Tiny model}
description: {zh: 测试用的模型, en: A model for tests}
rating_scale: [FI, LI, PI, NI, NA]
maturity_levels: [1, 2, 3]
categories:
  - {code: Project Management, name: {zh: 项目管理, en: Project Management}}
  - {code: Engineering, name: {zh: 工程, en: Engineering}}
generic_goals:
  - id: GG2
    level: 2
    name: {zh: 制度化受管理过程, en: Institutionalize a Managed Process}
    practices:
      - id: GP2.1
        text: {zh: 建立组织方针, en: Establish an Organizational Policy}
      - id: GP2.2
        text: {zh: 策划过程, en: Plan the Process}
  - id: GG3
    level: 3
    name: {zh: 制度化已定义过程, en: Institutionalize a Defined Process}
    practices:
      - id: GP3.1
        text: {zh: 建立已定义过程, en: Establish a Defined Process}
process_areas:
  - code: PP
    name: {zh: 项目策划, en: Project Planning}
    category: Project Management
    maturity_level: 2
    purpose: {zh: 建立并维护计划, en: Establish and maintain plans}
    keywords: {zh: [计划, 估算], en: [plan, estimate]}
    goals:
      - id: PP.SG1
        name: {zh: 建立估算, en: Establish Estimates}
        practices:
          - id: PP.SP1.1
            text: {zh: 估算项目范围, en: Estimate the Scope of the Project}
            guidance: {zh: 使用工作分解结构, en: Use a work breakdown structure}
            work_products: {zh: [工作分解结构], en: [Work breakdown structure]}
          - id: PP.SP1.2
            text: {zh: 估算工作产品属性, en: Estimate Work Product Attributes}
      - id: PP.SG2
        name: {zh: 制定项目计划, en: Develop a Project Plan}
        practices:
          - id: PP.SP2.1
            text: {zh: 确定预算与进度, en: Establish the Budget and Schedule}
  - code: REQM
    name: {zh: 需求管理, en: Requirements Management}
    category: Project Management
    maturity_level: 2
    purpose: {zh: 管理需求, en: Manage requirements}
    keywords: {zh: [需求], en: [requirement]}
    goals:
      - id: REQM.SG1
        name: {zh: 管理需求, en: Manage Requirements}
        practices:
          - id: REQM.SP1.1
            text: {zh: 理解需求, en: Understand Requirements}
          - id: REQM.SP1.2
            text: {zh: 确保对需求的承诺, en: Obtain Commitment to Requirements}
  - code: VER
    name: {zh: 验证, en: Verification}
    category: Engineering
    maturity_level: 3
    purpose: {zh: 确保满足需求, en: Ensure work products meet requirements}
    keywords: {zh: [评审, 测试], en: [review, test]}
    goals:
      - id: VER.SG1
        name: {zh: 准备验证, en: Prepare for Verification}
        practices:
          - id: VER.SP1.1
            text: {zh: 选择验证对象, en: Select Work Products for Verification}
"""

CMMI_PATH = MODEL_FILES_DIR / "cmmi-dev-1.3.yaml"


# --------------------------------------------------------------------------- helpers


def edit(old: str, new: str, text: str = TINY) -> str:
    """``text`` with the one occurrence of ``old`` replaced by ``new``."""
    assert text.count(old) == 1, f"{old!r} must occur exactly once"
    return text.replace(old, new)


def line_of(text: str, needle: str, occurrence: int = 1) -> int:
    """The 1-based line of the ``occurrence``-th line containing ``needle``."""
    hits = [number for number, line in enumerate(text.splitlines(), start=1) if needle in line]
    assert len(hits) >= occurrence, f"{needle!r} not found {occurrence} time(s)"
    return hits[occurrence - 1]


def problems_of(text: str) -> list[tuple[int, str]]:
    return [(problem.line, problem.message) for problem in validate_model_text(text, "m.yaml")]


def assert_problem(text: str, line: int, *fragments: str) -> None:
    """Exactly one problem, at ``line``, whose message contains every fragment."""
    problems = problems_of(text)
    assert len(problems) == 1, problems
    found_line, message = problems[0]
    assert found_line == line, problems
    for fragment in fragments:
        assert fragment in message, problems


# --------------------------------------------------------------------------- a valid model


def test_the_tiny_model_loads_with_its_areas_in_file_order() -> None:
    model = load_model_text(TINY)

    assert isinstance(model, MaturityModel)
    assert model.key == "tiny"
    assert model.version == "1.0"
    assert model.name == Text(zh="微型模型", en="Tiny model")
    assert [category.code for category in model.categories] == [
        "Project Management",
        "Engineering",
    ]
    assert [area.code for area in model.process_areas] == ["PP", "REQM", "VER"]
    assert [area.maturity_level for area in model.process_areas] == [2, 2, 3]
    assert model.area("VER").category == "Engineering"


def test_specific_goals_come_first_then_generic_goals_prefixed_with_the_area_code() -> None:
    planning = load_model_text(TINY).area("PP")

    assert [(goal.id, goal.kind, goal.level) for goal in planning.goals] == [
        ("PP.SG1", "specific", None),
        ("PP.SG2", "specific", None),
        ("PP.GG2", "generic", 2),
        ("PP.GG3", "generic", 3),
    ]
    assert [practice.id for practice in planning.goals[2].practices] == ["PP.GP2.1", "PP.GP2.2"]
    assert [practice.id for practice in planning.goals[3].practices] == ["PP.GP3.1"]
    assert planning.goals[2].name.en == "Institutionalize a Managed Process"


def test_every_area_gets_its_own_copy_of_the_generic_goals() -> None:
    model = load_model_text(TINY)

    generic_ids = [goal.id for area in model.process_areas for goal in area.generic_goals]

    assert generic_ids == ["PP.GG2", "PP.GG3", "REQM.GG2", "REQM.GG3", "VER.GG2", "VER.GG3"]
    assert len(model.practice_ids()) == 6 + 5 + 4


def test_practices_keep_text_guidance_work_products_and_areas_keep_keywords() -> None:
    planning = load_model_text(TINY).area("PP")
    scope, attributes = planning.goals[0].practices

    assert scope.text.get("zh") == "估算项目范围"
    assert scope.text.get("en") == "Estimate the Scope of the Project"
    assert scope.guidance == Text(zh="使用工作分解结构", en="Use a work breakdown structure")
    assert scope.work_products == {"zh": ("工作分解结构",), "en": ("Work breakdown structure",)}
    assert attributes.guidance is None
    assert attributes.work_products is None
    assert planning.keywords == {"zh": ("计划", "估算"), "en": ("plan", "estimate")}
    assert planning.purpose.en == "Establish and maintain plans"


def test_the_model_is_immutable_and_hashable() -> None:
    model = load_model_text(TINY)

    with pytest.raises(AttributeError):
        model.key = "other"  # type: ignore[misc]  # the test: a frozen model refuses this
    assert hash(model) == hash(load_model_text(TINY))
    assert model == load_model_text(TINY)


def test_model_to_dict_has_exactly_the_model_show_json_shape() -> None:
    data = model_to_dict(load_model_text(TINY))

    assert set(data) == {"key", "version", "name", "process_areas"}
    assert data["key"] == "tiny"
    assert data["version"] == "1.0"
    assert data["name"] == {"zh": "微型模型", "en": "Tiny model"}
    verification = data["process_areas"][2]
    assert verification == {
        "code": "VER",
        "name": {"zh": "验证", "en": "Verification"},
        "maturity_level": 3,
        "category": "Engineering",
        "goals": [
            {
                "id": "VER.SG1",
                "kind": "specific",
                "level": None,
                "practices": [
                    {
                        "id": "VER.SP1.1",
                        "text": {
                            "zh": "选择验证对象",
                            "en": "Select Work Products for Verification",
                        },
                    }
                ],
            },
            {
                "id": "VER.GG2",
                "kind": "generic",
                "level": 2,
                "practices": [
                    {
                        "id": "VER.GP2.1",
                        "text": {"zh": "建立组织方针", "en": "Establish an Organizational Policy"},
                    },
                    {"id": "VER.GP2.2", "text": {"zh": "策划过程", "en": "Plan the Process"}},
                ],
            },
            {
                "id": "VER.GG3",
                "kind": "generic",
                "level": 3,
                "practices": [
                    {
                        "id": "VER.GP3.1",
                        "text": {"zh": "建立已定义过程", "en": "Establish a Defined Process"},
                    }
                ],
            },
        ],
    }


def test_a_valid_file_loads_and_validates_without_problems(tmp_path: Path) -> None:
    path = tmp_path / "tiny.yaml"
    path.write_text(TINY, encoding="utf-8")

    assert validate_model_file(path) == []
    assert load_model_file(path) == load_model_text(TINY)


def test_a_utf8_byte_order_mark_is_accepted(tmp_path: Path) -> None:
    path = tmp_path / "bom.yaml"
    path.write_bytes(b"\xef\xbb\xbf" + TINY.encode("utf-8"))

    assert load_model_file(path).key == "tiny"


def test_crlf_line_endings_are_accepted_and_lines_still_count_right(tmp_path: Path) -> None:
    path = tmp_path / "crlf.yaml"
    path.write_bytes(TINY.replace("\n", "\r\n").encode("utf-8"))
    assert load_model_file(path) == load_model_text(TINY)

    text = edit("          - id: REQM.SP1.2\n", "          - id: REQM.SP1.1\n")
    path.write_bytes(text.replace("\n", "\r\n").encode("utf-8"))
    problems = validate_model_file(path)
    assert [problem.line for problem in problems] == [line_of(text, "- id: REQM.SP1.1", 2)]


# --------------------------------------------------------------------------- problem reporting


def test_a_problem_prints_as_path_line_message() -> None:
    problem = Problem("models/x.yaml", 12, "goal PP.SG1 has no practices")

    assert str(problem) == "models/x.yaml:12: goal PP.SG1 has no practices"


def test_load_model_text_raises_model_error_listing_the_problems() -> None:
    text = edit('version: "1.0"\n', "")

    with pytest.raises(ModelError) as raised:
        load_model_text(text, "bad.yaml")

    assert raised.value.problems == [
        Problem("bad.yaml", 1, "model: missing required key 'version'")
    ]
    assert str(raised.value) == "bad.yaml:1: model: missing required key 'version'"


def test_invalid_yaml_is_reported_at_the_line_of_the_parse_error() -> None:
    text = edit("    category: Engineering\n", "    category: [Engineering\n")

    problems = problems_of(text)

    assert len(problems) == 1
    line, message = problems[0]
    assert message.startswith("invalid YAML:")
    assert line == line_of(text, "    maturity_level: 3")  # where the parser notices


def test_bad_indentation_is_reported_with_its_line() -> None:
    text = edit("    purpose: {zh: 管理需求", "      purpose: {zh: 管理需求")

    problems = problems_of(text)

    assert len(problems) == 1
    assert problems[0][1].startswith("invalid YAML:")
    assert problems[0][0] == line_of(text, "      purpose: {zh: 管理需求")


def test_an_empty_file_is_a_problem() -> None:
    assert problems_of("") == [(1, "the model is empty")]
    assert problems_of("# only a comment\n") == [(1, "the model is empty")]


def test_a_model_that_is_not_a_mapping_is_a_problem() -> None:
    assert_problem("- just\n- a list\n", 1, "model must be a mapping, not a list")


def test_more_than_one_yaml_document_is_a_problem() -> None:
    text = TINY + "---\nkey: second\n"

    problems = problems_of(text)

    assert len(problems) == 1
    assert problems[0][0] == line_of(text, "---")
    assert "single document" in problems[0][1]


def test_yaml_tags_are_refused() -> None:
    text = edit('version: "1.0"', "version: !!python/object:os.system 1.0")

    assert_problem(text, 2, "YAML tags are not allowed", "python/object")


def test_a_custom_or_standard_tag_is_refused_too() -> None:
    text = edit('version: "1.0"', "version: !!str 1.0")

    assert_problem(text, 2, "YAML tags are not allowed", "tag:yaml.org,2002:str")


def test_anchors_and_aliases_are_refused_each_at_its_line() -> None:
    text = edit(
        "    purpose: {zh: 管理需求, en: Manage requirements}",
        "    purpose: &p {zh: 管理需求, en: Manage requirements}",
    )
    text = edit(
        "    purpose: {zh: 确保满足需求, en: Ensure work products meet requirements}",
        "    purpose: *p",
        text,
    )

    assert problems_of(text) == [
        (line_of(text, "&p"), "YAML anchors are not allowed (found anchor '&p')"),
        (line_of(text, "*p"), "YAML aliases are not allowed (found alias '*p')"),
    ]


def test_an_alias_bomb_is_refused_quickly() -> None:
    bomb = ['a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for level in range(1, 10):
        previous = f"*a{level - 1}"
        bomb.append(f"a{level}: &a{level} [{', '.join([previous] * 9)}]")
    text = "\n".join(bomb) + "\n"

    started = time.perf_counter()
    problems = problems_of(text)
    elapsed = time.perf_counter() - started

    assert elapsed < 2.0
    assert problems[0] == (1, "YAML anchors are not allowed (found anchor '&a0')")
    assert any("aliases are not allowed" in message for _, message in problems)
    with pytest.raises(ModelError):
        load_model_text(text)


def test_deeply_nested_yaml_is_refused_without_crashing() -> None:
    text = "key: " + "[" * 50_000 + "]" * 50_000 + "\n"

    problems = problems_of(text)

    assert len(problems) == 1
    assert problems[0][1].startswith("invalid YAML")


def test_a_missing_key_is_reported_at_the_mapping_that_lacks_it() -> None:
    text = edit("    purpose: {zh: 管理需求, en: Manage requirements}\n", "")

    assert_problem(
        text,
        line_of(text, "  - code: REQM"),
        "process area REQM: missing required key 'purpose'",
    )


def test_an_unknown_key_is_reported_so_that_typos_do_not_go_unnoticed() -> None:
    text = edit("    maturity_level: 3\n", "    maturity_level: 3\n    maturty: 3\n")

    assert_problem(text, line_of(text, "maturty:"), "process area VER: unknown key 'maturty'")


def test_a_duplicate_key_in_a_mapping_is_reported() -> None:
    text = edit("    maturity_level: 3\n", "    maturity_level: 3\n    maturity_level: 4\n")

    assert_problem(text, line_of(text, "maturity_level: 4"), "duplicate key 'maturity_level'")


def test_a_version_that_is_not_a_string_is_reported_with_a_hint() -> None:
    text = edit('version: "1.0"', "version: 1.0")

    assert_problem(text, 2, "version must be a string, not a number (put it in quotes)")


def test_a_maturity_level_that_is_not_an_integer_is_reported() -> None:
    text = edit("    maturity_level: 3\n", "    maturity_level: three\n")

    assert_problem(
        text,
        line_of(text, "maturity_level: three"),
        "process area VER: maturity_level must be an integer, not a string",
    )


def test_a_list_where_a_mapping_is_expected_is_reported() -> None:
    text = edit("    name: {zh: 验证, en: Verification}", "    name: [验证, Verification]")

    assert_problem(
        text,
        line_of(text, "[验证, Verification]"),
        "process area VER: name must be a mapping, not a list",
    )


@pytest.mark.parametrize(
    ("old", "new", "fragments"),
    [
        (
            "{zh: 验证, en: Verification}",
            "{en: Verification}",
            ("process area VER: name: missing required key 'zh'",),
        ),
        (
            "{zh: 验证, en: Verification}",
            "{zh: 验证}",
            ("process area VER: name: missing required key 'en'",),
        ),
        (
            "{zh: 验证, en: Verification}",
            '{zh: 验证, en: "  "}',
            ("process area VER: name: the 'en' text must not be empty",),
        ),
        (
            "{zh: 选择验证对象, en: Select Work Products for Verification}",
            "{zh: 选择验证对象, en: No}",
            ("practice VER.SP1.1: text: the 'en' text must be a string, not a boolean",),
        ),
        (
            "{zh: 选择验证对象, en: Select Work Products for Verification}",
            "{zh: 选择验证对象, en: Select, ja: 検証}",
            ("practice VER.SP1.1: text: unknown key 'ja'",),
        ),
    ],
)
def test_every_bilingual_text_needs_non_empty_zh_and_en(
    old: str, new: str, fragments: tuple[str, ...]
) -> None:
    text = edit(old, new)

    assert_problem(text, line_of(text, new), *fragments)


def test_a_duplicate_area_code_is_reported_at_the_second_one() -> None:
    text = edit("  - code: VER\n", "  - code: PP\n")

    problems = problems_of(text)  # the copy's VER.* ids are reported too

    first = line_of(text, "  - code: PP", 1)
    second = line_of(text, "  - code: PP", 2)
    assert (second, f"duplicate process area code 'PP' (already used on line {first})") in problems


def test_a_duplicate_goal_id_is_reported_at_the_second_one() -> None:
    text = edit("      - id: PP.SG2\n", "      - id: PP.SG1\n")
    text = edit("          - id: PP.SP2.1\n", "          - id: PP.SP1.3\n", text)

    first = line_of(text, "- id: PP.SG1", 1)
    assert_problem(
        text,
        line_of(text, "- id: PP.SG1", 2),
        f"duplicate goal id 'PP.SG1' (already used on line {first})",
    )


def test_a_duplicate_practice_id_is_reported_at_the_second_one() -> None:
    text = edit("          - id: REQM.SP1.2\n", "          - id: REQM.SP1.1\n")

    first = line_of(text, "- id: REQM.SP1.1", 1)
    assert_problem(
        text,
        line_of(text, "- id: REQM.SP1.1", 2),
        f"duplicate practice id 'REQM.SP1.1' (already used on line {first})",
    )


def test_a_duplicate_generic_practice_id_is_reported() -> None:
    text = edit("      - id: GP2.2\n", "      - id: GP2.1\n")

    assert_problem(text, line_of(text, "- id: GP2.1", 2), "duplicate generic practice id 'GP2.1'")


def test_a_goal_id_with_another_areas_prefix_is_reported() -> None:
    text = edit("      - id: REQM.SG1\n", "      - id: RM.SG1\n")
    text = text.replace("REQM.SP1.", "RM.SP1.")

    problems = problems_of(text)

    assert problems[0] == (
        line_of(text, "- id: RM.SG1"),
        "goal id 'RM.SG1' must start with its process area code 'REQM.'",
    )


def test_a_malformed_goal_id_is_reported() -> None:
    text = edit("      - id: VER.SG1\n", "      - id: VER.G1\n")

    assert_problem(text, line_of(text, "VER.G1"), "goal id 'VER.G1' must look like 'VER.SG<n>'")


def test_a_practice_id_with_another_areas_prefix_is_reported() -> None:
    text = edit("          - id: VER.SP1.1\n", "          - id: VAL.SP1.1\n")

    assert_problem(
        text,
        line_of(text, "VAL.SP1.1"),
        "practice id 'VAL.SP1.1' must start with its process area code 'VER.'",
    )


def test_a_practice_numbered_for_another_goal_is_reported() -> None:
    text = edit("          - id: PP.SP2.1\n", "          - id: PP.SP1.3\n")

    assert_problem(
        text,
        line_of(text, "PP.SP1.3"),
        "practice id 'PP.SP1.3' does not match its goal PP.SG2 (expected 'PP.SP2.<m>')",
    )


def test_malformed_generic_ids_are_reported() -> None:
    text = edit("  - id: GG3\n", "  - id: G3\n")
    text = edit("      - id: GP2.2\n", "      - id: GP3.2\n", text)

    assert problems_of(text) == [
        (
            line_of(text, "GP3.2"),
            "practice id 'GP3.2' does not match its generic goal GG2 (expected 'GP2.<m>')",
        ),
        (line_of(text, "- id: G3"), "generic goal id 'G3' must look like 'GG<n>' (e.g. GG2)"),
    ]


def test_a_generic_goal_level_other_than_2_or_3_is_reported() -> None:
    text = edit("    level: 3\n", "    level: 4\n")

    assert_problem(text, line_of(text, "level: 4"), "generic goal GG3: level must be 2 or 3, not 4")


def test_a_generic_goal_level_must_match_its_id() -> None:
    text = edit("    level: 3\n", "    level: 2\n")

    assert_problem(
        text,
        line_of(text, "    level: 2", 2),
        "generic goal GG3: level 2 does not match its id (GG2)",
    )


def test_an_unknown_maturity_level_is_reported() -> None:
    text = edit("    maturity_level: 3\n", "    maturity_level: 4\n")

    assert_problem(
        text,
        line_of(text, "maturity_level: 4"),
        "process area VER: unknown maturity level 4 (maturity_levels are 1, 2, 3)",
    )


def test_an_unknown_category_is_reported() -> None:
    text = edit("    category: Engineering\n", "    category: Engineerin\n")

    assert_problem(
        text,
        line_of(text, "category: Engineerin"),
        "process area VER: unknown category 'Engineerin'",
        "known: Project Management, Engineering",
    )


def test_a_rating_scale_other_than_fi_li_pi_ni_na_is_reported() -> None:
    text = edit("rating_scale: [FI, LI, PI, NI, NA]", "rating_scale: [FI, LI, PI, NI]")

    assert_problem(text, 5, "rating_scale must be exactly [FI, LI, PI, NI, NA]")


def test_a_bad_model_key_is_reported() -> None:
    assert_problem(edit("key: tiny", "key: Tiny Model"), 1, "key 'Tiny Model' may only contain")


def test_a_goal_without_practices_is_reported() -> None:
    text = edit(
        "        practices:\n          - id: VER.SP1.1\n"
        "            text: {zh: 选择验证对象, en: Select Work Products for Verification}\n",
        "        practices: []\n",
    )

    assert_problem(
        text,
        line_of(text, "practices: []"),
        "goal VER.SG1 has no practices (a goal needs at least one)",
    )


def test_an_area_without_specific_goals_is_reported() -> None:
    verification = TINY[TINY.index("    goals:\n      - id: VER.SG1") :]
    text = edit(verification, "    goals: []\n")

    assert_problem(text, line_of(text, "goals: []"), "process area VER has no specific goals")


def test_a_model_without_process_areas_is_reported() -> None:
    text = TINY[: TINY.index("process_areas:")] + "process_areas: []\n"

    assert_problem(text, line_of(text, "process_areas"), "process_areas must not be empty")


def test_several_problems_are_all_reported_in_line_order() -> None:
    text = edit('version: "1.0"', "version: 1.0")
    text = edit("      - id: GP2.2\n", "      - id: GP2.1\n", text)
    text = edit(
        "{zh: 需求管理, en: Requirements Management}", "{en: Requirements Management}", text
    )
    text = edit("    maturity_level: 3\n", "    maturity_level: 7\n", text)
    text = edit("    category: Engineering\n", "    category: Testing\n", text)
    text = edit("          - id: VER.SP1.1\n", "          - id: VER.SP2.1\n", text)

    problems = problems_of(text)

    assert [line for line, _ in problems] == [
        2,
        line_of(text, "- id: GP2.1", 2),
        line_of(text, "{en: Requirements Management}"),
        line_of(text, "category: Testing"),
        line_of(text, "maturity_level: 7"),
        line_of(text, "VER.SP2.1"),
    ]
    assert all(
        str(problem).startswith("m.yaml:") for problem in validate_model_text(text, "m.yaml")
    )


# --------------------------------------------------------------------------- files


def test_a_file_that_is_not_utf8_is_reported_at_the_line_of_the_bad_byte(tmp_path: Path) -> None:
    path = tmp_path / "gbk.yaml"
    data = TINY.replace("name: {zh: 验证", "name: {zh: ??").encode("utf-8")
    data = data.replace(b"{zh: ??", "{zh: 验证".encode("gbk"))
    path.write_bytes(data)

    problems = validate_model_file(path)

    assert len(problems) == 1
    assert problems[0].path == str(path)
    assert problems[0].line == line_of(TINY, "name: {zh: 验证")
    assert "not valid UTF-8" in problems[0].message


def test_a_bad_byte_after_a_byte_order_mark_is_reported_at_its_line(tmp_path: Path) -> None:
    path = tmp_path / "bom.yaml"
    path.write_bytes(b'\xef\xbb\xbfkey: tiny\nversion: "1\xff"\n')

    problems = validate_model_file(path)

    assert [(problem.line, problem.message) for problem in problems] == [
        (2, "the file is not valid UTF-8 (byte 0xff at offset 24)")
    ]


def test_a_file_that_is_too_large_is_refused_before_parsing(tmp_path: Path) -> None:
    path = tmp_path / "huge.yaml"
    path.write_bytes(TINY.encode("utf-8") + b"#" * MAX_MODEL_FILE_BYTES)

    problems = validate_model_file(path)

    assert len(problems) == 1
    assert problems[0].line == 1
    assert "too large" in problems[0].message
    assert "too large" in str(validate_model_text("#" * (MAX_MODEL_FILE_BYTES + 1))[0])


def test_a_missing_file_is_a_problem_not_a_crash(tmp_path: Path) -> None:
    path = tmp_path / "missing.yaml"

    problems = validate_model_file(path)

    assert [(problem.line, problem.message) for problem in problems] == [
        (1, "cannot read the model file: No such file or directory")
    ]
    with pytest.raises(ModelError):
        load_model_file(path)


def test_file_problems_name_the_file(tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(edit('version: "1.0"', "version: 1.0"), encoding="utf-8")

    with pytest.raises(ModelError) as raised:
        load_model_file(path)

    assert str(raised.value).startswith(f"{path}:2: version must be a string")


# --------------------------------------------------------------------------- built-in models


def test_builtin_model_paths_are_the_yaml_files_of_model_files() -> None:
    paths = builtin_model_paths()

    assert paths == sorted(MODEL_FILES_DIR.glob("*.yaml"))
    assert all(path.parent == MODEL_FILES_DIR for path in paths)


def test_an_unknown_builtin_model_key_is_reported() -> None:
    with pytest.raises(UnknownModelError) as raised:
        load_builtin_model("no-such-model")

    assert "unknown model 'no-such-model'" in str(raised.value)


def test_a_builtin_model_key_cannot_reach_outside_model_files() -> None:
    with pytest.raises(UnknownModelError):
        load_builtin_model("../../pyproject")


@pytest.mark.parametrize("path", builtin_model_paths(), ids=lambda path: path.name)
def test_every_builtin_model_file_is_valid(path: Path) -> None:
    assert [str(problem) for problem in validate_model_file(path)] == []
    key = load_model_file(path).key
    assert key in builtin_model_keys()
    assert load_builtin_model(key) == load_model_file(path)


CMMI_LEVELS = {
    2: {"CM", "MA", "PMC", "PP", "PPQA", "REQM", "SAM"},
    3: {"DAR", "IPM", "OPD", "OPF", "OT", "PI", "RD", "RSKM", "TS", "VAL", "VER"},
    4: {"OPP", "QPM"},
    5: {"CAR", "OPM"},
}
CMMI_CATEGORIES = {
    "Process Management": {"OPD", "OPF", "OPM", "OPP", "OT"},
    "Project Management": {"IPM", "PMC", "PP", "QPM", "REQM", "RSKM", "SAM"},
    "Engineering": {"PI", "RD", "TS", "VAL", "VER"},
    "Support": {"CAR", "CM", "DAR", "MA", "PPQA"},
}


@pytest.mark.skipif(not CMMI_PATH.exists(), reason="the CMMI model file is not there yet")
def test_the_builtin_cmmi_model_has_22_areas_with_the_domain_levels_and_categories() -> None:
    model = load_builtin_model("cmmi-dev-1.3")

    assert model.key == "cmmi-dev-1.3"
    assert len(model.process_areas) == 22
    for level, codes in CMMI_LEVELS.items():
        assert {a.code for a in model.process_areas if a.maturity_level == level} == codes
    for category, codes in CMMI_CATEGORIES.items():
        assert {a.code for a in model.process_areas if a.category == category} == codes
    planning = model.area("PP")
    assert planning.goals[0].id == "PP.SG1"
    assert planning.goals[0].practices[0].id == "PP.SP1.1"
    generic = {goal.id: goal for goal in planning.generic_goals}
    assert set(generic) == {"PP.GG2", "PP.GG3"}
    assert [p.id for p in generic["PP.GG2"].practices] == [f"PP.GP2.{n}" for n in range(1, 11)]
    assert [p.id for p in generic["PP.GG3"].practices] == ["PP.GP3.1", "PP.GP3.2"]
    assert load_builtin_model("cmmi-dev-1.3") is model  # cached
