"""Maturity models in the database: built-in files are stored on first use, other files are
imported; a version that any assessment uses is immutable."""

from __future__ import annotations

import functools

from flask_babel import gettext as _
from sqlalchemy import exists, select
from sqlalchemy.exc import IntegrityError

from app.extensions import db
from app.services.errors import ServiceError
from assessments.maturity_model.index import (
    builtin_model_keys,
    builtin_model_path,
    load_builtin_model,
)
from assessments.maturity_model.model import MaturityModel
from assessments.maturity_model.validator import load_model_text
from models import Assessment, Cycle, StoredModel


@functools.lru_cache(maxsize=32)
def parsed_definition(definition: str) -> MaturityModel:
    """The model of a stored definition, parsed once per process (``app.warmup`` parses the
    built-in ones before a server's workers start)."""
    return load_model_text(definition)


def parsed(stored: StoredModel) -> MaturityModel:
    """The domain model of a stored row, parsed once per process and definition. The cache
    is keyed by the definition itself: Python hashes a string once and keeps the hash on it,
    so the pages that ask several times per request for the model of the same loaded row
    (100 KB for CMMI) pay one hash, where a SHA-256 was computed on every call."""
    return parsed_definition(stored.definition)


def store_model(model: MaturityModel, definition: str, *, builtin: bool = False) -> StoredModel:
    """Insert or replace the (key, version) row; refused when assessments already use it."""
    row = db.session.scalar(
        select(StoredModel).where(
            StoredModel.key == model.key, StoredModel.version == model.version
        )
    )
    if row is not None:
        if row.definition == definition:
            return row
        if model_in_use(row):
            raise ServiceError(
                _(
                    "Model %(key)s version %(version)s is used by assessments and "
                    "cannot change. Import it as a new version.",
                    key=model.key,
                    version=model.version,
                ),
                "file",
            )
    else:
        row = StoredModel(key=model.key, version=model.version)
        db.session.add(row)
    row.name_zh, row.name_en = model.name.zh, model.name.en
    row.definition = definition
    row.builtin = builtin
    db.session.flush()
    return row


def model_in_use(row: StoredModel) -> bool:
    return bool(
        db.session.scalar(
            select(exists().where(Assessment.cycle_id == Cycle.id, Cycle.model_id == row.id))
        )
    )


def _stored(model: MaturityModel) -> StoredModel | None:
    return db.session.scalar(
        select(StoredModel).where(
            StoredModel.key == model.key, StoredModel.version == model.version
        )
    )


def ensure_builtin_models() -> list[StoredModel]:
    """Store every built-in model that the database does not have yet.

    Several requests (or processes) may do this at once on a fresh database: each insert
    runs in a savepoint, and losing the race just means reading the row the winner wrote.
    """
    rows = []
    for key in builtin_model_keys():
        model = load_builtin_model(key)
        row = _stored(model)
        if row is None:
            definition = builtin_model_path(key).read_text(encoding="utf-8")
            try:
                with db.session.begin_nested():
                    row = store_model(model, definition, builtin=True)
            except IntegrityError:
                row = _stored(model)
        if row is None:  # the savepoint either wrote it or the winner's row is visible
            raise RuntimeError(f"built-in model {key} could not be stored")
        rows.append(row)
    return rows


def latest_stored(key: str) -> StoredModel | None:
    rows = db.session.scalars(select(StoredModel).where(StoredModel.key == key)).all()
    return max(rows, key=lambda r: _version_key(r.version), default=None)


def _version_key(version: str) -> tuple[int | str, ...]:
    return tuple(int(p) if p.isdigit() else p for p in version.replace("-", ".").split("."))


def available_models() -> list[StoredModel]:
    ensure_builtin_models()
    return list(
        db.session.scalars(select(StoredModel).order_by(StoredModel.key, StoredModel.version))
    )
