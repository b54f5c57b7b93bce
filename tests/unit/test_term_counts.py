"""The fast count and TF-IDF matrices equal scikit-learn's, value for value."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp
from sklearn.feature_extraction.text import CountVectorizer, TfidfVectorizer

from assessments.taxonomy import char_ngrams
from assessments.term_counts import term_counts, tfidf
from assessments.text import tokenize

TEXTS = [
    "需求老是变，开发做到一半客户又改主意了",
    "需求变更没有评审，变更变更再变更",
    "Requirements keep changing and nobody signs them off",
    "",
    "测试时间被压缩，测试全靠人工回归",
    "无",
]


def _identity(doc: list[str]) -> list[str]:
    return doc


def _same(ours: sp.csr_matrix, theirs: sp.spmatrix) -> None:
    theirs = sp.csr_matrix(theirs)
    assert ours.shape == theirs.shape
    assert ours.dtype == theirs.dtype
    assert np.array_equal(ours.indptr, theirs.indptr)
    assert np.array_equal(ours.indices, theirs.indices)
    assert np.array_equal(ours.data, theirs.data)


def test_counts_equal_count_vectorizer_with_unknown_terms() -> None:
    fit_docs = [char_ngrams(t) for t in TEXTS[:3]]
    vectorizer = CountVectorizer(analyzer=_identity).fit(fit_docs)
    docs = [char_ngrams(t) for t in TEXTS]  # the last three hold terms it never saw
    _same(term_counts(docs, vectorizer.vocabulary_), vectorizer.transform(docs))


def test_counts_of_no_documents() -> None:
    matrix = term_counts([], {"a": 0, "b": 1})
    assert matrix.shape == (0, 2)


@pytest.mark.parametrize("kind", ["words", "bigrams", "concepts"])
@pytest.mark.parametrize("sublinear", [True, False])
def test_tfidf_equals_tfidf_vectorizer(kind: str, sublinear: bool) -> None:
    docs = [getattr(tokenize(t), kind) for t in TEXTS]
    vectorizer = TfidfVectorizer(analyzer=_identity, sublinear_tf=sublinear, dtype=np.float32)
    vectorizer.fit(docs[:4])
    _same(tfidf(docs, vectorizer), vectorizer.transform(docs))


def test_tfidf_with_a_replaced_idf() -> None:
    docs = [tokenize(t).bigrams for t in TEXTS]
    vectorizer = TfidfVectorizer(analyzer=_identity, sublinear_tf=True, dtype=np.float32)
    vectorizer.fit(docs)
    vectorizer.idf_ = np.linspace(1.0, 3.0, len(vectorizer.vocabulary_)).astype(np.float32)
    _same(tfidf(docs, vectorizer), vectorizer.transform(docs))


@pytest.mark.parametrize("repeats", [None, [1, 3, 1, 2, 1, 4]])
def test_fitted_vectorizers_equal_a_fit_on_every_row(repeats: list[int] | None) -> None:
    """The clustering's vectorizers, fitted on distinct texts with their counts, have the
    vocabulary and IDF of ``TfidfVectorizer.fit`` on all rows, repeats included."""
    from assessments.clustering import _fit_vectorizers

    tokens = [tokenize(t) for t in TEXTS]
    counts = None if repeats is None else np.array(repeats, dtype=np.intp)
    rows = [t for t, n in zip(tokens, repeats or [1] * len(tokens), strict=True) for _ in range(n)]
    for kind, _, ours in _fit_vectorizers(tokens, counts):
        theirs = TfidfVectorizer(analyzer=_identity, sublinear_tf=True, dtype=np.float32)
        theirs.fit([getattr(t, kind) for t in rows])
        assert ours.vocabulary_ == theirs.vocabulary_
        assert ours.idf_.dtype == theirs.idf_.dtype
        assert np.array_equal(ours.idf_, theirs.idf_)
