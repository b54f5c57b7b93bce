"""Theme clustering of pain points: short free-text complaints, mostly Chinese.

Pipeline (:func:`cluster_texts`):

1. **Tokens** (:mod:`assessments.text`): jieba words, Chinese character bigrams and the PMO
   concepts a text mentions, in Chinese or English.
2. **Vectors**: one sublinear TF-IDF block per token kind, L2-normalised and weighted.
3. **Area affinity**: when process-area profiles are given, each text's cosine similarity to
   every area, measured in the areas' own vocabulary (IDF over the areas, so a term shared
   by every area counts least). Two complaints that never share a word but both read
   like "requirements management" land close together, in either language.
4. **k-means** on the L2-normalised concatenation — spherical k-means in effect — started,
   on inputs of up to 2,000 distinct texts, from a spectral clustering of the graph linking
   each text to its 10 most similar ones (k-means++ with several starts on larger inputs;
   fixed seed either way; on inputs of more than 2,000 texts the k-means of
   :mod:`assessments.kmeans`, so that they never import scikit-learn). With ``k=None``, k
   is the smallest k within 5 % of the best cosine silhouette over 2..min(15, n/5, √n + 2)
   on a sample: silhouette on sparse short texts keeps rising with k, so without the √n
   bound and the tolerance 80 texts got 12–15 themes.
5. **Themes**: sorted by size; labelled by the terms most frequent in the theme relative to
   the whole set; mapped to the areas closest to the theme's centroid.

Texts without any content (blank, punctuation, "无", "N/A") are not clustered: they form a
theme of their own, labelled ``(空白)`` / ``(blank)``, counted in ``k``.

Everything is deterministic for a given input, seed and library version; nothing is read
from the network or from disk at run time besides jieba's built-in dictionary.
"""

from __future__ import annotations

import math
import re
import warnings
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from itertools import pairwise
from typing import Any

import numpy as np
import scipy.sparse as sp
from numpy.typing import NDArray

from assessments.kmeans import kmeans
from assessments.seeded_clustering import (
    centroids_of,
    confidence,
    margin_scale,
    seeded_kmeans,
)
from assessments.taxonomy import Problem, TaxonomyModel, load_model, problems
from assessments.term_counts import TfidfWeights, term_counts, tfidf
from assessments.term_counts import l2_normalize as normalize
from assessments.text import (
    CONCEPT_NAMES,
    CONCEPTS,
    STOP_EN,
    STOP_ZH,
    Tokens,
    has_cjk,
    tokenize,
)
from assessments.theme_names import (
    MAJORITY,
    is_whole_word,
    main_language,
    name_from_terms,
)

__all__ = [
    "AreaProfile",
    "ClusteringResult",
    "Theme",
    "ThemeModel",
    "assign_to_themes",
    "assign_with_confidence",
    "assign_with_examples",
    "cluster_texts",
    "result_to_dict",
    "silhouette_precomputed",
]

ProgressCallback = Callable[[int, int], None]
FloatArray = NDArray[np.float64]
Vectorizers = tuple[tuple[str, float, TfidfWeights], ...]
"""(token kind, block weight, fitted vectorizer) for each token block."""

# Relative weights of the token blocks and of the area-affinity block. Measured on the
# labelled pain points (benchmarks/cluster_quality.py); the results are flat around them.
_BLOCKS: tuple[tuple[str, float], ...] = (("words", 1.0), ("bigrams", 0.7), ("concepts", 0.7))
_AREA_WEIGHT = 1.2
# Weight of the taxonomy block: the square roots of the PMO problem classifier's class
# probabilities (cosine of two such rows is their Bhattacharyya coefficient).
TAXONOMY_WEIGHT = 1.0

# Seeded runs start from the unseeded clustering, each label taking the cluster that holds
# most of its examples: a theme started from one to three examples alone is a noisy centroid.
SEED_FROM_CLUSTERS = True
MAX_AUTO_K = 15
_MIN_PER_THEME = 5  # auto k never exceeds n / 5
_SILHOUETTE_SAMPLE = 1000
_DENSE_BYTES = 64 * 2**20  # largest dense copy of a sample taken for its distances
# Large inputs: a flat objective matters less there (many texts per theme), and each start
# costs a pass over every row, so few starts; k is chosen on a sample with one start per k.
# Measured on 20,000 synthetic rows (docs/performance.md): one search start instead of two
# chose the same k for each of 5 seeds; one final start instead of three did not (inertia
# up to 12 % higher, agreement between seeds ARI 0.72 instead of 0.87), so three stay.
_N_INIT = 3
_N_INIT_SEARCH_LARGE = 1
# Short texts give a flat k-means objective: on small inputs many more starts make the
# result markedly less dependent on the seed, and they are cheap there.
_N_INIT_SMALL = 100
_SMALL = 2000
_N_INIT_SEARCH = 6
# Inputs of up to _SMALL distinct texts are partitioned by spectral clustering of the graph
# linking each text to its _NEIGHBOURS most similar ones, then k-means started from those
# clusters (so every text is nearest its own centroid, as assignment of new texts needs).
# Short texts share few terms: k-means alone on their sparse vectors splits along incidental
# words, whereas the neighbour graph follows chains of texts that each share something. On
# the labelled, holdout and eval2 sets (benchmarks/cluster_quality.py) it raised ARI with k
# given at every block weighting tried; see docs/performance.md.
_NEIGHBOURS = 10
_SPECTRAL_MIN = 3  # rows per cluster below which spectral gives way to plain k-means
_K_SQRT_EXTRA = 2  # auto k never exceeds sqrt(n) + 2: 80 texts -> at most 10 themes
_K_TOLERANCE = 0.05  # auto k: the smallest k within 5 % of the best silhouette
# Weight of the words block of a text written without any Chinese, in an input that has
# Chinese: English words never meet Chinese ones, so at full weight English complaints
# cluster by language instead of by topic. Their concepts and area affinity still count.
_EN_WORDS = 0.5

