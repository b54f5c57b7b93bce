"""The built-in maturity models: the files in ``assessments/model_files`` and their keys.

A file is found by the ``key`` it declares (normally its file name); each model is loaded,
validated and cached on first use. Part of the pure domain package.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from pathlib import Path

from assessments.maturity_model.model import MaturityModel
from assessments.maturity_model.validator import MAX_MODEL_FILE_BYTES, load_model_file

__all__ = [
    "MODEL_FILES_DIR",
    "UnknownModelError",
    "builtin_model_keys",
    "builtin_model_path",
    "builtin_model_paths",
    "load_builtin_model",
]

#: Where the built-in model files live.
MODEL_FILES_DIR = Path(__file__).resolve().parent.parent / "model_files"


class UnknownModelError(LookupError):
    """No built-in model has the requested key."""

    def __init__(self, key: str, known: Sequence[str]) -> None:
        self.key = key
        self.known = tuple(known)
        choices = ", ".join(self.known) or "none"
        super().__init__(f"unknown model {key!r} (built-in models: {choices})")

    def __str__(self) -> str:
        return str(self.args[0])


def builtin_model_paths() -> list[Path]:
    """The built-in model files (``assessments/model_files/*.yaml``), sorted."""
    return sorted(MODEL_FILES_DIR.glob("*.yaml"))


_TOP_LEVEL_KEY_RE = re.compile(
    r"""^key:[ \t]*(["']?)([a-z0-9.-]+)\1[ \t]*(?:#.*)?$""", re.MULTILINE
)


def _declared_key(path: Path) -> str:
    """The ``key:`` a model file declares, found without parsing it (else its file name)."""
    try:
        with path.open("rb") as handle:
            head = handle.read(MAX_MODEL_FILE_BYTES).decode("utf-8", errors="replace")
    except OSError:
        return path.stem
    match = _TOP_LEVEL_KEY_RE.search(head)
    return match[2] if match else path.stem


def _builtin_index() -> dict[str, Path]:
    index: dict[str, Path] = {}
    for path in builtin_model_paths():
        index.setdefault(_declared_key(path), path)
    return index


def builtin_model_path(key: str) -> Path:
    """The file of built-in model ``key``; UnknownModelError if there is none."""
    index = _builtin_index()
    if key not in index:
        raise UnknownModelError(key, sorted(index))
    return index[key]


def builtin_model_keys() -> list[str]:
    """The keys of the built-in models, sorted (normally their file names)."""
    return sorted(_builtin_index())


@functools.cache
def load_builtin_model(key: str) -> MaturityModel:
    """The built-in model ``key`` (cached); UnknownModelError if there is none.

    Files are meant to be named ``<key>.yaml``; a file named otherwise is still found by
    the ``key`` it declares.
    """
    index = _builtin_index()
    path = index.get(key)
    if path is None:
        raise UnknownModelError(key, sorted(index))
    model = load_model_file(path)
    if model.key != key:  # pragma: no cover - the declared key is the loaded key
        raise UnknownModelError(key, sorted(index))
    return model
