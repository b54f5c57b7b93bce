"""The search rule of the lessons library, without a database."""

from __future__ import annotations

from assessments.lesson_search import (
    matches,
    normalise,
    parse_tags,
    query_terms,
    search_text,
)

TEXT = "试点项目把需求变更评审会放在迭代计划会之前召开"


def test_every_two_consecutive_characters_match():
    stored = search_text("标题", TEXT, ["标签"])
    for i in range(len(TEXT) - 1):
        assert matches(query_terms(TEXT[i : i + 2]), stored), TEXT[i : i + 2]


def test_terms_are_anded_and_split_at_every_kind_of_space():
    stored = search_text("需求评审", TEXT, [])
    assert query_terms("需求  评审\u3000计划\t") == ["需求", "评审", "计划"]
    assert matches(query_terms("需求 评审"), stored)
    assert not matches(query_terms("需求 风险"), stored)
    assert matches([], stored)


def test_terms_never_span_two_fields():
    stored = search_text("计划", "评审", ["风险"])
    assert not matches(query_terms("划评"), stored)
    assert not matches(query_terms("审风"), stored)


def test_case_and_full_width_forms_are_folded():
    stored = search_text("Code Review", "ＰＭＯ checks", ["QA"])
    assert normalise("ＰＭＯ") == "pmo"
    assert matches(query_terms("review PMO qa"), stored)
    assert matches(query_terms("ＣＯＤＥ"), stored)


def test_repeated_terms_count_once_and_long_queries_are_cut():
    assert query_terms("评审 评审 Review review") == ["评审", "review"]
    assert len(query_terms(" ".join(f"t{n}" for n in range(50)))) == 10


def test_tags_split_at_chinese_and_latin_separators():
    assert parse_tags("评审，会议、效率, 评审;度量\n 质量 ") == [
        "评审",
        "会议",
        "效率",
        "度量",
        "质量",
    ]
    assert parse_tags(" , ，") == []
