"""Weighted k-means (Lloyd) with k-means++ starts, in NumPy and SciPy's sparse matrices.

What :func:`assessments.clustering.cluster_texts` runs on inputs of more than 2,000 rows,
so that ``ladder cluster`` on a large file never imports scikit-learn (≈ 2.4 s of start-up
on two cores, most of it SciPy's statistics module that scikit-learn imports). It follows
scikit-learn's ``KMeans(algorithm="lloyd", init="k-means++")``: greedy k-means++ with
``2 + ln k`` candidates per centre, drawn by weight × squared distance; Lloyd iterations
until no label changes or the centres move less than ``tol`` × the mean variance of the
features; empty clusters taken by the rows farthest from their centre; the start of least
inertia kept. The random draws are NumPy's ``Generator``, not scikit-learn's ``RandomState``,
so a seed gives another (equally good) partition than scikit-learn's; on the 20,000
synthetic rows of ``benchmarks/cluster_speed.py`` the two agree as closely as two seeds of
either (docs/performance.md).

Rows may be a CSR matrix or a dense array; every computation is in float64.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
import scipy.sparse as sp
from numpy.typing import NDArray

__all__ = ["KMeansResult", "kmeans", "kmeans_plusplus"]

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.intp]
Rows = sp.csr_matrix | NDArray[np.floating[Any]]

MAX_ITER = 300
TOL = 1e-4


@dataclass(frozen=True, slots=True)
class KMeansResult:
    """The best start's partition."""

    labels: IntArray
    """Cluster of each row, 0..k-1."""
    centers: FloatArray
    """Weighted mean of each cluster's rows (k × features)."""
    inertia: float
    """Weighted sum of squared distances of the rows to their centre."""
    n_iter: int
    """Lloyd iterations of the kept start."""


def _products(rows: Rows, centers: FloatArray) -> FloatArray:
    """``rows @ centers.T`` as a dense float64 array."""
    return np.asarray(rows @ np.ascontiguousarray(centers.T), dtype=np.float64)


def _squared_norms(rows: Rows) -> FloatArray:
    if sp.issparse(rows):
        squares = rows.multiply(rows)
        return np.asarray(squares.sum(axis=1), dtype=np.float64).ravel()
    dense = np.asarray(rows, dtype=np.float64)
    norms: FloatArray = np.einsum("ij,ij->i", dense, dense)
    return norms


def _distances(
    rows: Rows, row_norms: FloatArray, centers: FloatArray, center_norms: FloatArray
) -> FloatArray:
    """Squared Euclidean distances (rows × centres), clipped at 0."""
    found = _products(rows, centers)
    found *= -2.0
    found += row_norms[:, None]
    found += center_norms[None, :]
    np.maximum(found, 0.0, out=found)
    return found


def _dense_rows(rows: Rows, index: IntArray) -> FloatArray:
    picked = rows[index]
    dense = picked.toarray() if sp.issparse(picked) else picked
    return np.asarray(dense, dtype=np.float64)


def kmeans_plusplus(
    rows: Rows,
    k: int,
    rng: np.random.Generator,
    weights: FloatArray | None = None,
    row_norms: FloatArray | None = None,
) -> IntArray:
    """Indices of ``k`` starting centres (Arthur & Vassilvitskii 2007, greedy as in
    scikit-learn): the first drawn by weight, each next one the best of ``2 + ln k``
    candidates drawn by weight × squared distance to the nearest centre so far (the one
    that most lowers the total). Rows identical to a chosen one are never drawn again while
    others remain."""
    n = rows.shape[0]
    if not 1 <= k <= n:
        raise ValueError(f"k must be between 1 and the number of rows ({n}), got {k}")
    w = np.ones(n) if weights is None else np.asarray(weights, dtype=np.float64)
    norms = _squared_norms(rows) if row_norms is None else row_norms
    trials = 2 + int(math.log(k))
    chosen = np.empty(k, dtype=np.intp)
    chosen[0] = rng.choice(n, p=w / w.sum())
    first = _dense_rows(rows, chosen[:1])
    closest = _distances(rows, norms, first, norms[chosen[:1]])[:, 0]
    potential = float(closest @ w)
    for c in range(1, k):
        draws = rng.uniform(size=trials) * potential
        candidates = np.searchsorted(np.cumsum(w * closest), draws)
        np.clip(candidates, None, n - 1, out=candidates)
        to_candidates = _distances(rows, norms, _dense_rows(rows, candidates), norms[candidates])
        np.minimum(to_candidates, closest[:, None], out=to_candidates)
        potentials = w @ to_candidates
        best = int(np.argmin(potentials))
        potential = float(potentials[best])
        closest = to_candidates[:, best].copy()
        chosen[c] = candidates[best]
    return chosen


