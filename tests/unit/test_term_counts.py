"""The fast count and TF-IDF matrices equal scikit-learn's, value for value."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp
from sklearn.feature_extraction.text import CountVectorizer, TfidfVectorizer
from sklearn.preprocessing import normalize

from assessments.taxonomy import char_ngrams
from assessments.term_counts import TfidfWeights, l2_normalize, term_counts, tfidf
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
        docs = [getattr(t, kind) for t in tokens]
        _same(tfidf(docs, ours), theirs.transform(docs))


def _random_rows(dtype: type, seed: int = 0) -> sp.csr_matrix:
    """Rows of 0 to 60 values of very different sizes, one row empty, one all zeros."""
    rng = np.random.default_rng(seed)
    matrix = sp.random(40, 300, density=0.1, random_state=rng, format="csr", dtype=np.float64)
    matrix.data = (matrix.data * 10.0 ** rng.integers(-3, 4, size=matrix.nnz)).astype(dtype)
    keep = np.ones(40, dtype=dtype)
    keep[3] = 0.0  # an empty row
    emptied = sp.csr_matrix(sp.diags(keep) @ matrix)
    emptied.eliminate_zeros()
    return emptied


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_l2_normalize_of_sparse_rows_equals_scikit_learn_to_the_bit(dtype: type) -> None:
    matrix = _random_rows(dtype)
    assert matrix.dtype == dtype
    before = matrix.copy()
    ours = l2_normalize(matrix)
    _same(ours, normalize(matrix))
    _same(matrix, before)  # copied
    assert np.allclose(sp.linalg.norm(ours[[i for i in range(40) if i != 3]], axis=1), 1.0)
    in_place = l2_normalize(matrix, copy=False)
    assert in_place.data is matrix.data or np.shares_memory(in_place.data, matrix.data)
    _same(matrix, normalize(before))


def test_l2_normalize_of_counts_and_of_dense_rows_equals_scikit_learn() -> None:
    counts = term_counts([char_ngrams(t) for t in TEXTS], {"需": 0, "求": 1, "e": 2, "变": 3})
    _same(l2_normalize(counts), normalize(counts))  # integer counts become float64
    rng = np.random.default_rng(1)
    dense = rng.random((30, 7)) * 10.0 ** rng.integers(-3, 4, size=(30, 1))
    dense[4] = 0.0
    for rows in (
        dense,
        dense.astype(np.float32),
        np.asfortranarray(dense),
        (dense * 9).astype(int),
    ):
        ours, theirs = l2_normalize(rows), normalize(rows)
        assert ours.dtype == theirs.dtype
        assert np.array_equal(ours, theirs)
    assert dense[0].any()  # the input is left as it was


def test_tfidf_weights_refuse_a_norm_other_than_l2() -> None:
    weights = TfidfWeights({"a": 0}, np.ones(1, dtype=np.float32), norm="l1")
    with pytest.raises(ValueError, match="L2"):
        tfidf([["a"]], weights)
