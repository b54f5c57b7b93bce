"""The NumPy k-means large inputs are clustered with (no scikit-learn import)."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp

from assessments.kmeans import kmeans, kmeans_plusplus

CENTRES = np.array([[0.0, 0.0, 0.0], [10.0, 0.0, 0.0], [0.0, 10.0, 0.0], [0.0, 0.0, 10.0]])


def blobs(per_blob: int = 50, seed: int = 1) -> tuple[np.ndarray, np.ndarray]:
    """Four tight, far-apart blobs and the blob of each row."""
    rng = np.random.default_rng(seed)
    truth = np.repeat(np.arange(len(CENTRES)), per_blob)
    rows = CENTRES[truth] + rng.normal(scale=0.5, size=(len(truth), CENTRES.shape[1]))
    return rows, truth


def same_partition(found: np.ndarray, truth: np.ndarray) -> bool:
    pairs = set(zip(found.tolist(), truth.tolist(), strict=True))
    return len(pairs) == len(set(found.tolist())) == len(set(truth.tolist()))


@pytest.mark.parametrize("sparse", [False, True])
def test_recovers_well_separated_blobs(sparse):
    rows, truth = blobs()
    data = sp.csr_matrix(rows) if sparse else rows
    result = kmeans(data, 4, seed=0, n_init=1)
    assert same_partition(result.labels, truth)
    for cluster in range(4):
        assert np.allclose(result.centers[cluster], rows[result.labels == cluster].mean(axis=0))
    expected = sum(
        ((rows[truth == b] - rows[truth == b].mean(axis=0)) ** 2).sum() for b in range(4)
    )
    assert result.inertia == pytest.approx(expected)


def test_sparse_and_dense_rows_give_the_same_partition():
    rows, _ = blobs(per_blob=30, seed=3)
    dense = kmeans(rows, 4, seed=5, n_init=2)
    sparse = kmeans(sp.csr_matrix(rows), 4, seed=5, n_init=2)
    assert np.array_equal(dense.labels, sparse.labels)
    assert dense.inertia == pytest.approx(sparse.inertia)


def test_the_same_seed_gives_the_same_result_and_seeds_differ_in_their_starts():
    rng = np.random.default_rng(0)
    rows = sp.csr_matrix(rng.random((300, 20)))  # no structure: the start decides
    first = kmeans(rows, 6, seed=4, n_init=2)
    again = kmeans(rows, 6, seed=4, n_init=2)
    assert np.array_equal(first.labels, again.labels)
    assert np.array_equal(first.centers, again.centers)
    starts = {tuple(kmeans_plusplus(rows, 6, np.random.default_rng(s))) for s in range(5)}
    assert len(starts) > 1


def test_a_weighted_row_counts_as_that_many_equal_rows():
    rows, _ = blobs(per_blob=20, seed=2)
    weights = np.random.default_rng(7).integers(1, 5, size=len(rows))
    start = rows[[0, 20, 40, 60]] + 1.0
    weighted = kmeans(rows, 4, init=start, weights=weights)
    repeated = kmeans(np.repeat(rows, weights, axis=0), 4, init=start)
    assert np.array_equal(np.repeat(weighted.labels, weights), repeated.labels)
    assert np.allclose(weighted.centers, repeated.centers)
    assert weighted.inertia == pytest.approx(repeated.inertia)


def test_weights_pull_the_centre_and_weight_zero_rows_not_at_all():
    rows = np.array([[0.0, 0.0], [1.0, 0.0], [100.0, 100.0]])
    result = kmeans(rows, 1, weights=np.array([3.0, 1.0, 0.0]))
    assert np.allclose(result.centers[0], [0.25, 0.0])
    # the third row is far, but weighs nothing in the objective
    assert result.inertia == pytest.approx(3 * 0.25**2 + 0.75**2)


def test_kmeans_plusplus_starts_one_centre_in_each_far_blob():
    rows, truth = blobs()
    for seed in range(10):
        chosen = kmeans_plusplus(sp.csr_matrix(rows), 4, np.random.default_rng(seed))
        assert sorted(truth[chosen].tolist()) == [0, 1, 2, 3]


def test_kmeans_plusplus_draws_by_weight():
    rows = np.eye(3)
    weights = np.array([0.0, 0.0, 1.0])
    for seed in range(5):
        assert kmeans_plusplus(rows, 1, np.random.default_rng(seed), weights)[0] == 2


def test_an_empty_cluster_takes_the_row_farthest_from_its_centre():
    rows, truth = blobs(per_blob=10)
    start = np.vstack([rows[truth == b].mean(axis=0) for b in range(3)] + [[500.0, 500.0, 0]])
    result = kmeans(rows, 4, init=start)
    assert len(set(result.labels.tolist())) == 4  # no cluster left empty
    assert result.inertia < kmeans(rows, 3, init=start[:3]).inertia


def test_as_good_as_scikit_learn_on_blobs():
    from sklearn.cluster import KMeans

    rows, _ = blobs(per_blob=40, seed=9)
    ours = kmeans(sp.csr_matrix(rows), 4, seed=0, n_init=3)
    theirs = KMeans(n_clusters=4, n_init=3, random_state=0).fit(sp.csr_matrix(rows))
    assert ours.inertia == pytest.approx(theirs.inertia_, rel=1e-9)


def test_from_the_same_start_lloyd_ends_where_scikit_learn_does():
    """Unstructured weighted sparse rows, where many labels change before convergence: only
    the random draws of the starts differ from scikit-learn."""
    from sklearn.cluster import KMeans

    rng = np.random.default_rng(3)
    rows = sp.random(400, 60, density=0.2, random_state=rng, format="csr")
    weights = rng.integers(1, 4, size=400).astype(np.float64)
    for _ in range(3):
        start = rows[rng.choice(400, size=7, replace=False)].toarray()
        ours = kmeans(rows, 7, init=start, weights=weights)
        theirs = KMeans(n_clusters=7, init=start, n_init=1).fit(rows, sample_weight=weights)
        assert np.array_equal(ours.labels, theirs.labels_)
        assert ours.inertia == pytest.approx(theirs.inertia_, rel=1e-9)


@pytest.mark.parametrize(
    ("k", "options", "message"),
    [
        (0, {}, "k must be"),
        (11, {}, "k must be"),
        (2, {"n_init": 0}, "n_init"),
        (2, {"weights": np.zeros(10)}, "weights"),
        (2, {"init": np.zeros((3, 2))}, "init must be"),
    ],
)
def test_bad_arguments_are_refused(k, options, message):
    with pytest.raises(ValueError, match=message):
        kmeans(np.arange(20.0).reshape(10, 2), k, **options)
