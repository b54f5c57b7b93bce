"""Where evidence files are kept, and which files an assessment has.

The store is a folder (``LADDER_EVIDENCE_DIR``, by default ``evidence`` in the instance
folder) holding each file once, named by its SHA-256 under a two-character sub-folder:
``ab/abcdef…``. No user-supplied text ever reaches a path. A file is written to a temporary
name and moved into place, so a reader never sees half a file.

The bytes and the rows must agree although the file system is not transactional: a file
written during a transaction that rolls back is deleted again (unless it was there before),
and a file whose last row is removed is deleted only once the removal is committed.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path
from typing import Any

from flask import current_app
from sqlalchemy import event, func, select
from sqlalchemy.orm import Session

from app.extensions import db
from models import Assessment, EvidenceFile

_WRITTEN = "evidence_written"
_UNLINK = "evidence_unlink"


def evidence_dir() -> Path:
    configured = current_app.config.get("EVIDENCE_DIR") or ""
    return Path(configured) if configured else Path(current_app.instance_path) / "evidence"


def stored_path(sha256: str) -> Path:
    if len(sha256) != 64 or any(ch not in "0123456789abcdef" for ch in sha256):
        raise ValueError("not a SHA-256 hex digest")
    return evidence_dir() / sha256[:2] / sha256


def store_bytes(sha256: str, data: bytes) -> None:
    """Keep ``data`` under its digest (once); forgotten again if the transaction rolls back."""
    path = stored_path(sha256)
    if path.exists():
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".upload-")
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise
    db.session.info.setdefault(_WRITTEN, []).append(path)


def forget_bytes_after_commit(sha256: str, excluding: int) -> None:
    """Delete the stored bytes once this transaction commits, if no other file row that is
    not removed (``excluding`` the one being removed) still uses them."""
    still_used = db.session.scalar(
        select(func.count(EvidenceFile.id)).where(
            EvidenceFile.sha256 == sha256,
            EvidenceFile.removed_at.is_(None),
            EvidenceFile.id != excluding,
        )
    )
    if not still_used:
        db.session.info.setdefault(_UNLINK, []).append(stored_path(sha256))


@event.listens_for(Session, "after_commit")
def _after_commit(session: Session) -> None:
    session.info.pop(_WRITTEN, None)
    for path in session.info.pop(_UNLINK, []):
        with contextlib.suppress(FileNotFoundError):
            path.unlink()


@event.listens_for(Session, "after_rollback")
def _after_rollback(session: Session) -> None:
    session.info.pop(_UNLINK, None)
    for path in session.info.pop(_WRITTEN, []):
        with contextlib.suppress(FileNotFoundError):
            path.unlink()


def files_of(assessment: Assessment, *, removed: bool = False) -> list[EvidenceFile]:
    """The assessment's files in upload order; the removed ones too when asked."""
    stmt = select(EvidenceFile).where(EvidenceFile.assessment_id == assessment.id)
    if not removed:
        stmt = stmt.where(EvidenceFile.removed_at.is_(None))
    return list(db.session.scalars(stmt.order_by(EvidenceFile.uploaded_at, EvidenceFile.id)))


def files_by_practice(assessment: Assessment) -> dict[str, list[EvidenceFile]]:
    grouped: dict[str, list[EvidenceFile]] = {}
    for row in files_of(assessment):
        grouped.setdefault(row.practice_id, []).append(row)
    return grouped


def practices_with_files(assessment: Assessment) -> set[str]:
    """The practices that have at least one attached file, in one query."""
    return set(
        db.session.scalars(
            select(EvidenceFile.practice_id)
            .where(EvidenceFile.assessment_id == assessment.id, EvidenceFile.removed_at.is_(None))
            .distinct()
        )
    )


def evidence_manifest(assessment: Assessment) -> list[dict[str, Any]]:
    """The files attached now, for the snapshot frozen at validation."""
    return [
        {
            "id": row.id,
            "practice_id": row.practice_id,
            "name": row.name,
            "media_type": row.media_type,
            "size": row.size,
            "sha256": row.sha256,
            "evidence_date": row.evidence_date.isoformat(),
            "owner": row.owner,
            "uploaded_by_id": row.uploaded_by_id,
        }
        for row in files_of(assessment)
    ]
