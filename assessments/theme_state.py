"""The fitted clustering state (:class:`ThemeModel`) as bytes, so it can be stored in the
database and used by any process, instead of living in the memory of the one that fitted it.

The format is a compressed NumPy ``.npz`` archive read with ``allow_pickle=False``: every
array is numbers or fixed-width Unicode (vocabularies), so loading never executes code from
the database. A fitted TF-IDF vectorizer is its vocabulary (term → column) and its IDF
weights; that is all ``transform`` needs.
"""

from __future__ import annotations

import io
import json
from typing import Any

import numpy as np
import scipy.sparse as sp
from numpy.typing import NDArray

from assessments.clustering import ThemeModel, Vectorizers, _AreaSpace
from assessments.taxonomy import load_model
from assessments.term_counts import TfidfWeights

FORMAT_VERSION = 1


def _put_vectorizers(
    arrays: dict[str, NDArray[Any]], prefix: str, fitted: Vectorizers
) -> list[Any]:
    blocks = []
    for n, (kind, weight, vectorizer) in enumerate(fitted):
        terms = sorted(vectorizer.vocabulary_, key=vectorizer.vocabulary_.__getitem__)
        arrays[f"{prefix}{n}_terms"] = np.array(terms, dtype=np.str_)
        arrays[f"{prefix}{n}_idf"] = np.asarray(vectorizer.idf_, dtype=np.float64)
        blocks.append([kind, weight])
    return blocks


def _get_vectorizers(archive: Any, prefix: str, blocks: list[Any]) -> Vectorizers:
    fitted = []
    for n, (kind, weight) in enumerate(blocks):
        terms = archive[f"{prefix}{n}_terms"].tolist()
        vocabulary = {term: i for i, term in enumerate(terms)}
        fitted.append(
            (str(kind), float(weight), TfidfWeights(vocabulary, archive[f"{prefix}{n}_idf"]))
        )
    return tuple(fitted)


def dump_state(state: ThemeModel) -> bytes:
    """The state as a self-describing ``.npz`` archive (no pickled objects)."""
    arrays: dict[str, NDArray[Any]] = {"centroids": np.asarray(state.centroids, np.float32)}
    meta: dict[str, Any] = {
        "version": FORMAT_VERSION,
        "theme_ids": list(state.theme_ids),
        "blank_theme": state.blank_theme,
        "margin_scale": state.margin_scale,
        # The taxonomy classifier ships with the package: the state says only whether the run
        # used it, and loading takes the installed one.
        "taxonomy": state.taxonomy is not None,
        "blocks": _put_vectorizers(arrays, "text", state.vectorizers),
        "areas": None,
    }
    if state.area_space is not None:
        space = state.area_space
        meta["areas"] = {
            "codes": list(space.codes),
            "blocks": _put_vectorizers(arrays, "area", space.vectorizers),
        }
        matrix = sp.csr_matrix(space.matrix)
        arrays["area_data"] = matrix.data
        arrays["area_indices"] = matrix.indices
        arrays["area_indptr"] = matrix.indptr
        arrays["area_shape"] = np.array(matrix.shape, dtype=np.int64)
    arrays["meta"] = np.array(json.dumps(meta, ensure_ascii=False), dtype=np.str_)
    out = io.BytesIO()
    np.savez_compressed(out, **arrays)  # type: ignore[arg-type]  # numpy's stub is loose
    return out.getvalue()


def load_state(data: bytes) -> ThemeModel:
    """The state written by :func:`dump_state`; ``ValueError`` for anything else."""
    with np.load(io.BytesIO(data), allow_pickle=False) as archive:
        meta = json.loads(str(archive["meta"]))
        if meta.get("version") != FORMAT_VERSION:
            raise ValueError(f"unknown theme state format {meta.get('version')!r}")
        area_space = None
        if meta["areas"] is not None:
            rows, columns = (int(x) for x in archive["area_shape"])
            matrix = sp.csr_matrix(
                (archive["area_data"], archive["area_indices"], archive["area_indptr"]),
                shape=(rows, columns),
            )
            area_space = _AreaSpace(
                tuple(meta["areas"]["codes"]),
                _get_vectorizers(archive, "area", meta["areas"]["blocks"]),
                matrix,
            )
        return ThemeModel(
            vectorizers=_get_vectorizers(archive, "text", meta["blocks"]),
            area_space=area_space,
            taxonomy=load_model() if meta.get("taxonomy") else None,
            centroids=np.asarray(archive["centroids"], dtype=np.float64),
            theme_ids=tuple(int(i) for i in meta["theme_ids"]),
            blank_theme=meta["blank_theme"],
            margin_scale=float(meta.get("margin_scale", 1.0)),
        )