LABEL_TERMS = 3
MAX_TERMS = 8
MAX_REPRESENTATIVES = 5
MAX_AREAS = 3
_AREA_MIN_SIMILARITY = 0.1
_AREA_RELATIVE = 0.6

_BLANK_LABEL = {"zh": "(空白)", "en": "(blank)"}
# Words every PMO complaint may use; they say nothing about a theme.
_LABEL_STOP = (
    frozenset(
        {
            "项目",
            "公司",
            "工作",
            "个人",
            "部门",
            "团队",
            "容易",
            "东西",
            "project",
            "work",
            "company",
        }
    )
    | STOP_ZH
    | STOP_EN
)
# Terms of the PMO thesaurus: known concepts make better labels than incidental words.
_KNOWN_TERMS = frozenset(
    term for blob in CONCEPTS.values() for term in blob.split() if has_cjk(term) and len(term) > 1
)
_KNOWN_BONUS = 1.3
_QUANTITY = re.compile(r"^[0-9一二三四五六七八九十两几半每]+[个次天周月年遍下点倍多号]")


@dataclass(frozen=True, slots=True)
class AreaProfile:
    """What a process area is about, as one bilingual text (names, purpose, practices,
    keywords joined); used to guide the clustering and to map themes to areas."""

    code: str
    name_zh: str
    name_en: str
    text: str


@dataclass(frozen=True, slots=True)
class Theme:
    """A cluster of texts. ``representative`` are row indices of its most central texts.

    ``name`` is readable, in the input's main language; ``label`` is the confirmed label of
    a seeded theme (see :func:`cluster_texts`), else the name; ``problem`` is the key of the
    canonical PMO problem the theme was named after, if any."""

    id: int
    label: str
    size: int
    terms: tuple[str, ...]
    process_areas: tuple[str, ...]
    representative: tuple[int, ...]
    name: str = ""
    problem: str | None = None
    seeded: bool = False


@dataclass(frozen=True, slots=True)
class ThemeModel:
    """The fitted state :func:`assign_to_themes` needs to place new texts in old themes."""

    vectorizers: Vectorizers
    area_space: _AreaSpace | None
    taxonomy: TaxonomyModel | None
    centroids: FloatArray
    """Unit-length theme centroids in the clustering space, one row per content theme."""
    theme_ids: tuple[int, ...]
    """Theme id of each centroid row."""
    blank_theme: int | None
    """Theme of contentless texts; ``None`` when the input had none."""
    margin_scale: float = 1.0
    """The run's median margin: new texts are as confident as the run's texts were."""


@dataclass(frozen=True, slots=True)
class ClusteringResult:
    """Themes (ids 0..k-1, largest first) and the theme id of every input row.

    ``quality`` holds diagnostics (silhouette, per-k silhouettes when k was chosen, blank
    rows); ``state`` is what :func:`assign_to_themes` needs and is not part of the output.
    """

    k: int
    themes: tuple[Theme, ...]
    assignments: tuple[int, ...]
    quality: dict[str, Any]
    state: ThemeModel | None = field(default=None, compare=False, repr=False)
    confidence: tuple[float, ...] = ()
    """How sure the assignment of each input row is, 0..1 (see :func:`_confidence`)."""


def _fit_vectorizers(
    tokens: Sequence[Tokens], counts: NDArray[np.intp] | None = None
) -> Vectorizers:
    """One sublinear TF-IDF vectorizer per token kind, skipping kinds that hold no token at
    all (e.g. bigrams of an English-only input).

    ``counts``: how many times each of ``tokens`` (distinct texts) occurs in the input; the
    IDF is then the one a fit on the whole input would give.

    The weightings are those ``TfidfVectorizer.fit`` makes (vocabulary in term order, its
    smoothed float32 IDF), set from one sparse count of the documents instead of its
    per-document dicts."""
    fitted = []
    for kind, weight in _BLOCKS:
        docs = [getattr(t, kind) for t in tokens]
        terms = sorted({term for doc in docs for term in doc})
        if terms:
            vocabulary = {term: i for i, term in enumerate(terms)}
            idf = _smoothed_idf(term_counts(docs, vocabulary), counts)
            fitted.append((kind, weight, TfidfWeights(vocabulary, idf)))
    return tuple(fitted)


def _smoothed_idf(
    matrix: sp.csr_matrix, counts: NDArray[np.intp] | None = None
) -> NDArray[np.float32]:
    """The smoothed IDF of scikit-learn's ``TfidfTransformer`` (float32, as it computes it)
    of a term-count matrix whose row ``i`` occurs ``counts[i]`` times (once without
    ``counts``)."""
    n_docs = matrix.shape[0] if counts is None else int(counts.sum())
    per_entry = None if counts is None else np.repeat(counts, np.diff(matrix.indptr))
    df = np.bincount(matrix.indices, weights=per_entry, minlength=matrix.shape[1])
    idf = np.full(matrix.shape[1], n_docs + 1, dtype=np.float32)
    idf /= (df.astype(np.int64) + 1).astype(np.float32)
    np.log(idf, out=idf)
    idf += 1.0
    return idf


