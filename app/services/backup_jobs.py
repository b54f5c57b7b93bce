"""Backups made from the admin page, as a background job.

The job writes the same archive as ``ladder backup`` (``app.services.backup``: every table
and every evidence file) into the backup folder (``LADDER_BACKUP_DIR``, by default
``backups`` in the instance folder), first under a hidden ``.part`` name and then renamed, so
the list never shows half an archive, even when the process dies while writing. Archives
hold password hashes and every finding: they are readable by their owner only, and only
admins list and download them. The folder must be one the web processes can read: with
workers on another machine, put it on storage both share (docs/deploy.md).
"""

from __future__ import annotations

import os
import re
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from flask import current_app
from flask_babel import lazy_gettext as _l

from app.extensions import db
from app.services.assessments.evidence_store import evidence_dir
from app.services.backup import create_backup
from app.services.jobs import JobContext, job_kind, submit
from models import Base, Job, User
from models.base import utcnow

BACKUP_JOB = "backup"
NAME = re.compile(r"ladder-backup-\d{8}-\d{6}-\d+\.zip")
#: A ``.part`` file older than this belonged to a backup whose process died.
ABANDONED_SECONDS = 3600


@dataclass(frozen=True)
class BackupFile:
    name: str
    size: int
    created_at: datetime


def backup_dir() -> Path:
    configured = current_app.config.get("BACKUP_DIR") or ""
    return Path(configured) if configured else Path(current_app.instance_path) / "backups"


def backup_files() -> list[BackupFile]:
    """The finished archives, newest first."""
    directory = backup_dir()
    if not directory.is_dir():
        return []
    found = []
    for path in directory.iterdir():
        if NAME.fullmatch(path.name) and path.is_file():
            stat = path.stat()
            found.append(
                BackupFile(path.name, stat.st_size, datetime.fromtimestamp(stat.st_mtime, UTC))
            )
    return sorted(found, key=lambda f: (f.created_at, f.name), reverse=True)


def backup_path(name: str) -> Path | None:
    """The archive called ``name``, if it is one (no other file of the folder, ever)."""
    if not NAME.fullmatch(name):
        return None
    path = backup_dir() / name
    return path if path.is_file() else None


def submit_backup(actor: User) -> Job:
    return submit(BACKUP_JOB, {}, subject="backup", actor=actor)


def _clear_abandoned(directory: Path) -> None:
    for path in directory.glob(".*.part"):
        if time.time() - path.stat().st_mtime > ABANDONED_SECONDS:
            path.unlink(missing_ok=True)


@job_kind(BACKUP_JOB, _l("Backup"))
def _make_backup(context: JobContext) -> dict[str, Any]:
    directory = backup_dir()
    directory.mkdir(mode=0o700, parents=True, exist_ok=True)
    _clear_abandoned(directory)
    name = f"ladder-backup-{utcnow():%Y%m%d-%H%M%S}-{context.job_id}.zip"
    partial = directory / f".{name}.part"
    steps = len(Base.metadata.sorted_tables)
    done = [0]

    def progress(count: int) -> None:
        done[0] += count
        context.progress(done[0] / (steps + 1), "")

    try:
        manifest = create_backup(db.engine, partial, progress, evidence_dir())
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    os.replace(partial, directory / name)
    evidence = manifest["evidence"]
    return {
        "filename": name,
        "rows": sum(t["rows"] for t in manifest["tables"].values()),
        "evidence_files": evidence["files"],
        "missing_evidence": evidence["missing_count"],
        "problems": manifest["problem_count"],
    }
