"""Spherical k-means that follows confirmed examples, and assignment confidence.

Seeded k-means (Basu et al. 2002, "constrained" variant): the confirmed examples never leave
their theme (and weigh :data:`SEED_WEIGHT` in its centroid), and every other row goes to the
nearest centroid. Given an unseeded clustering of the same rows, each label starts from the
cluster holding most of its examples (one-to-one) and the other clusters become the new
themes; measured on the tuned sets, this beats starting each theme at its one to three
examples (a noisy centroid). Without one, each labelled theme starts at its examples and new
themes k-means++-style at rows far from every seed. Chosen for being deterministic and cheap
to re-run and to apply to new rows (the centroids are the state). Label spreading
(scikit-learn's ``LabelSpreading``, k-nearest-neighbour kernel) was measured against it on the
labelled, holdout and eval2 sets: 0.23–0.26 ARI lower with 1 example per theme, 0.06–0.08
with 5 (docs/performance.md).
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp
from numpy.typing import NDArray

from assessments.term_counts import l2_normalize as normalize

__all__ = ["SEED_WEIGHT", "centroids_of", "confidence", "margin_scale", "margins", "seeded_kmeans"]

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.intp]

SEED_WEIGHT = 2.0
"""Weight of a confirmed example in its theme's centroid, against 1 for any other member."""
_MAX_ITER = 50
_RESTARTS = 5


def centroids_of(
    matrix: sp.csr_matrix, labels: IntArray, k: int, weights: FloatArray | None = None
) -> FloatArray:
    """Unit-length (weighted) mean of each theme's rows; a zero row for an empty theme."""
    n = matrix.shape[0]
    data = np.ones(n) if weights is None else weights
    member = sp.csr_matrix((data, (labels, np.arange(n))), shape=(k, n))
    sums = np.asarray((member @ matrix).todense(), dtype=np.float64)
    centroids: FloatArray = normalize(sums)
    return centroids


def _farthest_starts(
    sims: FloatArray, free: IntArray, extra: int, rng: np.random.Generator
) -> list[int]:
    """k-means++ choice of ``extra`` rows among ``free``, away from the existing centroids."""
    chosen: list[int] = []
    closest = sims[free].max(axis=1) if sims.shape[1] else np.zeros(len(free))
    for _ in range(extra):
        weight = np.clip(1.0 - closest, 0.0, None) ** 2
        total = weight.sum()
        pick = (
            int(rng.choice(len(free), p=weight / total))
            if total > 0
            else int(rng.integers(len(free)))
        )
        chosen.append(int(free[pick]))
        closest = np.maximum(closest, 0.0)
        closest[pick] = 1.0
    return chosen


def _from_clusters(seeds: IntArray, start: IntArray, k: int) -> IntArray:
    """Rows relabelled so that each confirmed label takes the unseeded cluster holding most
    of its examples (one-to-one, Hungarian) and the other clusters become the new themes;
    the examples are then put in their own theme."""
    from scipy.optimize import linear_sum_assignment  # imported here: seeded runs only

    n_labels = int(seeds.max()) + 1
    clusters = int(start.max()) + 1
    fixed = seeds >= 0
    overlap = np.zeros((n_labels, clusters))
    np.add.at(overlap, (seeds[fixed], start[fixed]), 1.0)
    rows, cols = linear_sum_assignment(-overlap)
    mapping = np.full(clusters, -1, dtype=np.intp)
    mapping[cols] = rows
    spare = [c for c in range(clusters) if mapping[c] < 0]
    for offset, cluster in enumerate(spare):
        mapping[cluster] = n_labels + offset if n_labels + offset < k else -1
    labels = mapping[start]
    labels = np.where(fixed, seeds, labels)
    return labels.astype(np.intp)


