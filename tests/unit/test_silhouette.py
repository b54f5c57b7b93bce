"""The silhouette of precomputed distances equals scikit-learn's."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.metrics import pairwise_distances, silhouette_score

from assessments.clustering import silhouette_precomputed


def _distances(seed: int, n: int = 40) -> np.ndarray:
    points = np.random.default_rng(seed).normal(size=(n, 5))
    return pairwise_distances(points, metric="cosine")


@pytest.mark.parametrize("seed", [0, 1, 2])
@pytest.mark.parametrize("k", [2, 3, 7])
def test_equals_scikit_learn(seed: int, k: int) -> None:
    distances = _distances(seed)
    labels = np.random.default_rng(seed + 10).integers(0, k, size=len(distances))
    expected = silhouette_score(distances, labels, metric="precomputed")
    assert silhouette_precomputed(distances, labels) == pytest.approx(expected, abs=1e-12)


def test_a_row_alone_in_its_cluster_scores_zero_and_labels_need_not_be_dense() -> None:
    distances = _distances(3, n=12)
    labels = np.array([5, 5, 5, 9, 9, 9, 9, 2, 2, 2, 2, 7])  # cluster 7 holds one row
    expected = silhouette_score(distances, labels, metric="precomputed")
    assert silhouette_precomputed(distances, labels) == pytest.approx(expected, abs=1e-12)


def test_float32_distances_of_a_sparse_product() -> None:
    distances = _distances(4).astype(np.float32)
    labels = np.arange(len(distances)) % 4
    expected = silhouette_score(distances, labels, metric="precomputed")
    assert silhouette_precomputed(distances, labels) == pytest.approx(expected, abs=1e-6)


@pytest.mark.parametrize("labels", [[0, 0, 0, 0], [0, 1, 2, 3]])
def test_one_cluster_or_one_row_per_cluster_is_refused(labels: list[int]) -> None:
    with pytest.raises(ValueError, match="clusters"):
        silhouette_precomputed(_distances(5, n=4), np.array(labels))


def test_cosine_distances_through_a_dense_copy_equal_the_sparse_product(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import scipy.sparse as sp
    from sklearn.preprocessing import normalize

    from assessments import clustering

    rng = np.random.default_rng(6)
    dense = rng.random((60, 300)) * (rng.random((60, 300)) < 0.05)
    dense[:, 0] = 1.0  # no empty row
    matrix = sp.csr_matrix(normalize(dense).astype(np.float32))
    expected = np.clip(1.0 - np.asarray((matrix @ matrix.T).todense()), 0.0, 2.0)
    np.fill_diagonal(expected, 0.0)
    assert np.array_equal(clustering._cosine_distances(matrix), expected)
    monkeypatch.setattr(clustering, "_DENSE_BYTES", 0)  # too large for a dense copy
    assert np.array_equal(clustering._cosine_distances(matrix), expected)