@dataclass(frozen=True, slots=True)
class _AreaSpace:
    """Process areas as vectors in their own vocabulary, IDF taken over the areas."""

    codes: tuple[str, ...]
    vectorizers: Vectorizers
    matrix: sp.csr_matrix

    @classmethod
    def fit(cls, areas: Sequence[AreaProfile]) -> _AreaSpace | None:
        tokens = [tokenize(area.text) for area in areas]
        vectorizers = _fit_vectorizers(tokens)
        if not vectorizers:
            return None
        return cls(tuple(a.code for a in areas), vectorizers, _embed(tokens, vectorizers))

    def similarity(self, tokens: Sequence[Tokens]) -> FloatArray:
        """Cosine similarity (rows: texts, columns: areas)."""
        sims = _embed(tokens, self.vectorizers) @ self.matrix.T
        return np.asarray(sims.toarray(), dtype=np.float64)


def _embed(tokens: Sequence[Tokens], vectorizers: Vectorizers) -> sp.csr_matrix:
    blocks = [
        weight * normalize(tfidf([getattr(t, kind) for t in tokens], vectorizer))
        for kind, weight, vectorizer in vectorizers
    ]
    kinds = [kind for kind, _, _ in vectorizers]
    if "words" in kinds and "bigrams" in kinds:  # the input has Chinese
        scale = np.array([1.0 if t.bigrams else _EN_WORDS for t in tokens])
        blocks[kinds.index("words")] = sp.diags(scale) @ blocks[kinds.index("words")]
    embedded: sp.csr_matrix = normalize(sp.hstack(blocks, format="csr"))
    return embedded


@dataclass(frozen=True, slots=True)
class _Features:
    matrix: sp.csr_matrix
    """The clustering space: text blocks, area affinity and taxonomy, rows of length 1."""
    area_sims: FloatArray | None
    problem_probs: FloatArray | None

    def rows(self, index: NDArray[np.intp]) -> _Features:
        """The features of rows ``index`` (repeats allowed)."""
        return _Features(
            self.matrix[index],
            None if self.area_sims is None else self.area_sims[index],
            None if self.problem_probs is None else self.problem_probs[index],
        )


def _features(
    tokens: Sequence[Tokens],
    texts: Sequence[str],
    vectorizers: Vectorizers,
    area_space: _AreaSpace | None,
    taxonomy: TaxonomyModel | None,
) -> _Features:
    """The clustering space with the raw area similarities and problem probabilities."""
    blocks = [_embed(tokens, vectorizers)]
    sims = probs = None
    if area_space is not None:
        sims = area_space.similarity(tokens)
        blocks.append(sp.csr_matrix(_AREA_WEIGHT * normalize(sims), dtype=np.float32))
    if taxonomy is not None:
        probs = taxonomy.probabilities(tokens, texts)
        block = TAXONOMY_WEIGHT * normalize(np.sqrt(probs))
        blocks.append(sp.csr_matrix(block, dtype=np.float32))
    matrix = normalize(sp.hstack(blocks, format="csr")) if len(blocks) > 1 else blocks[0]
    return _Features(matrix, sims, probs)


def _distinct_texts(
    texts: Sequence[str],
) -> tuple[NDArray[np.intp], NDArray[np.intp], NDArray[np.intp]]:
    """(position of the first occurrence of each distinct text, in input order; index of each
    text's distinct text; how many times each distinct text occurs)."""
    first: dict[str, int] = {}
    inverse = np.array([first.setdefault(t, len(first)) for t in texts], dtype=np.intp)
    once = np.full(len(first), -1, dtype=np.intp)
    for position, index in enumerate(inverse):
        if once[index] < 0:
            once[index] = position
    return once, inverse, np.bincount(inverse, minlength=len(first)).astype(np.intp)


def _distinct_rows(matrix: sp.csr_matrix) -> int:
    data = np.round(matrix.data, 5)
    bounds = matrix.indptr.tolist()
    indices = matrix.indices
    return len(
        {
            (indices[start:end].tobytes(), data[start:end].tobytes())
            for start, end in pairwise(bounds)
        }
    )


def _kmeans(
    matrix: sp.csr_matrix,
    k: int,
    seed: int,
    n_init: int,
    large: bool,
    weights: NDArray[np.intp] | None = None,
) -> NDArray[np.intp]:
    """Cluster of each row by k-means (k-means++ starts); ``weights``: how many input rows
    each row stands for (the same objective as the repeated rows, for a fraction of the
    work). Large inputs (more than :data:`_SMALL` rows) take :func:`assessments.kmeans.kmeans`
    and never import scikit-learn; small ones keep scikit-learn's ``KMeans``, whose
    results the labelled sets' figures were measured with."""
    if large:
        return kmeans(matrix, k, seed=seed, n_init=n_init, weights=weights).labels
    # imported here: ≈ 2.4 s of start-up, paid by small inputs only
    from sklearn.cluster import KMeans

    fitted = KMeans(n_clusters=k, n_init=n_init, random_state=seed).fit(
        matrix, sample_weight=None if weights is None else weights.astype(np.float64)
    )
    labels: NDArray[np.intp] = fitted.labels_.astype(np.intp)
    return labels


