"""Train the PMO problem classifier that ships in ``assessments/taxonomy/model.npz``.

    .venv/bin/python scripts/train_taxonomy.py [--corpus training/pmo_problems/corpus]
                                               [--check] [--prune]

Reads every ``<problem>.csv`` (columns ``text,problem,lang``) of the corpus, fits TF-IDF over
the tokenizer's words + thesaurus concepts and over character 1–3-grams, then multinomial
logistic regression, and writes plain arrays (no pickle) with ``np.savez_compressed``.
Deterministic: the same corpus gives the same file. ``--check`` prints a 5-fold
cross-validated accuracy (stratified, fixed seed) and writes nothing; ``--prune`` first
drops near-duplicates (:data:`SIMILARITY_LIMIT`) inside the corpus and any item near a text
of ``tests/data``.

The corpus is written apart from the labelled sets in ``tests/data``: tests check that it
holds no near-duplicates and no item of those sets.
"""

from __future__ import annotations

import argparse
import csv
import sys
from pathlib import Path

import numpy as np
import scipy.sparse as sp
from sklearn.feature_extraction.text import CountVectorizer, TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold
from sklearn.preprocessing import normalize as l2_normalize

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from assessments.taxonomy import MODEL_PATH, char_ngrams, problems, word_features  # noqa: E402
from assessments.text import normalize, tokenize  # noqa: E402

CORPUS = ROOT / "training" / "pmo_problems" / "corpus"
C = 8.0
MIN_DF = 2
MAX_CHAR_FEATURES = 12000
MAX_WORD_FEATURES = 6000
SIMILARITY_LIMIT = 0.85
"""Cosine similarity of character 2–3-gram counts above which two texts are near-duplicates
(one is the other with a word or the punctuation changed)."""


def read_corpus(folder: Path) -> tuple[list[str], list[str]]:
    texts, labels = [], []
    keys = {p.key for p in problems()}
    for path in sorted(folder.glob("*.csv")):
        with path.open(encoding="utf-8", newline="") as handle:
            for row in csv.DictReader(handle):
                if row["problem"] not in keys:
                    raise SystemExit(f"{path}: unknown problem {row['problem']!r}")
                texts.append(row["text"])
                labels.append(row["problem"])
    return texts, labels


def _identity(items: list[str]) -> list[str]:
    return items


def _shingles(text: str) -> list[str]:
    norm = "".join(ch for ch in normalize(text) if ch.isalnum())
    return [norm[i : i + n] for n in (2, 3) for i in range(len(norm) - n + 1)]


def near_duplicate_pairs(texts: list[str], others: list[str]) -> list[tuple[int, int]]:
    """(i, j) of every ``texts[i]`` whose similarity to ``others[j]`` is at least
    :data:`SIMILARITY_LIMIT`; when ``others is texts``, each pair once and never (i, i)."""
    counts = CountVectorizer(analyzer=_shingles, binary=True)
    matrix = l2_normalize(counts.fit_transform([*texts, *others]).astype(np.float64))
    left, right = matrix[: len(texts)], matrix[len(texts) :]
    sims = (left @ right.T).tocoo()
    same = others is texts
    return sorted(
        (int(i), int(j))
        for i, j, v in zip(sims.row, sims.col, sims.data, strict=True)
        if v >= SIMILARITY_LIMIT and (not same or i < j)
    )


def prune(folder: Path) -> None:
    """Rewrite the corpus without the later item of each near-duplicate pair and without any
    item near a text of ``tests/data``."""
    texts, _ = read_corpus(folder)
    blind = [
        row["text"]
        for path in sorted((ROOT / "tests" / "data").glob("*.csv"))
        for row in csv.DictReader(path.open(encoding="utf-8", newline=""))
    ]
    drop = {j for _, j in near_duplicate_pairs(texts, texts)}
    drop |= {i for i, _ in near_duplicate_pairs(texts, blind)}
    dropped = {texts[i] for i in drop}
    for path in sorted(folder.glob("*.csv")):
        with path.open(encoding="utf-8", newline="") as handle:
            rows = list(csv.DictReader(handle))
        kept = [row for row in rows if row["text"] not in dropped]
        with path.open("w", encoding="utf-8", newline="") as handle:
            writer = csv.DictWriter(handle, fieldnames=["text", "problem", "lang"])
            writer.writeheader()
            writer.writerows(kept)
    print(f"dropped {len(drop)} near-duplicates", file=sys.stderr)


def fit(texts: list[str], labels: list[str]) -> dict[str, np.ndarray]:
    """The arrays of a trained model (what ``model.npz`` holds)."""
    tokens = [tokenize(t) for t in texts]
    words = TfidfVectorizer(
        analyzer=_identity, sublinear_tf=True, min_df=MIN_DF, max_features=MAX_WORD_FEATURES
    )
    chars = TfidfVectorizer(
        analyzer=_identity, sublinear_tf=True, min_df=MIN_DF, max_features=MAX_CHAR_FEATURES
    )
    matrix = sp.hstack(
        [
            words.fit_transform([word_features(t) for t in tokens]),
            chars.fit_transform([char_ngrams(t) for t in texts]),
        ],
        format="csr",
    )
    classes = [p.key for p in problems() if p.key in set(labels)]
    model = LogisticRegression(C=C, max_iter=2000)
    model.fit(matrix, labels)
    order = [list(model.classes_).index(key) for key in classes]
    word_vocab = sorted(words.vocabulary_, key=words.vocabulary_.__getitem__)
    char_vocab = sorted(chars.vocabulary_, key=chars.vocabulary_.__getitem__)
    return {
        "classes": np.array(classes),
        "word_vocab": np.array(word_vocab),
        "word_idf": words.idf_.astype(np.float32),
        "char_vocab": np.array(char_vocab),
        "char_idf": chars.idf_.astype(np.float32),
        "coef": model.coef_[order].astype(np.float32),
        "intercept": model.intercept_[order].astype(np.float32),
    }


def cross_validate(texts: list[str], labels: list[str]) -> float:
    from assessments.taxonomy import TaxonomyModel

    folds = StratifiedKFold(n_splits=5, shuffle=True, random_state=0)
    correct = 0
    target = np.array(labels)
    for train, test in folds.split(texts, target):
        arrays = fit([texts[i] for i in train], [labels[i] for i in train])
        path = ROOT / ".taxonomy-cv.npz"
        np.savez_compressed(path, **arrays)  # type: ignore[arg-type]
        model = TaxonomyModel.read(path)
        path.unlink()
        test_texts = [texts[i] for i in test]
        probs = model.probabilities([tokenize(t) for t in test_texts], test_texts)
        predicted = np.array(model.classes)[probs.argmax(axis=1)]
        correct += int((predicted == target[test]).sum())
    return correct / len(texts)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=CORPUS)
    parser.add_argument("--out", type=Path, default=MODEL_PATH)
    parser.add_argument("--check", action="store_true", help="cross-validate, write nothing")
    parser.add_argument(
        "--prune", action="store_true", help="drop near-duplicates from the corpus first"
    )
    args = parser.parse_args(argv)
    if args.prune:
        prune(args.corpus)
    texts, labels = read_corpus(args.corpus)
    print(f"{len(texts)} texts, {len(set(labels))} problems", file=sys.stderr)
    if args.check:
        print(f"5-fold accuracy {cross_validate(texts, labels):.3f}")
        return 0
    arrays = fit(texts, labels)
    np.savez_compressed(args.out, **arrays)  # type: ignore[arg-type]
    size = args.out.stat().st_size
    print(f"wrote {args.out} ({size // 1024} KiB)", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