def seeded_kmeans(
    matrix: sp.csr_matrix,
    seeds: IntArray,
    k: int,
    seed: int = 0,
    start: IntArray | None = None,
) -> tuple[IntArray, FloatArray]:
    """Theme of every row (0..k-1) and the centroids. ``seeds[i]`` is the theme of a
    confirmed example (0..n_labels-1) or -1; themes n_labels..k-1 are new ones. ``start``,
    an unseeded clustering of the same rows into k clusters, gives the starting centroids
    (see :func:`_from_clusters`); without it, each labelled theme starts at its examples."""
    n_labels = int(seeds.max()) + 1 if (seeds >= 0).any() else 0
    fixed = seeds >= 0
    free = np.flatnonzero(~fixed)
    weights = np.where(fixed, SEED_WEIGHT, 1.0)
    if start is not None and n_labels:
        initial = _from_clusters(seeds, start, k)
        placed = initial >= 0
        centroids = centroids_of(matrix[placed], initial[placed], k, weights[placed])
        return _iterate(matrix, seeds, centroids, weights)
    base = centroids_of(matrix[fixed], seeds[fixed], n_labels) if n_labels else np.zeros((0, 0))
    rng = np.random.default_rng(seed)
    restarts = _RESTARTS if k > n_labels and len(free) else 1
    best: tuple[float, IntArray, FloatArray] | None = None
    for _ in range(restarts):
        sims = np.asarray(matrix @ base.T) if n_labels else np.zeros((matrix.shape[0], 0))
        starts = _farthest_starts(sims, free, min(k - n_labels, len(free)), rng)
        centroids = base
        if starts:
            extra = normalize(np.asarray(matrix[starts].todense(), dtype=np.float64))
            centroids = np.vstack([base, extra]) if n_labels else extra
        labels, centroids = _iterate(matrix, seeds, centroids, weights)
        sims = np.asarray(matrix @ centroids.T)
        score = float(sims[free, labels[free]].sum()) if len(free) else 0.0
        if best is None or score > best[0]:
            best = (score, labels, centroids)
    if best is None:  # pragma: no cover - restarts is at least 1
        raise ValueError("no restart ran")
    return best[1], best[2]


def _iterate(
    matrix: sp.csr_matrix, seeds: IntArray, centroids: FloatArray, weights: FloatArray
) -> tuple[IntArray, FloatArray]:
    """Lloyd iterations in which confirmed examples never leave their theme."""
    fixed = seeds >= 0
    labels = np.where(fixed, seeds, -1)
    for _ in range(_MAX_ITER):
        sims = np.asarray(matrix @ centroids.T)
        new = np.where(fixed, seeds, sims.argmax(axis=1))
        if np.array_equal(new, labels):
            break
        labels = new
        centroids = centroids_of(matrix, labels, centroids.shape[0], weights)
    return labels.astype(np.intp), centroids


def margins(sims: FloatArray, labels: IntArray) -> FloatArray:
    """Similarity to the row's own centroid minus that to the nearest other (≥ 0)."""
    n, k = sims.shape
    if k < 2 or n == 0:
        return np.ones(n)
    own = sims[np.arange(n), labels]
    others = sims.copy()
    others[np.arange(n), labels] = -np.inf
    result: FloatArray = np.clip(own - others.max(axis=1), 0.0, None)
    return result


def margin_scale(sims: FloatArray, labels: IntArray) -> float:
    """The median margin of a run: the margin that gets confidence 0.5."""
    margin = margins(sims, labels)
    return float(np.median(margin)) or float(margin.mean()) or 1.0


def confidence(sims: FloatArray, labels: IntArray, scale: float | None = None) -> FloatArray:
    """0..1 per row, from the margin between the similarity to its own centroid and to the
    nearest other one: margin / (margin + median margin), so the median row gets 0.5 and a
    row as close to another theme as to its own gets 0 (clipped at 0 for rows placed against
    the nearest centroid, e.g. confirmed examples that a later run would put elsewhere).
    ``scale`` is the run's :func:`margin_scale` when new rows are placed in old themes."""
    if sims.shape[1] < 2:
        return np.ones(sims.shape[0])
    margin = margins(sims, labels)
    if scale is None:
        scale = margin_scale(sims, labels)
    result: FloatArray = margin / (margin + scale)
    return result