def _partition(
    matrix: sp.csr_matrix,
    k: int,
    seed: int,
    large: bool,
    weights: NDArray[np.intp] | None = None,
) -> NDArray[np.intp]:
    """Cluster of each row by k-means, started from a spectral clustering of their
    neighbour graph on inputs of at most _SMALL distinct rows (see :data:`_NEIGHBOURS`),
    else from k-means++ (:data:`_N_INIT` starts on large inputs, :data:`_N_INIT_SMALL` on
    small ones)."""
    n = matrix.shape[0]
    if n > _SMALL or n < max(_SPECTRAL_MIN * k, 2 * _NEIGHBOURS) or k < 2:
        return _kmeans(matrix, k, seed, _N_INIT if large else _N_INIT_SMALL, large, weights)
    from sklearn.cluster import KMeans, SpectralClustering  # see _kmeans

    sims = np.asarray((matrix @ matrix.T).todense(), dtype=np.float64)
    np.fill_diagonal(sims, -np.inf)
    near = np.argsort(-sims, axis=1, kind="stable")[:, :_NEIGHBOURS]
    graph = np.zeros_like(sims)
    rows = np.arange(n)[:, None]
    graph[rows, near] = np.clip(sims[rows, near], 0.0, None)
    graph = np.maximum(graph, graph.T)
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="Graph is not fully connected")
        spectral = SpectralClustering(
            n_clusters=k, affinity="precomputed", random_state=seed, n_init=10
        ).fit(graph)
    labels = spectral.labels_.astype(np.intp)
    row_weights = np.ones(n) if weights is None else weights.astype(np.float64)
    member = sp.csr_matrix((row_weights, (labels, np.arange(n))), shape=(k, n))
    totals = np.maximum(np.asarray(member.sum(axis=1)), 1e-12)
    means = np.asarray((member @ matrix).todense(), dtype=np.float64) / totals
    fitted = KMeans(n_clusters=k, init=means, n_init=1, random_state=seed).fit(
        matrix, sample_weight=None if weights is None else weights.astype(np.float64)
    )
    found: NDArray[np.intp] = fitted.labels_.astype(np.intp)
    return found


