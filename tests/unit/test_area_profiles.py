"""Area profiles built from the built-in model guide the clustering toward process areas."""

from __future__ import annotations

from assessments.area_profiles import area_profiles, builtin_area_profiles
from assessments.clustering import assign_to_themes, cluster_texts
from assessments.maturity_model.index import builtin_model_keys, load_builtin_model


def test_every_area_gets_a_bilingual_profile_with_its_keywords():
    model = load_builtin_model("cmmi-dev-1.3")
    profiles = area_profiles(model)
    assert [p.code for p in profiles] == [a.code for a in model.process_areas]
    reqm = next(p for p in profiles if p.code == "REQM")
    area = model.area("REQM")
    assert (reqm.name_zh, reqm.name_en) == (area.name.zh, area.name.en)
    assert area.purpose.zh in reqm.text
    assert area.purpose.en in reqm.text
    assert all(word in reqm.text for word in area.keywords["zh"])
    generic_text = next(g for g in area.goals if g.kind == "generic").practices[0].text.zh
    assert generic_text not in reqm.text


def test_profiles_map_requirement_and_schedule_complaints_to_their_areas():
    profiles = area_profiles(load_builtin_model("cmmi-dev-1.3"))
    texts = [
        "需求变更太频繁，客户随时改需求",
        "需求经常变来变去，没有变更控制",
        "requirements keep changing without any change control",
        "需求基线不清楚，改了也不通知",
        "进度计划不合理，工期被压缩",
        "项目进度总是延期，计划拍脑袋",
        "the schedule is unrealistic and estimates are guesses",
        "工作量估算不准，计划经常延期",
    ]
    result = cluster_texts(texts, k=2, areas=profiles)
    first, second = result.assignments[0], result.assignments[4]
    assert first != second
    assert set(result.assignments[:4]) == {first}
    assert set(result.assignments[4:]) == {second}
    assert "REQM" in result.themes[first].process_areas
    assert result.state is not None
    assert assign_to_themes(result.state, ["客户又改需求了"]) == (first,)


def test_the_fast_read_of_a_built_in_model_gives_the_same_profiles():
    for key in builtin_model_keys():
        assert builtin_area_profiles(key) == area_profiles(load_builtin_model(key)), key
