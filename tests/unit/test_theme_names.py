"""Theme names and terms in the input's language, confirmed examples and confidence."""

from __future__ import annotations

import re

from assessments.clustering import assign_with_confidence, cluster_texts
from assessments.text import has_cjk
from assessments.theme_names import is_whole_word, main_language

OWNERSHIP_ZH = [
    "这个问题到底归谁管，问了一圈都说不是自己的",
    "出了事互相推，谁负责说不清",
    "接口人不明确，找谁都说不归他们管",
    "职责不清，几个部门来回踢皮球",
    "没人对结果负责，分工一直没定",
]
SUPPLIER_ZH = [
    "供应商又延期交货了，产线停着等料",
    "外协件质量不稳定，供应商整改拖拖拉拉",
    "采购选的供应商报价低但交期老是拖",
    "外包团队交付的代码质量太差",
    "供应商来料检验经常不合格",
]
TOOLS_ZH = [
    "看板系统里导出的数据要录入两遍",
    "ERP和MES不打通，每天手工导数据",
    "几个系统账号各不相同，来回切换太麻烦",
    "看板系统老是卡，录入一次要等半天",
    "系统之间数据不同步，只能手工对账",
]
FRAGMENTS = re.compile(r"^(里导|要录|板系统|先定|统里|据要)$")


def test_main_language_is_the_language_of_most_texts() -> None:
    assert main_language(["需求老是变", "测试不够", "Too many meetings"]) == "zh"
    assert main_language(["Too many meetings", "Late vendor", "需求老是变"]) == "en"
    assert main_language([]) == "zh"


def test_fragments_of_unknown_character_runs_are_not_whole_words() -> None:
    assert all(is_whole_word(w) for w in ("需求", "看板", "meetings"))
    assert not [w for w in ("里导", "要录", "先定") if is_whole_word(w)]


def test_a_chinese_set_gets_chinese_names_of_whole_words() -> None:
    texts = OWNERSHIP_ZH + SUPPLIER_ZH + TOOLS_ZH + ["Nobody owns the MES rollout"]
    result = cluster_texts(texts, k=3)
    for theme in result.themes:
        assert has_cjk(theme.name), theme.name
        assert len(theme.name) <= 16
        assert theme.terms
        assert not [t for t in theme.terms if FRAGMENTS.match(t)], theme.terms
        assert all(is_whole_word(t) for t in theme.terms), theme.terms
    names = {result.themes[result.assignments[i]].name for i in (0, 5)}
    assert names == {"职责不清", "供应商管理问题"}  # the taxonomy's names


def test_an_english_set_gets_english_names() -> None:
    texts = [
        "Nobody owns the MES rollout; every team says it is someone else's job",
        "When something breaks, the teams blame each other and nobody takes ownership",
        "It is unclear who is responsible for sign-off",
        "The vendor shipped late again and the parts failed inspection",
        "Our supplier keeps missing delivery dates",
        "The outsourcing partner delivers poor quality code",
    ]
    result = cluster_texts(texts, k=2)
    assert all(not has_cjk(theme.name) for theme in result.themes)
    assert {result.themes[a].name for a in result.assignments} == {
        "Unclear ownership",
        "Supplier problems",
    }


def test_english_and_chinese_complaints_about_ownership_meet() -> None:
    texts = [*OWNERSHIP_ZH, *SUPPLIER_ZH, "Nobody owns the MES rollout and teams pass the blame"]
    result = cluster_texts(texts, k=2)
    assert result.assignments[-1] == result.assignments[0]


def test_confirmed_examples_form_their_labelled_themes_and_pull_the_rest() -> None:
    texts = OWNERSHIP_ZH + SUPPLIER_ZH + TOOLS_ZH
    labels: list[str | None] = [None] * len(texts)
    labels[0], labels[5], labels[10] = "谁来管", "外部供应", "系统"
    result = cluster_texts(texts, labels=labels)
    assert result.k == 3
    by_label = {theme.label: theme.id for theme in result.themes}
    assert set(by_label) == {"谁来管", "外部供应", "系统"}
    assert {result.assignments[i] for i in range(5)} == {by_label["谁来管"]}
    assert {result.assignments[i] for i in range(5, 10)} == {by_label["外部供应"]}
    assert {result.assignments[i] for i in range(10, 15)} == {by_label["系统"]}
    assert result.confidence[0] == result.confidence[5] == 1.0


def test_k_above_the_labels_adds_new_themes() -> None:
    texts = OWNERSHIP_ZH + SUPPLIER_ZH + TOOLS_ZH
    labels: list[str | None] = [None] * len(texts)
    labels[0] = labels[1] = "谁来管"
    result = cluster_texts(texts, labels=labels, k=3)
    assert result.k == 3
    assert result.themes[result.assignments[0]].label == "谁来管"
    assert result.assignments[1] == result.assignments[0]
    new = [t for t in result.themes if t.label != "谁来管"]
    assert len(new) == 2
    assert all(t.label == t.name for t in new)


def test_confirmed_examples_change_the_grouping() -> None:
    """A row the clustering would put with the tools goes where the PMO confirmed it."""
    texts = OWNERSHIP_ZH + TOOLS_ZH
    odd = "系统上线没人负责，出了问题IT和业务互相推"
    plain = cluster_texts([*texts, odd], k=2)
    labels: list[str | None] = [None] * (len(texts) + 1)
    labels[0], labels[5] = "职责", "工具"
    labels[-1] = "工具"
    seeded = cluster_texts([*texts, odd], labels=labels)
    assert seeded.themes[seeded.assignments[-1]].label == "工具"
    assert seeded.confidence[-1] == 1.0
    assert plain.k == seeded.k == 2


def test_confidence_is_between_0_and_1_and_lower_for_ambiguous_texts() -> None:
    texts = OWNERSHIP_ZH + SUPPLIER_ZH + ["供应商出了问题也不知道该找谁负责"]
    result = cluster_texts(texts, k=2)
    assert len(result.confidence) == len(texts)
    assert all(0 <= c <= 1 for c in result.confidence)
    assert result.confidence[-1] < max(result.confidence[:10])
    assert result.state is not None
    ids, sure = assign_with_confidence(result.state, ["供应商交期又拖了", "", "归谁管说不清"])
    assert ids[0] == result.assignments[5]
    assert ids[2] == result.assignments[0]
    assert all(0 <= c <= 1 for c in sure)