def _tolerance(rows: Rows, tol: float) -> float:
    """``tol`` × the mean variance of the features (unweighted, as scikit-learn's)."""
    if sp.issparse(rows):
        mean = np.asarray(rows.mean(axis=0), dtype=np.float64).ravel()
        squares = np.asarray(rows.multiply(rows).mean(axis=0), dtype=np.float64).ravel()
        variances = squares - mean**2
    else:
        variances = np.var(np.asarray(rows, dtype=np.float64), axis=0)
    return float(np.mean(variances)) * tol


def _weighted_sums(rows: Rows, labels: IntArray, w: FloatArray, k: int) -> FloatArray:
    n = rows.shape[0]
    member = sp.csr_matrix((w, (labels, np.arange(n))), shape=(k, n))
    sums = member @ rows
    return np.asarray(sums.toarray() if sp.issparse(sums) else sums, dtype=np.float64)


def _lloyd(
    rows: Rows,
    centers: FloatArray,
    w: FloatArray,
    norms: FloatArray,
    max_iter: int,
    tol: float,
) -> tuple[IntArray, FloatArray, float, int]:
    """Lloyd iterations from ``centers``: (labels, centres, inertia, iterations)."""
    k = centers.shape[0]
    labels = np.full(rows.shape[0], -1, dtype=np.intp)
    iterations = 0
    while iterations < max_iter:
        iterations += 1
        distances = _distances(rows, norms, centers, np.einsum("ij,ij->i", centers, centers))
        new_labels = distances.argmin(axis=1)
        totals = np.bincount(new_labels, weights=w, minlength=k)
        sums = _weighted_sums(rows, new_labels, w, k)
        empty = np.flatnonzero(totals == 0)
        if len(empty):
            # The rows farthest from their centre start the empty clusters.
            own = distances[np.arange(len(new_labels)), new_labels]
            if own.max() > 0:
                far = np.argsort(-own, kind="stable")[: len(empty)]
                picked = _dense_rows(rows, far) * w[far, None]
                np.subtract.at(sums, new_labels[far], picked)
                np.subtract.at(totals, new_labels[far], w[far])
                sums[empty] = picked
                totals[empty] = w[far]
                new_labels = new_labels.copy()
                new_labels[far] = empty
        new_centers = sums / np.maximum(totals, np.finfo(np.float64).tiny)[:, None]
        new_centers[totals == 0] = centers[totals == 0]
        shift = float(((new_centers - centers) ** 2).sum())
        centers = new_centers
        if np.array_equal(new_labels, labels):
            break  # the centres are the means of unchanged clusters
        labels = new_labels
        if shift <= tol:
            break
    # Each row with its nearest centre (as scikit-learn ends).
    distances = _distances(rows, norms, centers, np.einsum("ij,ij->i", centers, centers))
    labels = distances.argmin(axis=1).astype(np.intp)
    inertia = float(distances[np.arange(len(labels)), labels] @ w)
    return labels, centers, inertia, iterations


def kmeans(
    rows: Rows,
    k: int,
    *,
    seed: int = 0,
    n_init: int = 3,
    weights: NDArray[np.floating[Any]] | NDArray[np.integer[Any]] | None = None,
    init: NDArray[np.floating[Any]] | None = None,
    max_iter: int = MAX_ITER,
    tol: float = TOL,
) -> KMeansResult:
    """k-means of ``rows`` into ``k`` clusters, the best (least inertia) of ``n_init``
    k-means++ starts drawn from ``np.random.default_rng(seed)``, or one run from the
    centres ``init`` (k × features). ``weights``: how many times each row counts (a row of
    weight 3 is three equal rows). Deterministic for a given input and seed."""
    n = rows.shape[0]
    if not 1 <= k <= n:
        raise ValueError(f"k must be between 1 and the number of rows ({n}), got {k}")
    if n_init < 1:
        raise ValueError(f"n_init must be at least 1, got {n_init}")
    if sp.issparse(rows):
        rows = sp.csr_matrix(rows, dtype=np.float64)
    else:
        rows = np.asarray(rows, dtype=np.float64)
    w = np.ones(n) if weights is None else np.asarray(weights, dtype=np.float64)
    if w.shape != (n,) or (w < 0).any() or not w.sum() > 0:
        raise ValueError("weights must be one non-negative number per row, not all zero")
    norms = _squared_norms(rows)
    limit = _tolerance(rows, tol)
    start: FloatArray | None = None
    if init is not None:
        start = np.asarray(init, dtype=np.float64)
        if start.shape != (k, rows.shape[1]):
            raise ValueError(f"init must be {k} × {rows.shape[1]}, got {start.shape}")
    rng = np.random.default_rng(seed)
    best: KMeansResult | None = None
    for _ in range(n_init if start is None else 1):
        if start is None:
            centers = _dense_rows(rows, kmeans_plusplus(rows, k, rng, w, norms))
        else:
            centers = start.copy()
        labels, centers, inertia, iterations = _lloyd(rows, centers, w, norms, max_iter, limit)
        if best is None or inertia < best.inertia:
            best = KMeansResult(labels, centers, inertia, iterations)
    if best is None:  # pragma: no cover - at least one start runs
        raise ValueError("no start ran")
    return best
