"""Pure parts of the PMO's theme review: the language of a quote, the list of theme names a
run starts from, and new texts following the PMO's confirmed examples."""

from __future__ import annotations

import pytest

from assessments.clustering import assign_with_confidence, assign_with_examples, cluster_texts
from assessments.quote_language import cjk_ratio, in_language_first, text_language
from assessments.theme_list import NamedTheme, ThemeListError, parse


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("需求老是变，开发做到一半客户又改主意了", "zh"),
        ("Requirements keep changing halfway through", "en"),
        ("测试环境又挂了，CI 一直 red", "zh"),  # a Chinese sentence with English terms
        ("Nobody owns the MES rollout in 工厂", "en"),  # an English one naming a place
        ("ERP系统", "zh"),
        ("2026-11-30 ！！", None),
        ("", None),
    ],
)
def test_a_text_is_in_the_language_of_most_of_it(text, language):
    assert text_language(text) == language


def test_the_cjk_ratio_weighs_a_character_against_three_letters():
    assert cjk_ratio("需求") == 1.0
    assert cjk_ratio("abc") == 0.0
    assert cjk_ratio("需abc") == 0.5
    assert cjk_ratio("123") == 0.0


def test_texts_in_the_readers_language_come_first_in_their_order():
    texts = ["需求老是变", "Scope creeps", "测试不足", "Tests are skipped", "123"]
    assert in_language_first(texts, "en") == [1, 3, 0, 2, 4]
    assert in_language_first(texts, "zh") == [0, 2, 1, 3, 4]


def test_a_theme_list_reads_names_and_examples():
    listed = parse(
        "需求变更频繁: 需求老是变 | 客户改主意 |\n\n"
        "测试不足：测试被压缩｜回归没做\nUnclear ownership\n"
    )
    assert listed == (
        NamedTheme("需求变更频繁", ("需求老是变", "客户改主意")),
        NamedTheme("测试不足", ("测试被压缩", "回归没做")),
        NamedTheme("Unclear ownership", ("Unclear ownership",)),  # a name is its own example
    )


@pytest.mark.parametrize(
    ("text", "reason", "line"),
    [
        ("", "empty", 0),
        ("\n  \n", "empty", 0),
        ("进度\n: 例子", "no_name", 2),
        ("进度\n进度: 延期", "duplicate", 2),
        ("x" * 201, "name_too_long", 1),
        ("进度: " + " | ".join(f"例子{n}" for n in range(21)), "too_many_examples", 1),
        ("\n".join(f"主题{n}" for n in range(31)), "too_many", 31),
    ],
)
def test_a_theme_list_that_cannot_be_read_names_its_line(text, reason, line):
    with pytest.raises(ThemeListError) as raised:
        parse(text)
    assert (raised.value.reason, raised.value.line) == (reason, line)


TEXTS = [
    "需求老是变，开发做到一半客户又改主意了",
    "需求文档太粗，细节只能靠猜",
    "客户口头提的需求没人记录，后面扯皮",
    "测试时间被压缩，上线后bug很多",
    "回归测试没做完就发布了，线上出问题",
    "供应商交货总是延期，没人跟进",
    "外包团队质量差，验收标准不清楚",
]


def test_new_texts_follow_the_examples_the_pmo_confirmed():
    result = cluster_texts(TEXTS, k=2)
    state = result.state
    assert state is not None
    supplier = TEXTS[5]
    own = result.assignments[5]
    other = next(t.id for t in result.themes if t.id != own and t.size)
    assert assign_with_confidence(state, [supplier])[0] == (own,)
    placed, sure = assign_with_examples(state, [supplier, TEXTS[0]], [supplier], [other])
    assert placed[0] == other  # like the example the PMO moved, not like the centroid
    assert placed[1] == result.assignments[0]  # the others still go to their centroid
    assert all(0.0 <= s <= 1.0 for s in sure)
    # an example in a theme the state has no centroid for (a later split) is a theme too
    placed, _sure = assign_with_examples(state, [supplier], [supplier], [-7])
    assert placed == (-7,)
    assert assign_with_examples(state, [supplier], [], []) == assign_with_confidence(
        state, [supplier]
    )
