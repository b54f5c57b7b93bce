"""The command-line contracts of DOMAIN.md, run as a user runs them: the real `ladder`."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from assessments.maturity_model.index import load_builtin_model

LADDER = str(Path(sys.executable).with_name("ladder"))


def ladder(*args: str, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "LADDER_INSTANCE_PATH": str(tmp_path / "instance")}
    return subprocess.run(
        [LADDER, *args], capture_output=True, text=True, env=env, timeout=120, check=False
    )


def write_json(path: Path, data: object) -> Path:
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path


def test_model_show_prints_the_contract_shape(tmp_path):
    result = ladder("model", "show", "cmmi-dev-1.3", "--format", "json", tmp_path=tmp_path)
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert set(data) == {"key", "version", "name", "process_areas"}
    assert data["key"] == "cmmi-dev-1.3"
    assert len(data["process_areas"]) == 22
    pp = next(a for a in data["process_areas"] if a["code"] == "PP")
    assert pp["name"] == {"zh": "项目策划", "en": "Project Planning"}
    assert (pp["maturity_level"], pp["category"]) == (2, "Project Management")
    kinds = [(g["id"], g["kind"], g["level"]) for g in pp["goals"]]
    assert ("PP.SG1", "specific", None) in kinds
    assert kinds[-2:] == [("PP.GG2", "generic", 2), ("PP.GG3", "generic", 3)]
    gg2 = next(g for g in pp["goals"] if g["id"] == "PP.GG2")
    assert [p["id"] for p in gg2["practices"]] == [f"PP.GP2.{n}" for n in range(1, 11)]
    assert set(gg2["practices"][0]["text"]) == {"zh", "en"}


def test_model_show_unknown_key_fails_with_a_message(tmp_path):
    result = ladder("model", "show", "no-such-model", "--format", "json", tmp_path=tmp_path)
    assert result.returncode != 0
    assert "unknown model 'no-such-model'" in result.stderr
    assert result.stdout == ""


def test_model_validate_reports_every_problem_with_its_line(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        "key: demo\nversion: '1'\nname: {zh: 演示}\ndescription: {zh: x, en: x}\n"
        "rating_scale: [FI, LI, PI, NI, NA]\nmaturity_levels: [1, 2]\n"
        "categories:\n  - {code: Support, name: {zh: 支持, en: Support}}\n"
        "generic_goals: []\nprocess_areas:\n  - code: AA\n    name: {zh: 甲, en: A}\n"
        "    category: Nowhere\n    maturity_level: 7\n    purpose: {zh: x, en: x}\n"
        "    keywords: {zh: [x], en: [x]}\n    goals: []\n",
        encoding="utf-8",
    )
    result = ladder("model", "validate", str(bad), tmp_path=tmp_path)
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) >= 3
    for line in lines:
        path, number, message = line.split(":", 2)
        assert path == str(bad)
        assert number.isdigit()
        assert message.strip()
    assert any(line.startswith(f"{bad}:3:") for line in lines)  # name without en


def test_model_validate_accepts_the_builtin_files(tmp_path):
    from assessments.maturity_model.index import builtin_model_paths

    for path in builtin_model_paths():
        result = ladder("model", "validate", str(path), tmp_path=tmp_path)
        assert result.returncode == 0, result.stderr
        assert "OK" in result.stdout


def full_ratings(value: str) -> dict[str, str]:
    model = load_builtin_model("cmmi-dev-1.3")
    return {practice.id: value for _, _, practice in model.practices()}


def test_score_all_fully_implemented_reaches_ml5(tmp_path):
    path = write_json(
        tmp_path / "r.json",
        {"model": "cmmi-dev-1.3", "target_level": 3, "ratings": full_ratings("FI")},
    )
    result = ladder("score", str(path), "--format", "json", tmp_path=tmp_path)
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert set(data) == {
        "maturity_level",
        "target_level",
        "complete",
        "score",
        "process_areas",
        "gap",
    }
    assert (data["maturity_level"], data["target_level"], data["complete"]) == (5, 3, True)
    assert data["score"] == 100
    assert data["gap"] == {"levels": 0, "process_areas": []}
    assert data["process_areas"]["PP"]["capability_level"] == 3
    assert set(data["process_areas"]["PP"]) == {
        "score",
        "capability_level",
        "satisfied_goals",
        "unsatisfied_goals",
    }


def test_score_ml2_areas_without_gg3_give_ml2_and_a_gap_to_ml3(tmp_path):
    model = load_builtin_model("cmmi-dev-1.3")
    ratings = full_ratings("FI")
    for area in model.process_areas:
        if area.maturity_level == 2:
            ratings[f"{area.code}.GP3.1"] = "PI"
    path = write_json(
        tmp_path / "r.json", {"model": "cmmi-dev-1.3", "target_level": 3, "ratings": ratings}
    )
    data = json.loads(ladder("score", str(path), "--format", "json", tmp_path=tmp_path).stdout)
    assert data["maturity_level"] == 2
    assert data["gap"]["levels"] == 1
    assert data["gap"]["process_areas"] == ["CM", "MA", "PMC", "PP", "PPQA", "REQM", "SAM"]
    assert data["process_areas"]["PP"]["capability_level"] == 2
    assert "PP.GG3" in data["process_areas"]["PP"]["unsatisfied_goals"]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("{not json", "invalid JSON"),
        ('{"model": "nope", "ratings": {}}', "unknown model"),
        ('{"model": "cmmi-dev-1.3", "target_level": 9, "ratings": {}}', "target_level"),
        ('{"model": "cmmi-dev-1.3", "ratings": {"PP.SP1.1": "XX"}}', "PP.SP1.1"),
        ('{"model": "cmmi-dev-1.3", "ratings": {"ZZ.SP9.9": "FI"}}', "ZZ.SP9.9"),
        ('{"model": "cmmi-dev-1.3", "ratings": {"PP.SP1.1": "NA"}}', "reason"),
    ],
)
def test_score_bad_input_fails_with_a_clear_message(tmp_path, content, message):
    path = tmp_path / "r.json"
    path.write_text(content, encoding="utf-8")
    result = ladder("score", str(path), "--format", "json", tmp_path=tmp_path)
    assert result.returncode != 0
    assert message in result.stderr
    assert result.stdout == ""


# ------------------------------------------------------------------------ ladder consolidate


def test_consolidate_proposes_a_consensus_and_scores_it(tmp_path):
    ratings_a = {**full_ratings("FI"), "PP.SP1.1": "FI", "PP.SP1.2": "NA"}
    path = write_json(
        tmp_path / "c.json",
        {
            "model": "cmmi-dev-1.3",
            "target_level": 2,
            "respondents": {
                "王经理": {"ratings": ratings_a},
                "李工": {"ratings": {"PP.SP1.1": "PI", "PP.SP1.2": "LI", "PP.SP1.3": "LI"}},
                "赵工": {"ratings": {"PP.SP1.1": "LI", "PP.SP1.2": "NA"}},
            },
        },
    )
    result = ladder("consolidate", str(path), "--format", "json", tmp_path=tmp_path)
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert set(data) == {"practices", "disagreements", "score"}
    assert data["practices"]["PP.SP1.1"] == {
        "ratings": {"王经理": "FI", "李工": "PI", "赵工": "LI"},
        "proposed": "LI",
        "disagreement": True,
    }
    assert data["practices"]["PP.SP1.2"] == {
        "ratings": {"王经理": "NA", "李工": "LI", "赵工": "NA"},
        "proposed": "NA",
        "disagreement": True,
    }
    assert data["practices"]["PP.SP1.3"]["proposed"] == "LI"  # the lower of FI and LI
    assert data["disagreements"] == ["PP.SP1.1", "PP.SP1.2"]
    model = load_builtin_model("cmmi-dev-1.3")
    assert list(data["practices"]) == [p.id for _a, _g, p in model.practices()]
    proposed = {pid: entry["proposed"] for pid, entry in data["practices"].items()}
    score_input = write_json(
        tmp_path / "s.json",
        {
            "model": "cmmi-dev-1.3",
            "target_level": 2,
            "ratings": proposed,
            "na_reasons": {pid: "-" for pid, r in proposed.items() if r == "NA"},
        },
    )
    scored = ladder("score", str(score_input), "--format", "json", tmp_path=tmp_path)
    assert data["score"] == json.loads(scored.stdout)


def test_consolidate_lists_only_rated_practices(tmp_path):
    path = write_json(
        tmp_path / "c.json",
        {"model": "cmmi-dev-1.3", "respondents": {"A": {"ratings": {"REQM.SP1.1": "NI"}}}},
    )
    result = ladder("consolidate", str(path), "--format", "json", tmp_path=tmp_path)
    data = json.loads(result.stdout)
    assert data["practices"] == {
        "REQM.SP1.1": {"ratings": {"A": "NI"}, "proposed": "NI", "disagreement": False}
    }
    assert data["disagreements"] == []
    assert data["score"]["complete"] is False
    assert data["score"]["target_level"] is None


@pytest.mark.parametrize(
    ("content", "messages"),
    [
        ("{not json", ["invalid JSON"]),
        ('{"model": "nope", "respondents": {}}', ["unknown model"]),
        ('{"model": "cmmi-dev-1.3", "target_level": 0, "respondents": {}}', ["target_level"]),
        ('{"model": "cmmi-dev-1.3", "respondents": []}', ["respondents"]),
        (
            '{"model": "cmmi-dev-1.3", "respondents": {"王经理": {"ratings": {"PP.SP1.1": "XX"}}}}',
            ["王经理", "PP.SP1.1", "XX"],
        ),
        (
            '{"model": "cmmi-dev-1.3", "respondents": {"李工": {"ratings": {"ZZ.SP9.9": "FI"}}}}',
            ["李工", "ZZ.SP9.9", "unknown practice id"],
        ),
        ('{"model": "cmmi-dev-1.3", "respondents": {"李工": "FI"}}', ["李工"]),
    ],
)
def test_consolidate_bad_input_fails_naming_the_respondent_and_id(tmp_path, content, messages):
    path = tmp_path / "c.json"
    path.write_text(content, encoding="utf-8")
    result = ladder("consolidate", str(path), "--format", "json", tmp_path=tmp_path)
    assert result.returncode != 0
    assert result.stdout == ""
    for message in messages:
        assert message in result.stderr
