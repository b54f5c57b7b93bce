"""The NumPy k-means of large inputs against scikit-learn's, on the 20,000 synthetic rows.

    .venv/bin/python benchmarks/cluster_kmeans.py [--seeds 5] [--k 14] [--starts 300]

Inputs of more than 2,000 rows are clustered by :mod:`assessments.kmeans` so that they
never import scikit-learn; its random draws are not scikit-learn's, so a seed gives another
partition. This prints whether it is as good:

* ``cluster_texts`` (k auto) for seeds 0..N-1, once with the NumPy k-means and once with
  scikit-learn's ``KMeans`` in its place: the k chosen, the agreement (ARI) of the two
  partitions of a seed and of two seeds of either;
* the same with k fixed (``--k``), 3 starts, on the distinct texts' features;
* the mean inertia of ``--starts`` single starts of each (seeds 1000 on), with its
  standard error, and whether the two Lloyd loops end alike from the same starts.

All on one thread (threadpoolctl), as ``ladder cluster`` runs on two cores.
"""

from __future__ import annotations

import argparse
import itertools
import sys
import time
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import numpy as np
from sklearn.cluster import KMeans, kmeans_plusplus
from sklearn.metrics import adjusted_rand_score
from threadpoolctl import threadpool_limits  # type: ignore[import-untyped]

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from assessments import clustering
from assessments.kmeans import kmeans
from assessments.taxonomy import load_model
from benchmarks.cluster_quality import load_profiles
from benchmarks.cluster_speed import synthetic_pain_points


def sklearn_kmeans(rows: Any, k: int, *, seed: int, n_init: int, weights: Any = None) -> Any:
    """scikit-learn's k-means with the signature :func:`assessments.kmeans.kmeans` has."""
    fitted = KMeans(n_clusters=k, n_init=n_init, random_state=seed).fit(
        rows, sample_weight=None if weights is None else np.asarray(weights, dtype=np.float64)
    )
    return SimpleNamespace(labels=fitted.labels_.astype(np.intp), inertia=fitted.inertia_)


def spread(values: list[float]) -> str:
    return f"{min(values):.2f}–{max(values):.2f}"


def k_auto(texts: list[str], seeds: range) -> None:
    areas = load_profiles()
    found: dict[tuple[str, int], np.ndarray] = {}
    for name, engine in (("numpy", kmeans), ("sklearn", sklearn_kmeans)):
        setattr(clustering, "kmeans", engine)  # noqa: B010  # the engine cluster_texts runs
        ks = []
        for seed in seeds:
            start = time.process_time()
            result = clustering.cluster_texts(texts, areas=areas, seed=seed)
            cpu = time.process_time() - start
            found[name, seed] = np.array(result.assignments)
            ks.append(result.k)
            print(f"  {name:8} seed {seed}: k {result.k}, cluster_texts {cpu:.2f} s CPU")
        between = [
            adjusted_rand_score(found[name, a], found[name, b])
            for a, b in itertools.combinations(seeds, 2)
        ]
        print(f"  {name:8} k chosen {ks}; ARI between seeds {spread(between)}")
    setattr(clustering, "kmeans", kmeans)  # noqa: B010
    same = [adjusted_rand_score(found["numpy", s], found["sklearn", s]) for s in seeds]
    print(f"  numpy vs sklearn, same seed: ARI {spread(same)}")


def distinct_features(texts: list[str]) -> tuple[Any, np.ndarray]:
    """The clustering space of the distinct texts and how many rows each stands for."""
    tokens = clustering._tokenize_all(texts)
    rows = [i for i, t in enumerate(tokens) if not t.empty]
    content = [tokens[i] for i in rows]
    once, _, counts = clustering._distinct_texts([texts[i] for i in rows])
    vectorizers = clustering._fit_vectorizers([content[i] for i in once], counts)
    area_space = clustering._AreaSpace.fit(load_profiles())
    features = clustering._features(
        [content[i] for i in once],
        [texts[rows[i]] for i in once],
        vectorizers,
        area_space,
        load_model(),
    )
    return features.matrix, counts.astype(np.float64)


def k_fixed(matrix: Any, weights: np.ndarray, k: int, seeds: range) -> None:
    labels: dict[tuple[str, int], np.ndarray] = {}
    for name, engine in (("numpy", kmeans), ("sklearn", sklearn_kmeans)):
        inertia = []
        for seed in seeds:
            result = engine(matrix, k, seed=seed, n_init=3, weights=weights)
            labels[name, seed] = result.labels
            inertia.append(result.inertia)
        between = [
            adjusted_rand_score(labels[name, a], labels[name, b])
            for a, b in itertools.combinations(seeds, 2)
        ]
        print(
            f"  {name:8} k {k}, 3 starts: mean inertia {np.mean(inertia):.1f}; "
            f"ARI between seeds {spread(between)}"
        )
    same = [adjusted_rand_score(labels["numpy", s], labels["sklearn", s]) for s in seeds]
    print(f"  numpy vs sklearn, same seed: ARI {spread(same)}")


def single_starts(matrix: Any, weights: np.ndarray, k: int, starts: int) -> None:
    seeds = range(1000, 1000 + starts)
    ours = np.array([kmeans(matrix, k, seed=s, n_init=1, weights=weights).inertia for s in seeds])
    theirs = np.array(
        [sklearn_kmeans(matrix, k, seed=s, n_init=1, weights=weights).inertia for s in seeds]
    )
    error = np.sqrt(ours.var(ddof=1) / starts + theirs.var(ddof=1) / starts)
    print(
        f"  {starts} single starts, k {k}: numpy mean inertia {ours.mean():.1f}, sklearn "
        f"{theirs.mean():.1f} ({100 * (ours.mean() / theirs.mean() - 1):+.2f} %, "
        f"standard error {100 * error / theirs.mean():.2f} %)"
    )
    alike = 0
    for seed in range(min(starts, 30)):
        init = kmeans_plusplus(matrix, k, random_state=seed, sample_weight=weights)[0]
        a = kmeans(matrix, k, init=init, weights=weights).inertia
        b = KMeans(n_clusters=k, init=init, n_init=1).fit(matrix, sample_weight=weights).inertia_
        alike += bool(abs(a - b) <= 1e-9 * b)
    print(f"  from scikit-learn's own starts: the same inertia in {alike} of {min(starts, 30)}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=20000, help="synthetic rows")
    parser.add_argument("--seeds", type=int, default=5, help="seeds 0..N-1 compared")
    parser.add_argument("--k", type=int, default=14, help="k of the fixed-k comparison")
    parser.add_argument("--starts", type=int, default=300, help="single starts for inertia")
    args = parser.parse_args(argv)
    texts = synthetic_pain_points(args.rows)
    seeds = range(args.seeds)
    with threadpool_limits(limits=1):
        print(f"{args.rows} rows, k auto:")
        k_auto(texts, seeds)
        matrix, weights = distinct_features(texts)
        print(f"{matrix.shape[0]} distinct texts, k fixed:")
        k_fixed(matrix, weights, args.k, seeds)
        single_starts(matrix, weights, args.k, args.starts)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
