"""The PMO problem taxonomy Ladder ships: canonical problems and a small classifier.

Small sentence-embedding models do not know what a PMO means by a problem, so Ladder carries
that knowledge itself: ``problems.yaml`` lists 22 canonical PMO problems (zh/en names, a
description, the CMMI process areas that address them), and ``model.npz`` is a linear
classifier trained on a curated bilingual corpus of labelled pain points
(``training/pmo_problems``, reproducible with ``scripts/train_taxonomy.py``).

The classifier is TF-IDF (sublinear, L2) over two blocks — the words and thesaurus concepts
of :func:`assessments.text.tokenize`, and character 1–3-grams of the normalised text — into
multinomial logistic regression. The file holds only arrays (vocabularies, IDF weights,
coefficients) and is read with ``allow_pickle=False``: nothing is downloaded or unpickled at
run time. Its class probabilities join the clustering features, so complaints about the same
problem meet in either language, and a theme whose members mostly share one problem takes
that problem's name.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np
import scipy.sparse as sp
import yaml
from numpy.typing import NDArray

from assessments.term_counts import l2_normalize, term_counts
from assessments.text import Tokens, normalize

__all__ = [
    "CHAR_NGRAMS",
    "MODEL_PATH",
    "PROBLEMS_PATH",
    "Problem",
    "TaxonomyModel",
    "char_ngrams",
    "load_model",
    "problems",
    "word_features",
]

HERE = Path(__file__).resolve().parent
PROBLEMS_PATH = HERE / "problems.yaml"
MODEL_PATH = HERE / "model.npz"
CHAR_NGRAMS = (1, 3)
FloatArray = NDArray[np.float64]


@dataclass(frozen=True, slots=True)
class Problem:
    """One canonical PMO problem."""

    key: str
    name_zh: str
    name_en: str
    description_zh: str
    description_en: str
    process_areas: tuple[str, ...]

    def name(self, lang: str) -> str:
        return self.name_zh if lang == "zh" else self.name_en


@cache
def problems() -> tuple[Problem, ...]:
    """The canonical problems, in file order."""
    data = yaml.safe_load(PROBLEMS_PATH.read_text(encoding="utf-8"))
    return tuple(
        Problem(
            key=item["key"],
            name_zh=item["name"]["zh"],
            name_en=item["name"]["en"],
            description_zh=item["description"]["zh"],
            description_en=item["description"]["en"],
            process_areas=tuple(item["process_areas"]),
        )
        for item in data["problems"]
    )


def word_features(tokens: Tokens) -> list[str]:
    """The word block of one text: its words and its thesaurus concepts (``c:`` prefix)."""
    return [*tokens.words, *(f"c:{concept}" for concept in tokens.concepts)]


def char_ngrams(text: str) -> list[str]:
    """Character 1–3-grams of the normalised text, whitespace collapsed."""
    norm = " ".join(normalize(text).split())
    low, high = CHAR_NGRAMS
    return [norm[i : i + n] for n in range(low, high + 1) for i in range(len(norm) - n + 1)]


@dataclass(frozen=True, slots=True)
class TaxonomyModel:
    """The trained classifier: one row of coefficients per problem."""

    classes: tuple[str, ...]
    word_vocabulary: dict[str, int]
    word_idf: FloatArray
    char_vocabulary: dict[str, int]
    char_idf: FloatArray
    coef: FloatArray
    intercept: FloatArray

    @classmethod
    def read(cls, path: Path) -> TaxonomyModel:
        with np.load(path, allow_pickle=False) as data:
            words = [str(w) for w in data["word_vocab"]]
            chars = [str(c) for c in data["char_vocab"]]
            return cls(
                classes=tuple(str(c) for c in data["classes"]),
                word_vocabulary={w: i for i, w in enumerate(words)},
                word_idf=data["word_idf"].astype(np.float64),
                char_vocabulary={c: i for i, c in enumerate(chars)},
                char_idf=data["char_idf"].astype(np.float64),
                coef=data["coef"].astype(np.float64),
                intercept=data["intercept"].astype(np.float64),
            )

    def features(self, tokens: Sequence[Tokens], texts: Sequence[str]) -> sp.csr_matrix:
        """The classifier's input: the two TF-IDF blocks side by side."""
        blocks = []
        for vocabulary, idf, docs in (
            (self.word_vocabulary, self.word_idf, [word_features(t) for t in tokens]),
            (self.char_vocabulary, self.char_idf, [char_ngrams(t) for t in texts]),
        ):
            counts = term_counts(docs, vocabulary, np.float64)
            counts.data = 1.0 + np.log(counts.data)
            blocks.append(l2_normalize(sp.csr_matrix(counts @ sp.diags(idf))))
        matrix: sp.csr_matrix = sp.hstack(blocks, format="csr")
        return matrix

    def probabilities(self, tokens: Sequence[Tokens], texts: Sequence[str]) -> FloatArray:
        """Class probabilities (rows: texts, columns: :attr:`classes`)."""
        if not texts:
            return np.zeros((0, len(self.classes)))
        first: dict[str, int] = {}
        index = np.array([first.setdefault(t, len(first)) for t in texts])
        if len(first) < len(texts):  # each distinct text once
            unique = sorted(first, key=first.__getitem__)
            tokens_of = dict(zip(texts, tokens, strict=True))
            once = self.probabilities([tokens_of[t] for t in unique], unique)
            spread: FloatArray = once[index]
            return spread
        scores = np.asarray(self.features(tokens, texts) @ self.coef.T) + self.intercept
        scores -= scores.max(axis=1, keepdims=True)
        exp = np.exp(scores)
        probs: FloatArray = exp / exp.sum(axis=1, keepdims=True)
        return probs


@cache
def load_model(path: Path = MODEL_PATH) -> TaxonomyModel | None:
    """The shipped classifier, or ``None`` when the file is missing (a source checkout
    before ``scripts/train_taxonomy.py`` ran)."""
    if not path.exists():
        return None
    return TaxonomyModel.read(path)
