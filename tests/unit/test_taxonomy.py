"""The PMO problem taxonomy, its training corpus and the shipped classifier.

The corpus is kept apart from the labelled evaluation sets in ``tests/data``: no two of its
items are near-duplicates, and none is a near-duplicate of an evaluation item (else the
measured quality would be inflated by memorised text).
"""

from __future__ import annotations

import csv
from functools import cache
from pathlib import Path

import numpy as np
import yaml

from assessments.taxonomy import MODEL_PATH, load_model, problems
from assessments.text import tokenize
from scripts.train_taxonomy import CORPUS, SIMILARITY_LIMIT, near_duplicate_pairs, read_corpus

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "tests" / "data"


@cache
def corpus() -> tuple[list[str], list[str]]:
    return read_corpus(CORPUS)


def evaluation_texts() -> list[str]:
    texts = []
    for path in sorted(DATA.glob("*.csv")):
        with path.open(encoding="utf-8", newline="") as handle:
            texts += [row["text"] for row in csv.DictReader(handle)]
    return texts


def test_taxonomy_has_22_problems_with_both_names_and_known_areas() -> None:
    cmmi = yaml.safe_load(
        (ROOT / "assessments" / "model_files" / "cmmi-dev-1.3.yaml").read_text(encoding="utf-8")
    )
    codes = {area["code"] for area in cmmi["process_areas"]}
    catalogue = problems()
    assert 15 <= len(catalogue) <= 25
    assert len({p.key for p in catalogue}) == len(catalogue)
    for problem in catalogue:
        assert problem.name_zh
        assert problem.name_en
        assert problem.description_zh
        assert set(problem.process_areas) <= codes, problem.key


def test_corpus_is_large_bilingual_and_covers_every_problem() -> None:
    texts, labels = corpus()
    assert len(texts) >= 3000
    assert {p.key for p in problems()} == set(labels)
    english = sum(1 for t in texts if not any("\u4e00" <= c <= "\u9fff" for c in t))
    assert 0.15 <= english / len(texts) <= 0.5


def test_corpus_holds_no_near_duplicates() -> None:
    texts, _ = corpus()
    assert near_duplicate_pairs(texts, texts) == []


def test_no_evaluation_item_is_in_the_corpus() -> None:
    texts, _ = corpus()
    blind = evaluation_texts()
    assert len(blind) > 600
    assert not set(texts) & set(blind)
    assert near_duplicate_pairs(texts, blind) == []


def test_near_duplicates_are_found() -> None:
    """The check itself catches a copy with a changed word or punctuation."""
    a = ["需求老是变，开发做到一半客户又改主意了"]
    b = ["需求老是变,开发做到一半客户又改主意啦", "测试环境经常不可用"]
    assert near_duplicate_pairs(a, b) == [(0, 0)]
    assert SIMILARITY_LIMIT < 1


def test_shipped_model_knows_problems_in_both_languages() -> None:
    model = load_model()
    assert model is not None
    texts = [
        "这个问题到底归谁管，问了一圈都说不是自己的",
        "Nobody owns the rollout; every team says it is someone else's job",
        "供应商又延期交货了",
        "The vendor shipped late again and the parts failed inspection",
    ]
    probs = model.probabilities([tokenize(t) for t in texts], texts)
    assert np.allclose(probs.sum(axis=1), 1.0)
    best = [model.classes[i] for i in probs.argmax(axis=1)]
    assert best[0] == best[1] == "unclear_ownership"
    assert best[2] == best[3] == "supplier_problems"
    assert MODEL_PATH.stat().st_size < 2_000_000