def _choose_k(
    matrix: sp.csr_matrix, distinct: int, seed: int, tick: Callable[[], None], stages: int
) -> tuple[int, dict[str, float]]:
    """The k in 2..min(15, n/5, √n + 2) with the best cosine silhouette on a sample."""
    n = matrix.shape[0]
    bound = min(MAX_AUTO_K, n // _MIN_PER_THEME, math.isqrt(n) + _K_SQRT_EXTRA)
    k_max = min(max(2, bound), distinct, n - 1)
    if k_max < 2:
        for _ in range(stages):
            tick()
        return 1, {}
    rng = np.random.default_rng(seed)
    sample = matrix
    if n > _SILHOUETTE_SAMPLE:
        rows = np.sort(rng.choice(n, size=_SILHOUETTE_SAMPLE, replace=False))
        sample = matrix[rows]
    # Columns no sampled row uses change no distance: dropping them makes each k cheap.
    sample = sample[:, np.unique(sample.indices)]
    sample_distinct = _distinct_rows(sample) if sample is not matrix else distinct
    scores: dict[str, float] = {}
    candidates = range(2, k_max + 1)
    distances = _cosine_distances(sample)  # once, for every k
    for k in candidates:
        if k < min(sample_distinct, sample.shape[0]):
            starts = _N_INIT_SEARCH if n <= _SMALL else _N_INIT_SEARCH_LARGE
            labels = _kmeans(sample, k, seed, starts, n > _SMALL)
            if len(set(labels.tolist())) > 1:
                score = silhouette_precomputed(distances, labels)
                scores[str(k)] = round(score, 4)
        tick()
    for _ in range(stages - len(candidates)):
        tick()
    if not scores:  # the sample was too uniform to score any split
        return 2, scores
    # The smallest k within _K_TOLERANCE of the best silhouette: on short texts it keeps
    # creeping up with k, so its maximum favours many small themes.
    top = max(scores.values())
    best = min(
        (k for k, score in scores.items() if score >= top - _K_TOLERANCE * abs(top)), key=int
    )
    return int(best), scores


def silhouette_precomputed(distances: NDArray[np.floating[Any]], labels: NDArray[np.intp]) -> float:
    """Mean silhouette of a clustering given the pairwise distances of its rows (zero
    diagonal): scikit-learn's ``silhouette_score(distances, labels, metric="precomputed")``
    (equal to rounding, checked by the tests) from one matrix product with the cluster
    indicators instead of a pass per row. Needs 2 <= clusters < rows; a row alone in its
    cluster scores 0."""
    ids, labels = np.unique(labels, return_inverse=True)
    n, k = len(labels), len(ids)
    if not 1 < k < n:
        raise ValueError(f"silhouette needs 2 to {n - 1} clusters, got {k}")
    members = np.zeros((n, k))
    members[np.arange(n), labels] = 1.0
    sums = np.asarray(distances, dtype=np.float64) @ members
    sizes = members.sum(axis=0)
    rows = np.arange(n)
    own = sums[rows, labels]
    sums[rows, labels] = np.inf
    nearest = (sums / sizes).min(axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        within = own / (sizes[labels] - 1)
        scores = (nearest - within) / np.maximum(within, nearest)
    return float(np.nan_to_num(scores).mean())


def _surface_forms(tokens: Sequence[Tokens]) -> dict[str, str]:
    counts: Counter[tuple[str, str]] = Counter()
    for t in tokens:
        counts.update(t.surfaces)
    forms: dict[str, str] = {}
    for (stem, word), _ in sorted(counts.items(), key=lambda item: (-item[1], item[0])):
        forms.setdefault(stem, word)
    return forms


def _document_frequencies(rows: Sequence[Tokens]) -> Counter[str]:
    df: Counter[str] = Counter()
    for t in rows:
        df.update({*t.words, *t.bigrams})
    return df


@dataclass(frozen=True, slots=True)
class _Vocabulary:
    """What labelling needs to know about the whole input."""

    document_frequency: Counter[str]
    words: frozenset[str]
    """Words of at least two texts: a character bigram may label a theme only if it is one
    (so "变更" may, the accidental "求变" may not)."""
    forms: dict[str, str]
    n: int
    concept_frequency: Counter[str]

    @classmethod
    def of(cls, tokens: Sequence[Tokens]) -> _Vocabulary:
        word_df = Counter(w for t in tokens for w in set(t.words))
        words = frozenset(w for w, df in word_df.items() if df >= 2)
        concepts = Counter(c for t in tokens for c in set(t.concepts))
        forms = _surface_forms(tokens)
        return cls(_document_frequencies(tokens), words, forms, len(tokens), concepts)


def _concept_terms(
    members: Sequence[Tokens], vocab: _Vocabulary, chosen: Sequence[str], lang: str
) -> list[str]:
    """Names of the concepts characteristic of a theme (same score as the terms) that no
    chosen term already says, to complete a label of fewer than LABEL_TERMS terms."""
    local = Counter(c for t in members for c in set(t.concepts))
    size = len(members)
    scored = []
    for concept, df in local.items():
        if df < max(2, math.ceil(0.3 * size)) or concept not in CONCEPT_NAMES:
            continue
        p_theme = df / size
        score = p_theme * math.log1p(p_theme * vocab.n / vocab.concept_frequency[concept])
        scored.append((-score, concept))
    names: list[str] = []
    for _, concept in sorted(scored):
        name = CONCEPT_NAMES[concept][0 if lang == "zh" else 1]
        said = [*chosen, *names]
        if any(term in name or name in term for term in said):
            continue
        names.append(name)
    return names


def _theme_terms(members: Sequence[Tokens], vocab: _Vocabulary, min_df: int = 2) -> tuple[str, ...]:
    """Whole words frequent in the theme and rarer elsewhere.

    Score = p_theme · log(1 + p_theme / p_all) over document frequencies of the members'
    words that are whole words (:func:`assessments.theme_names.is_whole_word`: never a
    fragment the segmenter guessed); terms of the PMO thesaurus count more, single letters
    half, lone Chinese characters not at all. Words of a single text are used only when the
    theme has nothing better.
    """
    local = Counter(w for t in members for w in set(t.words))
    size = len(members)
    scored: list[tuple[float, str]] = []
    for term, df in local.items():
        if df < min_df or term in _LABEL_STOP or _QUANTITY.match(term):
            continue
        if (len(term) == 1 and has_cjk(term)) or not is_whole_word(term):
            continue
        p_theme = df / size
        score = p_theme * math.log1p(p_theme * vocab.n / vocab.document_frequency[term])
        if len(term) == 1:
            score *= 0.5
        if term in _KNOWN_TERMS:
            score *= _KNOWN_BONUS
        scored.append((score, term))
    scored.sort(key=lambda item: (-item[0], item[1]))
    chosen = tuple(vocab.forms.get(term, term) for _, term in scored[:MAX_TERMS])
    if len(chosen) < LABEL_TERMS and min_df > 1:
        extra = _theme_terms(members, vocab, min_df=1)
        chosen = (*chosen, *(t for t in extra if t not in chosen))[:LABEL_TERMS]
    return chosen


def _theme_areas(centroid_sims: FloatArray, codes: Sequence[str]) -> tuple[str, ...]:
    order = np.argsort(-centroid_sims, kind="stable")
    best = float(centroid_sims[order[0]]) if len(order) else 0.0
    if best < _AREA_MIN_SIMILARITY:
        return ()
    floor = max(_AREA_MIN_SIMILARITY, _AREA_RELATIVE * best)
    return tuple(codes[i] for i in order[:MAX_AREAS] if centroid_sims[i] >= floor)


def _representatives(
    matrix: sp.csr_matrix,
    local: NDArray[np.intp],
    rows: NDArray[np.intp],
    centroid: FloatArray,
) -> tuple[int, ...]:
    """Input rows of the members closest to the centroid, ties by row."""
    sims = np.round(np.asarray(matrix[local] @ centroid).ravel(), 6)
    order = np.lexsort((local, -sims))
    return tuple(int(rows[local[i]]) for i in order[:MAX_REPRESENTATIVES])


def _sample_silhouette(matrix: sp.csr_matrix, labels: NDArray[np.intp], seed: int) -> float:
    n = matrix.shape[0]
    if n > _SILHOUETTE_SAMPLE:
        rows = np.sort(np.random.default_rng(seed).choice(n, _SILHOUETTE_SAMPLE, replace=False))
        matrix, labels = matrix[rows], labels[rows]
    if not 1 < len(set(labels.tolist())) < matrix.shape[0]:
        return 0.0
    return round(silhouette_precomputed(_cosine_distances(matrix), labels), 4)


def _cosine_distances(matrix: sp.csr_matrix) -> NDArray[np.floating[Any]]:
    """Pairwise cosine distances of rows of length 1 (zero diagonal).

    The products are taken against a dense copy of the used columns when it is small: the
    same sums in the same order as the sparse product (equal to the bit), in a third of the
    time (1,000 rows of the 20,000: 0.10 → 0.03 s)."""
    used = matrix[:, np.unique(matrix.indices)]
    if used.shape[0] * used.shape[1] * used.dtype.itemsize <= _DENSE_BYTES:
        products = np.asarray(used @ used.T.toarray())
    else:
        products = np.asarray((used @ used.T).todense())
    distances = np.clip(1.0 - products, 0.0, 2.0)
    np.fill_diagonal(distances, 0.0)
    return distances


def _tokenize_all(texts: Sequence[str]) -> list[Tokens]:
    """:func:`tokenize` of every text, each distinct text once (surveys repeat answers)."""
    seen: dict[str, Tokens] = {}
    return [seen[t] if t in seen else seen.setdefault(t, tokenize(t)) for t in texts]


def _blank_only(n: int, quality: dict[str, Any], lang: str) -> ClusteringResult:
    if not n:
        return ClusteringResult(0, (), (), quality, None)
    label = _BLANK_LABEL.get(lang, _BLANK_LABEL["en"])
    theme = Theme(0, label, n, (), (), (), name=label)
    empty_state = ThemeModel((), None, None, np.zeros((0, 0)), (), 0)
    return ClusteringResult(1, (theme,), (0,) * n, quality, empty_state, (1.0,) * n)


def _seed_ids(
    labels: Sequence[str | None] | None, rows: NDArray[np.intp]
) -> tuple[NDArray[np.intp], tuple[str, ...]]:
    """Per content row the index of its confirmed label (-1 for none), and the labels in
    order of first appearance."""
    seeds = np.full(len(rows), -1, dtype=np.intp)
    names: dict[str, int] = {}
    if labels is None:
        return seeds, ()
    for local, row in enumerate(rows):
        text = (labels[int(row)] or "").strip()
        if text:
            seeds[local] = names.setdefault(text, len(names))
    return seeds, tuple(names)


@dataclass(frozen=True, slots=True)
class _Group:
    members: NDArray[np.intp]
    """Input rows."""
    local: NDArray[np.intp]
    """Rows of the content matrix (empty for the blank theme)."""
    label: str | None
    """Confirmed label of a seeded theme."""


def _problem_of(
    probs: FloatArray | None, local: NDArray[np.intp], taken: set[str]
) -> Problem | None:
    """The canonical problem most members share (by their most likely problem), when it
    is the most likely one of at least :data:`MAJORITY` of them and no larger theme took it."""
    if probs is None or not len(local):
        return None
    catalogue = problems()
    votes = Counter(int(i) for i in probs[local].argmax(axis=1))
    index, count = votes.most_common(1)[0]
    problem = catalogue[index]
    if count < MAJORITY * len(local) or problem.key in taken:
        return None
    return problem


def _top_problem(probs: FloatArray | None, local: NDArray[np.intp]) -> Problem | None:
    if probs is None or not len(local):
        return None
    return problems()[int(probs[local].mean(axis=0).argmax())]


def _unique(name: str, terms: Sequence[str], used: set[str], lang: str) -> str:
    """``name``, completed with a term of the theme when another theme has it already."""
    if name not in used:
        return name
    joiner = "：" if lang == "zh" else ": "
    for term in terms:
        candidate = f"{name}{joiner}{term}"
        if term not in name and candidate not in used:
            return candidate
    n = 2
    while f"{name} ({n})" in used:
        n += 1
    return f"{name} ({n})"


def cluster_texts(
    texts: Sequence[str],
    *,
    k: int | None = None,
    areas: Sequence[AreaProfile] = (),
    seed: int = 0,
    progress: ProgressCallback | None = None,
    lang: str | None = None,
    labels: Sequence[str | None] | None = None,
    taxonomy: bool = True,
) -> ClusteringResult:
    """Group ``texts`` into themes. ``k=None`` chooses k; a given ``k`` is clamped to the
    number of distinct texts. ``areas`` guide the grouping and name each theme's process
    areas. ``progress(done, total)`` is called at stage boundaries. ``lang`` is the language
    of the names (``None``: the texts' main language).

    ``labels`` (one per text, ``None`` or blank for most) are confirmed examples: texts with
    the same label form one theme whose ``label`` is that text and never leave it; every
    other text goes to a labelled theme, or to a new theme when ``k`` asks for more themes
    than there are labels. ``taxonomy=False`` leaves the PMO problem classifier out of the
    features and the names (to measure what it adds)."""
    if k is not None and k < 1:
        raise ValueError(f"k must be at least 1, got {k}")
    if labels is not None and len(labels) != len(texts):
        raise ValueError("labels must have one entry per text")
    name_lang = lang or main_language(texts)
    k_stages = MAX_AUTO_K - 1 if k is None else 0
    total = 4 + k_stages
    done = 0

    def tick() -> None:
        nonlocal done
        done += 1
        if progress is not None:
            progress(done, total)

    tokens = _tokenize_all(texts)
    tick()
    rows = np.array([i for i, t in enumerate(tokens) if not t.empty], dtype=np.intp)
    blank_rows = [i for i, t in enumerate(tokens) if t.empty]
    content = [tokens[i] for i in rows]

    quality: dict[str, Any] = {"n": len(texts), "blank": len(blank_rows), "k_auto": k is None}
    if not content:
        while done < total:
            tick()
        return _blank_only(len(texts), quality, name_lang)

    # Surveys repeat answers: features and k-means work on each distinct text once, the
    # k-means weighting it by its count; every row then takes its text's features.
    once, inverse, counts = _distinct_texts([texts[i] for i in rows])
    large = len(content) > _SMALL  # k-means in NumPy, without scikit-learn (see _kmeans)
    weights = counts if len(once) < len(content) else None
    vectorizers = _fit_vectorizers([content[i] for i in once], counts)
    area_space = _AreaSpace.fit(areas) if areas else None
    model = load_model() if taxonomy else None
    distinct_features = _features(
        [content[i] for i in once], [texts[rows[i]] for i in once], vectorizers, area_space, model
    )
    distinct = _distinct_rows(distinct_features.matrix)
    features = distinct_features.rows(inverse) if weights is not None else distinct_features
    matrix = features.matrix
    tick()

    seeds, seed_names = _seed_ids(labels, rows)
    if seed_names:
        n_clusters = max(len(seed_names), min(k or 0, len(content)))
        while done < 2 + k_stages:
            tick()
        start = None
        if SEED_FROM_CLUSTERS and 1 < n_clusters < distinct:
            start = _partition(distinct_features.matrix, n_clusters, seed, large, weights)[inverse]
        found, centroid_rows = seeded_kmeans(matrix, seeds, n_clusters, seed, start)
    else:
        if k is None:
            n_clusters, scores = _choose_k(matrix, distinct, seed, tick, k_stages)
            quality["silhouette_by_k"] = scores
        else:
            n_clusters = min(k, distinct)
        if n_clusters > 1:
            found = _partition(distinct_features.matrix, n_clusters, seed, large, weights)[inverse]
        else:
            found = np.zeros(len(content), dtype=np.intp)
        centroid_rows = centroids_of(matrix, found, n_clusters)
    tick()
    row_confidence = np.ones(len(texts))
    sims = np.asarray(matrix @ centroid_rows.T)
    scale = margin_scale(sims, found) if n_clusters > 1 else 1.0
    row_confidence[rows] = confidence(sims, found, scale)
    row_confidence[rows[seeds >= 0]] = 1.0

    # (input rows, rows of `content`) per theme; blank texts are a theme without content.
    groups = [
        _Group(
            rows[found == c],
            np.flatnonzero(found == c),
            seed_names[c] if c < len(seed_names) else None,
        )
        for c in range(n_clusters)
    ]
    if blank_rows:
        groups.append(
            _Group(np.array(blank_rows, dtype=np.intp), np.array([], dtype=np.intp), None)
        )
    groups = [g for g in groups if len(g.members) or g.label is not None]
    groups.sort(
        key=lambda g: (g.label is None, -len(g.members), int(g.members[0]) if len(g.members) else 0)
    )

    vocab = _Vocabulary.of(content)
    assignments = np.zeros(len(texts), dtype=np.intp)
    themes: list[Theme] = []
    centroids: list[FloatArray] = []
    theme_ids: list[int] = []
    blank_theme: int | None = None
    taken: set[str] = set()
    used: set[str] = set()
    for theme_id, group in enumerate(groups):
        members, local = group.members, group.local
        assignments[members] = theme_id
        if len(local) == 0 and group.label is None:
            blank_theme = theme_id
            label = _BLANK_LABEL.get(name_lang, _BLANK_LABEL["en"])
            themes.append(Theme(theme_id, label, len(members), (), (), (), name=label))
            continue
        if len(local):
            centroid = np.asarray(matrix[local].mean(axis=0)).ravel()
            centroid /= np.linalg.norm(centroid) or 1.0
        else:  # a confirmed label whose examples are all blank
            centroid = np.zeros(matrix.shape[1])
        centroids.append(centroid)
        theme_ids.append(theme_id)
        member_tokens = [content[i] for i in local]
        terms = _theme_terms(member_tokens, vocab) if len(local) else ()
        if len(terms) < LABEL_TERMS and len(local):
            extra = _concept_terms(member_tokens, vocab, terms, name_lang)
            terms = (*terms, *extra)[: max(len(terms), LABEL_TERMS)]
        problem = _problem_of(features.problem_probs, local, taken)
        codes: tuple[str, ...] = ()
        if features.area_sims is not None and area_space is not None and len(local):
            codes = _theme_areas(features.area_sims[local].mean(axis=0), area_space.codes)
            if problem is not None:
                known = [c for c in problem.process_areas if c in area_space.codes]
                codes = tuple(dict.fromkeys([*known, *codes]))[:MAX_AREAS]
        if problem is not None:
            taken.add(problem.key)
            name = problem.name(name_lang)
        else:
            top = _top_problem(features.problem_probs, local)
            concepts = Counter(c for t in member_tokens for c in set(t.concepts))
            fallback = top.name(name_lang) if top else _BLANK_LABEL[name_lang]
            name = name_from_terms(terms, concepts, fallback, name_lang)
        name = _unique(name, terms, used, name_lang)
        used.add(name)
        representative = _representatives(matrix, local, rows, centroid) if len(local) else ()
        themes.append(
            Theme(
                theme_id,
                group.label if group.label is not None else name,
                len(members),
                terms,
                codes,
                representative,
                name=name,
                problem=problem.key if problem else None,
                seeded=group.label is not None,
            )
        )
    tick()

    if n_clusters > 1 and len(content) > n_clusters:
        quality["silhouette"] = _sample_silhouette(matrix, found, seed)
    state = ThemeModel(
        vectorizers=vectorizers,
        area_space=area_space,
        taxonomy=model,
        centroids=np.vstack(centroids) if centroids else np.zeros((0, matrix.shape[1])),
        theme_ids=tuple(theme_ids),
        blank_theme=blank_theme,
        margin_scale=scale,
    )
    return ClusteringResult(
        k=len(themes),
        themes=tuple(themes),
        assignments=tuple(int(a) for a in assignments),
        quality=quality,
        state=state,
        confidence=tuple(round(float(c), 4) for c in row_confidence),
    )


def assign_with_confidence(
    state: ThemeModel, texts: Sequence[str]
) -> tuple[tuple[int, ...], tuple[float, ...]]:
    """The theme id of each new text (the theme whose centroid is nearest, by cosine,
    without re-clustering) and the confidence of that choice (0..1, as in
    :func:`cluster_texts`). Contentless texts go to the blank theme (theme 0 when there is
    none) with confidence 1 and 0; texts sharing no term with the fitted vocabulary go to
    the largest content theme with confidence 0."""
    tokens = [tokenize(text) for text in texts]
    fallback = state.blank_theme if state.blank_theme is not None else 0
    if not state.theme_ids or not tokens:
        return tuple(fallback for _ in tokens), tuple(0.0 for _ in tokens)
    matrix = _features(tokens, texts, state.vectorizers, state.area_space, state.taxonomy).matrix
    sims = np.asarray(matrix @ state.centroids.T)
    nearest = sims.argmax(axis=1)
    sure = confidence(sims, nearest, state.margin_scale)
    ids = tuple(
        fallback if t.empty else state.theme_ids[int(i)]
        for t, i in zip(tokens, nearest, strict=True)
    )
    scores = tuple(
        (1.0 if state.blank_theme is not None else 0.0) if t.empty else round(float(c), 4)
        for t, c in zip(tokens, sure, strict=True)
    )
    return ids, scores


def assign_with_examples(
    state: ThemeModel,
    texts: Sequence[str],
    examples: Sequence[str],
    example_themes: Sequence[int],
) -> tuple[tuple[int, ...], tuple[float, ...]]:
    """As :func:`assign_with_confidence`, but the PMO's confirmed examples (``examples``,
    in the themes ``example_themes``) are prototypes of their theme beside its centroid: a
    new text goes to the theme whose centroid or example is nearest. So a text like one the
    PMO moved follows it at once, before any re-run; an example's theme id may be one the
    state has no centroid for (a theme made later, by a split)."""
    if len(examples) != len(example_themes):
        raise ValueError("example_themes must have one entry per example")
    example_tokens = [tokenize(text) for text in examples]
    kept = [i for i, t in enumerate(example_tokens) if not t.empty]
    if not kept or not texts:
        return assign_with_confidence(state, texts)
    tokens = [tokenize(text) for text in texts]

    def embed(rows: Sequence[Tokens], raw: Sequence[str]) -> sp.csr_matrix:
        return _features(rows, raw, state.vectorizers, state.area_space, state.taxonomy).matrix

    matrix = embed(tokens, texts)
    prototypes = embed([example_tokens[i] for i in kept], [examples[i] for i in kept])
    ids = sorted({*state.theme_ids, *(example_themes[i] for i in kept)})
    column = {theme_id: n for n, theme_id in enumerate(ids)}
    sims = np.full((len(texts), len(ids)), -1.0)
    owners = [column[t] for t in state.theme_ids] + [column[example_themes[i]] for i in kept]
    found = np.asarray((matrix @ prototypes.T).todense()) if prototypes.shape[0] else None
    near_centroid = np.asarray(matrix @ state.centroids.T)
    both = near_centroid if found is None else np.hstack([near_centroid, found])
    for source, owner in enumerate(owners):
        np.maximum(sims[:, owner], both[:, source], out=sims[:, owner])
    nearest = sims.argmax(axis=1)
    sure = confidence(sims, nearest, state.margin_scale)
    fallback = state.blank_theme if state.blank_theme is not None else 0
    placed = tuple(
        fallback if t.empty else ids[int(i)] for t, i in zip(tokens, nearest, strict=True)
    )
    scores = tuple(
        (1.0 if state.blank_theme is not None else 0.0) if t.empty else round(float(c), 4)
        for t, c in zip(tokens, sure, strict=True)
    )
    return placed, scores


def assign_to_themes(state: ThemeModel, texts: Sequence[str]) -> tuple[int, ...]:
    """The theme id of each new text (see :func:`assign_with_confidence`)."""
    return assign_with_confidence(state, texts)[0]


def result_to_dict(result: ClusteringResult) -> dict[str, Any]:
    """The ``ladder cluster --format json`` document (see DOMAIN.md)."""
    return {
        "k": result.k,
        "themes": [
            {
                "id": theme.id,
                "name": theme.name or theme.label,
                "label": theme.label,
                "size": theme.size,
                "terms": list(theme.terms),
                "process_areas": list(theme.process_areas),
            }
            for theme in result.themes
        ],
        "assignments": list(result.assignments),
        "confidence": list(result.confidence),
    }
